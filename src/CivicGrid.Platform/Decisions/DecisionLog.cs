using System.Text;
using System.Text.Json;
using CivicGrid.Platform.Storage;
using Microsoft.EntityFrameworkCore;

namespace CivicGrid.Platform.Decisions;

/// <summary>
/// Records decisions: validates the request, stamps id and time (from the injected clock), appends the
/// canonical JSON to the region's transparency log, then stores record, canonical bytes and receipt.
/// </summary>
public sealed class DecisionLog(PlatformDbContext db, ITransparencyLogs logs, TimeProvider time) : IDecisionLog
{
    public async Task<DecisionReceipt> AppendAsync(DecisionRequest request, CancellationToken cancellationToken)
    {
        Validate(request);
        if (!await db.Regions.AnyAsync(r => r.Id == request.RegionId, cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidDecisionException($"Region '{request.RegionId}' does not exist.");
        }
        var record = NewRecord(request, TruncateToMilliseconds(time.GetUtcNow()));
        var canonical = logs.Canonicalize(DecisionJson.ToJson(record));
        var appended = await logs.AppendAsync(record.RegionId, canonical, cancellationToken).ConfigureAwait(false);
        var canonicalText = Encoding.UTF8.GetString(canonical);
        db.DecisionRecords.Add(ToEntity(record, appended, canonicalText));
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return new DecisionReceipt(record, appended.Index, canonicalText, appended.Receipt);
    }

    /// <summary>
    /// Appends <paramref name="requests"/> in order with one database save: every log append is queued before any is
    /// awaited (the region's log takes them in call order and makes them durable together), so the log indexes follow
    /// the order of the list. All requests are validated before anything is appended.
    /// </summary>
    public async Task<IReadOnlyList<DecisionReceipt>> AppendBatchAsync(IReadOnlyList<DecisionRequest> requests, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requests);
        if (requests.Count == 0)
        {
            return [];
        }
        foreach (var request in requests)
        {
            Validate(request);
        }
        foreach (var region in requests.Select(r => r.RegionId).Distinct(StringComparer.Ordinal))
        {
            if (!await db.Regions.AnyAsync(r => r.Id == region, cancellationToken).ConfigureAwait(false))
            {
                throw new InvalidDecisionException($"Region '{region}' does not exist.");
            }
        }
        var stamped = TruncateToMilliseconds(time.GetUtcNow());
        var records = requests.Select(request => NewRecord(request, stamped)).ToList();
        var canonical = records.Select(r => logs.Canonicalize(DecisionJson.ToJson(r))).ToList();
        var pending = new List<Task<TransparencyLogAppend>>(records.Count);
        for (var i = 0; i < records.Count; i++)
        {
            pending.Add(logs.AppendAsync(records[i].RegionId, canonical[i], cancellationToken));
        }
        var appended = await Task.WhenAll(pending).ConfigureAwait(false);
        var receipts = new List<DecisionReceipt>(records.Count);
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            var canonicalText = Encoding.UTF8.GetString(canonical[i]);
            db.DecisionRecords.Add(ToEntity(record, appended[i], canonicalText));
            receipts.Add(new DecisionReceipt(record, appended[i].Index, canonicalText, appended[i].Receipt));
        }
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return receipts;
    }

    private static DecisionRecord NewRecord(DecisionRequest request, DateTimeOffset decidedAt) => new(
        Guid.NewGuid(),
        request.Kind,
        request.RegionId,
        [.. request.AssetIds],
        request.Actor,
        request.Algorithm with { Parameters = new SortedDictionary<string, string>(request.Algorithm.Parameters.ToDictionary(), StringComparer.Ordinal) },
        request.InputDigest,
        request.Outcome,
        request.Reason,
        decidedAt);

    private static DecisionRecordEntity ToEntity(DecisionRecord record, TransparencyLogAppend appended, string canonicalText) => new()
    {
        Id = record.Id,
        RegionId = record.RegionId,
        LogIndex = appended.Index,
        Kind = DecisionJson.KindName(record.Kind),
        AssetIdsJson = JsonSerializer.Serialize(record.AssetIds),
        ActorKind = record.Actor.Kind,
        OperatorId = record.Actor.OperatorId,
        Algorithm = record.Algorithm.Name,
        AlgorithmVersion = record.Algorithm.Version,
        ParametersJson = JsonSerializer.Serialize(record.Algorithm.Parameters),
        InputDigest = record.InputDigest,
        Outcome = record.Outcome,
        Reason = record.Reason,
        DecidedAt = record.DecidedAt,
        CanonicalJson = canonicalText,
        Receipt = appended.Receipt,
    };

    public async Task<DecisionReceipt?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        var entity = await db.DecisionRecords.AsNoTracking().FirstOrDefaultAsync(d => d.Id == id, cancellationToken).ConfigureAwait(false);
        return entity is null ? null : ToReceipt(entity);
    }

    public async Task<IReadOnlyList<DecisionReceipt>> ListAsync(string? regionId, int skip, int take, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(skip);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(take);
        var query = db.DecisionRecords.AsNoTracking();
        if (regionId is not null)
        {
            query = query.Where(d => d.RegionId == regionId);
        }
        // Order by log position within a region and by time across regions; both are stable.
        var rows = await query.OrderByDescending(d => d.DecidedAt).ThenByDescending(d => d.LogIndex)
            .Skip(skip).Take(take).ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(ToReceipt)];
    }

    private static DateTimeOffset TruncateToMilliseconds(DateTimeOffset t) =>
        new(t.UtcTicks - (t.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);

    private static DecisionReceipt ToReceipt(DecisionRecordEntity e)
    {
        var record = new DecisionRecord(
            e.Id,
            DecisionJson.ParseKind(e.Kind),
            e.RegionId,
            JsonSerializer.Deserialize<string[]>(e.AssetIdsJson) ?? [],
            DecisionActor.FromStored(e.ActorKind, e.OperatorId),
            new DecisionAlgorithm(e.Algorithm, e.AlgorithmVersion,
                JsonSerializer.Deserialize<SortedDictionary<string, string>>(e.ParametersJson) ?? new SortedDictionary<string, string>(StringComparer.Ordinal)),
            e.InputDigest,
            e.Outcome,
            e.Reason,
            e.DecidedAt);
        return new DecisionReceipt(record, e.LogIndex, e.CanonicalJson, e.Receipt);
    }

    private static void Validate(DecisionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!Enum.IsDefined(request.Kind))
        {
            throw new InvalidDecisionException($"Decision kind {(int)request.Kind} is not defined.");
        }
        Require(request.RegionId, "region");
        Require(request.Algorithm?.Name, "algorithm name");
        Require(request.Algorithm?.Version, "algorithm version");
        Require(request.InputDigest, "input digest");
        Require(request.Outcome, "outcome");
        Require(request.Reason, "reason");
        if (request.Actor is null)
        {
            throw new InvalidDecisionException("A decision needs an actor (an operator or automatic).");
        }
        if (request.AssetIds is null || request.AssetIds.Any(string.IsNullOrWhiteSpace))
        {
            throw new InvalidDecisionException("Asset ids must be non-empty strings.");
        }
    }

    private static void Require(string? value, string what)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidDecisionException($"A decision needs a non-empty {what}.");
        }
    }
}
