using CivicGrid.Energy.Grid.Matpower;
using CivicGrid.Energy.Grid.PowerFlow;
using CivicGrid.Energy.Market;
using CivicGrid.Testing;
using Xunit;

namespace CivicGrid.Energy.Tests.Market;

public class GridAwareClearingTests
{
    private const double MwPerKWh = 1.0 / 250.0; // 15-minute interval

    /// <summary>Sellers at generator buses, buyers at load buses: large enough to congest the lines.</summary>
    internal static List<Bid> CongestingBids(Random rng, int[] sellBuses, int[] buyBuses, int count, double maxKWh)
    {
        var bids = new List<Bid>();
        for (var k = 0; k < count; k++)
        {
            var buy = k % 2 == 0;
            var bus = buy ? buyBuses[rng.Next(buyBuses.Length)] : sellBuses[rng.Next(sellBuses.Length)];
            var price = buy ? 0.10 + 0.30 * rng.NextDouble() : 0.02 + 0.20 * rng.NextDouble();
            bids.Add(new Bid("g" + k, "p" + k, buy ? BidSide.Buy : BidSide.Sell, 500 + maxKWh * rng.NextDouble(), Math.Round(price, 5), bus, 0, k));
        }
        return bids;
    }

    /// <summary>Independent AC check: solves the case with the fills applied and returns the worst loading vs the allowance.</summary>
    private static (double WorstLineRatio, double WorstVoltageExcessPu) AcCheck(PowerCase pc, ClearingResult r)
    {
        var busIndex = pc.BusIndex();
        var inj = new double[pc.Buses.Count];
        foreach (var f in r.Fills)
        {
            inj[busIndex[f.Bus!.Value]] += (f.Side == BidSide.Sell ? 1 : -1) * f.ClearedKWh * MwPerKWh;
        }
        var base0 = AcPowerFlow.Solve(pc);
        var traded = MarketGridCheck.WithInjections(pc, inj);
        var ac = AcPowerFlow.Solve(traded);
        if (!ac.Converged)
        {
            // No operating point at all: worse than any overload.
            return (double.PositiveInfinity, double.PositiveInfinity);
        }
        var worst = 0.0;
        for (var l = 0; l < pc.Branches.Count; l++)
        {
            var br = pc.Branches[l];
            if (br.RateAMVA <= 0)
            {
                continue;
            }
            double S(PowerFlowResult x) => Math.Max(Math.Sqrt(x.PfMW[l] * x.PfMW[l] + x.QfMVAr[l] * x.QfMVAr[l]), Math.Sqrt(x.PtMW[l] * x.PtMW[l] + x.QtMVAr[l] * x.QtMVAr[l]));
            var s0 = S(base0);
            // A line the base case already overloads may not get worse by more than 0.2 % of its base loading.
            worst = Math.Max(worst, s0 > br.RateAMVA ? S(ac) / (s0 * (1 + MarketGridCheck.PreOverloadedTolerance)) : S(ac) / br.RateAMVA);
        }
        var volt = 0.0;
        for (var i = 0; i < pc.Buses.Count; i++)
        {
            var lo = Math.Min(pc.Buses[i].VminPu, base0.VmPu[i] - MarketGridCheck.PreViolatedVoltageTolerancePu);
            var hi = Math.Max(pc.Buses[i].VmaxPu, base0.VmPu[i] + MarketGridCheck.PreViolatedVoltageTolerancePu);
            volt = Math.Max(volt, Math.Max(lo - ac.VmPu[i], ac.VmPu[i] - hi));
        }
        return (worst, volt);
    }

    [Theory]
    [InlineData("energy/cases/case9.m", new[] { 1, 2, 3 }, new[] { 5, 7, 9 }, 11)]
    [InlineData("energy/cases/case9.m", new[] { 1, 2, 3 }, new[] { 5, 7, 9 }, 12)]
    [InlineData("energy/cases/case30.m", new[] { 1, 2, 22, 27 }, new[] { 7, 8, 21, 30 }, 13)]
    public void GridAwareClearing_NeverOverloadsALineInAnAcPowerFlowOfTheResult(string file, int[] sellBuses, int[] buyBuses, int seed)
    {
        // Reference: full AC Newton–Raphson of the case with the cleared trades applied; lines within rate A
        // (relative 1e-6) and voltages within limits (1e-6 pu); where the base case is already out, no worse than it
        // by more than 0.2 % of the line's base loading or 1e-4 pu.
        var pc = MatpowerReader.ReadFile(ReferenceData.Require(file));
        var bids = CongestingBids(new Random(seed), sellBuses, buyBuses, 40, 40_000);
        var unconstrained = UniformPriceAuction.Clear(bids);
        var unconstrainedCheck = AcCheck(pc, unconstrained);
        // The test only means something if clearing without the grid would overload something.
        Assert.True(unconstrainedCheck.WorstLineRatio > 1.01 || unconstrainedCheck.WorstVoltageExcessPu > 1e-3,
            $"unconstrained clearing is already feasible (loading {unconstrainedCheck.WorstLineRatio:0.###})");
        var r = GridAwareClearing.Clear(bids, pc);
        var check = AcCheck(pc, r);
        Assert.True(check.WorstLineRatio <= 1 + 1e-6, $"line loading {check.WorstLineRatio}");
        Assert.True(check.WorstVoltageExcessPu <= 1e-6, $"voltage excess {check.WorstVoltageExcessPu}");
        Assert.True(r.ClearedKWh > 0, string.Join(" / ", r.BindingConstraints));
        Assert.True(r.ClearedKWh < unconstrained.ClearedKWh);
        Assert.True(r.WelfareEur <= unconstrained.WelfareEur + 1e-6);
        Assert.Empty(ClearingInvariants.Violations(r));
        Assert.NotEmpty(r.BindingConstraints);
    }

