using System.Text;
using CivicGrid.Ledger;
using CivicGrid.Ledger.Tiles;
using CivicGrid.Platform.Decisions;
using CivicGrid.Platform.Ledger;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace CivicGrid.Server.Api;

/// <summary>A region's log: its identity, size, published checkpoint and witness policy.</summary>
public sealed record LedgerLogView(
    string RegionId,
    string Origin,
    string VerifierKey,
    long SignedSize,
    long? PublishedSize,
    string? PublishedCheckpoint,
    IReadOnlyList<CheckpointCosignature> Cosignatures,
    int RequiredCosignatures,
    IReadOnlyList<string> WitnessKeys,
    string CheckpointUrl);

/// <summary>This node as a witness: its cosigner key and the logs it cosigns, with the size last cosigned.</summary>
public sealed record LedgerWitnessView(string VerifierKey, IReadOnlyList<WitnessedLogView> Logs, IReadOnlyCollection<WitnessMonitorReport> Monitor);

/// <summary>A log this node witnesses and the latest size it cosigned (null: none yet).</summary>
public sealed record WitnessedLogView(string Origin, long? Size);

/// <summary>
/// The transparency ledger over HTTP, under <c>/api/ledger</c>. Everything here is public (anonymous) by design:
/// a transparency log is only useful if anyone can fetch and verify it.
/// <list type="bullet">
/// <item><c>logs/{region}/checkpoint</c> and <c>logs/{region}/tile/…</c>: the c2sp.org/tlog-tiles read API of a region's
/// log (full tiles immutable, cacheable for a year).</item>
/// <item><c>witness/add-checkpoint</c>: this node's c2sp.org/tlog-witness endpoint.</item>
/// <item>JSON views of the logs and the witness, receipts by entry index or decision id, and receipt verification.</item>
/// </list>
/// </summary>
public static class LedgerEndpoints
{
    /// <summary>Largest add-checkpoint body accepted (63 proof lines and a checkpoint with 100 signatures fit easily).</summary>
    public const int MaxWitnessRequestBytes = 64 * 1024;

    private const string ImmutableCache = "public, max-age=31536000, immutable";
    private const string PartialTileCache = "public, max-age=60";

    public static void MapLedgerEndpoints(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/ledger").WithTags("Ledger").AllowAnonymous();

        // tlog-tiles and tlog-witness are specified by C2SP, not by this API's OpenAPI document.
        group.MapGet("/logs/{regionId}/checkpoint", CheckpointAsync).ExcludeFromDescription();
        group.MapGet("/logs/{regionId}/tile/{**path}", TileAsync).ExcludeFromDescription();
        group.MapPost("/witness/add-checkpoint", AddCheckpointAsync).ExcludeFromDescription();

        group.MapGet("/logs", async (LedgerRegions regions, LedgerTransparencyLogs logs, LedgerPublisher publisher, IOptions<LedgerOptions> options, CancellationToken ct) =>
                TypedResults.Ok((await regions.AllAsync(ct)).Select(r => View(r, logs, publisher, options)).ToList()))
            .WithName("ListLedgerLogs")
            .WithSummary("Every region's transparency log: origin, verifier key, published checkpoint and cosignatures")
            .WithDescription("Public.");

        group.MapGet("/logs/{regionId}", async Task<Results<Ok<LedgerLogView>, NotFound>> (
                    string regionId, LedgerRegions regions, LedgerTransparencyLogs logs, LedgerPublisher publisher, IOptions<LedgerOptions> options, CancellationToken ct) =>
                await regions.ExistsAsync(regionId, ct) ? TypedResults.Ok(View(regionId, logs, publisher, options)) : TypedResults.NotFound())
            .WithName("GetLedgerLog")
            .WithSummary("One region's transparency log")
            .WithDescription("Public.");

        group.MapGet("/logs/{regionId}/receipts/{index:long}", ReceiptByIndexAsync)
            .WithName("GetLedgerReceipt")
            .WithSummary("The offline receipt of one log entry (text/plain, civicgrid.receipt/v1)")
            .WithDescription("Proven against the published checkpoint when it covers the entry, else against the latest signed one. Public.");

        group.MapGet("/decisions/{id:guid}/receipt", async Task<Results<ContentHttpResult, NotFound>> (Guid id, LedgerExplorer explorer, CancellationToken ct) =>
                await explorer.GetAsync(id, ct) is { } hit
                    ? TypedResults.Text(hit.Receipt.Format(), "text/plain; charset=utf-8")
                    : TypedResults.NotFound())
            .WithName("GetDecisionLedgerReceipt")
            .WithSummary("The offline receipt of a decision, with a fresh proof")
            .WithDescription("Public.");

        group.MapPost("/receipts/verify", VerifyAsync)
            .Accepts<string>("text/plain")
            .WithName("VerifyLedgerReceipt")
            .WithSummary("Verify a receipt file against this city's region logs")
            .WithDescription("The body is the receipt text. Answers valid or invalid with the reason. Public.");

        group.MapGet("/witness", (LedgerWitness witness, LedgerWitnessMonitor monitor) =>
                TypedResults.Ok(new LedgerWitnessView(witness.VerifierKey.Encoded,
                    [.. witness.Origins.Select(o => new WitnessedLogView(o, witness.Latest(o)?.Size))], monitor.Reports)))
            .WithName("GetLedgerWitness")
            .WithSummary("This node's witness: cosigner key, the logs it cosigns, and the monitor's latest consistency checks")
            .WithDescription("Public.");
    }

