using CivicGrid.Energy.Vpp;
using Xunit;

namespace CivicGrid.Energy.Tests.Vpp;

/// <summary>
/// The aggregated LP must reach the monolithic LP's optimum: stated gap 1e-6 relative (both are solved to optimality,
/// so only solver tolerances separate them), and every device's share must meet its own limits.
/// </summary>
public class AggregatedDispatcherTests
{
    private const double RelativeGap = 1e-6;

    [Theory]
    [InlineData(100, 1)]
    [InlineData(100, 7)]
    [InlineData(300, 2)]
    public void SyntheticPortfolio_CostEqualsTheMonolithicOptimum(int ders, int seed) => AssertSameOptimum(SyntheticPortfolio.Create(ders, seed: seed));

    [Fact]
    [Trait("Category", "Slow")]
    public void ThousandDerPortfolio_CostEqualsTheMonolithicOptimum() => AssertSameOptimum(SyntheticPortfolio.Create(1_000, seed: 1));

    private static void AssertSameOptimum(Portfolio portfolio)
    {
        var mono = DispatchOptimizer.Solve(portfolio);
        var agg = AggregatedDispatcher.Solve(portfolio);
        Assert.True(mono.Solved && agg.Dispatch.Solved);
        Assert.True(agg.LpDevices < portfolio.Ders.Count / 2, $"the aggregated LP keeps {agg.LpDevices} of {portfolio.Ders.Count} devices");
        var gap = Math.Abs(agg.Dispatch.Costs.TotalEur - mono.Costs.TotalEur) / Math.Max(1, Math.Abs(mono.Costs.TotalEur));
        Assert.True(gap <= RelativeGap, $"aggregated {agg.Dispatch.Costs.TotalEur} vs monolithic {mono.Costs.TotalEur}: gap {gap:E2}");
        Assert.Equal(portfolio.Ders.Count, agg.Dispatch.Schedules.Count);
        AssertDeviceLimits(portfolio, agg.Dispatch);
    }

    private static void AssertDeviceLimits(Portfolio portfolio, DispatchResult r)
    {
        var dt = portfolio.IntervalHours;
        for (var t = 0; t < portfolio.Intervals; t++)
        {
            // The feeder balance holds for the disaggregated schedules, device by device.
            var injection = r.Schedules.Sum(s => s.PowerKw[t]);
            Assert.Equal(0, r.ImportKw[t] - r.ExportKw[t] + injection, 5);
        }
        foreach (var (der, s) in portfolio.Ders.Zip(r.Schedules))
        {
            Assert.Equal(der.Id, s.Id);
            switch (der)
            {
                case PvArray pv:
                    var available = portfolio.AvailableKw(pv);
                    Assert.All(Enumerable.Range(0, portfolio.Intervals), t => Assert.InRange(s.PowerKw[t], -1e-7, available[t] + 1e-7));
                    break;
                case Battery b:
                    Assert.All(s.PowerKw, p => Assert.InRange(p, -b.MaxChargeKw - 1e-7, b.MaxDischargeKw + 1e-7));
                    Assert.All(s.StateKwh!, e => Assert.InRange(e, b.MinSocKwh - 1e-7, b.UpperSocKwh + 1e-7));
                    break;
                case FixedLoad fl:
                    Assert.All(Enumerable.Range(0, portfolio.Intervals), t => Assert.InRange(-s.PowerKw[t], -1e-7, fl.DemandKw[t] + 1e-7));
                    break;
                case CurtailableLoad cl:
                    // Within the comfort bound unless a comfort violation is reported for this device.
                    foreach (var t in Enumerable.Range(0, portfolio.Intervals))
                    {
                        var served = -s.PowerKw[t];
                        var excess = r.Violations.Where(v => v.DerId == cl.Id && v.Interval == t && v.Constraint == "comfort_bound").Sum(v => v.Amount);
                        Assert.True(served >= cl.BaselineKw[t] * (1 - cl.MaxCurtailFraction) - excess - 1e-6, $"{cl.Id} at {t}");
                    }
                    break;
                case ShiftableLoad sl:
                    var unserved = r.Violations.Where(v => v.DerId == sl.Id).Sum(v => v.Amount);
                    Assert.Equal(sl.EnergyKwh, -s.PowerKw.Sum() * dt + unserved, 5);
                    break;
            }
        }
    }

    [Fact]
    public void ScaledBatteries_ShareOneClassAndGetProportionalSchedules()
    {
        Der[] ders =
        [
            new Battery("small", 5, 2.5, 2.5) { InitialSocKwh = 2.5, FinalSocKwh = 2.5, DegradationEurPerKwh = 0.01 },
            new Battery("large", 15, 7.5, 7.5) { InitialSocKwh = 7.5, FinalSocKwh = 7.5, DegradationEurPerKwh = 0.01 },
            new Battery("other", 10, 2, 2) { InitialSocKwh = 0, DegradationEurPerKwh = 0.01 },
            new FixedLoad("homes", [4.0, 4, 9, 9]),
        ];
        var portfolio = new Portfolio("b", DateTimeOffset.UnixEpoch, 60, 4, new FeederLimits(7, 7), new Tariff([0.1, 0.1, 0.4, 0.4], [0.0, 0, 0, 0]), ders);
        var agg = AggregatedDispatcher.Solve(portfolio);
        var mono = DispatchOptimizer.Solve(portfolio);
        Assert.Equal(mono.Costs.TotalEur, agg.Dispatch.Costs.TotalEur, 6);
        Assert.Equal(3, agg.LpDevices);
        var small = agg.Dispatch.Schedule("small").PowerKw;
        var large = agg.Dispatch.Schedule("large").PowerKw;
        Assert.Contains(large, p => Math.Abs(p) > 0.1);
        Assert.All(Enumerable.Range(0, 4), t => Assert.Equal(3 * small[t], large[t], 9));
    }

    [Fact]
    public void ShedLoad_IsReportedPerHouseholdInProportionToItsDemand()
    {
        Der[] ders = [new FixedLoad("a", [3.0, 3]), new FixedLoad("b", [1.0, 1]), new FixedLoad("clinic", [2.0, 2]) { Critical = true }];
        var portfolio = new Portfolio("s", DateTimeOffset.UnixEpoch, 60, 2, new FeederLimits(4, 0), new Tariff([0.2, 0.2], [0.0, 0]), ders)
        {
            ValueOfLostLoadEurPerKwh = 10,
        };
        var r = AggregatedDispatcher.Solve(portfolio, new DispatchOptions { FeederViolationEurPerKwh = 1_000 }).Dispatch;
        Assert.DoesNotContain(r.Violations, v => v.Constraint == "critical_load_shed");
        var shedA = r.Violations.Where(v => v.DerId == "a" && v.Constraint == "load_shed").Sum(v => v.Amount);
        var shedB = r.Violations.Where(v => v.DerId == "b" && v.Constraint == "load_shed").Sum(v => v.Amount);
        Assert.Equal(2 * 2, shedA + shedB, 6);
        Assert.Equal(3 * shedB, shedA, 6);
    }
}
