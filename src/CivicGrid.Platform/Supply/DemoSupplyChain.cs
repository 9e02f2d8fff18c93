using CivicGrid.Supply.Provenance;

namespace CivicGrid.Platform.Supply;

/// <summary>
/// The demo city's supply chain: copper from two mines and the city's e-waste recycler, refined by two refineries,
/// delivered to four manufacturers and the municipal disaster reserve every two weeks for eight months; one refinery
/// quietly cuts one manufacturer off in the last three months (for the withholding alert to find).
/// </summary>
public static class DemoSupplyChain
{
    /// <summary>The generator settings of the demo chain.</summary>
    public static GeneratedChainOptions Options { get; } = new(
        Seed: 2026,
        Months: 8,
        WithholdingSupplierId: "refiner-a",
        WithholdingCustomerId: "maker-east",
        WithholdingFromMonth: 5,
        WithholdingFraction: 0.1,
        Mines: 2,
        IntervalDays: 14);

    /// <summary>A chain ending shortly before <paramref name="now"/> (start at midnight UTC, 8 × 30 days earlier).</summary>
    public static ProvenanceRegistry Generate(DateTimeOffset now)
    {
        var day = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero);
        return SupplyChainGenerator.Generate(Options, day.AddDays(-Options.Months * 30));
    }
}
