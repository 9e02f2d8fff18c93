using CivicGrid.Mobility.Assignment;
using CivicGrid.Mobility.Networks;
using CivicGrid.Testing;
using Xunit;

namespace CivicGrid.Mobility.Tests.Assignment;

/// <summary>
/// Validation against bstabler/TransportationNetworks best-known solutions. Objectives: the values in the data
/// README (recomputed from the flow files), required within 1e-9 relative. Flows: the _flow files (printed with
/// 17 significant digits), required within 1e-6 vehicles on every link; that needs a relative gap near 1e-14,
/// so these runs go to 1e-14 while the gap criterion is 1e-10.
/// </summary>
public class AssignmentValidationTests
{
    private static (TntpCase Case, AssignmentNetwork Net) Load(string name)
    {
        var c = TntpCase.Load(ReferenceData.Require("mobility/tntp/" + name));
        return (c, AssignmentNetwork.FromTntp(c.Network, c.Trips, c.ReadmeWeights ?? GeneralisedCostWeights.TimeOnly));
    }

    private static void AssertMatchesBestKnown(string name, double bestObjective)
    {
        var (c, net) = Load(name);
        var result = new AlgorithmB(net).Solve(new AssignmentOptions { TargetRelativeGap = 1e-14, MaxIterations = 300 });
        Assert.True(result.RelativeGap <= 1e-10, $"gap {result.RelativeGap}");
        Assert.True(Math.Abs(result.Objective - bestObjective) <= 1e-9 * bestObjective, $"objective {result.Objective:R} vs {bestObjective:R}");
        var reference = TntpReader.ReadFlows(c.FlowFile!);
        Assert.Equal(net.LinkCount, reference.Count);
        var worst = 0.0;
        for (var a = 0; a < reference.Count; a++)
        {
            Assert.Equal(c.Network.Links[a].Tail, reference[a].From);
            Assert.Equal(c.Network.Links[a].Head, reference[a].To);
            worst = Math.Max(worst, Math.Abs(result.LinkFlows[a] - reference[a].Volume));
        }
        Assert.True(worst <= 1e-6, $"largest link-flow difference {worst}");
    }

    [Fact]
    public void SiouxFalls_matches_the_best_known_solution() => AssertMatchesBestKnown("SiouxFalls", 4_231_335.2871);

    [Fact]
    public void Anaheim_matches_the_best_known_solution() => AssertMatchesBestKnown("Anaheim", 1_286_032.1711);

    [Fact]
    [Trait("Category", "Slow")]
    public void Chicago_sketch_with_generalised_cost_matches_the_best_known_solution() =>
        AssertMatchesBestKnown("Chicago-Sketch", 17_313_018.7387477);

    [Fact]
    public void Braess_example_reaches_gap_1e_10_with_the_analytic_objective()
    {
        var (_, net) = Load("Braess-Example");
        var result = new AlgorithmB(net).Solve(new AssignmentOptions { TargetRelativeGap = 1e-12 });
        Assert.True(result.RelativeGap <= 1e-10);
        // Beckmann objective at x = (4, 2, 2, 2, 4): 2 · (1e-8·4 + 5·16) + 2 · (50·2 + 2) + (10·2 + 2).
        Assert.Equal(386.00000008, result.Objective, 9);
    }

    [Fact]
    public void Algorithm_b_is_deterministic_and_reports_every_iteration()
    {
        var (_, net) = Load("SiouxFalls");
        var seen = new List<AssignmentIteration>();
        var first = new AlgorithmB(net).Solve(new AssignmentOptions { TargetRelativeGap = 1e-8, Progress = seen.Add });
        var second = new AlgorithmB(net).Solve(new AssignmentOptions { TargetRelativeGap = 1e-8 });
        Assert.Equal(first.LinkFlows, second.LinkFlows);
        Assert.Equal(first.Iterations, seen.Count);
        Assert.All(seen, it => Assert.True(it.AverageExcessCost >= 0 && it.RelativeGap >= 0));
        Assert.True(seen[^1].RelativeGap < seen[0].RelativeGap);
    }

    [Fact]
    public void Biconjugate_frank_wolfe_converges_on_sioux_falls_and_beats_plain_frank_wolfe()
    {
        var (_, net) = Load("SiouxFalls");
        var options = new AssignmentOptions { TargetRelativeGap = 1e-4, MaxIterations = 3000 };
        var bfw = new FrankWolfe(net).Solve(options);
        var fw = new FrankWolfe(net, FrankWolfeVariant.Plain).Solve(options);
        Assert.True(bfw.Converged && fw.Converged);
        Assert.True(bfw.Iterations < fw.Iterations, $"BFW {bfw.Iterations} vs FW {fw.Iterations}");
        // At gap 1e-4 the objective is within about 1e-4 relative of the optimum.
        Assert.True(Math.Abs(bfw.Objective - 4_231_335.2871) < 1e-4 * 4_231_335.2871);
    }
}
