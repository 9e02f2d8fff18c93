using CivicGrid.Supply.Provenance;
using Xunit;

namespace CivicGrid.Supply.Tests;

public class ProvenanceRegistryTests
{
    [Fact]
    public void Refining_within_stated_yield_creates_the_output_and_consumes_the_input()
    {
        using var f = new ChainFixture();
        f.Apply(f.Mine("c1", 1000));
        f.Apply(new LotTransfer("mine", f.Next("mine"), ChainFixture.T0, "c1", "refiner", "plant", 5));
        f.Apply(new LotTransformation("refiner", f.Next("refiner"), ChainFixture.T0, TransformationKind.Refine, ["c1"],
            [new TransformationOutput("cu1", "copper", "cathode", 270)], 0.2, 0.3, 100));

        Assert.True(f.Registry.Lots["c1"].Consumed);
        var cu = f.Registry.Lots["cu1"];
        Assert.Equal("refiner", cu.HolderId);
        Assert.Equal(270, cu.Lot.MassKilograms);
        Assert.Equal(300 + 5 + 100, cu.EmbodiedEmissionsKgCo2e, 9);
        Assert.Equal(1.0, cu.Lot.OriginShares["CL"]);
    }

    [Fact]
    public void Output_heavier_than_the_stated_yield_allows_is_rejected_and_nothing_changes()
    {
        using var f = new ChainFixture();
        f.Apply(f.Mine("c1", 1000));
        f.Apply(new LotTransfer("mine", f.Next("mine"), ChainFixture.T0, "c1", "refiner", "plant", 0));
        var ex = Assert.Throws<ProvenanceViolationException>(() => f.Apply(new LotTransformation("refiner", f.Next("refiner"), ChainFixture.T0,
            TransformationKind.Refine, ["c1"], [new TransformationOutput("cu1", "copper", "cathode", 400)], 0.2, 0.3, 0)));
        Assert.Equal(ProvenanceViolation.MassBalance, ex.Violation);
        Assert.False(f.Registry.Lots["c1"].Consumed);
        Assert.False(f.Registry.Lots.ContainsKey("cu1"));
    }

    [Fact]
    public void A_yield_above_one_cannot_be_stated()
    {
        using var f = new ChainFixture();
        f.Apply(f.Mine("c1", 1000));
        f.Apply(new LotTransfer("mine", f.Next("mine"), ChainFixture.T0, "c1", "refiner", "plant", 0));
        var ex = Assert.Throws<ProvenanceViolationException>(() => f.Apply(new LotTransformation("refiner", f.Next("refiner"), ChainFixture.T0,
            TransformationKind.Manufacture, ["c1"], [new TransformationOutput("p", "wire", "", 1100)], 0.5, 1.2, 0)));
        Assert.Equal(ProvenanceViolation.MassBalance, ex.Violation);
    }

    [Fact]
    public void Split_must_conserve_mass_exactly()
    {
        using var f = new ChainFixture();
        f.Apply(f.Mine("c1", 1000));
        var ex = Assert.Throws<ProvenanceViolationException>(() => f.Apply(new LotTransformation("mine", f.Next("mine"), ChainFixture.T0,
            TransformationKind.Split, ["c1"], [new TransformationOutput("a", "copper concentrate", "", 600), new TransformationOutput("b", "copper concentrate", "", 300)], 1, 1, 0)));
        Assert.Equal(ProvenanceViolation.MassBalance, ex.Violation);

        f.Apply(new LotTransformation("mine", f.Next("mine"), ChainFixture.T0, TransformationKind.Split, ["c1"],
            [new TransformationOutput("a", "copper concentrate", "", 600), new TransformationOutput("b", "copper concentrate", "", 400)], 1, 1, 0));
        Assert.Equal(600, f.Registry.Lots["a"].Lot.MassKilograms);
    }

    [Fact]
    public void A_manufacturer_cannot_create_material_from_nothing()
    {
        using var f = new ChainFixture();
        var ex = Assert.Throws<ProvenanceViolationException>(() => f.Apply(f.Mine("fake", 100, org: "maker")));
        Assert.Equal(ProvenanceViolation.NotAllowedForRole, ex.Violation);
    }

    [Fact]
    public void A_lot_cannot_be_used_twice()
    {
        using var f = new ChainFixture();
        f.Apply(f.Mine("c1", 1000));
        f.Apply(new LotTransformation("mine", f.Next("mine"), ChainFixture.T0, TransformationKind.Split, ["c1"],
            [new TransformationOutput("a", "copper concentrate", "", 1000)], 1, 1, 0));
        var ex = Assert.Throws<ProvenanceViolationException>(() =>
            f.Apply(new LotTransfer("mine", f.Next("mine"), ChainFixture.T0, "c1", "refiner", "plant", 0)));
        Assert.Equal(ProvenanceViolation.AlreadyConsumed, ex.Violation);
    }

    [Fact]
    public void Recycling_yields_recycled_content_and_mixing_averages_it_by_mass()
    {
        using var f = new ChainFixture();
        f.Apply(new LotRegistration("recycler", f.Next("recycler"), ChainFixture.T0, "scrap", "e-waste", "PCB", 1000, "yard", "JP", 1, 50));
        f.Apply(new LotTransformation("recycler", f.Next("recycler"), ChainFixture.T0, TransformationKind.Recycle, ["scrap"],
            [new TransformationOutput("rcu", "copper", "cathode", 200)], 0.1, 0.25, 80));
        f.Apply(new LotTransfer("recycler", f.Next("recycler"), ChainFixture.T0, "rcu", "refiner", "plant", 0));
        f.Apply(f.Mine("c1", 3000));
        f.Apply(new LotTransfer("mine", f.Next("mine"), ChainFixture.T0, "c1", "refiner", "plant", 0));
        f.Apply(new LotTransformation("refiner", f.Next("refiner"), ChainFixture.T0, TransformationKind.Refine, ["c1"],
            [new TransformationOutput("pcu", "copper", "cathode", 600)], 0.15, 0.3, 0));
        f.Apply(new LotTransformation("refiner", f.Next("refiner"), ChainFixture.T0, TransformationKind.Merge, ["pcu", "rcu"],
            [new TransformationOutput("mix", "copper", "cathode", 800)], 1, 1, 0));

        var mix = f.Registry.Lots["mix"].Lot;
        Assert.Equal(0.25, mix.RecycledShare, 12);
        Assert.Equal(0.75, mix.OriginShares["CL"], 12);
        Assert.Equal(0.25, mix.OriginShares["JP"], 12);
        var sources = ProvenanceQueries.Sources(f.Registry, "mix").Select(s => s.Lot.Id).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["c1", "scrap"], sources);
    }
}