    private static async Task<IResult> CheckpointAsync(string regionId, LedgerRegions regions, LedgerPublisher publisher, HttpContext http, CancellationToken ct)
    {
        if (!await regions.ExistsAsync(regionId, ct))
        {
            return TypedResults.NotFound();
        }
        var published = publisher.GetPublished(regionId);
        if (published is null)
        {
            return TypedResults.Problem("No checkpoint of this log has been cosigned by enough witnesses yet.", statusCode: StatusCodes.Status404NotFound);
        }
        http.Response.Headers.CacheControl = "no-cache";
        return TypedResults.Text(published.NoteText, "text/plain; charset=utf-8");
    }

    private static async Task<IResult> TileAsync(string regionId, string path, LedgerRegions regions, LedgerTransparencyLogs logs, HttpContext http, CancellationToken ct)
    {
        if (!await regions.ExistsAsync(regionId, ct))
        {
            return TypedResults.NotFound();
        }
        var tilePath = "tile/" + path;
        TileCoordinate coordinate;
        try
        {
            coordinate = TilePath.Parse(tilePath);
        }
        catch (LedgerFormatException ex)
        {
            return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status400BadRequest, title: "Not a tile path");
        }
        var log = logs.GetLog(regionId);
        var data = LogTileReader.Read(log.Storage, tilePath, log.LatestCheckpoint.Checkpoint.Size);
        if (data is null)
        {
            return TypedResults.NotFound();
        }
        http.Response.Headers.CacheControl = coordinate.IsPartial ? PartialTileCache : ImmutableCache;
        return TypedResults.Bytes(data, "application/octet-stream");
    }

    private static async Task<IResult> AddCheckpointAsync(HttpContext http, LedgerWitness witness, CancellationToken ct)
    {
        if (http.Request.ContentLength > MaxWitnessRequestBytes)
        {
            return new StatusBytesResult(StatusCodes.Status400BadRequest, "text/plain; charset=utf-8", "request body too large\n"u8.ToArray());
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await http.Request.Body.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxWitnessRequestBytes)
            {
                return new StatusBytesResult(StatusCodes.Status400BadRequest, "text/plain; charset=utf-8", "request body too large\n"u8.ToArray());
            }
        }
        var answer = witness.AddCheckpoint(buffer.ToArray());
        http.Response.Headers.CacheControl = "no-store";
        return new StatusBytesResult(answer.Status, answer.ContentType, answer.Body);
    }

    private static async Task<Results<ContentHttpResult, NotFound>> ReceiptByIndexAsync(
        string regionId, long index, LedgerRegions regions, LedgerExplorer explorer, CancellationToken ct)
    {
        if (!await regions.ExistsAsync(regionId, ct))
        {
            return TypedResults.NotFound();
        }
        var receipt = explorer.ReceiptFor(regionId, index, out _);
        return receipt is null ? TypedResults.NotFound() : TypedResults.Text(receipt.Format(), "text/plain; charset=utf-8");
    }

    private static async Task<Results<Ok<ReceiptCheck>, ProblemHttpResult>> VerifyAsync(HttpContext http, LedgerExplorer explorer, CancellationToken ct)
    {
        using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
        var buffer = new char[1 << 20];
        var length = await reader.ReadBlockAsync(buffer, ct);
        if (length == buffer.Length)
        {
            return TypedResults.Problem("A receipt is at most 1 MiB.", statusCode: StatusCodes.Status400BadRequest, title: "Receipt too large");
        }
        return TypedResults.Ok(await explorer.VerifyAsync(new string(buffer, 0, length), ct));
    }

    private static LedgerLogView View(string regionId, LedgerTransparencyLogs logs, LedgerPublisher publisher, IOptions<LedgerOptions> options)
    {
        var log = logs.GetLog(regionId);
        var published = publisher.GetPublished(regionId);
        return new LedgerLogView(regionId, log.Origin, log.VerifierKey.Encoded, log.LatestCheckpoint.Checkpoint.Size,
            published?.Checkpoint.Size, published?.NoteText, published?.Cosignatures ?? [],
            options.Value.Publication.RequiredCosignatures, [.. publisher.WitnessKeys.Select(k => k.Encoded)],
            $"/api/ledger/logs/{regionId}/checkpoint");
    }

    /// <summary>Writes a status code, content type and body exactly as given (tlog-witness answers).</summary>
    private sealed class StatusBytesResult(int status, string contentType, byte[] body) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            httpContext.Response.Headers[HeaderNames.ContentType] = contentType;
            return httpContext.Response.Body.WriteAsync(body, 0, body.Length, httpContext.RequestAborted);
        }
    }
}
