using Microsoft.AspNetCore.Identity;

namespace CivicGrid.Platform.Storage;

/// <summary>An account: a resident, operator, auditor, administrator, or a machine that holds API keys.</summary>
public class PlatformUser : IdentityUser
{
    /// <summary>Name shown in the UI.</summary>
    public string? DisplayName { get; set; }

    /// <summary>The household a resident lives in, when known.</summary>
    public string? HouseholdId { get; set; }

    /// <summary>True until the user replaces a generated one-time password.</summary>
    public bool MustChangePassword { get; set; }
}

/// <summary>Anything updated concurrently carries a token that changes on every save.</summary>
public interface IConcurrencyVersioned
{
    Guid Version { get; set; }
}

/// <summary>A region of the city: the unit of operation, scoping and transparency logs.</summary>
public class Region : IConcurrencyVersioned
{
    /// <summary>Stable slug, e.g. <c>riverside</c>.</summary>
    public required string Id { get; set; }

    public required string Name { get; set; }

    public double AreaSquareKilometers { get; set; }

    /// <summary>Free text shown to residents, e.g. an active water restriction.</summary>
    public string? StatusNote { get; set; }

    public Guid Version { get; set; } = Guid.NewGuid();
}

/// <summary>Household income group, used by fairness audits of restrictions.</summary>
public enum IncomeGroup
{
    Low,
    Middle,
    High,
}

/// <summary>A household: residents sharing a connection to electricity and water.</summary>
public class Household : IConcurrencyVersioned
{
    public required string Id { get; set; }

    public required string RegionId { get; set; }

    public IncomeGroup IncomeGroup { get; set; }

    public int Residents { get; set; }

    public double AnnualElectricityKilowattHours { get; set; }

    public double DailyWaterCubicMeters { get; set; }

    public Guid Version { get; set; } = Guid.NewGuid();
}

/// <summary>What kind of physical thing an asset is.</summary>
public enum AssetKind
{
    Substation,
    Feeder,
    ElectricityMeter,
    PhotovoltaicSystem,
    Battery,
    ElectricVehicleCharger,
    WaterReservoir,
    WaterJunction,
    WaterPipe,
    WaterTank,
    WaterSensor,
    RoadNode,
    RoadLink,
    Intersection,
}

/// <summary>
/// A physical asset of the city's infrastructure. Engine-specific attributes live in
/// <see cref="PropertiesJson"/> so domain modules can extend assets without schema changes.
/// </summary>
public class Asset : IConcurrencyVersioned
{
    public required string Id { get; set; }

    public required string RegionId { get; set; }

    public AssetKind Kind { get; set; }

    public required string Name { get; set; }

    public string? HouseholdId { get; set; }

    /// <summary>The asset this one hangs off (a meter's feeder, a pipe's start junction…).</summary>
    public string? ParentAssetId { get; set; }

    /// <summary>Nominal rating in the unit the kind implies (kW, kWh, m³, m³/s, vehicles/h); see docs/architecture.md.</summary>
    public double Rating { get; set; }

    /// <summary>Canonical JSON object of kind-specific attributes.</summary>
    public string PropertiesJson { get; set; } = "{}";

    public Guid Version { get; set; } = Guid.NewGuid();
}

/// <summary>An operator may act on a region only when a scope row says so.</summary>
public class OperatorRegionScope
{
    public required string UserId { get; set; }

    public required string RegionId { get; set; }
}

/// <summary>An API key for machines. Only the SHA-256 of the secret is stored; the prefix identifies the key.</summary>
public class ApiKey
{
    public Guid Id { get; set; }

    /// <summary>Public identifier shown in lists and embedded in the key, e.g. <c>k7p2m9qa</c>.</summary>
    public required string Prefix { get; set; }

    /// <summary>SHA-256 of the secret part of the key.</summary>
    public required byte[] SecretHash { get; set; }

    public required string Name { get; set; }

    /// <summary>The account whose roles and region scopes the key acts with.</summary>
    public required string UserId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? ExpiresAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public DateTimeOffset? LastUsedAt { get; set; }
}

/// <summary>A stored decision record with its canonical form and transparency-log receipt.</summary>
public class DecisionRecordEntity
{
    public Guid Id { get; set; }

    public required string RegionId { get; set; }

    /// <summary>Position of the record in its region's transparency log.</summary>
    public long LogIndex { get; set; }

    public required string Kind { get; set; }

    /// <summary>JSON array of asset ids.</summary>
    public required string AssetIdsJson { get; set; }

    /// <summary><c>operator</c> or <c>automatic</c>.</summary>
    public required string ActorKind { get; set; }

    public string? OperatorId { get; set; }

    public required string Algorithm { get; set; }

    public required string AlgorithmVersion { get; set; }

    /// <summary>JSON object of algorithm parameters.</summary>
    public required string ParametersJson { get; set; }

    public required string InputDigest { get; set; }

    public required string Outcome { get; set; }

    public required string Reason { get; set; }

    public DateTimeOffset DecidedAt { get; set; }

    /// <summary>The RFC 8785 canonical JSON that was appended to the log.</summary>
    public required string CanonicalJson { get; set; }

    /// <summary>The receipt (checkpoint + inclusion proof) as text.</summary>
    public required string Receipt { get; set; }
}
