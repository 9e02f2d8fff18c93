using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CivicGrid.Platform.Telemetry;

/// <summary>A telemetry payload that is not JSON of the expected shape: where (source, line, column) and why.</summary>
public sealed class TelemetryFormatException(string source, long line, long column, string reason, Exception? inner = null)
    : Exception($"{source}:{line.ToString(CultureInfo.InvariantCulture)}:{column.ToString(CultureInfo.InvariantCulture)}: {reason}", inner)
{
    /// <summary>What was parsed (<c>request body</c>, an MQTT topic …).</summary>
    public string Origin { get; } = source;

    /// <summary>1-based line of the error.</summary>
    public long Line { get; } = line;

    /// <summary>1-based column (byte position) of the error.</summary>
    public long Column { get; } = column;

    public string Reason { get; } = reason;
}

/// <summary>Readings that passed validation and per-reading errors of those that did not.</summary>
public sealed record TelemetryParseResult(IReadOnlyList<TelemetryReading> Readings, IReadOnlyList<TelemetryReadingError> Errors)
{
    public bool IsValid => Errors.Count == 0;
}

/// <summary>
/// Parses and validates telemetry JSON: an array of reading objects (or one object). Field names are camelCase with
/// units in the name: <c>deviceId</c>, <c>kind</c> (meter | water | device), <c>time</c> (ISO 8601 with offset),
/// <c>sequence</c> (optional, ≥ 0), then per kind <c>powerKw</c> / <c>energyKwh</c> / <c>intervalSeconds</c>,
/// <c>pressureHeadM</c> / <c>flowM3PerS</c>, or <c>state</c>. Malformed JSON raises <see cref="TelemetryFormatException"/>;
/// invalid readings are reported one by one.
/// </summary>
public static class TelemetryBatchParser
{
    private const int MaxDeviceIdLength = 128;
    private const int MaxStateLength = 64;
    private static readonly DateTimeOffset EarliestTime = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Parses <paramref name="json"/>. <paramref name="defaultDeviceId"/> and <paramref name="defaultKind"/> fill readings that omit them (MQTT topics carry them).</summary>
    public static TelemetryParseResult Parse(ReadOnlySpan<byte> json, string source, DateTimeOffset now, int maxReadings,
        string? defaultDeviceId = null, TelemetryKind? defaultKind = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        var items = Deserialize(json, source);
        if (items.Length == 0)
        {
            return new TelemetryParseResult([], [new TelemetryReadingError(0, "$", "the batch holds no readings")]);
        }
        if (items.Length > maxReadings)
        {
            return new TelemetryParseResult([], [new TelemetryReadingError(0, "$",
                $"the batch holds {items.Length.ToString(CultureInfo.InvariantCulture)} readings; at most {maxReadings.ToString(CultureInfo.InvariantCulture)} are allowed per batch")]);
        }
        var readings = new List<TelemetryReading>(items.Length);
        var errors = new List<TelemetryReadingError>();
        for (var i = 0; i < items.Length; i++)
        {
            if (Validate(i, items[i], now, defaultDeviceId, defaultKind, errors) is { } reading)
            {
                readings.Add(reading);
            }
        }
        return new TelemetryParseResult(readings, errors);
    }

