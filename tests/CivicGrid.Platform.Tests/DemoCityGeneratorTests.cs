using System.Text.Json;
using CivicGrid.Platform.DemoCity;
using CivicGrid.Platform.Storage;
using Xunit;

namespace CivicGrid.Platform.Tests;

public sealed class DemoCityGeneratorTests
{
    private static string Serialize(DemoCityModel city) => JsonSerializer.Serialize(city);

    [Fact]
    public void Same_seed_gives_an_identical_city()
    {
        var a = Serialize(DemoCityGenerator.Generate(2026));
        var b = Serialize(DemoCityGenerator.Generate(2026));
        Assert.Equal(a, b);
    }

    [Fact]
    public void Different_seeds_give_different_cities()
    {
        Assert.NotEqual(Serialize(DemoCityGenerator.Generate(2026)), Serialize(DemoCityGenerator.Generate(2027)));
    }

    [Fact]
    public void Every_reference_in_the_city_points_at_something_that_exists()
    {
        var city = DemoCityGenerator.Generate(7);
        var regions = city.Regions.Select(r => r.Id).ToHashSet();
        var households = city.Households.Select(h => h.Id).ToHashSet();
        var buses = city.Electricity.Buses.Select(b => b.Id).Append(city.Electricity.SubstationId).ToHashSet();
        var waterNodes = city.Water.Junctions.Select(j => j.Id).Append(city.Water.Reservoir.Id).ToHashSet();
        var roadNodes = city.Roads.Nodes.Select(n => n.Id).ToHashSet();

        Assert.All(city.Households, h =>
        {
            Assert.Contains(h.RegionId, regions);
            Assert.Contains(h.ElectricityBusId, buses);
            Assert.Contains(h.WaterJunctionId, waterNodes);
        });
        Assert.All(city.Residents, r => Assert.Contains(r.HouseholdId, households));
        Assert.All(city.Electricity.Resources, d => Assert.Contains(d.HouseholdId, households));
        Assert.All(city.Electricity.Lines, l => { Assert.Contains(l.FromBusId, buses); Assert.Contains(l.ToBusId, buses); });
        Assert.All(city.Water.Pipes, p => { Assert.Contains(p.FromId, waterNodes); Assert.Contains(p.ToId, waterNodes); });
        Assert.All(city.Water.SensorJunctionIds, s => Assert.Contains(s, waterNodes));
        Assert.Contains(city.Water.Tank.JunctionId, waterNodes);
        Assert.All(city.Roads.Links, l => { Assert.Contains(l.FromNodeId, roadNodes); Assert.Contains(l.ToNodeId, roadNodes); });
        Assert.Equal(regions.Count, city.Electricity.Feeders.Count);
        // Ids are unique across households and residents.
        Assert.Equal(city.Households.Count, households.Count);
        Assert.Equal(city.Residents.Count, city.Residents.Select(r => r.Id).Distinct().Count());
    }

    [Fact]
    public void Residents_match_household_sizes_and_demand_matches_junction_totals()
    {
        var city = DemoCityGenerator.Generate(11);
        foreach (var h in city.Households)
        {
            Assert.Equal(h.Residents, city.Residents.Count(r => r.HouseholdId == h.Id));
        }
        var totalDaily = city.Households.Sum(h => h.DailyWaterCubicMeters);
        var totalJunction = city.Water.Junctions.Sum(j => j.BaseDemandCubicMetersPerSecond) * 86400;
        Assert.Equal(totalDaily, totalJunction, 1e-3);
        // The reservoir sits above every junction so the gravity network can deliver.
        Assert.All(city.Water.Junctions, j => Assert.True(city.Water.Reservoir.HeadMeters > j.ElevationMeters + 20));
    }

    [Fact]
    public void The_city_has_every_income_group_and_every_kind_of_distributed_resource()
    {
        var city = DemoCityGenerator.Generate(2026);
        Assert.Equal(Enum.GetValues<IncomeGroup>().Length, city.Households.Select(h => h.IncomeGroup).Distinct().Count());
        Assert.Equal(Enum.GetValues<DistributedResourceKind>().Length, city.Electricity.Resources.Select(r => r.Kind).Distinct().Count());
        Assert.All(city.Electricity.Resources.Where(r => r.Kind == DistributedResourceKind.Battery),
            b => Assert.Contains(city.Electricity.Resources, pv => pv.Kind == DistributedResourceKind.Photovoltaic && pv.HouseholdId == b.HouseholdId));
        Assert.Contains(city.Roads.Nodes, n => n.Signalised);
    }

    [Fact]
    public void Seeded_rows_have_unique_asset_ids_in_known_regions()
    {
        var (regions, households, assets) = DemoCitySeeder.ToEntities(DemoCityGenerator.Generate(2026));
        var regionIds = regions.Select(r => r.Id).ToHashSet();
        Assert.Equal(assets.Count, assets.Select(a => a.Id).Distinct().Count());
        Assert.All(assets, a => Assert.Contains(a.RegionId, regionIds));
        Assert.Equal(households.Count, assets.Count(a => a.Kind == AssetKind.ElectricityMeter));
        Assert.All(assets, a => Assert.NotNull(JsonDocument.Parse(a.PropertiesJson)));
    }

    [Fact]
    public void A_size_below_one_household_is_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => DemoCityGenerator.Generate(1, householdsPerRegion: 0));
    }
}
