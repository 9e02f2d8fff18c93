using System.Text;
using CivicGrid.Platform.Telemetry;
using Xunit;

namespace CivicGrid.Platform.Tests;

/// <summary>Validation of telemetry JSON: formats, per-reading errors, malformed input.</summary>
public sealed class TelemetryParserTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 3, 0, 0, TimeSpan.Zero);

    private static TelemetryParseResult Parse(string json, int max = 1000, string? device = null, TelemetryKind? kind = null) =>
        TelemetryBatchParser.Parse(Encoding.UTF8.GetBytes(json), "test", Now, max, device, kind);

    [Fact]
    public void A_batch_of_every_kind_parses_into_readings_with_utc_microsecond_times()
    {
        var result = Parse("""
            [
              {"deviceId":"riverside-h001-meter","kind":"meter","time":"2026-11-23T03:00:00.1234567+09:00","sequence":7,"powerKw":1.5},
              {"deviceId":"w-12","kind":"WATER","time":"2026-11-23T02:45:00Z","pressureHeadM":31.5,"flowM3PerS":0.012},
              {"deviceId":"ev:3","kind":"device","time":"2026-11-23T02:50:00Z","state":" charging "},
              {"deviceId":"pv-1","kind":"meter","time":"2026-11-23T02:50:00Z","energyKwh":-0.5,"intervalSeconds":1800}
            ]
            """);
        Assert.True(result.IsValid, string.Join("; ", result.Errors));
        Assert.Equal(4, result.Readings.Count);
        var meter = result.Readings[0];
        Assert.Equal(TelemetryKind.Meter, meter.Kind);
        Assert.Equal(TimeSpan.Zero, meter.Time.Offset);
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 18, 0, 0, TimeSpan.Zero).AddTicks(1_234_560), meter.Time);
        Assert.Equal(7, meter.Sequence);
        Assert.Equal(TelemetryKind.Water, result.Readings[1].Kind);
        Assert.Equal(0, result.Readings[1].Sequence);
        Assert.Equal("charging", result.Readings[2].State);
        // 0.5 kWh exported over 30 minutes is an average of -1 kW.
        Assert.Equal(-1.0, result.Readings[3].AveragePowerKilowatts, 12);
    }

    [Fact]
    public void Each_invalid_reading_is_reported_with_its_index_field_and_reason()
    {
        var result = Parse("""
            [
              {"deviceId":"ok","kind":"meter","time":"2026-11-23T03:00:00Z","powerKw":1},
              {"kind":"meter","time":"2026-11-23T03:00:00Z","powerKw":1},
              {"deviceId":"m2","kind":"gas","time":"2026-11-23T03:00:00Z"},
              {"deviceId":"m3","kind":"meter","time":"2026-11-23T03:00:00","powerKw":1},
              {"deviceId":"m4","kind":"meter","time":"2026-11-23T03:00:00Z"},
              {"deviceId":"w1","kind":"water","time":"2026-11-23T03:00:00Z","pressureHeadM":30},
              {"deviceId":"d1","kind":"device","time":"2026-11-23T03:00:00Z","state":"on","powerKw":2},
              {"deviceId":"m5","kind":"meter","time":"2026-11-23T03:00:00Z","powerKw":1,"sequence":-1},
              {"deviceId":"m6","kind":"meter","time":"2031-01-01T00:00:00Z","powerKw":1},
              {"deviceId":"bad id/with slash","kind":"meter","time":"2026-11-23T03:00:00Z","powerKw":1}
            ]
            """);
        Assert.False(result.IsValid);
        Assert.Single(result.Readings);
        var keys = result.Errors.Select(e => e.Key).ToList();
        Assert.Equal(
            ["[1].deviceId", "[2].kind", "[3].time", "[4].powerKw", "[5].flowM3PerS", "[6].powerKw", "[7].sequence", "[8].time", "[9].deviceId"],
            keys);
        Assert.Contains("gas", result.Errors[1].Reason, StringComparison.Ordinal);
        Assert.Contains("offset", result.Errors[2].Reason, StringComparison.Ordinal);
        Assert.Contains("not a field of a device reading", result.Errors[5].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_json_names_line_and_column()
    {
        var error = Assert.Throws<TelemetryFormatException>(() => Parse("[\n  {\"deviceId\": \"m1\",\n   \"powerKw\": \"high\"}\n]"));
        Assert.Equal("test", error.Origin);
        Assert.Equal(3, error.Line);
        Assert.True(error.Column > 1);
        Assert.Contains("powerKw", error.Reason, StringComparison.Ordinal);

        var truncated = Assert.Throws<TelemetryFormatException>(() => Parse("[{\"deviceId\":\"m1\""));
        Assert.Equal(1, truncated.Line);
        Assert.Throws<TelemetryFormatException>(() => Parse("\"just a string\""));
        Assert.Throws<TelemetryFormatException>(() => Parse("[null]"));
        Assert.Throws<TelemetryFormatException>(() => Parse(""));
    }

    [Fact]
    public void Empty_and_oversized_batches_are_refused_as_a_whole()
    {
        Assert.Contains("no readings", Assert.Single(Parse("[]").Errors).Reason, StringComparison.Ordinal);
        var three = """[{"deviceId":"a","kind":"device","time":"2026-11-23T03:00:00Z","state":"on"},{"deviceId":"b","kind":"device","time":"2026-11-23T03:00:00Z","state":"on"},{"deviceId":"c","kind":"device","time":"2026-11-23T03:00:00Z","state":"on"}]""";
        var refused = Parse(three, max: 2);
        Assert.Empty(refused.Readings);
        Assert.Contains("at most 2", Assert.Single(refused.Errors).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Device_and_kind_can_come_from_the_mqtt_topic()
    {
        var result = Parse("""{"time":"2026-11-23T03:00:00Z","pressureHeadM":28,"flowM3PerS":0.2}""", device: "w-7", kind: TelemetryKind.Water);
        var reading = Assert.Single(result.Readings);
        Assert.Equal("w-7", reading.DeviceId);
        Assert.Equal(TelemetryKind.Water, reading.Kind);

        Assert.True(TelemetryMqttBroker.TryParseTopic("civicgrid/telemetry/meter/m-1", "civicgrid/telemetry", out var device, out var kind));
        Assert.Equal(("m-1", TelemetryKind.Meter), (device, kind));
        Assert.True(TelemetryMqttBroker.TryParseTopic("civicgrid/telemetry/batch", "civicgrid/telemetry", out device, out kind));
        Assert.Null(device);
        Assert.False(TelemetryMqttBroker.TryParseTopic("civicgrid/telemetry/gas/m-1", "civicgrid/telemetry", out _, out _));
        Assert.False(TelemetryMqttBroker.TryParseTopic("other/meter/m-1", "civicgrid/telemetry", out _, out _));
        Assert.False(TelemetryMqttBroker.TryParseTopic("civicgrid/telemetry/meter/a/b", "civicgrid/telemetry", out _, out _));
    }
}
