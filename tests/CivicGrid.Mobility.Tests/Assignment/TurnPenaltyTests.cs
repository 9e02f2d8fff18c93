using CivicGrid.Mobility.Assignment;
using CivicGrid.Mobility.Networks;
using CivicGrid.Testing;
using Xunit;

namespace CivicGrid.Mobility.Tests.Assignment;

public class TurnPenaltyTests
{
    // Zones 1 → 2 through junction 3: straight on 3→2 costs 1 + 0.1 x, the detour 3→4→2 costs 3; entry 1→3 costs 1.
    private static AssignmentNetwork Junction(double trips) => AssignmentTestNetworks.Build(2, 4, 3,
        [(1, 3, 1, 0, 1, 1), (3, 2, 1, 0.1, 1, 1), (3, 4, 1.5, 0, 1, 1), (4, 2, 1.5, 0, 1, 1)],
        new double[,] { { 0, trips }, { 0, 0 } });

    private static double[] Solve(AssignmentNetwork net) =>
        new AlgorithmB(net).Solve(new AssignmentOptions { TargetRelativeGap = 1e-13 }).LinkFlows;

    [Fact]
    public void Without_a_turn_rule_all_trips_go_straight()
    {
        // 1 + 0.1·20 = 3 equals the detour exactly at 20 trips.
        Assert.Equal(20, Solve(Junction(20))[1], 8);
    }

    [Fact]
    public void A_turn_penalty_moves_trips_to_the_detour_until_costs_are_equal()
    {
        // Penalty 1 on 1→3→2: 1 + 1 + 0.1 x = 3 → x = 10 straight, 10 on the detour.
        var turns = TurnExpandedNetwork.Build(Junction(20), [new TurnRule(0, 1, 1)]);
        var flows = Solve(turns.Network);
        var baseFlows = turns.BaseLinkFlows(flows);
        Assert.Equal(10, baseFlows[1], 8);
        Assert.Equal(10, baseFlows[3], 8);
        Assert.Equal(10, turns.TurnFlow(flows, 0, 1), 8);
        Assert.Equal(10, turns.TurnFlow(flows, 0, 2), 8);
    }

    [Fact]
    public void A_prohibited_turn_carries_no_flow()
    {
        var turns = TurnExpandedNetwork.Build(Junction(20), [TurnRule.Prohibit(0, 1)]);
        Assert.False(turns.HasTurn(0, 1));
        var flows = turns.BaseLinkFlows(Solve(turns.Network));
        Assert.Equal(0, flows[1]);
        Assert.Equal(20, flows[2], 9);
    }

    [Fact]
    public void A_turn_closed_to_one_vehicle_class_is_used_only_by_the_others()
    {
        var turns = TurnExpandedNetwork.Build(Junction(20), []);
        Assert.Equal(-1, turns.TurnLinkIndex(0, 1)); // no rule names node 3, so it is not expanded
        turns = TurnExpandedNetwork.Build(Junction(20), [new TurnRule(0, 1, 0)]);
        var straight = turns.TurnLinkIndex(0, 1);
        var z = new double[] { 0, 10, 0, 0 };
        var r = new AlgorithmB(turns.Network, [new VehicleClass("car", z), new VehicleClass("truck", z) { ProhibitedLinks = [straight] }])
            .Solve(new AssignmentOptions { TargetRelativeGap = 1e-13 });
        Assert.Equal(0, r.ClassLinkFlows![1][straight]);
        Assert.Equal(10, r.ClassLinkFlows[0][straight], 8); // cars: 1 + 0.1·10 = 2 < 3
    }

    [Fact]
    public void Malformed_turn_rules_are_rejected_with_the_reason()
    {
        var net = Junction(1);
        Assert.Contains("does not leave", Assert.Throws<ArgumentException>(() => TurnExpandedNetwork.Build(net, [new TurnRule(0, 3, 1)])).Message, StringComparison.Ordinal);
        Assert.Contains("outside", Assert.Throws<ArgumentException>(() => TurnExpandedNetwork.Build(net, [new TurnRule(0, 9, 1)])).Message, StringComparison.Ordinal);
        Assert.Contains("twice", Assert.Throws<ArgumentException>(() => TurnExpandedNetwork.Build(net, [new TurnRule(0, 1, 1), TurnRule.Prohibit(0, 1)])).Message, StringComparison.Ordinal);
        Assert.Contains("penalty", Assert.Throws<ArgumentException>(() => TurnExpandedNetwork.Build(net, [new TurnRule(0, 1, -2)])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Expanding_every_junction_of_anaheim_without_penalties_keeps_the_equilibrium()
    {
        var c = TntpCase.Load(ReferenceData.Require("mobility/tntp/Anaheim"));
        var net = AssignmentNetwork.FromTntp(c.Network, c.Trips, GeneralisedCostWeights.TimeOnly);
        var rules = new List<TurnRule>();
        for (var a = 0; a < net.LinkCount; a++)
        {
            var j = net.Head[a];
            if (j >= net.ZoneCount)
            {
                rules.Add(new TurnRule(a, net.OutLinks[net.OutStart[j]], 0));
            }
        }
        var turns = TurnExpandedNetwork.Build(net, rules);
        Assert.True(turns.Network.LinkCount > net.LinkCount + rules.Count);
        var plain = new AlgorithmB(net).Solve(new AssignmentOptions { TargetRelativeGap = 1e-12 });
        var expanded = new AlgorithmB(turns.Network).Solve(new AssignmentOptions { TargetRelativeGap = 1e-12 });
        Assert.True(expanded.Converged);
        Assert.True(Math.Abs(expanded.Objective - plain.Objective) <= 1e-9 * plain.Objective, $"{expanded.Objective:R} vs {plain.Objective:R}");
        var flows = turns.BaseLinkFlows(expanded.LinkFlows);
        var worst = 0.0;
        for (var a = 0; a < net.LinkCount; a++)
        {
            worst = Math.Max(worst, Math.Abs(flows[a] - plain.LinkFlows[a]));
        }
        Assert.True(worst <= 1e-3, $"largest link-flow difference {worst}");
    }
}
