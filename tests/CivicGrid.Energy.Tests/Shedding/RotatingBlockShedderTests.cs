using CivicGrid.Energy.Shedding;
using Google.OrTools.LinearSolver;
using Xunit;

namespace CivicGrid.Energy.Tests.Shedding;

public class RotatingBlockShedderTests
{
    internal static List<SheddingBlock> Population(Random rng, int blocks, int districts, double criticalShare = 0.03, int? cap = null)
    {
        var list = new List<SheddingBlock>();
        var h = 0;
        for (var b = 0; b < blocks; b++)
        {
            var district = "D" + (b % districts);
            var households = new List<Household>();
            var n = 5 + rng.Next(20);
            for (var k = 0; k < n; k++)
            {
                households.Add(new Household("H" + h++, district, rng.NextDouble() < 0.3 ? "renters" : "owners", 0.3 + 2.0 * rng.NextDouble(),
                    rng.NextDouble() < criticalShare, cap));
            }
            list.Add(new SheddingBlock("B" + b.ToString("D3", System.Globalization.CultureInfo.InvariantCulture), district, households));
        }
        return list;
    }

    internal static double[] Shortfalls(Random rng, IReadOnlyList<SheddingBlock> blocks, int intervals, double low, double high)
    {
        var total = blocks.Sum(b => b.SheddableKW);
        return Enumerable.Range(0, intervals).Select(_ => total * (low + (high - low) * rng.NextDouble())).ToArray();
    }

    [Fact]
    public void CriticalLoads_AreNeverShed()
    {
        var rng = new Random(1);
        var blocks = Population(rng, 30, 4, criticalShare: 0.15);
        blocks.Add(new SheddingBlock("HOSPITAL", "D0", [new Household("hosp", "D0", "critical", 500, Critical: true)]));
        var shedder = new RotatingBlockShedder(blocks);
        var plan = shedder.Plan(Shortfalls(rng, blocks, 200, 0.2, 0.6));
        var byId = blocks.ToDictionary(b => b.Id);
        foreach (var d in plan)
        {
            Assert.DoesNotContain(d.ShedBlocks, c => c.BlockId == "HOSPITAL");
            // The demand removed is exactly the non-critical demand of the shed blocks.
            Assert.Equal(d.ShedBlocks.Sum(c => byId[c.BlockId].Households.Where(h => !h.Critical).Sum(h => h.DemandKW)), d.ShedKW, 9);
        }
        Assert.All(blocks.SelectMany(b => b.Households).Where(h => h.Critical), h => Assert.Equal(0, shedder.OutageIntervals[h.Id]));
        Assert.Contains(blocks.SelectMany(b => b.Households), h => !h.Critical && shedder.OutageIntervals[h.Id] > 0);
    }

    [Fact]
    public void Caps_AreRespected_AndUncoveredShortfallIsReported()
    {
        var rng = new Random(2);
        var blocks = Population(rng, 20, 3, cap: 10);
        var shedder = new RotatingBlockShedder(blocks);
        var plan = shedder.Plan(Shortfalls(rng, blocks, 96, 0.3, 0.5));
        Assert.All(shedder.OutageIntervals.Values, v => Assert.True(v <= 10));
        // 96 intervals × ≥30 % of demand needs more than 10 intervals per household: some shortfall stays uncovered.
        Assert.Contains(plan, d => d.UncoveredKW > 0);
        Assert.All(plan, d => Assert.Equal(Math.Max(0, d.ShortfallKW - d.ShedKW), d.UncoveredKW, 9));
        Assert.Contains(plan.SelectMany(d => d.Choices), c => c.Explanation.Contains("reached its cap", StringComparison.Ordinal));
    }

