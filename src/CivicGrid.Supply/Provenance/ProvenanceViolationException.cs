namespace CivicGrid.Supply.Provenance;

/// <summary>Why an event was refused by the <see cref="ProvenanceRegistry"/>.</summary>
public enum ProvenanceViolation
{
    UnknownOrganisation,
    BadSignature,
    Replay,
    UnknownLot,
    DuplicateLot,
    NotHolder,
    AlreadyConsumed,
    MassBalance,
    InvalidQuantity,
    NotAllowedForRole,
}

/// <summary>An event that would break the chain's rules; the registry is left unchanged.</summary>
public sealed class ProvenanceViolationException : Exception
{
    public ProvenanceViolationException(ProvenanceViolation violation, string message)
        : base(message)
    {
        Violation = violation;
    }

    public ProvenanceViolationException()
    {
    }

    public ProvenanceViolationException(string message)
        : base(message)
    {
    }

    public ProvenanceViolationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The rule that the event broke.</summary>
    public ProvenanceViolation Violation { get; }
}