    private static ReadingJson[] Deserialize(ReadOnlySpan<byte> json, string source)
    {
        var start = 0;
        while (start < json.Length && json[start] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            start++;
        }
        try
        {
            if (start < json.Length && json[start] == (byte)'{')
            {
                var one = JsonSerializer.Deserialize(json, TelemetryJsonContext.Default.ReadingJson);
                return one is null ? [] : [one];
            }
            if (start >= json.Length || json[start] != (byte)'[')
            {
                throw new TelemetryFormatException(source, 1, 1, "expected a JSON array of readings (or one reading object)");
            }
            var items = JsonSerializer.Deserialize(json, TelemetryJsonContext.Default.ReadingJsonArray) ?? [];
            return Array.IndexOf(items, null) is var nullAt and >= 0
                ? throw new TelemetryFormatException(source, 1, 1, $"reading {nullAt.ToString(CultureInfo.InvariantCulture)} is null, not an object")
                : items!;
        }
        catch (JsonException ex)
        {
            var reason = ex.Path is { Length: > 0 } path ? $"invalid JSON at {path}: {FirstSentence(ex.Message)}" : "invalid JSON: " + FirstSentence(ex.Message);
            throw new TelemetryFormatException(source, (ex.LineNumber ?? 0) + 1, (ex.BytePositionInLine ?? 0) + 1, reason, ex);
        }
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(". ", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message.TrimEnd('.');
    }

    private static TelemetryReading? Validate(int index, ReadingJson r, DateTimeOffset now, string? defaultDeviceId, TelemetryKind? defaultKind, List<TelemetryReadingError> errors)
    {
        var before = errors.Count;
        void Fail(string field, string reason) => errors.Add(new TelemetryReadingError(index, field, reason));

        var deviceId = r.DeviceId ?? defaultDeviceId;
        if (string.IsNullOrEmpty(deviceId))
        {
            Fail("deviceId", "required");
        }
        else if (deviceId.Length > MaxDeviceIdLength || !deviceId.All(IsDeviceIdChar))
        {
            Fail("deviceId", $"must be 1–{MaxDeviceIdLength.ToString(CultureInfo.InvariantCulture)} characters of A–Z a–z 0–9 . _ : -");
        }

        TelemetryKind? kind = defaultKind;
        if (r.Kind is { } kindText)
        {
            kind = kindText.ToUpperInvariant() switch
            {
                "METER" => TelemetryKind.Meter,
                "WATER" => TelemetryKind.Water,
                "DEVICE" => TelemetryKind.Device,
                _ => null,
            };
            if (kind is null)
            {
                Fail("kind", $"'{kindText}' is not a kind: expected meter, water or device");
            }
        }
        else if (kind is null)
        {
            Fail("kind", "required: meter, water or device");
        }

        var time = default(DateTimeOffset);
        if (string.IsNullOrEmpty(r.Time))
        {
            Fail("time", "required (ISO 8601 with a UTC offset, e.g. 2026-11-23T03:00:00Z)");
        }
        else if (!HasOffset(r.Time) || !DateTimeOffset.TryParse(r.Time, CultureInfo.InvariantCulture, DateTimeStyles.None, out time))
        {
            Fail("time", $"'{r.Time}' is not an ISO 8601 time with a UTC offset");
        }
        else if (time < EarliestTime || time > now.AddDays(1))
        {
            Fail("time", "must lie between 2000-01-01 and one day after the server's clock");
        }

        if (r.Sequence is < 0)
        {
            Fail("sequence", "must be zero or positive");
        }

        switch (kind)
        {
            case TelemetryKind.Meter:
                if (r.PowerKw is null && r.EnergyKwh is null)
                {
                    Fail("powerKw", "a meter reading needs powerKw or energyKwh");
                }
                CheckFinite(r.PowerKw, "powerKw", 1e6, Fail);
                CheckFinite(r.EnergyKwh, "energyKwh", 1e9, Fail);
                if (r.IntervalSeconds is { } interval && !(interval > 0 && interval <= 86_400))
                {
                    Fail("intervalSeconds", "must be above 0 and at most 86400");
                }
                NotFor(r.PressureHeadM, "pressureHeadM", "meter", Fail);
                NotFor(r.FlowM3PerS, "flowM3PerS", "meter", Fail);
                NotFor(r.State, "state", "meter", Fail);
                break;
            case TelemetryKind.Water:
                if (r.PressureHeadM is null)
                {
                    Fail("pressureHeadM", "required for a water reading");
                }
                if (r.FlowM3PerS is null)
                {
                    Fail("flowM3PerS", "required for a water reading");
                }
                CheckFinite(r.PressureHeadM, "pressureHeadM", 1e5, Fail);
                CheckFinite(r.FlowM3PerS, "flowM3PerS", 1e5, Fail);
                NotFor(r.PowerKw, "powerKw", "water", Fail);
                NotFor(r.EnergyKwh, "energyKwh", "water", Fail);
                NotFor(r.IntervalSeconds, "intervalSeconds", "water", Fail);
                NotFor(r.State, "state", "water", Fail);
                break;
            case TelemetryKind.Device:
                if (string.IsNullOrWhiteSpace(r.State))
                {
                    Fail("state", "required for a device reading");
                }
                else if (r.State.Length > MaxStateLength)
                {
                    Fail("state", $"at most {MaxStateLength.ToString(CultureInfo.InvariantCulture)} characters");
                }
                NotFor(r.PowerKw, "powerKw", "device", Fail);
                NotFor(r.EnergyKwh, "energyKwh", "device", Fail);
                NotFor(r.IntervalSeconds, "intervalSeconds", "device", Fail);
                NotFor(r.PressureHeadM, "pressureHeadM", "device", Fail);
                NotFor(r.FlowM3PerS, "flowM3PerS", "device", Fail);
                break;
            default:
                break;
        }

        if (errors.Count > before)
        {
            return null;
        }
        // Microsecond precision: what PostgreSQL's timestamptz keeps, so both stores agree on a reading's identity.
        var utcTicks = time.UtcTicks - (time.UtcTicks % 10);
        return new TelemetryReading(deviceId!, kind!.Value, new DateTimeOffset(utcTicks, TimeSpan.Zero), r.Sequence ?? 0,
            r.PowerKw, r.EnergyKwh, r.IntervalSeconds, r.PressureHeadM, r.FlowM3PerS, r.State?.Trim());
    }

    private static void CheckFinite(double? value, string field, double limit, Action<string, string> fail)
    {
        if (value is { } v && !(double.IsFinite(v) && Math.Abs(v) <= limit))
        {
            fail(field, $"must be a finite number of magnitude at most {limit.ToString("G", CultureInfo.InvariantCulture)}");
        }
    }

    private static void NotFor(object? value, string field, string kind, Action<string, string> fail)
    {
        if (value is not null)
        {
            fail(field, $"not a field of a {kind} reading");
        }
    }

    private static bool HasOffset(string text) =>
        text.EndsWith('Z') || text.EndsWith('z')
        || (text.Length > 6 && text[^3] == ':' && text[^6] is '+' or '-' && char.IsAsciiDigit(text[^1]) && char.IsAsciiDigit(text[^5]));

    private static bool IsDeviceIdChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '-';

    internal sealed class ReadingJson
    {
        [JsonPropertyName("deviceId")] public string? DeviceId { get; set; }

        [JsonPropertyName("kind")] public string? Kind { get; set; }

        [JsonPropertyName("time")] public string? Time { get; set; }

        [JsonPropertyName("sequence")] public long? Sequence { get; set; }

        [JsonPropertyName("powerKw")] public double? PowerKw { get; set; }

        [JsonPropertyName("energyKwh")] public double? EnergyKwh { get; set; }

        [JsonPropertyName("intervalSeconds")] public double? IntervalSeconds { get; set; }

        [JsonPropertyName("pressureHeadM")] public double? PressureHeadM { get; set; }

        [JsonPropertyName("flowM3PerS")] public double? FlowM3PerS { get; set; }

        [JsonPropertyName("state")] public string? State { get; set; }
    }
}

[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = false, ReadCommentHandling = JsonCommentHandling.Disallow)]
[JsonSerializable(typeof(TelemetryBatchParser.ReadingJson))]
[JsonSerializable(typeof(TelemetryBatchParser.ReadingJson[]), TypeInfoPropertyName = "ReadingJsonArray")]
internal sealed partial class TelemetryJsonContext : JsonSerializerContext;