    [Fact]
    public void EveryDecision_CoversTheShortfallWhenPossible_AndExplainsEveryBlock()
    {
        var rng = new Random(3);
        var blocks = Population(rng, 25, 5);
        var plan = new RotatingBlockShedder(blocks).Plan(Shortfalls(rng, blocks, 96, 0.05, 0.5));
        foreach (var d in plan)
        {
            Assert.True(d.ShedKW >= d.ShortfallKW - 1e-9);
            Assert.Equal(0, d.UncoveredKW);
            Assert.Equal(blocks.Count, d.Choices.Count);
            Assert.All(d.Choices, c => Assert.False(string.IsNullOrWhiteSpace(c.Explanation)));
            // Minimal: dropping any shed block would leave part of the shortfall uncovered.
            Assert.All(d.ShedBlocks, c => Assert.True(d.ShedKW - c.ShedKW < d.ShortfallKW - 1e-9));
        }
    }

    /// <summary>LP relaxation of min-max outage: x_bt ∈ [0,1] fraction of interval t block b is off (CLP).</summary>
    private static double MinMaxOutageShareLp(IReadOnlyList<SheddingBlock> blocks, IReadOnlyList<double> shortfall)
    {
        using var solver = Solver.CreateSolver("CLP")!;
        var z = solver.MakeNumVar(0, 1, "z");
        var T = shortfall.Count;
        var x = new Variable[blocks.Count, T];
        for (var b = 0; b < blocks.Count; b++)
        {
            for (var t = 0; t < T; t++)
            {
                x[b, t] = solver.MakeNumVar(0, 1, "");
            }
        }
        for (var t = 0; t < T; t++)
        {
            var cover = solver.MakeConstraint(shortfall[t], double.PositiveInfinity);
            for (var b = 0; b < blocks.Count; b++)
            {
                cover.SetCoefficient(x[b, t], blocks[b].SheddableKW);
            }
        }
        for (var b = 0; b < blocks.Count; b++)
        {
            var share = solver.MakeConstraint(double.NegativeInfinity, 0);
            share.SetCoefficient(z, -T);
            for (var t = 0; t < T; t++)
            {
                share.SetCoefficient(x[b, t], 1);
            }
        }
        solver.Objective().SetCoefficient(z, 1);
        solver.Objective().SetMinimization();
        Assert.Equal(Solver.ResultStatus.OPTIMAL, solver.Solve());
        return z.SolutionValue();
    }

    [Theory]
    [InlineData(4, 40, 6, 0.10, 0.35)]
    [InlineData(5, 60, 8, 0.20, 0.50)]
    [InlineData(6, 25, 3, 0.05, 0.20)]
    public void MaxCumulativeOutageShare_IsWithinToleranceOfTheLpMinMaxOptimum_OverThreeDays(int seed, int blockCount, int districts, double low, double high)
    {
        // Reference: the LP relaxation (CLP) of "minimise the largest outage share" is a lower bound for any
        // whole-block schedule. Tolerance: 5 intervals of the 288 (1.74 percentage points) above it; measured
        // gaps 0.77, 0.43 and 1.22 points (whole blocks overshoot small shortfalls).
        var rng = new Random(seed);
        var blocks = Population(rng, blockCount, districts, criticalShare: 0);
        var shortfall = Shortfalls(rng, blocks, 288, low, high);
        var shedder = new RotatingBlockShedder(blocks);
        shedder.Plan(shortfall);
        var greedyMax = shedder.OutageIntervals.Values.Max() / 288.0;
        var lp = MinMaxOutageShareLp(blocks, shortfall);
        Assert.True(greedyMax >= lp - 1e-9);
        Assert.True(greedyMax <= lp + 5.0 / 288, $"rotating {greedyMax:P2} vs LP bound {lp:P2}");
    }

    [Fact]
    public void DuplicateHousehold_IsRejected()
    {
        var h = new Household("x", "D", "g", 1);
        Assert.Throws<ArgumentException>(() => new RotatingBlockShedder([new SheddingBlock("a", "D", [h]), new SheddingBlock("b", "D", [h])]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RotatingBlockShedder([new SheddingBlock("a", "D", [h])]).Decide(-1));
    }
}
