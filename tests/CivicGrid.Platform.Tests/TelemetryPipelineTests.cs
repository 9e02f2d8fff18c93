using System.Text;
using CivicGrid.Platform.Runtime.Grains;
using CivicGrid.Platform.Telemetry;
using CivicGrid.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Npgsql;
using Xunit;

namespace CivicGrid.Platform.Tests;

/// <summary>Telemetry from queue to time series to grains, on SQLite and PostgreSQL, and over MQTT.</summary>
public sealed class TelemetryPipelineTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);

    private static TelemetryReading Meter(string id, int minute, double kw, long sequence = 0) =>
        new(id, TelemetryKind.Meter, T0.AddMinutes(minute), sequence, PowerKilowatts: kw, IntervalSeconds: 900);

    public static TheoryData<string> Providers => new() { "Sqlite", "PostgreSQL" };

    private static async Task<(TelemetryTestHost Host, PostgresTestDatabase? Database)> StartAsync(string provider, IDictionary<string, string?>? settings = null)
    {
        PostgresTestDatabase? database = null;
        if (provider == "PostgreSQL")
        {
            database = await PostgresTestDatabase.CreateAsync(NpgsqlFactory.Instance, TestContext.Current.CancellationToken);
        }
        return (await TelemetryTestHost.StartAsync(database?.ConnectionString, settings), database);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Duplicates_are_counted_and_out_of_order_readings_are_stored_without_regressing_the_latest_state(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        var (host, database) = await StartAsync(provider);
        await using (database)
        await using (host)
        {
            var first = await host.Ingestor.SubmitAsync([Meter("m1", 0, 2.0), Meter("m1", 15, 4.0), Meter("m1", 15, 4.0)], ct);
            Assert.Equal(new TelemetryIngestOutcome(2, 1), first);
            // The 30-minute reading, a resend of minute 15, and a late reading for minute 5.
            var second = await host.Ingestor.SubmitAsync([Meter("m1", 30, 1.0), Meter("m1", 15, 4.0), Meter("m1", 5, 9.0)], ct);
            Assert.Equal(new TelemetryIngestOutcome(2, 1), second);

            var stored = await host.Store.ReadAsync("m1", null, null, 100, ct);
            Assert.Equal([0, 5, 15, 30], stored.Select(r => (int)(r.Time - T0).TotalMinutes));
            Assert.Equal(9.0, stored[1].PowerKilowatts);
            Assert.Equal(T0.AddMinutes(30), (await host.Store.LatestAsync("m1", ct))!.Time);

            var meter = await host.Grains.GetGrain<IMeterGrain>("m1").GetSnapshotAsync();
            Assert.Equal(T0.AddMinutes(30), meter.LastReadingAt);
            Assert.Equal(1.0, meter.LastPowerKilowatts);
            Assert.Equal(3, meter.ReadingCount);
            Assert.Equal((2.0 + 4.0 + 1.0) * 0.25, meter.ImportedKilowattHours, 12);
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Water_and_device_readings_land_in_their_grains(string provider)
    {
        var ct = TestContext.Current.CancellationToken;
        var (host, database) = await StartAsync(provider);
        await using (database)
        await using (host)
        {
            await host.Ingestor.SubmitAsync(
            [
                new TelemetryReading("w1", TelemetryKind.Water, T0, 0, PressureHeadMeters: 31, FlowCubicMetersPerSecond: 0.01),
                new TelemetryReading("w1", TelemetryKind.Water, T0.AddMinutes(1), 0, PressureHeadMeters: 24, FlowCubicMetersPerSecond: 0.03),
                new TelemetryReading("ev1", TelemetryKind.Device, T0, 2, State: "charging"),
                new TelemetryReading("ev1", TelemetryKind.Device, T0, 1, State: "plugged"),
            ], ct);
            var sensor = await host.Grains.GetGrain<IWaterSensorGrain>("w1").GetSnapshotAsync();
            Assert.Equal(24, sensor.Last!.PressureHeadMeters);
            Assert.Equal(24, sensor.MinimumPressureHeadMeters);
            Assert.Equal(2, sensor.ReadingCount);
            var device = await host.Grains.GetGrain<IDeviceGrain>("ev1").GetSnapshotAsync();
            // Same time: the higher sequence is the later report.
            Assert.Equal("charging", device.State);
            Assert.Equal(2, device.LastSequence);
            Assert.False(device.Silent);
        }
    }

    [Fact]
    public async Task A_full_queue_refuses_instead_of_growing()
    {
        var (host, _) = await StartAsync("Sqlite");
        await using (host)
        {
            // Not started: nothing drains the queue, so its bound is all that stands between a flood and memory.
            var idle = new TelemetryIngestor(host.Store, host.Grains,
                Options.Create(new TelemetryOptions { QueueCapacityBatches = 2 }), NullLogger<TelemetryIngestor>.Instance);
            Assert.NotNull(idle.TrySubmit([Meter("m9", 0, 1)]));
            Assert.NotNull(idle.TrySubmit([Meter("m9", 15, 1)]));
            Assert.Null(idle.TrySubmit([Meter("m9", 30, 1)]));
            var stats = idle.Statistics;
            Assert.Equal(1, stats.BatchesRefusedBusy);
            Assert.Equal(2, stats.QueuedBatches);
            using var waiting = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => idle.SubmitAsync([Meter("m9", 45, 1)], waiting.Token));
        }
    }

    [Fact]
    public async Task A_grain_replays_acknowledged_readings_its_lost_state_never_saw()
    {
        var ct = TestContext.Current.CancellationToken;
        var (host, _) = await StartAsync("Sqlite");
        await using (host)
        {
            // Stored but never handed to the grain: what a silo crash between commit and grain update leaves behind.
            await host.Store.AppendAsync([Meter("m-replay", 0, 2.0), Meter("m-replay", 15, 6.0)], ct);
            var meter = await host.Grains.GetGrain<IMeterGrain>("m-replay").GetSnapshotAsync();
            Assert.Equal(T0.AddMinutes(15), meter.LastReadingAt);
            Assert.Equal(2, meter.ReadingCount);
            Assert.Equal(2.0, meter.ImportedKilowattHours, 12);
        }
    }

    private static async Task<bool> ConnectsAsync(IMqttClient client, MqttClientOptions options, CancellationToken ct)
    {
        try
        {
            var result = await client.ConnectAsync(options, ct);
            return result.ResultCode == MqttClientConnectResultCode.Success && client.IsConnected;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return false; // Refused at CONNECT.
        }
    }

    [Fact]
    public async Task Mqtt_publishes_are_acknowledged_after_commit_and_refused_with_a_reason()
    {
        var ct = TestContext.Current.CancellationToken;
        var (host, _) = await StartAsync("Sqlite", new Dictionary<string, string?>
        {
            ["CivicGrid:Telemetry:Mqtt:Enabled"] = "true",
            ["CivicGrid:Telemetry:Mqtt:Port"] = "0",
        });
        await using (host)
        {
            var port = host.Services.GetRequiredService<TelemetryMqttBroker>().Port!.Value;
            var operatorKey = await host.CreateApiKeyAsync("gateway", PlatformRoles.Operator);
            var residentKey = await host.CreateApiKeyAsync("resident", PlatformRoles.Resident);
            var factory = new MqttClientFactory();

            MqttClientOptions Options(string key) => new MqttClientOptionsBuilder()
                .WithTcpServer("127.0.0.1", port).WithCredentials("gateway", key).WithProtocolVersion(MqttProtocolVersion.V500).WithTimeout(TimeSpan.FromSeconds(30)).Build();

            using var client = factory.CreateMqttClient();
            await client.ConnectAsync(Options(operatorKey), ct);
            var ok = await client.PublishAsync(new MqttApplicationMessageBuilder()
                .WithTopic("civicgrid/telemetry/meter/mq-1")
                .WithPayload(Encoding.UTF8.GetBytes("""[{"time":"2026-11-23T00:00:00Z","powerKw":1.5},{"time":"2026-11-23T00:15:00Z","powerKw":2.5}]"""))
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), ct);
            Assert.Equal(MqttClientPublishReasonCode.Success, ok.ReasonCode);
            // Acknowledged means committed: the readings are in the time series already.
            Assert.Equal(2, (await host.Store.ReadAsync("mq-1", null, null, 10, ct)).Count);

            var bad = await client.PublishAsync(new MqttApplicationMessageBuilder()
                .WithTopic("civicgrid/telemetry/water/w-9")
                .WithPayload(Encoding.UTF8.GetBytes("""{"time":"2026-11-23T00:00:00Z","pressureHeadM":30}"""))
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), ct);
            Assert.Equal(MqttClientPublishReasonCode.PayloadFormatInvalid, bad.ReasonCode);
            Assert.Contains("flowM3PerS", bad.ReasonString, StringComparison.Ordinal);
            var wrongTopic = await client.PublishAsync(new MqttApplicationMessageBuilder()
                .WithTopic("civicgrid/telemetry/gas/g-1").WithPayload("{}"u8.ToArray())
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), ct);
            Assert.Equal(MqttClientPublishReasonCode.TopicNameInvalid, wrongTopic.ReasonCode);
            await client.DisconnectAsync(cancellationToken: ct);

            using var intruder = factory.CreateMqttClient();
            Assert.False(await ConnectsAsync(intruder, Options("cgk_not-a-key"), ct), "an unknown API key was let in");
            using var resident = factory.CreateMqttClient();
            Assert.False(await ConnectsAsync(resident, Options(residentKey), ct), "a resident's key was let in");
            Assert.Empty(await host.Store.ReadAsync("w-9", null, null, 10, ct));
        }
    }
}
