using System.Text;
using System.Text.Json;
using CivicGrid.Ledger;
using CivicGrid.Ledger.Notes;
using CivicGrid.Ledger.Receipts;
using CivicGrid.Platform.Decisions;
using CivicGrid.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CivicGrid.Platform.Ledger;

/// <summary>A search of the decision index; every filter is optional.</summary>
public sealed record LedgerSearch(
    string? RegionId = null, DecisionKind? Kind = null, string? AssetId = null, DateTimeOffset? From = null, DateTimeOffset? To = null,
    int Skip = 0, int Take = 50);

/// <summary>
/// A search hit: the indexed record, and the proof that its exact bytes are in the region's log (a receipt
/// against the published checkpoint when it covers the entry, else against the latest signed one).
/// </summary>
public sealed record LedgerHit(DecisionReceipt Decision, Receipt Receipt, ReceiptVerification Verification, bool EntryMatchesIndex, bool AgainstPublished)
{
    /// <summary>True when the proof verifies and the logged bytes are the indexed record's.</summary>
    public bool IsVerified => Verification.IsValid && EntryMatchesIndex;
}

/// <summary>The verdict on an uploaded receipt.</summary>
public sealed record ReceiptCheck(bool IsValid, string Reason, string? RegionId, long? Index, long? TreeSize, int Cosignatures, string? Entry);

/// <summary>
/// The ledger explorer's queries. The decision table is a secondary index over the logs: it makes search by
/// region, kind, asset and time fast but is not trusted. Each hit is re-read from the log and proven included
/// against a signed checkpoint, so a tampered index row shows up as unverified. The index cannot prove that a
/// search is complete (that no matching decision was left out); only reading the whole log can.
/// </summary>
public sealed class LedgerExplorer(PlatformDbContext db, LedgerTransparencyLogs logs, LedgerPublisher publisher, IOptions<LedgerOptions> options)
{
    /// <summary>Hits newest first, each with its inclusion proof.</summary>
    public async Task<IReadOnlyList<LedgerHit>> SearchAsync(LedgerSearch search, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(search);
        ArgumentOutOfRangeException.ThrowIfNegative(search.Skip);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(search.Take);
        var query = db.DecisionRecords.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(search.RegionId))
        {
            query = query.Where(d => d.RegionId == search.RegionId);
        }
        if (search.Kind is { } kind)
        {
            var name = DecisionJson.KindName(kind);
            query = query.Where(d => d.Kind == name);
        }
        if (!string.IsNullOrWhiteSpace(search.AssetId))
        {
            // Asset ids are stored as a JSON array; match one element exactly, serialised the same way.
            var element = JsonSerializer.Serialize(search.AssetId.Trim());
            query = query.Where(d => d.AssetIdsJson.Contains(element));
        }
        if (search.From is { } from)
        {
            query = query.Where(d => d.DecidedAt >= from);
        }
        if (search.To is { } to)
        {
            query = query.Where(d => d.DecidedAt <= to);
        }
        var page = await query.OrderByDescending(d => d.DecidedAt).ThenByDescending(d => d.LogIndex)
            .Skip(search.Skip).Take(search.Take).Select(d => d.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        var hits = new List<LedgerHit>(page.Count);
        foreach (var id in page)
        {
            var decision = await new DecisionLog(db, logs, TimeProvider.System).GetAsync(id, cancellationToken).ConfigureAwait(false);
            if (decision is not null)
            {
                hits.Add(Prove(decision));
            }
        }
        return hits;
    }