    [Fact]
    public void UncongestedGrid_ClearsLikeTheUniformAuction()
    {
        var pc = MatpowerReader.ReadFile(ReferenceData.Require("energy/cases/case9.m"));
        var bids = CongestingBids(new Random(3), [1, 2, 3], [5, 7, 9], 30, 400);
        var uniform = UniformPriceAuction.Clear(bids);
        var r = GridAwareClearing.Clear(bids, pc);
        Assert.Equal(uniform.WelfareEur, r.WelfareEur, 6);
        Assert.Equal(uniform.ClearedKWh, r.ClearedKWh, 6);
        // Without congestion every bus has the same price: the dual of the balance row, equal to the uniform price.
        Assert.All(r.NodalPricesEurPerKWh.Values, p => Assert.Equal(uniform.PriceEurPerKWh, p, 6));
        Assert.Equal(0, r.CongestionRentEur, 6);
    }

    [Fact]
    public void CongestedClearing_SettlesAtNodalPrices_WithNonNegativeRent()
    {
        var pc = MatpowerReader.ReadFile(ReferenceData.Require("energy/cases/case9.m"));
        var bids = CongestingBids(new Random(11), [1, 2, 3], [5, 7, 9], 40, 40_000);
        var r = GridAwareClearing.Clear(bids, pc, new GridClearingOptions { VerifyWithAcPowerFlow = false });
        Assert.True(r.NodalPricesEurPerKWh.Values.Max() - r.NodalPricesEurPerKWh.Values.Min() > 1e-6, "expected price separation");
        Assert.True(r.CongestionRentEur > 0);
        Assert.Empty(ClearingInvariants.Violations(r));
        // DC check with the project's DC power flow: the trades keep every rated line within rate A.
        var busIndex = pc.BusIndex();
        var inj = new double[pc.Buses.Count];
        foreach (var f in r.Fills)
        {
            inj[busIndex[f.Bus!.Value]] += (f.Side == BidSide.Sell ? 1 : -1) * f.ClearedKWh * MwPerKWh;
        }
        var dc = DcPowerFlow.Solve(MarketGridCheck.WithInjections(pc, inj));
        for (var l = 0; l < pc.Branches.Count; l++)
        {
            Assert.True(Math.Abs(dc.PfMW[l]) <= pc.Branches[l].RateAMVA * (1 + 1e-7), $"branch {l + 1}: {dc.PfMW[l]}");
        }
    }

    [Fact]
    public void BidWithoutBus_IsRejectedWithAClearMessage()
    {
        var pc = MatpowerReader.ReadFile(ReferenceData.Require("energy/cases/case9.m"));
        var ex = Assert.Throws<ArgumentException>(() => GridAwareClearing.Clear([new Bid("x", "a", BidSide.Buy, 1, 0.2)], pc));
        Assert.Contains("'x' has no bus", ex.Message, StringComparison.Ordinal);
        var ex2 = Assert.Throws<ArgumentException>(() => GridAwareClearing.Clear([new Bid("y", "a", BidSide.Buy, 1, 0.2, 99)], pc));
        Assert.Contains("bus 99", ex2.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ptdf_ReproducesDcPowerFlowChange()
    {
        // Injecting 10 MW at bus 5 and taking it at bus 9 changes DC flows by 10·(PTDF[·,5] − PTDF[·,9]): 1e-9 MW.
        var pc = MatpowerReader.ReadFile(ReferenceData.Require("energy/cases/case9.m"));
        var ptdf = PowerTransferDistribution.Build(pc);
        var idx = pc.BusIndex();
        var inj = new double[pc.Buses.Count];
        inj[idx[5]] = 10;
        inj[idx[9]] = -10;
        var before = DcPowerFlow.Solve(pc).PfMW;
        var after = DcPowerFlow.Solve(MarketGridCheck.WithInjections(pc, inj)).PfMW;
        for (var a = 0; a < ptdf.Branches.Count; a++)
        {
            var l = ptdf.Branches[a];
            Assert.Equal(after[l] - before[l], 10 * (ptdf.Factor(a, idx[5]) - ptdf.Factor(a, idx[9])), 9);
        }
    }
}
