using CivicGrid.Energy.Forecasting;
using CivicGrid.Energy.Vpp;
using CivicGrid.Testing;
using Xunit;

namespace CivicGrid.Energy.Tests.Vpp;

public class SolarHomeBenchmarkTests
{
    private static readonly Lazy<SolarHomeBenchmark> Bench = new(() =>
        new SolarHomeBenchmark(TimeSeriesTable.ReadCsv(ReferenceData.Require("energy/timeseries/solarhome_2011-2012.csv"))));

    private static double Published(string method)
    {
        var lines = File.ReadAllLines(ReferenceData.Require("energy/timeseries/solarhome_bench_published_stats.csv"));
        var header = lines[0].Split(',');
        var col = Array.IndexOf(header, "C_grid_eur_per_day");
        var row = lines.Skip(1).Select(l => l.Split(',')).First(r => r[0] == method);
        return double.Parse(row[col], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public void PerfectForesight_ReproducesPublishedAnticipativeOptimumWithinHalfPercent()
    {
        // Reference: Julia_anticipative-optim (JuMP + Clp) in solarhome_bench_published_stats.csv, tolerance 0.5 %.
        var published = Published("Julia_anticipative-optim");
        var result = Bench.Value.PerfectForesight();
        Assert.True(Math.Abs(result.MeanCostEurPerDay - published) <= 0.005 * published,
            $"perfect foresight {result.MeanCostEurPerDay:F5} EUR/day vs published {published:F5}");
        Assert.Equal(0, result.ShedKwhPerDay, 6);
        Assert.Equal(SolarHomeBenchmark.BatteryKwh / 2, result.FinalSocKwh, 6);
    }

    [Fact]
    public void RuleBased_ReproducesPublishedRuleBasedCost()
    {
        // Reference: Julia_rule-based and Python_rule-based (0.5633 EUR/day); same data handling, tolerance 0.1 %.
        var published = Published("Julia_rule-based");
        var result = Bench.Value.RuleBased();
        Assert.True(Math.Abs(result.MeanCostEurPerDay - published) <= 0.001 * published,
            $"rule-based {result.MeanCostEurPerDay:F5} EUR/day vs published {published:F5}");
    }

    [Fact]
    public void RollingHorizonWithPerfectForecasts_MatchesTheAnticipativeOptimum()
    {
        // With a 24 h horizon and exact forecasts the receding-horizon controller loses nothing on these days
        // (the optimum over the same 5 days, tolerance 1 %).
        var bench = Bench.Value;
        var mpc = bench.RollingHorizon("mpc-perfect", (k, h) => (bench.LoadKw.AsSpan(bench.TestIndex + k, h).ToArray(), bench.PvKw.AsSpan(bench.TestIndex + k, h).ToArray()), days: 5);
        var optimum = bench.PerfectForesight(days: 5);
        Assert.True(Math.Abs(mpc.MeanCostEurPerDay - optimum.MeanCostEurPerDay) <= 0.01 * optimum.MeanCostEurPerDay, $"MPC {mpc.MeanCostEurPerDay} vs optimum {optimum.MeanCostEurPerDay}");
    }

    [Fact]
    public void RollingHorizonWithSimilarDayForecasts_NeverBeatsTheOptimumAndShedsNothing()
    {
        var bench = Bench.Value;
        var mpc = bench.RollingHorizon("mpc-similar-day", bench.ForecastsFrom(new SimilarDayForecaster(48, 7), new SimilarDayForecaster(48, 7)), days: 3);
        var optimum = bench.PerfectForesight(days: 3);
        // The optimum ends with 4 kWh stored; the controller may end with less, worth at most 0.20 EUR/kWh over 3 days.
        var credit = Math.Max(0, SolarHomeBenchmark.BatteryKwh / 2 - mpc.FinalSocKwh) * 0.20 / 3;
        Assert.True(mpc.MeanCostEurPerDay + credit >= optimum.MeanCostEurPerDay - 1e-6, $"MPC {mpc.MeanCostEurPerDay} (+{credit}) below the optimum {optimum.MeanCostEurPerDay}");
        Assert.Equal(0, mpc.ShedKwhPerDay, 6);
        Assert.True(mpc.GridKwhPerDay > 0);
    }
}
