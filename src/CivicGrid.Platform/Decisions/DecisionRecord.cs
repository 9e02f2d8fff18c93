using System.Security.Cryptography;
using System.Text;

namespace CivicGrid.Platform.Decisions;

/// <summary>What kind of supply decision a record describes.</summary>
public enum DecisionKind
{
    LoadShedding,
    Curtailment,
    WaterRestriction,
    MarketClearing,
    SignalPriorityChange,
    MaterialAllocation,
    VoteTally,
    DispatchSchedule,
    DemandResponse,
    LeakAlarm,
    WaterSourceAllocation,
    FleetAllocation,
    ChargingAllocation,
    ModerationAction,
    BallotCast,
    CrossRegionTrade,
}

/// <summary>Who decided: a named operator, or the platform on its own (a scheduled operation).</summary>
public sealed record DecisionActor
{
    private DecisionActor(string kind, string? operatorId)
    {
        Kind = kind;
        OperatorId = operatorId;
    }

    /// <summary><c>operator</c> or <c>automatic</c>.</summary>
    public string Kind { get; }

    /// <summary>The operator's user id when <see cref="Kind"/> is <c>operator</c>.</summary>
    public string? OperatorId { get; }

    public static DecisionActor Automatic { get; } = new("automatic", null);

    public static DecisionActor Operator(string operatorId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(operatorId);
        return new DecisionActor("operator", operatorId);
    }

    internal static DecisionActor FromStored(string kind, string? operatorId) =>
        kind == "operator" && operatorId is not null ? Operator(operatorId) : Automatic;
}

/// <summary>The algorithm that produced a decision, with its version and parameters (values formatted invariantly).</summary>
public sealed record DecisionAlgorithm(string Name, string Version, IReadOnlyDictionary<string, string> Parameters)
{
    public DecisionAlgorithm(string name, string version)
        : this(name, version, new Dictionary<string, string>())
    {
    }
}

/// <summary>A decision as the caller states it; the log adds the id and the time.</summary>
public sealed record DecisionRequest(
    DecisionKind Kind,
    string RegionId,
    IReadOnlyList<string> AssetIds,
    DecisionActor Actor,
    DecisionAlgorithm Algorithm,
    string InputDigest,
    string Outcome,
    string Reason)
{
    /// <summary>A digest of input bytes in the form the records use: <c>sha256:&lt;hex&gt;</c>.</summary>
    public static string DigestOf(ReadOnlySpan<byte> input) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(input));

    /// <summary>A digest of a UTF-8 text input.</summary>
    public static string DigestOf(string input) => DigestOf(Encoding.UTF8.GetBytes(input));
}

/// <summary>
/// A decision that restricted or allocated supply: what, where, by whom, how, on which inputs, with
/// what outcome and why, and when. Appended to the region's transparency log in canonical JSON.
/// </summary>
public sealed record DecisionRecord(
    Guid Id,
    DecisionKind Kind,
    string RegionId,
    IReadOnlyList<string> AssetIds,
    DecisionActor Actor,
    DecisionAlgorithm Algorithm,
    string InputDigest,
    string Outcome,
    string Reason,
    DateTimeOffset DecidedAt);

/// <summary>What the log returns: the record, its position in the region's log, the exact bytes logged and the proof.</summary>
public sealed record DecisionReceipt(
    DecisionRecord Record,
    long LogIndex,
    string CanonicalJson,
    string Receipt);

/// <summary>Appends decision records to the region's transparency log and reads them back.</summary>
public interface IDecisionLog
{
    /// <summary>Validates, stamps (id, time), canonicalises and appends a decision; returns its receipt.</summary>
    Task<DecisionReceipt> AppendAsync(DecisionRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Appends several decisions in the given order (their log indexes increase in that order) and returns their
    /// receipts in the same order. The default appends one after the other; the ledger-backed log lets the appends
    /// share durable writes.
    /// </summary>
    async Task<IReadOnlyList<DecisionReceipt>> AppendBatchAsync(IReadOnlyList<DecisionRequest> requests, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var receipts = new List<DecisionReceipt>(requests.Count);
        foreach (var request in requests)
        {
            receipts.Add(await AppendAsync(request, cancellationToken).ConfigureAwait(false));
        }
        return receipts;
    }

    Task<DecisionReceipt?> GetAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>Records newest first, optionally for one region.</summary>
    Task<IReadOnlyList<DecisionReceipt>> ListAsync(string? regionId, int skip, int take, CancellationToken cancellationToken);
}

/// <summary>A decision request that cannot be recorded (missing region, empty reason…).</summary>
public sealed class InvalidDecisionException : Exception
{
    public InvalidDecisionException()
    {
    }

    public InvalidDecisionException(string message)
        : base(message)
    {
    }

    public InvalidDecisionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
