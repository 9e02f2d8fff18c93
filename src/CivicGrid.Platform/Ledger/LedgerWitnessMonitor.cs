using System.Collections.Concurrent;
using CivicGrid.Ledger;
using CivicGrid.Ledger.Merkle;
using CivicGrid.Ledger.Notes;
using CivicGrid.Ledger.Tiles;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CivicGrid.Platform.Ledger;

/// <summary>What the monitor saw of one witnessed log.</summary>
/// <param name="Origin">The log.</param>
/// <param name="PublishedSize">Size of the checkpoint the log publishes (null if it could not be read).</param>
/// <param name="CosignedSize">Size this witness last cosigned (null: none yet).</param>
/// <param name="Consistent">False if the published checkpoint contradicts what this witness cosigned (a fork or split view).</param>
/// <param name="Detail">What was checked, or what went wrong.</param>
/// <param name="CheckedAt">When.</param>
public sealed record WitnessMonitorReport(string Origin, long? PublishedSize, long? CosignedSize, bool Consistent, string Detail, DateTimeOffset CheckedAt);

/// <summary>
/// Fetches the published checkpoint of each witnessed log that has a <see cref="WitnessedLogOptions.Url"/> and checks,
/// with a consistency proof computed from the log's own tiles, that it extends (or is extended by) the tree this
/// witness cosigned. A log that shows this witness one history and the public another is reported inconsistent.
/// </summary>
public sealed class LedgerWitnessMonitor(LedgerWitness witness, IOptions<LedgerOptions> options, IHttpClientFactory httpClients, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, WitnessMonitorReport> _reports = new(StringComparer.Ordinal);

    /// <summary>The latest report per origin.</summary>
    public IReadOnlyCollection<WitnessMonitorReport> Reports => [.. _reports.Values.OrderBy(r => r.Origin, StringComparer.Ordinal)];

    /// <summary>Checks every witnessed log with a URL once.</summary>
    public async Task<IReadOnlyList<WitnessMonitorReport>> CheckAllAsync(CancellationToken cancellationToken)
    {
        var reports = new List<WitnessMonitorReport>();
        foreach (var log in options.Value.Witness.Logs.Where(l => !string.IsNullOrWhiteSpace(l.Url)))
        {
            var report = await Task.Run(() => Check(log, cancellationToken), cancellationToken).ConfigureAwait(false);
            _reports[report.Origin] = report;
            reports.Add(report);
        }
        return reports;
    }

    private WitnessMonitorReport Check(WitnessedLogOptions log, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var cosigned = witness.Latest(log.Origin);
        var key = NoteVerifierKey.TryParse(log.VerifierKey);
        if (key is null)
        {
            return new WitnessMonitorReport(log.Origin, null, cosigned?.Size, true, "the configured verifier key is malformed", now);
        }
        using var client = httpClients.CreateClient(LedgerPublisher.HttpClientName);
        var store = new HttpTileStore(client, log.Url!, cancellationToken);
        SignedCheckpoint published;
        try
        {
            var bytes = store.Read("checkpoint") ?? throw new IOException("no checkpoint is published");
            published = SignedCheckpoint.OpenForLog(bytes, key);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or TaskCanceledException or NoteVerificationException or LedgerFormatException)
        {
            return new WitnessMonitorReport(log.Origin, null, cosigned?.Size, true, "the published checkpoint cannot be read: " + ex.Message, now);
        }
        var size = published.Checkpoint.Size;
        if (cosigned is null || cosigned.Size == 0)
        {
            return new WitnessMonitorReport(log.Origin, size, cosigned?.Size, true, "nothing cosigned yet to compare with", now);
        }
        if (cosigned.Size == size)
        {
            var same = cosigned.RootHash.AsSpan().SequenceEqual(published.Checkpoint.RootHash);
            return new WitnessMonitorReport(log.Origin, size, cosigned.Size, same,
                same ? "published checkpoint is the one cosigned" : "same size, different root: the log forked", now);
        }
        try
        {
            var (small, large, smallRoot, largeRoot) = cosigned.Size < size
                ? (cosigned.Size, size, cosigned.RootHash, published.Checkpoint.RootHash)
                : (size, cosigned.Size, published.Checkpoint.RootHash, cosigned.RootHash);
            var proof = MerkleProofs.Consistency(new TileNodeSource(store, large), small, large);
            var consistent = ProofVerifier.VerifyConsistency(small, large, smallRoot, largeRoot, proof);
            var detail = consistent
                ? (cosigned.Size < size ? $"published size {size} extends cosigned size {cosigned.Size}" : $"published size {size} is older than cosigned size {cosigned.Size} but consistent")
                : $"published size {size} is not consistent with cosigned size {cosigned.Size}: the log forked";
            return new WitnessMonitorReport(log.Origin, size, cosigned.Size, consistent, detail, now);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or TaskCanceledException or LedgerFormatException or ArgumentException)
        {
            return new WitnessMonitorReport(log.Origin, size, cosigned.Size, false, "the log's tiles do not prove consistency: " + ex.Message, now);
        }
    }

    /// <summary>Synchronous reads of a remote tiled log (the proof code reads tiles synchronously; runs off the request path).</summary>
    private sealed class HttpTileStore(HttpClient client, string prefix, CancellationToken cancellationToken) : ITileStore
    {
        private readonly string _prefix = prefix.EndsWith('/') ? prefix : prefix + "/";

        public byte[]? Read(string path)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_prefix + path, UriKind.Absolute));
            using var response = client.Send(request, cancellationToken);
            if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
            {
                return null;
            }
            response.EnsureSuccessStatusCode();
            using var stream = response.Content.ReadAsStream(cancellationToken);
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            return buffer.ToArray();
        }
    }
}

/// <summary>Runs the witness monitor every <see cref="LedgerWitnessOptions.MonitorIntervalMilliseconds"/> and logs forks.</summary>
public sealed class LedgerWitnessMonitorService(LedgerWitnessMonitor monitor, IOptions<LedgerOptions> options, ILogger<LedgerWitnessMonitorService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Witness.Logs.Any(l => !string.IsNullOrWhiteSpace(l.Url)))
        {
            return;
        }
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Max(1000, options.Value.Witness.MonitorIntervalMilliseconds)));
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                foreach (var report in await monitor.CheckAllAsync(stoppingToken).ConfigureAwait(false))
                {
                    if (!report.Consistent)
                    {
                        logger.LogError("Witnessed log {Origin} is inconsistent with what this witness cosigned: {Detail}", report.Origin, report.Detail);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (PlatformStorageException ex)
            {
                logger.LogWarning(ex, "The witness monitor cannot run");
            }
        }
    }
}
