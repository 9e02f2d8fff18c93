using CivicGrid.Water.Operations;
using Xunit;

namespace CivicGrid.Water.Tests;

public sealed class RestrictionTests
{
    private static readonly RestrictionDistrict[] Districts =
    [
        new("north", 3000, 45, 1200),
        new("south", 2400, 30, 900),
        new("harbour", 600, 20, 150),
    ];

    [Fact]
    public void Max_min_fair_meets_small_demands_in_full_and_shares_the_rest_equally()
    {
        var alloc = RestrictionPlanner.MaxMinFair([3000, 2400, 600], 4800);
        Assert.Equal(600, alloc[2], 1e-9);
        Assert.Equal(2100, alloc[0], 1e-9);
        Assert.Equal(2100, alloc[1], 1e-9);
        Assert.Equal(4800, alloc.Sum(), 1e-9);
    }

    [Fact]
    public void Proportional_gives_every_district_the_same_fraction()
    {
        var plan = RestrictionPlanner.Plan(Districts, 4800, new RestrictionOptions { Sharing = ShortageSharing.Proportional });
        Assert.All(plan.Districts, d => Assert.InRange(d.ShortageFraction, 0.2 - 1e-9, 0.2 + 0.05));
        Assert.True(plan.ShortageCubicMeters >= 1200 - 1e-6);
    }

    [Fact]
    public void Pressure_management_comes_first_and_never_goes_below_the_minimum_pressure()
    {
        var o = new RestrictionOptions { MinimumServicePressureMeters = 15 };
        var plan = RestrictionPlanner.Plan(Districts, 5000, o);
        foreach (var d in plan.Districts)
        {
            Assert.True(d.RestrictedPressureMeters >= Math.Min(15, d.ServicePressureMeters) - 1e-9);
            Assert.True(d.ShortageCubicMeters + 1e-6 >= d.PressureReductionCubicMeters);
        }
        var north = plan.Districts.Single(d => d.DistrictId == "north");
        // 45 m can drop to 15 m: up to 1 - sqrt(1/3) = 42 % reduction by pressure, enough for its share.
        Assert.Null(north.Rotation);
        Assert.True(north.PressureReductionCubicMeters > 0);
    }

    [Fact]
    public void Rotation_windows_are_staggered_and_cover_the_shortage()
    {
        var o = new RestrictionOptions { PreferPressureManagement = false };
        var plan = RestrictionPlanner.Plan(Districts, 3000, o);
        Assert.All(plan.Districts.Where(d => d.ShortageCubicMeters > 0), d => Assert.NotNull(d.Rotation));
        Assert.True(plan.DemandCubicMeters - plan.ShortageCubicMeters <= 3000 + 1e-6);
        // At no hour are all districts off at once.
        for (var h = 0; h < 24; h++)
        {
            Assert.True(plan.Districts.Count(d => d.Rotation?.Covers(h) == true) < plan.Districts.Count);
        }
        var windows = plan.Districts.Where(d => d.Rotation is not null).Select(d => d.Rotation!.StartHour).ToList();
        Assert.Equal(windows.Count, windows.Distinct().Count());
    }

    [Fact]
    public void No_shortage_means_no_restriction()
    {
        var plan = RestrictionPlanner.Plan(Districts, 10_000);
        Assert.All(plan.Districts, d =>
        {
            Assert.Equal(0, d.ShortageCubicMeters);
            Assert.Null(d.Rotation);
            Assert.Equal(d.ServicePressureMeters, d.RestrictedPressureMeters);
        });
    }
}
