using CivicGrid.Mobility.Assignment;
using CivicGrid.Mobility.Networks;
using CivicGrid.Testing;
using Xunit;

namespace CivicGrid.Mobility.Tests.Assignment;

public class MultiClassAssignmentTests
{
    // Two parallel links 1→2: t0 = 10 + 0.1 x (toll 30), t1 = 20 + 0.05 x.
    private static AssignmentNetwork TwoRoutes()
    {
        var links = new List<TntpLink>
        {
            new(1, 2, 1, 1, 10, 0.01, 1, 0, 30, 1),
            new(1, 2, 1, 1, 20, 0.0025, 1, 0, 0, 1),
        };
        var trips = new TntpTrips(2, [new TntpOriginDemand(1, [new(2, 1)]), new TntpOriginDemand(2, [])]);
        return AssignmentNetwork.FromTntp(new TntpNetwork(2, 2, 1, links), trips, GeneralisedCostWeights.TimeOnly);
    }

    private static double[] OneTrip(double q) => [0, q, 0, 0];

    [Fact]
    public void Trucks_count_with_their_passenger_car_equivalent()
    {
        // 100 cars + 50 trucks of 2 PCE = 200 PCE: 10 + 0.1 x0 = 20 + 0.05 (200 − x0) → x0 = 133.33 PCE.
        var classes = new[] { new VehicleClass("car", OneTrip(100)), new VehicleClass("truck", OneTrip(50)) { PassengerCarEquivalent = 2 } };
        var r = new AlgorithmB(TwoRoutes(), classes).Solve(new AssignmentOptions { TargetRelativeGap = 1e-13 });
        Assert.True(r.Converged);
        Assert.Equal(400.0 / 3, r.LinkFlows[0], 8);
        Assert.Equal(200.0 / 3, r.LinkFlows[1], 8);
        Assert.Equal(100, r.ClassLinkFlows![0][0] + r.ClassLinkFlows[0][1], 9);
        Assert.Equal(50, r.ClassLinkFlows[1][0] + r.ClassLinkFlows[1][1], 9);
        Assert.Equal(r.LinkFlows[0], r.ClassLinkFlows[0][0] + (2 * r.ClassLinkFlows[1][0]), 8);
    }

    [Fact]
    public void A_link_closed_to_trucks_carries_none_and_cars_use_it()
    {
        // Trucks may not use link 0: 50 trucks = 100 PCE on link 1 (cost 25); all 100 cars on link 0 (cost 20).
        var classes = new[]
        {
            new VehicleClass("car", OneTrip(100)),
            new VehicleClass("truck", OneTrip(50)) { PassengerCarEquivalent = 2, ProhibitedLinks = [0] },
        };
        var r = new AlgorithmB(TwoRoutes(), classes).Solve(new AssignmentOptions { TargetRelativeGap = 1e-13 });
        Assert.True(r.Converged);
        Assert.Equal(0, r.ClassLinkFlows![1][0]);
        Assert.Equal(50, r.ClassLinkFlows[1][1], 9);
        Assert.Equal(100, r.ClassLinkFlows[0][0], 6);
        Assert.True(double.IsPositiveInfinity(r.ClassLinkCosts![1][0]));
    }

    [Fact]
    public void Each_class_weighs_the_toll_with_its_own_factor()
    {
        // Same-cost classes: 120 vehicles split 10 + 0.1 x0 = 20 + 0.05 (120 − x0) → x0 = 106.67.
        var same = new[] { new VehicleClass("car", OneTrip(100)), new VehicleClass("van", OneTrip(20)) };
        var r0 = new AlgorithmB(TwoRoutes(), same).Solve(new AssignmentOptions { TargetRelativeGap = 1e-13 });
        Assert.Equal(320.0 / 3, r0.LinkFlows[0], 8);
        // Vans pay the toll of 30 (factor 1): they all take link 1 (cost 21 < 50), cars all take link 0 (cost 20 < 21).
        var tolled = new[] { same[0], same[1] with { Weights = new GeneralisedCostWeights(1, 0) } };
        var r1 = new AlgorithmB(TwoRoutes(), tolled).Solve(new AssignmentOptions { TargetRelativeGap = 1e-13 });
        Assert.True(r1.Converged);
        Assert.Equal(100, r1.ClassLinkFlows![0][0], 6);
        Assert.Equal(20, r1.ClassLinkFlows[1][1], 6);
        Assert.Equal(51, r1.ClassLinkCosts![1][0] + r1.ClassLinkCosts[1][1] - 20, 6); // 50 on the toll road, 21 on the free one
    }

