using CivicGrid.Supply.Footprints;
using CivicGrid.Supply.Pact;
using CivicGrid.Supply.Provenance;
using Xunit;

namespace CivicGrid.Supply.Tests;

/// <summary>The ListFootprints filter criteria of PACT v3: parsing query parameters and matching footprints.</summary>
public class FootprintFilterTests
{
    private static ProductFootprint Footprint()
    {
        using var f = new ChainFixture();
        f.Apply(f.Mine("c1", 1000));
        f.Apply(new LotTransfer("mine", f.Next("mine"), ChainFixture.T0.AddDays(1), "c1", "refiner", "plant", 20));
        return FootprintAggregator.ForLot(f.Registry, "c1", ChainFixture.T0.AddDays(2), "mine");
    }

    private static FootprintFilter? Parse(Dictionary<string, string[]> query, out string? error) =>
        FootprintFilter.Parse(name => query.TryGetValue(name, out var v) ? v : [], out error);

    [Fact]
    public void Criteria_match_case_insensitively_and_any_value_of_a_list_matches()
    {
        var pf = Footprint();
        Assert.True(new FootprintFilter { ProductIds = ["URN:CIVICGRID:LOT:C1"] }.Matches(pf));
        Assert.True(new FootprintFilter { CompanyIds = ["urn:other:x", "urn:civicgrid:organisation:mine"] }.Matches(pf));
        Assert.False(new FootprintFilter { CompanyIds = ["urn:civicgrid:organisation:refiner"] }.Matches(pf));
        Assert.True(new FootprintFilter { Geographies = ["cl"] }.Matches(pf));
        Assert.False(new FootprintFilter { Geographies = ["JP"] }.Matches(pf));
        Assert.False(new FootprintFilter { Classifications = ["urn:pact:productclassification:un-cpc:1234"] }.Matches(pf));
        Assert.True(new FootprintFilter { Status = "active" }.Matches(pf));
        Assert.False(new FootprintFilter { Status = "Deprecated" }.Matches(pf));
    }

    [Fact]
    public void Validity_criteria_follow_the_specification_inequalities()
    {
        var pf = Footprint();
        var start = pf.EffectiveValidityStart();
        var end = pf.EffectiveValidityEnd();
        Assert.True(new FootprintFilter { ValidOn = start }.Matches(pf));
        Assert.True(new FootprintFilter { ValidOn = end }.Matches(pf));
        Assert.False(new FootprintFilter { ValidOn = start.AddTicks(-1) }.Matches(pf));
        Assert.True(new FootprintFilter { ValidAfter = start.AddTicks(-1) }.Matches(pf));
        Assert.False(new FootprintFilter { ValidAfter = start }.Matches(pf));
        Assert.True(new FootprintFilter { ValidBefore = end.AddTicks(1) }.Matches(pf));
        Assert.False(new FootprintFilter { ValidBefore = end }.Matches(pf));
    }

    [Fact]
    public void Query_parameters_round_trip_through_the_filter()
    {
        var filter = Parse(new()
        {
            ["productId"] = ["urn:a:1", "urn:a:2"],
            ["geography"] = ["JP"],
            ["validOn"] = ["2026-03-01T00:00:00Z"],
            ["status"] = ["Active"],
        }, out var error);
        Assert.Null(error);
        Assert.NotNull(filter);
        Assert.Equal(["urn:a:1", "urn:a:2"], filter.ProductIds);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), filter.ValidOn);
        var again = Parse(filter.ToQuery().GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => g.Select(kv => kv.Value).ToArray()), out _);
        Assert.Equal(filter.ToQuery(), again!.ToQuery());
    }

    [Theory]
    [InlineData("validOn", "yesterday")]
    [InlineData("validAfter", "2026-03-01")]
    [InlineData("status", "Gone")]
    [InlineData("productId", "")]
    public void Malformed_criteria_are_refused_with_the_parameter_named(string name, string value)
    {
        Assert.Null(Parse(new() { [name] = [value] }, out var error));
        Assert.Contains($"'{name}'", error, StringComparison.Ordinal);
    }
}
