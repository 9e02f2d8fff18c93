using System.ComponentModel.DataAnnotations;
using System.Globalization;
using CivicGrid.Platform.Telemetry;
using CivicGrid.Server.Security;
using Microsoft.AspNetCore.Mvc;

namespace CivicGrid.Server.Api;

/// <summary>What <c>POST /api/telemetry/batch</c> answers once the batch is committed.</summary>
public sealed record TelemetryBatchAccepted(int Readings, int Accepted, int Duplicates);

/// <summary>One stored reading as the API shows it (fields of the reading's kind only).</summary>
public sealed record TelemetryReadingView(
    string DeviceId, string Kind, DateTimeOffset Time, long Sequence,
    double? PowerKw, double? EnergyKwh, double? IntervalSeconds, double? PressureHeadM, double? FlowM3PerS, string? State)
{
    public static TelemetryReadingView From(TelemetryReading r) => new(
        r.DeviceId, r.Kind.ToString().ToLowerInvariant(), r.Time, r.Sequence,
        r.PowerKilowatts, r.EnergyKilowattHours, r.IntervalSeconds, r.PressureHeadMeters, r.FlowCubicMetersPerSecond, r.State);
}

/// <summary>Filters of <c>GET /api/telemetry/devices/{deviceId}/readings</c>.</summary>
public sealed class TelemetryReadingQuery
{
    [FromQuery(Name = "from")]
    public DateTimeOffset? From { get; set; }

    [FromQuery(Name = "to")]
    public DateTimeOffset? To { get; set; }

    [FromQuery(Name = "take")]
    [Range(1, 10_000)]
    public int? Take { get; set; }
}

/// <summary>
/// <c>/api/telemetry</c>: batches of readings from meters, sensors and devices (operators and administrators, usually as
/// an API key of an ingestion account), and reads of the stored time series (operators, auditors, administrators).
/// </summary>
public static class TelemetryEndpoints
{
    /// <summary>The largest request body accepted (bytes).</summary>
    public const int MaxBodyBytes = 16 * 1024 * 1024;

    public static void MapTelemetryEndpoints(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/telemetry").WithTags("Telemetry");

        group.MapPost("/batch", IngestAsync)
            .RequireAuthorization(CivicGridPolicies.RegionSteward)
            .Accepts<IReadOnlyList<object>>("application/json")
            .Produces<TelemetryBatchAccepted>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithName("IngestTelemetryBatch")
            .WithSummary("Store a batch of meter, water-sensor and device readings")
            .WithDescription("A JSON array of readings (see docs/telemetry.md). 202 only after the whole batch is committed; " +
                "an invalid reading refuses the whole batch with per-reading errors; 503 with Retry-After when the queue is full. " +
                "Duplicates (same device, time and sequence) are counted, not stored twice. Operators and administrators.");

        group.MapGet("/devices/{deviceId}/readings", async ([AsParameters] TelemetryReadingQuery query, string deviceId, TelemetryStore store, CancellationToken ct) =>
                TypedResults.Ok((await store.ReadAsync(deviceId, query.From, query.To, query.Take ?? 1000, ct)).Select(TelemetryReadingView.From).ToList()))
            .RequireAuthorization(CivicGridPolicies.InfrastructureReader)
            .WithName("ListTelemetryReadings")
            .WithSummary("A device's stored readings in time order")
            .WithDescription("Optionally within [from, to); take is 1–10000 (default 1000). Operators, auditors and administrators.");

        group.MapGet("/status", (TelemetryIngestor ingestor) => TypedResults.Ok(ingestor.Statistics))
            .RequireAuthorization(CivicGridPolicies.InfrastructureReader)
            .WithName("GetTelemetryStatus")
            .WithSummary("Counters and queue depth of this server's ingestion pipeline")
            .WithDescription("Operators, auditors and administrators.");
    }

    private static async Task<IResult> IngestAsync(HttpContext http, TelemetryIngestor ingestor, TimeProvider time, CancellationToken ct)
    {
        var request = http.Request;
        if (request.ContentType is not { } contentType || !contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return TypedResults.Problem("Send the readings as a JSON array with Content-Type: application/json.",
                statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type");
        }
        if (request.ContentLength > MaxBodyBytes)
        {
            return TooLarge();
        }
        using var body = new MemoryStream(request.ContentLength is { } length ? (int)length : 64 * 1024);
        var buffer = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, ct)) > 0)
        {
            if (body.Length + read > MaxBodyBytes)
            {
                return TooLarge();
            }
            body.Write(buffer, 0, read);
        }

        TelemetryParseResult parsed;
        try
        {
            parsed = TelemetryBatchParser.Parse(body.GetBuffer().AsSpan(0, (int)body.Length), "request body", time.GetUtcNow(), ingestor.Options.MaxBatchReadings);
        }
        catch (TelemetryFormatException ex)
        {
            return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status400BadRequest, title: "The telemetry batch is not valid JSON of readings",
                extensions: new Dictionary<string, object?> { ["line"] = ex.Line, ["column"] = ex.Column, ["reason"] = ex.Reason });
        }
        if (!parsed.IsValid)
        {
            var errors = parsed.Errors.GroupBy(e => e.Key).ToDictionary(g => g.Key, g => g.Select(e => e.Reason).ToArray());
            return TypedResults.ValidationProblem(errors, title: "The batch has invalid readings; nothing was stored",
                detail: $"{parsed.Errors.Count.ToString(CultureInfo.InvariantCulture)} error(s); fix or drop those readings and send the batch again.");
        }

        if (ingestor.TrySubmit(parsed.Readings) is not { } committed)
        {
            return Busy(http, ingestor, "The ingestion queue is full; nothing was stored. Send the batch again after Retry-After seconds.");
        }
        try
        {
            var outcome = await committed.WaitAsync(ct);
            return TypedResults.Accepted((string?)null, new TelemetryBatchAccepted(parsed.Readings.Count, outcome.Accepted, outcome.Duplicates));
        }
        catch (Exception ex) when (ex is TelemetryStorageException or TelemetryShutdownException)
        {
            return Busy(http, ingestor, "The batch was not stored (" + ex.Message + "). Send it again after Retry-After seconds.");
        }
    }

    private static IResult TooLarge() => TypedResults.Problem(
        $"A batch may be at most {MaxBodyBytes.ToString(CultureInfo.InvariantCulture)} bytes; split it.",
        statusCode: StatusCodes.Status413PayloadTooLarge, title: "The telemetry batch is too large");

    private static IResult Busy(HttpContext http, TelemetryIngestor ingestor, string detail)
    {
        http.Response.Headers.RetryAfter = ingestor.Options.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "Telemetry ingestion is busy");
    }
}
