using CivicGrid.Platform.Decisions;
using CivicGrid.Supply.Provenance;

namespace CivicGrid.Platform.Supply;

/// <summary>What recording a signed supply event returns: its place in the chain and, for allocations, the decision receipt.</summary>
/// <param name="Position">0-based position of the event in the chain.</param>
/// <param name="Kind"><c>registration</c>, <c>transfer</c> or <c>transformation</c>.</param>
/// <param name="Digest">SHA-256 of the event's signing payload (hex); the decision's input digest.</param>
/// <param name="Decision">The material-allocation decision (transfers and transformations), else null.</param>
public sealed record SupplyEventReceipt(long Position, string Kind, string Digest, DecisionReceipt? Decision);

/// <summary>One event of a lot's history with the outcome of checking it.</summary>
/// <param name="Position">Position in the chain.</param>
/// <param name="Event">The event.</param>
/// <param name="Digest">Its digest (hex).</param>
/// <param name="SignatureValid">The Ed25519 signature verifies with the organisation's key.</param>
/// <param name="DecisionId">The decision it was recorded as, for transfers and transformations.</param>
/// <param name="RegionId">The transparency log it is in.</param>
/// <param name="LogIndex">Its index in that log.</param>
/// <param name="Receipt">The offline receipt text.</param>
/// <param name="ReceiptValid">The receipt verifies against the region's log key and its entry names this event's digest; null when there is none to check (registrations).</param>
/// <param name="Check">A one-line explanation of the checks.</param>
public sealed record LotHistoryEntry(
    long Position,
    SupplyEvent Event,
    string Digest,
    bool SignatureValid,
    Guid? DecisionId,
    string? RegionId,
    long? LogIndex,
    string? Receipt,
    bool? ReceiptValid,
    string Check);

/// <summary>A lot's full history (its own and its ancestors' events) checked from signatures and receipts.</summary>
public sealed record LotVerification(string LotId, IReadOnlyList<LotHistoryEntry> Events, bool Verified, IReadOnlyList<string> Problems);

/// <summary>A signed event that breaks a rule of the chain (bad signature, replay, mass balance …) or names an unknown region.</summary>
public sealed class SupplyEventRejectedException : Exception
{
    public SupplyEventRejectedException(string rule, string message, Exception? inner = null)
        : base(message, inner)
    {
        Rule = rule;
    }

    public SupplyEventRejectedException()
        : this("unknown", "The supply event was rejected.")
    {
    }

    public SupplyEventRejectedException(string message)
        : this("unknown", message)
    {
    }

    public SupplyEventRejectedException(string message, Exception innerException)
        : this("unknown", message, innerException)
    {
    }

    /// <summary>The rule broken, e.g. <c>BadSignature</c>, <c>Replay</c>, <c>MassBalance</c>.</summary>
    public string Rule { get; }
}

/// <summary>Settings of the supply module (section <c>CivicGrid:Supply</c>).</summary>
public sealed class SupplyOptions
{
    /// <summary>The region whose transparency log records material allocations; default: the first region of the city.</summary>
    public string? RegionId { get; set; }

    /// <summary>Seed a demo supply chain on first use when the supply tables are empty and the demo city is enabled.</summary>
    public bool SeedDemoChain { get; set; } = true;
}