    /// <summary>One decision with a fresh proof, or null.</summary>
    public async Task<LedgerHit?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        var decision = await new DecisionLog(db, logs, TimeProvider.System).GetAsync(id, cancellationToken).ConfigureAwait(false);
        return decision is null ? null : Prove(decision);
    }

    /// <summary>The receipt of entry <paramref name="index"/> of a region's log, or null if the log is shorter.</summary>
    public Receipt? ReceiptFor(string regionId, long index, out bool againstPublished)
    {
        var log = logs.GetLog(regionId);
        var checkpoint = CheckpointFor(regionId, log, index, out againstPublished);
        return index < 0 || checkpoint is null ? null : log.CreateReceipt(index, checkpoint);
    }

    /// <summary>Checks a receipt file offline against the key of the region log it names (and this node's witness policy).</summary>
    public async Task<ReceiptCheck> VerifyAsync(string text, CancellationToken cancellationToken)
    {
        Receipt receipt;
        Checkpoint checkpoint;
        try
        {
            receipt = Receipt.Parse(text, "receipt");
            checkpoint = Checkpoint.Parse(SignedNote.Parse(Encoding.UTF8.GetBytes(receipt.SignedCheckpoint)).Text, "receipt checkpoint");
        }
        catch (Exception ex) when (ex is LedgerFormatException or NoteVerificationException)
        {
            return new ReceiptCheck(false, "not a readable receipt: " + ex.Message, null, null, null, 0, null);
        }
        const string prefix = "civicgrid/";
        var regionId = checkpoint.Origin.StartsWith(prefix, StringComparison.Ordinal) ? checkpoint.Origin[prefix.Length..] : null;
        if (regionId is null || !LedgerTransparencyLogs.IsValidRegionId(regionId)
            || !await db.Regions.AnyAsync(r => r.Id == regionId, cancellationToken).ConfigureAwait(false))
        {
            return new ReceiptCheck(false, $"the checkpoint is from '{checkpoint.Origin}', which is not a log of this city", null, receipt.Index, checkpoint.Size, 0, null);
        }
        var log = logs.GetLog(regionId);
        var verification = receipt.Verify(log.VerifierKey, publisher.WitnessKeys, options.Value.Publication.RequiredCosignatures);
        if (verification.IsValid && checkpoint.Size > log.LatestCheckpoint.Checkpoint.Size)
        {
            return new ReceiptCheck(false, "the checkpoint is larger than this log: it was not signed by this node's log", regionId, receipt.Index, checkpoint.Size, verification.Cosignatures, null);
        }
        if (verification.IsValid && receipt.Index < log.LatestCheckpoint.Checkpoint.Size
            && !log.ReadEntry(receipt.Index).AsSpan().SequenceEqual(receipt.Entry))
        {
            return new ReceiptCheck(false, "the log holds different bytes at this index (split view?)", regionId, receipt.Index, checkpoint.Size, verification.Cosignatures, null);
        }
        return new ReceiptCheck(verification.IsValid, verification.Reason, regionId, receipt.Index, checkpoint.Size, verification.Cosignatures,
            Encoding.UTF8.GetString(receipt.Entry));
    }

    private LedgerHit Prove(DecisionReceipt decision)
    {
        var regionId = decision.Record.RegionId;
        var log = logs.GetLog(regionId);
        var checkpoint = CheckpointFor(regionId, log, decision.LogIndex, out var againstPublished)!;
        var receipt = log.CreateReceipt(decision.LogIndex, checkpoint);
        var verification = receipt.Verify(log.VerifierKey, publisher.WitnessKeys);
        var matches = receipt.Entry.AsSpan().SequenceEqual(Encoding.UTF8.GetBytes(decision.CanonicalJson));
        return new LedgerHit(decision, receipt, verification, matches, againstPublished);
    }

    private SignedCheckpoint? CheckpointFor(string regionId, TransparencyLog log, long index, out bool published)
    {
        var current = publisher.GetPublished(regionId);
        if (current is not null && current.Checkpoint.Size > index)
        {
            published = true;
            return SignedCheckpoint.OpenForLog(Encoding.UTF8.GetBytes(current.NoteText), log.VerifierKey);
        }
        published = false;
        var latest = log.LatestCheckpoint;
        return latest.Checkpoint.Size > index ? latest : null;
    }
}
