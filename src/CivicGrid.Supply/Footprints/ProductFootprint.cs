using System.Globalization;
using System.Text.Json.Serialization;

namespace CivicGrid.Supply.Footprints;

/// <summary>
/// A product carbon footprint in the shape of the PACT Technical Specifications v3 data model (the properties this
/// platform produces; names as in the v3 OpenAPI). PACT v3 carries decimals as strings, so numeric fields are strings.
/// Optional properties that are null are left out of the JSON, as the specification wants them undefined.
/// </summary>
public sealed record ProductFootprint
{
    [JsonPropertyName("id")] public required string Id { get; init; }

    [JsonPropertyName("specVersion")] public string SpecVersion { get; init; } = "3.0.0";

    /// <summary>Ids of earlier footprints of the same product that this one replaces.</summary>
    [JsonPropertyName("precedingPfIds")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? PrecedingPfIds { get; init; }

    [JsonPropertyName("created")] public required DateTimeOffset Created { get; init; }

    /// <summary>"Active" or "Deprecated".</summary>
    [JsonPropertyName("status")] public string Status { get; init; } = "Active";

    [JsonPropertyName("validityPeriodStart")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? ValidityPeriodStart { get; init; }

    [JsonPropertyName("validityPeriodEnd")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? ValidityPeriodEnd { get; init; }

    [JsonPropertyName("companyName")] public required string CompanyName { get; init; }

    /// <summary>URNs naming the company, e.g. <c>urn:civicgrid:organisation:recycler-1</c>.</summary>
    [JsonPropertyName("companyIds")] public required IReadOnlyList<string> CompanyIds { get; init; }

    [JsonPropertyName("productDescription")] public required string ProductDescription { get; init; }

    /// <summary>URNs naming the product; for a lot, <c>urn:civicgrid:lot:&lt;id&gt;</c>.</summary>
    [JsonPropertyName("productIds")] public required IReadOnlyList<string> ProductIds { get; init; }

    /// <summary>Classification URNs; PACT wants this undefined rather than empty.</summary>
    [JsonPropertyName("productClassifications")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? ProductClassifications { get; init; }

    [JsonPropertyName("productNameCompany")] public required string ProductNameCompany { get; init; }

    [JsonPropertyName("comment")] public string Comment { get; init; } = "";

    [JsonPropertyName("pcf")] public required CarbonFootprint Pcf { get; init; }

    /// <summary>
    /// The start of the validity period: the stated one, else (as the specification defines) the end of the
    /// reference period.
    /// </summary>
    public DateTimeOffset EffectiveValidityStart() => ValidityPeriodStart ?? Pcf.ReferencePeriodEnd;

    /// <summary>The end of the validity period: the stated one, else three years after the reference period ends.</summary>
    public DateTimeOffset EffectiveValidityEnd() => ValidityPeriodEnd ?? Pcf.ReferencePeriodEnd.AddYears(3);
}

/// <summary>The <c>pcf</c> object of a PACT v3 footprint: emissions per declared unit (here one kilogram).</summary>
public sealed record CarbonFootprint
{
    [JsonPropertyName("declaredUnitOfMeasurement")] public string DeclaredUnitOfMeasurement { get; init; } = "kilogram";

    [JsonPropertyName("declaredUnitAmount")] public string DeclaredUnitAmount { get; init; } = "1";

    /// <summary>kg of product per declared unit.</summary>
    [JsonPropertyName("productMassPerDeclaredUnit")] public string ProductMassPerDeclaredUnit { get; init; } = "1";

    [JsonPropertyName("referencePeriodStart")] public required DateTimeOffset ReferencePeriodStart { get; init; }

    [JsonPropertyName("referencePeriodEnd")] public required DateTimeOffset ReferencePeriodEnd { get; init; }

    /// <summary>ISO 3166-1 alpha-2 country the footprint refers to (undefined for a global footprint).</summary>
    [JsonPropertyName("geographyCountry")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? GeographyCountry { get; init; }

    [JsonPropertyName("boundaryProcessesDescription")] public string BoundaryProcessesDescription { get; init; } = "";

    /// <summary>kg CO2e per declared unit, excluding biogenic CO2 uptake.</summary>
    [JsonPropertyName("pcfExcludingBiogenicUptake")] public required string PcfExcludingBiogenicUptake { get; init; }

    /// <summary>kg CO2e per declared unit, including biogenic CO2 uptake (none for metals and minerals).</summary>
    [JsonPropertyName("pcfIncludingBiogenicUptake")] public required string PcfIncludingBiogenicUptake { get; init; }

    [JsonPropertyName("fossilGhgEmissions")] public required string FossilGhgEmissions { get; init; }

    /// <summary>kg of fossil carbon per declared unit contained in the product (0 for metals).</summary>
    [JsonPropertyName("fossilCarbonContent")] public string FossilCarbonContent { get; init; } = "0";

    [JsonPropertyName("ipccCharacterizationFactors")] public IReadOnlyList<string> IpccCharacterizationFactors { get; init; } = ["AR6"];

    [JsonPropertyName("crossSectoralStandards")] public IReadOnlyList<string> CrossSectoralStandards { get; init; } = ["GHGP-Product", "ISO14067", "PACT-3.0"];

    [JsonPropertyName("exemptedEmissionsPercent")] public string ExemptedEmissionsPercent { get; init; } = "0";

    [JsonPropertyName("exemptedEmissionsDescription")] public string ExemptedEmissionsDescription { get; init; } = "";

    [JsonPropertyName("packagingEmissionsIncluded")] public bool PackagingEmissionsIncluded { get; init; }

    [JsonPropertyName("allocationRulesDescription")] public string AllocationRulesDescription { get; init; } = "";

    /// <summary>Share of the footprint computed from primary (supplier-specific) data, percent.</summary>
    [JsonPropertyName("primaryDataShare")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? PrimaryDataShare { get; init; }

    /// <summary>Formats a decimal the way PACT v3 expects: invariant culture, no exponent, no trailing zeros.</summary>
    public static string Decimal(double value)
    {
        var text = ((decimal)Math.Round(value, 9)).ToString(CultureInfo.InvariantCulture);
        return text.Contains('.', StringComparison.Ordinal) ? text.TrimEnd('0').TrimEnd('.') : text;
    }
}
