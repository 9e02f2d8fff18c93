using CivicGrid.Energy.Grid.LineRating;
using CivicGrid.Energy.Grid.Matpower;
using CivicGrid.Energy.Grid.Opf;
using CivicGrid.Energy.Grid.PowerFlow;
using CivicGrid.Testing;
using Xunit;

namespace CivicGrid.Energy.Tests;

public class LineRatingAndPowerFlowTests
{
    [Fact]
    public void ThermalRating_DrakeExample_MatchesIeee738WorkedValues()
    {
        // IEEE 738-2012 Annex B example (Drake, Ta 40 °C, 0.61 m/s perpendicular wind, Tc 100 °C):
        // q_c ≈ 81.93 W/m, q_r ≈ 39.1 W/m, R(100 °C) = 9.390e-5 Ω/m; with q_s = 22.45 W/m the rating is ≈ 1025 A (1 % tolerance).
        var weather = new LineWeather(AmbientCelsius: 40, WindSpeedMetersPerSecond: 0.61);
        var balance = ThermalRating.HeatBalanceAt(Conductor.Drake, weather, 100);
        Assert.InRange(balance.ConvectiveWattsPerMeter, 81.93 * 0.99, 81.93 * 1.01);
        Assert.InRange(balance.RadiatedWattsPerMeter, 39.1 * 0.99, 39.1 * 1.01);
        Assert.InRange(balance.ResistanceOhmPerMeter, 9.390e-5 * 0.999, 9.390e-5 * 1.001);
        var withSun = balance with { SolarWattsPerMeter = 22.45 };
        Assert.InRange(withSun.AmpacityAmperes, 1025 * 0.99, 1025 * 1.01);
    }

    [Fact]
    public void ThermalRating_RisesWithWindAndFallsWithHeat()
    {
        var calm = ThermalRating.AmpacityAmperes(Conductor.Drake, new LineWeather(25, 0.2));
        var windy = ThermalRating.AmpacityAmperes(Conductor.Drake, new LineWeather(25, 5));
        var hot = ThermalRating.AmpacityAmperes(Conductor.Drake, new LineWeather(45, 0.2));
        Assert.True(windy > calm);
        Assert.True(hot < calm);
        Assert.Equal(0, ThermalRating.AmpacityAmperes(Conductor.Drake, new LineWeather(120, 0)));
    }

    [Fact]
    public void DcOpf_WithDynamicRating_BindsAtTheDynamicLimit()
    {
        var pc = MatpowerReader.ReadFile(ReferenceData.Require("energy/cases/case9.m"));
        // A hot, still day on every line: the thermal rating of a Drake conductor at 345 kV is ≈ 500 MVA, so scale it
        // down to a 69 kV-equivalent to make the 1-4 corridor (branch 0) bind.
        var ratings = ThermalRating.BranchRatingsMVA(pc, l => l == 0 ? Conductor.Drake : null, new LineWeather(40, 0.3, SolarHeatWattsPerSquareMeter: 1000));
        var limit = ratings[0] / 10;
        var r = DcOptimalPowerFlow.Solve(pc, new DcOpfOptions { BranchRatingsMVA = new Dictionary<int, double> { [0] = limit } });
        Assert.True(r.Optimal);
        Assert.Equal(limit, Math.Abs(r.PfMW[0]), 6);
        Assert.Contains(r.BindingConstraints, b => b.Kind == "branch_flow" && b.Index == 0 && b.ShadowPrice != 0);
        var prices = r.NodalPriceDollarsPerMWh;
        Assert.True(prices.Max() - prices.Min() > 1, "congestion must separate prices");
    }

    [Fact]
    public void AcPowerFlow_WithReactiveLimits_HoldsViolatingGeneratorsAtTheirLimit()
    {
        var pc = MatpowerReader.ReadFile(ReferenceData.Require("energy/cases/case14.m"));
        var free = AcPowerFlow.Solve(pc);
        // Generator 2 (bus 2) produces ≈ 43.6 MVAr; cap it at 30. The slack's own range (Qmin 0, it absorbs ≈ 16.5)
        // is widened so that only generator 2 binds (ReactiveLimitTests covers a moving slack).
        pc.Generators[1].QmaxMVAr = 30;
        pc.Generators[0].QminMVAr = -100;
        var limited = AcPowerFlow.Solve(pc, new PowerFlowOptions { EnforceReactiveLimits = true });
        Assert.True(limited.Converged);
        Assert.Contains(1, limited.ReactiveLimitedGenerators);
        Assert.Equal(30, limited.QgMVAr[1], 6);
        Assert.True(limited.VmPu[1] < free.VmPu[1], "bus 2 can no longer hold its set point");
        Assert.True(limited.MaxMismatchPu < 1e-8);
    }

    [Fact]
    public void AcPowerFlow_OutOfServiceBranchAndGenerator_CarryNothing()
    {
        var pc = MatpowerReader.ReadFile(ReferenceData.Require("energy/cases/case30.m"));
        pc.Branches[5].InService = false;
        pc.Generators[3].InService = false;
        var r = AcPowerFlow.Solve(pc, new PowerFlowOptions { FlatStart = true });
        Assert.True(r.Converged);
        Assert.Equal(0, r.PfMW[5]);
        Assert.Equal(0, r.QtMVAr[5]);
        Assert.Equal(0, r.PgMW[3]);
        Assert.Equal(0, r.QgMVAr[3]);
        // Power balance still closes: generation = load + losses.
        var losses = r.PfMW.Zip(r.PtMW, (a, b) => a + b).Sum();
        Assert.Equal(pc.Buses.Sum(b => b.PdMW) + losses, r.PgMW.Sum() - pc.Buses.Sum(b => b.GsMW * r.VmPu[pc.Buses.IndexOf(b)] * r.VmPu[pc.Buses.IndexOf(b)]), 6);
    }
}
