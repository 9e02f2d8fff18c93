using CivicGrid.Mobility.Assignment;
using Xunit;

namespace CivicGrid.Mobility.Tests.Assignment;

public class AlgorithmBTests
{
    [Fact]
    public void Braess_equilibrium_uses_all_three_paths_with_two_trips_each()
    {
        // Analytic equilibrium of Braess's example: 2 trips on each path, every path costs 92.
        var net = AssignmentTestNetworks.Braess();
        var result = new AlgorithmB(net).Solve(new AssignmentOptions { TargetRelativeGap = 1e-13 });
        Assert.True(result.Converged);
        Assert.Equal([4, 2, 2, 2, 4], result.LinkFlows.Select(f => Math.Round(f, 6))); // the 1e-8 free-flow times shift flows by ~1e-9
        Assert.Equal(92, result.LinkCosts[0] + result.LinkCosts[3] + result.LinkCosts[4], 6);
        Assert.Equal(92, result.LinkCosts[1] + result.LinkCosts[4], 6);
    }

    [Fact]
    public void Frank_wolfe_finds_the_same_braess_equilibrium()
    {
        var net = AssignmentTestNetworks.Braess();
        var result = new FrankWolfe(net).Solve(new AssignmentOptions { TargetRelativeGap = 1e-9, MaxIterations = 5000 });
        Assert.True(result.Converged);
        Assert.Equal([4, 2, 2, 2, 4], result.LinkFlows.Select(f => Math.Round(f, 4)));
    }

    [Fact]
    public void Paths_never_pass_through_a_zone_other_than_their_own()
    {
        // Zones 1, 2, 3 (first thru node 4). The cheap route 1→3→2 passes through zone 3 and is forbidden,
        // so the 10 trips 1→2 must take 1→4→2 even though it costs more.
        var net = AssignmentTestNetworks.Build(3, 4, 4,
            [(1, 3, 1, 0, 1, 1), (3, 2, 1, 0, 1, 1), (1, 4, 5, 0, 1, 1), (4, 2, 5, 0, 1, 1)],
            new double[,] { { 0, 10, 0 }, { 0, 0, 0 }, { 0, 0, 0 } });
        var result = new AlgorithmB(net).Solve(new AssignmentOptions());
        Assert.Equal(0, result.LinkFlows[0]);
        Assert.Equal(10, result.LinkFlows[2]);
        Assert.Equal(10, result.LinkFlows[3]);
    }

    [Fact]
    public void Zero_power_and_zero_free_flow_time_links_have_constant_cost()
    {
        // Two parallel routes: a constant-cost one (power 0: t = fft (1 + b) = 12) and a BPR one with
        // non-integer power t = 2 (1 + (x/10)^1.5). Equilibrium: 2 (1 + (x/10)^1.5) = 12 → x = 10 · 5^(2/3).
        var net = AssignmentTestNetworks.Build(2, 3, 3,
            [(1, 3, 10, 0.2, 1, 0), (3, 2, 0, 0.15, 5, 4), (1, 2, 2, 1, 10, 1.5)],
            new double[,] { { 0, 100 }, { 0, 0 } });
        Assert.Equal(12, net.Cost(0, 37.5));
        Assert.Equal(0, net.Cost(1, 1e6));
        var result = new AlgorithmB(net).Solve(new AssignmentOptions { TargetRelativeGap = 1e-13 });
        var expected = 10 * Math.Pow(5, 2.0 / 3.0);
        Assert.Equal(expected, result.LinkFlows[2], 8);
        Assert.Equal(100 - expected, result.LinkFlows[0], 8);
    }

    [Fact]
    public void Cost_derivative_and_integral_agree_with_finite_differences()
    {
        var net = AssignmentTestNetworks.Build(2, 3, 3,
            [(1, 3, 3, 0.15, 700, 4), (3, 2, 2, 0.6, 900, 2.7), (1, 2, 4, 1, 10, 1)],
            new double[,] { { 0, 1 }, { 0, 0 } });
        for (var a = 0; a < 3; a++)
        {
            const double x = 812.5, h = 1e-3;
            var numericDerivative = (net.Cost(a, x + h) - net.Cost(a, x - h)) / (2 * h);
            Assert.Equal(numericDerivative, net.Derivative(a, x), 1e-6 * Math.Max(1, numericDerivative));
            var numericCost = (net.Integral(a, x + h) - net.Integral(a, x - h)) / (2 * h);
            Assert.Equal(net.Cost(a, x), numericCost, 1e-5 * Math.Max(1, numericCost));
        }
    }

    [Fact]
    public void Select_link_demand_is_the_share_of_trips_using_the_link()
    {
        var net = AssignmentTestNetworks.Braess();
        var solver = new AlgorithmB(net);
        solver.Solve(new AssignmentOptions { TargetRelativeGap = 1e-13 });
        // Link 3→4 (index 3) carries only the 2 trips of the middle path; link 1→3 carries 4 of the 6.
        Assert.Equal(2, solver.SelectLink(3)[1], 6);
        Assert.Equal(4, solver.SelectLink(0)[1], 6);
        Assert.Equal(0, solver.SelectLink(3)[0]);
    }

    [Fact]
    public void Unreachable_destination_is_reported()
    {
        var net = AssignmentTestNetworks.Build(2, 3, 3,
            [(1, 3, 1, 0, 1, 1)],
            new double[,] { { 0, 5 }, { 0, 0 } });
        var ex = Assert.Throws<AssignmentException>(() => new AlgorithmB(net).Solve(new AssignmentOptions()));
        Assert.Contains("zone 2", ex.Message, StringComparison.Ordinal);
    }
}
