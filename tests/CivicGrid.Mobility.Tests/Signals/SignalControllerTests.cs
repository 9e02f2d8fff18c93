using CivicGrid.Mobility.Loading;
using CivicGrid.Mobility.Signals;
using Xunit;

namespace CivicGrid.Mobility.Tests.Signals;

public class SignalControllerTests
{
    [Fact]
    public void Webster_cycle_and_splits_follow_the_formula()
    {
        // Y = 0.4 + 0.16, L = 2 · 4 s: C = (1.5 · 8 + 5) / (1 − 0.56) = 38.64 s; greens ∝ flow ratios.
        var w = WebsterController.FromFlowRatios([0.4, 0.16], 4);
        Assert.Equal(17 / 0.44, w.CycleSeconds, 9);
        Assert.Equal(0.4 / 0.16, w.GreenSeconds[0] / w.GreenSeconds[1], 9);
        Assert.Equal(w.CycleSeconds, w.GreenSeconds.Sum() + 8, 9);
    }

    [Fact]
    public void Fixed_time_plan_repeats_every_cycle()
    {
        var plan = FixedTimeController.EqualSplit(2, 90, 4);
        var x = SignalScenario.Grid("one", 1, 1).Intersections[0];
        Assert.Equal(0, plan.RequestPhase(x, 10));
        Assert.Equal(1, plan.RequestPhase(x, 50));
        Assert.Equal(0, plan.RequestPhase(x, 100));
        Assert.Equal(1, plan.RequestPhase(x, 90 + 50));
    }

    [Fact]
    public void Max_pressure_serves_the_phase_with_the_longer_queue_after_min_green()
    {
        var scenario = SignalScenario.Grid("one", 1, 1);
        var x = scenario.Intersections[0];
        var cross = x.Phases[1][0];
        Array.Fill(cross.Vehicles, cross.MaxVehiclesPerCell);
        var controller = new MaxPressureController(10);
        Assert.Equal(0, controller.RequestPhase(x, 0)); // still inside the minimum green
        for (var t = 0; t < 6; t++)
        {
            x.Advance(0, 2);
        }
        Assert.Equal(1, controller.RequestPhase(x, 12));
        x.Advance(1, 2);
        Assert.True(x.InTransition);
        Assert.False(x.IsGreen(cross)); // lost time first
    }

    [Fact]
    public void Intersection_shows_no_green_during_the_lost_time()
    {
        var x = SignalScenario.Grid("one", 1, 1).Intersections[0];
        var arterial = x.Phases[0][0];
        var cross = x.Phases[1][0];
        Assert.True(x.IsGreen(arterial));
        x.Advance(1, 2);
        x.Advance(1, 2);
        Assert.False(x.IsGreen(arterial) || x.IsGreen(cross));
        x.Advance(1, 2);
        Assert.True(x.IsGreen(cross));
    }

    [Fact]
    public void Webster_and_max_pressure_beat_fixed_time_on_corridor_and_grid_at_moderate_and_high_demand()
    {
        var results = SignalScenario.CompareControllers();
        Assert.Equal(12, results.Count);
        foreach (var group in results.GroupBy(r => (r.Network, r.Demand)))
        {
            var fixedTime = group.Single(r => r.Controller == "fixed-time").AverageDelaySeconds;
            Assert.True(group.Single(r => r.Controller == "webster").AverageDelaySeconds < fixedTime, $"Webster on {group.Key}");
            Assert.True(group.Single(r => r.Controller == "max-pressure").AverageDelaySeconds < fixedTime, $"max-pressure on {group.Key}");
            Assert.All(group, r => Assert.True(r.VehiclesExited > 0.8 * r.VehiclesEntered));
        }
    }
}
