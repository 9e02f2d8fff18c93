using CivicGrid.Supply.Analysis;
using CivicGrid.Supply.Footprints;
using CivicGrid.Supply.Provenance;
using Xunit;

namespace CivicGrid.Supply.Tests;

public class AnalysisTests
{
    [Fact]
    public void Hhi_matches_the_textbook_examples()
    {
        Assert.Equal(10000, ConcentrationAnalysis.HerfindahlHirschmanIndex([5.0]), 9);
        Assert.Equal(2500, ConcentrationAnalysis.HerfindahlHirschmanIndex([1.0, 1, 1, 1]), 9);
        // Shares 30, 30, 20, 20 % → 900 + 900 + 400 + 400.
        Assert.Equal(2600, ConcentrationAnalysis.HerfindahlHirschmanIndex([30.0, 30, 20, 20]), 9);
        Assert.Equal(ConcentrationLevel.HighlyConcentrated, ConcentrationAnalysis.Classify(2600));
        Assert.Equal(ConcentrationLevel.Unconcentrated, ConcentrationAnalysis.Classify(1000));
    }

    [Fact]
    public void Concentration_of_a_generated_chain_is_computed_per_material_by_supplier_and_country()
    {
        var registry = SupplyChainGenerator.Generate(new GeneratedChainOptions(Months: 2), ChainFixture.T0);
        var results = ConcentrationAnalysis.Analyse(registry);
        var copper = Assert.Single(results, r => r.Material == "copper");
        Assert.Equal(1.0, copper.Suppliers.Sum(s => s.Share), 9);
        Assert.Equal(1.0, copper.Countries.Sum(s => s.Share), 9);
        Assert.Equal(ConcentrationAnalysis.HerfindahlHirschmanIndex(copper.Suppliers.Select(s => s.MassKilograms)), copper.SupplierHhi, 9);
        // Two refiners of similar size: supplier HHI near 5,000, which is highly concentrated and must be advised on.
        Assert.InRange(copper.SupplierHhi, 4500, 5500);
        Assert.NotEmpty(copper.Advice);
        Assert.Contains(copper.Countries, c => c.Key == "JP");
    }

    [Fact]
    public void Injected_selective_withholding_is_found_with_its_evidence()
    {
        var registry = SupplyChainGenerator.Generate(new GeneratedChainOptions(Seed: 7, Months: 12, WithholdingSupplierId: "refiner-a", WithholdingCustomerId: "maker-east"), ChainFixture.T0);
        var alerts = WithholdingDetector.Detect(registry.Deliveries, ChainFixture.T0, ChainFixture.T0.AddDays(360), WithholdingOptions.Monthly);
        var alert = Assert.Single(alerts, a => a.Scope == WithholdingScope.Customer);
        Assert.Equal("refiner-a", alert.SupplierId);
        Assert.Equal("maker-east", alert.Target);
        Assert.True(alert.DeliveredKilograms < 0.5 * alert.ExpectedKilograms);
        Assert.True(alert.SupplierRecentKilogramsPerPeriod >= 0.8 * alert.SupplierBaselineKilogramsPerPeriod);
        Assert.Contains("maker-east", alert.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Clean_chains_raise_few_false_alarms()
    {
        var alarms = 0;
        var tests = 0;
        for (var seed = 1; seed <= 10; seed++)
        {
            var registry = SupplyChainGenerator.Generate(new GeneratedChainOptions(Seed: seed, Months: 12), ChainFixture.T0);
            alarms += WithholdingDetector.Detect(registry.Deliveries, ChainFixture.T0, ChainFixture.T0.AddDays(360), WithholdingOptions.Monthly).Count;
            tests += 2 * 4; // two refiners × four customers (region tests add as many again)
        }
        Assert.True(alarms <= 1, $"{alarms} false alarms in {tests} supplier–customer tests");
    }

    [Fact]
    public void A_general_shortage_is_not_reported_as_withholding()
    {
        var deliveries = new List<Delivery>();
        for (var month = 0; month < 12; month++)
        {
            var scale = month >= 9 ? 0.3 : 1.0; // the supplier's whole output collapses
            foreach (var customer in new[] { "a", "b", "c" })
            {
                deliveries.Add(new Delivery("s", customer, customer, "copper", 100 * scale, ChainFixture.T0.AddDays(30 * month + 1), $"{month}{customer}"));
            }
        }
        Assert.Empty(WithholdingDetector.Detect(deliveries, ChainFixture.T0, ChainFixture.T0.AddDays(360), WithholdingOptions.Monthly));
    }

    [Fact]
    public void Footprints_carry_embodied_emissions_per_kilogram_along_the_chain()
    {
        using var f = new ChainFixture();
        f.Apply(f.Mine("c1", 1000)); // 300 kg CO2e at registration
        f.Apply(new LotTransfer("mine", f.Next("mine"), ChainFixture.T0.AddDays(1), "c1", "refiner", "plant", 20));
        f.Apply(new LotTransformation("refiner", f.Next("refiner"), ChainFixture.T0.AddDays(2), TransformationKind.Refine, ["c1"],
            [new TransformationOutput("cu", "copper", "cathode", 200), new TransformationOutput("slag", "slag", "", 50)], 0.2, 0.3, 180));
        // (300 + 20 + 180) kg CO2e over 250 kg of outputs, allocated by mass: 2 kg CO2e per kg.
        Assert.Equal(2.0, FootprintAggregator.IntensityKgCo2ePerKg(f.Registry, "cu"), 12);
        var pf = FootprintAggregator.ForLot(f.Registry, "cu", ChainFixture.T0.AddDays(3));
        Assert.Equal("2", pf.Pcf.PcfExcludingBiogenicUptake);
        Assert.Equal("3.0.0", pf.SpecVersion);
        Assert.Equal("kilogram", pf.Pcf.DeclaredUnitOfMeasurement);
        Assert.Equal(["urn:civicgrid:lot:cu"], pf.ProductIds);
        Assert.True(Guid.TryParse(pf.Id, out var id));
        Assert.Equal(4, id.Version);
        Assert.Equal(pf.Id, FootprintAggregator.ForLot(f.Registry, "cu", ChainFixture.T0.AddDays(4)).Id);
    }

    [Fact]
    public void Reserves_sum_unconsumed_lots_at_municipal_sites()
    {
        var registry = SupplyChainGenerator.Generate(new GeneratedChainOptions(Months: 1), ChainFixture.T0);
        var reserves = ProvenanceQueries.Reserves(registry, o => o.Kind == OrganisationKind.Municipality);
        var level = Assert.Single(reserves);
        Assert.Equal("reserve-warehouse-1", level.SiteId);
        var expected = registry.Lots.Values.Where(l => l.HolderId == "city-reserve").Sum(l => l.Lot.MassKilograms);
        Assert.Equal(expected, level.MassKilograms, 6);
        Assert.True(level.LotCount > 0);
    }
}
