using System.Globalization;
using System.Text.Json.Serialization;

namespace CivicGrid.Supply.Footprints;

/// <summary>
/// A product carbon footprint in the shape of the PACT Technical Specifications v3 data model (the properties this
/// platform produces). PACT v3 carries decimals as strings, so numeric fields here are strings on the wire.
/// </summary>
public sealed record ProductFootprint
{
    [JsonPropertyName("id")] public required string Id { get; init; }

    [JsonPropertyName("specVersion")] public string SpecVersion { get; init; } = "3.0.0";

    [JsonPropertyName("version")] public int Version { get; init; } = 1;

    [JsonPropertyName("created")] public required DateTimeOffset Created { get; init; }

    /// <summary>"Active" or "Deprecated".</summary>
    [JsonPropertyName("status")] public string Status { get; init; } = "Active";

    [JsonPropertyName("companyName")] public required string CompanyName { get; init; }

    /// <summary>URNs naming the company, e.g. <c>urn:civicgrid:organisation:recycler-1</c>.</summary>
    [JsonPropertyName("companyIds")] public required IReadOnlyList<string> CompanyIds { get; init; }

    [JsonPropertyName("productDescription")] public required string ProductDescription { get; init; }

    /// <summary>URNs naming the product; for a lot, <c>urn:civicgrid:lot:&lt;id&gt;</c>.</summary>
    [JsonPropertyName("productIds")] public required IReadOnlyList<string> ProductIds { get; init; }

    [JsonPropertyName("productClassifications")] public IReadOnlyList<string> ProductClassifications { get; init; } = [];

    [JsonPropertyName("productNameCompany")] public required string ProductNameCompany { get; init; }

    [JsonPropertyName("comment")] public string Comment { get; init; } = "";

    [JsonPropertyName("pcf")] public required CarbonFootprint Pcf { get; init; }
}

/// <summary>The <c>pcf</c> object of a PACT v3 footprint: emissions per declared unit (here one kilogram).</summary>
public sealed record CarbonFootprint
{
    [JsonPropertyName("declaredUnitOfMeasurement")] public string DeclaredUnitOfMeasurement { get; init; } = "kilogram";

    [JsonPropertyName("declaredUnitAmount")] public string DeclaredUnitAmount { get; init; } = "1";

    [JsonPropertyName("productMassPerDeclaredUnit")] public string ProductMassPerDeclaredUnit { get; init; } = "1";

    /// <summary>kg CO2e per declared unit, excluding biogenic CO2 withdrawal.</summary>
    [JsonPropertyName("pcfExcludingBiogenicCO2Withdrawal")] public required string PcfExcludingBiogenicCO2Withdrawal { get; init; }

    [JsonPropertyName("pcfIncludingBiogenicCO2Withdrawal")] public required string PcfIncludingBiogenicCO2Withdrawal { get; init; }

    [JsonPropertyName("fossilGhgEmissions")] public required string FossilGhgEmissions { get; init; }

    [JsonPropertyName("ipccCharacterizationFactors")] public IReadOnlyList<string> IpccCharacterizationFactors { get; init; } = ["AR6"];

    [JsonPropertyName("crossSectoralStandards")] public IReadOnlyList<string> CrossSectoralStandards { get; init; } = ["GHGP-Product", "ISO14067"];

    [JsonPropertyName("boundaryProcessesDescription")] public string BoundaryProcessesDescription { get; init; } = "";

    [JsonPropertyName("referencePeriodStart")] public required DateTimeOffset ReferencePeriodStart { get; init; }

    [JsonPropertyName("referencePeriodEnd")] public required DateTimeOffset ReferencePeriodEnd { get; init; }

    [JsonPropertyName("geographyCountry")] public string? GeographyCountry { get; init; }

    [JsonPropertyName("allocationRulesDescription")] public string AllocationRulesDescription { get; init; } = "";

    /// <summary>Share of the footprint computed from primary (supplier-specific) data, percent.</summary>
    [JsonPropertyName("primaryDataShare")] public string? PrimaryDataShare { get; init; }

    /// <summary>Formats a decimal the way PACT v3 expects: invariant culture, no exponent.</summary>
    public static string Decimal(double value) => ((decimal)Math.Round(value, 9)).ToString(CultureInfo.InvariantCulture);
}