    [Fact]
    public void A_class_that_cannot_reach_its_destination_is_reported()
    {
        var classes = new[] { new VehicleClass("truck", OneTrip(5)) { ProhibitedLinks = [0, 1] } };
        var ex = Assert.Throws<AssignmentException>(() => new AlgorithmB(TwoRoutes(), classes).Solve(new AssignmentOptions()));
        Assert.Contains("vehicle class 0", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_class_definitions_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new AlgorithmB(TwoRoutes(), [new VehicleClass("short", [1, 2])]));
        Assert.Throws<ArgumentException>(() => new AlgorithmB(TwoRoutes(), [new VehicleClass("zero", OneTrip(1)) { PassengerCarEquivalent = 0 }]));
        Assert.Throws<ArgumentException>(() => new AlgorithmB(TwoRoutes(), []));
    }

    private static AssignmentNetwork SiouxFalls()
    {
        var c = TntpCase.Load(ReferenceData.Require("mobility/tntp/SiouxFalls"));
        return AssignmentNetwork.FromTntp(c.Network, c.Trips, GeneralisedCostWeights.TimeOnly);
    }

    [Fact]
    public void Two_identical_classes_reproduce_the_single_class_equilibrium_on_sioux_falls()
    {
        var net = SiouxFalls();
        var single = new AlgorithmB(net).Solve(new AssignmentOptions { TargetRelativeGap = 1e-13 });
        var classes = new[]
        {
            new VehicleClass("a", net.Demand.Select(q => 0.3 * q).ToArray()),
            new VehicleClass("b", net.Demand.Select(q => 0.7 * q).ToArray()),
        };
        var multi = new AlgorithmB(net, classes).Solve(new AssignmentOptions { TargetRelativeGap = 1e-13 });
        Assert.True(multi.Converged);
        Assert.True(Math.Abs(multi.Objective - single.Objective) <= 1e-9 * single.Objective, $"{multi.Objective:R} vs {single.Objective:R}");
        for (var a = 0; a < net.LinkCount; a++)
        {
            Assert.Equal(single.LinkFlows[a], multi.LinkFlows[a], 4);
        }
    }

    [Fact]
    public void Sioux_falls_with_restricted_heavy_trucks_is_an_equilibrium_for_every_class()
    {
        // Independent check of the solver's answer: per class, total cost of its flows against its demand on
        // shortest paths under its own final costs (relative gap per class ≤ 1e-9).
        var net = SiouxFalls();
        int[] banned = [0, 2, 10, 30, 40, 50];
        var classes = new[]
        {
            new VehicleClass("car", net.Demand.Select(q => 0.85 * q).ToArray()),
            new VehicleClass("truck", net.Demand.Select(q => 0.15 * q).ToArray()) { PassengerCarEquivalent = 2.5, ProhibitedLinks = banned },
        };
        var r = new AlgorithmB(net, classes).Solve(new AssignmentOptions { TargetRelativeGap = 1e-12 });
        Assert.True(r.Converged);
        var eval = new GapEvaluator(net);
        for (var k = 0; k < classes.Length; k++)
        {
            var flows = r.ClassLinkFlows![k];
            var costs = r.ClassLinkCosts![k];
            var tstt = 0.0;
            for (var a = 0; a < net.LinkCount; a++)
            {
                if (flows[a] > 0)
                {
                    tstt += flows[a] * costs[a];
                }
            }
            var sptt = eval.ShortestPathCost(costs, classes[k].Demand);
            Assert.True((tstt - sptt) / sptt <= 1e-9, $"class {classes[k].Name}: gap {(tstt - sptt) / sptt}");
        }
        foreach (var a in banned)
        {
            Assert.Equal(0, r.ClassLinkFlows![1][a]);
        }
        for (var a = 0; a < net.LinkCount; a++)
        {
            var pce = r.ClassLinkFlows![0][a] + (2.5 * r.ClassLinkFlows[1][a]);
            Assert.Equal(r.LinkFlows[a], pce, 6);
        }
    }
}
