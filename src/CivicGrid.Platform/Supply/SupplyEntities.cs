namespace CivicGrid.Platform.Supply;

/// <summary>An organisation of the supply chain with its Ed25519 public key (<c>supply_organisations</c>).</summary>
public sealed class SupplyOrganisationEntity
{
    public string Id { get; set; } = "";

    public string Name { get; set; } = "";

    public string Kind { get; set; } = "";

    public string CountryCode { get; set; } = "";

    public string Region { get; set; } = "";

    public byte[] PublicKey { get; set; } = [];
}

/// <summary>
/// One accepted signed event, in the order it was applied (<c>supply_events</c>). Transfers and transformations also
/// carry the material-allocation decision they were recorded as, with its log index and receipt.
/// </summary>
public sealed class SupplyEventEntity
{
    /// <summary>Position in the chain (0-based order of application).</summary>
    public long Position { get; set; }

    public string OrganisationId { get; set; } = "";

    public long Sequence { get; set; }

    /// <summary><c>registration</c>, <c>transfer</c> or <c>transformation</c>.</summary>
    public string Kind { get; set; } = "";

    public DateTimeOffset Time { get; set; }

    /// <summary>The signed event as in a chain file (event and base64 signature).</summary>
    public string SignedJson { get; set; } = "";

    /// <summary>SHA-256 of the signing payload, lower-case hex.</summary>
    public string Digest { get; set; } = "";

    public Guid? DecisionId { get; set; }

    public string? RegionId { get; set; }

    public long? LogIndex { get; set; }

    public string? Receipt { get; set; }
}

/// <summary>The current state of a lot, a projection of the events (<c>supply_lots</c>).</summary>
public sealed class SupplyLotEntity
{
    public string Id { get; set; } = "";

    public string Material { get; set; } = "";

    public string Grade { get; set; } = "";

    public double MassKilograms { get; set; }

    public string SiteId { get; set; } = "";

    public string HolderId { get; set; } = "";

    public double RecycledShare { get; set; }

    public bool Consumed { get; set; }

    public long CreatedByPosition { get; set; }
}

/// <summary>A PACT v3 footprint issued for a lot (<c>supply_footprints</c>); the JSON is what the PACT API serves.</summary>
public sealed class SupplyFootprintEntity
{
    /// <summary>The footprint's UUID.</summary>
    public string Id { get; set; } = "";

    public string LotId { get; set; } = "";

    /// <summary>The data owner: the organisation that issued it.</summary>
    public string OrganisationId { get; set; } = "";

    public DateTimeOffset Created { get; set; }

    public string Status { get; set; } = "Active";

    public string Json { get; set; } = "";
}

/// <summary>A CloudEvent received on the PACT Action Events endpoint (<c>supply_pact_events</c>).</summary>
public sealed class SupplyPactEventEntity
{
    public long Id { get; set; }

    public string EventId { get; set; } = "";

    public string Source { get; set; } = "";

    public string Type { get; set; } = "";

    public string ClientId { get; set; } = "";

    public DateTimeOffset ReceivedAt { get; set; }

    public string Json { get; set; } = "";
}
