using CivicGrid.Energy.Vpp;
using Xunit;

namespace CivicGrid.Energy.Tests.Vpp;

public class DispatchOptimizerTests
{
    private static Portfolio Simple(IReadOnlyList<Der> ders, double importLimit = 100, double exportLimit = 100, double[]? price = null, int n = 4) =>
        new("t", DateTimeOffset.UnixEpoch, 60, n, new FeederLimits(importLimit, exportLimit), new Tariff(price ?? [.. Enumerable.Repeat(0.2, n)], new double[n]), ders);

    [Fact]
    public void Battery_ChargesWhenCheapAndDischargesWhenDear_WithinItsLimits()
    {
        var battery = new Battery("b", 10, 3, 4) { InitialSocKwh = 0, ChargeEfficiency = 0.9, DischargeEfficiency = 0.9, DegradationEurPerKwh = 0.01 };
        var load = new FixedLoad("l", [2.0, 2, 2, 2]);
        var r = DispatchOptimizer.Solve(Simple([battery, load], price: [0.1, 0.1, 0.5, 0.5]));
        Assert.True(r.Solved);
        Assert.Empty(r.Violations);
        var s = r.Schedule("b");
        Assert.True(s.PowerKw[0] < 0 && s.PowerKw[1] < 0, "charges in the cheap hours");
        Assert.True(s.PowerKw[2] > 0 && s.PowerKw[3] > 0, "discharges in the dear hours");
        Assert.All(s.PowerKw, p => Assert.InRange(p, -3 - 1e-9, 4 + 1e-9));
        Assert.All(s.StateKwh!, e => Assert.InRange(e, -1e-9, 10 + 1e-9));
        // Energy bookkeeping: each hour import − export = load − battery power.
        for (var t = 0; t < 4; t++)
        {
            Assert.Equal(2 - s.PowerKw[t], r.ImportKw[t] - r.ExportKw[t], 6);
        }
        Assert.True(r.Costs.WearEur > 0);
        Assert.Equal(r.Costs.EnergyEur + r.Costs.WearEur + r.Costs.DiscomfortEur + r.Costs.PenaltyEur, r.Costs.TotalEur, 9);
    }

    [Fact]
    public void FeederImportLimit_IsRespectedByShiftingAndCurtailingBeforeAnyViolation()
    {
        Der[] ders =
        [
            new FixedLoad("base", [3.0, 3, 3, 3]),
            new ShiftableLoad("washer", 4, 2, 0, 4),
            new CurtailableLoad("heat", [2.0, 2, 2, 2]) { MaxCurtailFraction = 0.5, DiscomfortEurPerKwh = 0.1 },
        ];
        var r = DispatchOptimizer.Solve(Simple(ders, importLimit: 5));
        Assert.Empty(r.Violations);
        Assert.All(r.ImportKw, i => Assert.True(i <= 5 + 1e-6));
        Assert.Equal(-4, r.Schedule("washer").PowerKw.Sum(), 6);
        Assert.True(r.Costs.DiscomfortEur > 0);
    }

    [Fact]
    public void InfeasibleInputs_GiveAScheduleWithReportedViolationsNotAnException()
    {
        // The critical load alone exceeds the feeder; the EV cannot physically get its energy in one hour.
        Der[] ders =
        [
            new FixedLoad("hospital", [8.0, 8, 8, 8]) { Critical = true },
            new FixedLoad("houses", [2.0, 2, 2, 2]),
            new ElectricVehicle("car", 40, 7, 0, 1, 20),
            new Battery("b", 10, 5, 5) { InitialSocKwh = 5, FinalSocKwh = 10 },
        ];
        var r = DispatchOptimizer.Solve(Simple(ders, importLimit: 6));
        Assert.True(r.Solved);
        Assert.DoesNotContain(r.Violations, v => v.Constraint == "critical_load_shed");
        Assert.Contains(r.Violations, v => v.Constraint == "ev_energy_at_departure" && v.DerId == "car" && v.Amount > 10);
        Assert.Contains(r.Violations, v => v.Constraint == "load_shed" && v.DerId == "houses");
        Assert.Contains(r.Violations, v => v.Constraint == "feeder_import_limit");
        Assert.True(r.Costs.PenaltyEur > 0);
        Assert.Equal(0, r.Schedule("hospital").PowerKw.Sum(p => p + 8), 6);
    }

    [Fact]
    public void SurplusPv_IsCurtailedToTheExportLimit()
    {
        var pv = new PvArray("pv", 10) { AvailableKw = [9.0, 9, 0, 0] };
        // Exports earn 0.05 EUR/kWh, so the LP exports as much as the feeder allows and curtails the rest.
        var r = DispatchOptimizer.Solve(Simple([pv, new FixedLoad("l", [1.0, 1, 1, 1])], exportLimit: 2) with { Tariff = new Tariff([0.2, 0.2, 0.2, 0.2], [0.05, 0.05, 0.05, 0.05]) });
        Assert.Empty(r.Violations);
        Assert.Equal(3, r.Schedule("pv").PowerKw[0], 6);
        Assert.Equal(2, r.ExportKw[0], 6);
    }

    [Fact]
    public void VehicleToGrid_DischargesOnlyWhenAllowed()
    {
        var price = new[] { 0.1, 0.1, 0.9, 0.9 };
        var portfolio = Simple([new ElectricVehicle("car", 40, 7, 0, 4, 2) { InitialSocKwh = 20, VehicleToGrid = true, MaxDischargeKw = 5 }, new FixedLoad("l", [3.0, 3, 3, 3])], price: price);
        var v2g = DispatchOptimizer.Solve(portfolio);
        Assert.True(v2g.Schedule("car").PowerKw.Max() > 0);
        var noV2g = DispatchOptimizer.Solve(portfolio with { Ders = [new ElectricVehicle("car", 40, 7, 0, 4, 2) { InitialSocKwh = 20 }, new FixedLoad("l", [3.0, 3, 3, 3])] });
        Assert.True(noV2g.Schedule("car").PowerKw.Max() <= 1e-9);
        Assert.True(v2g.Costs.TotalEur < noV2g.Costs.TotalEur);
        Assert.True(noV2g.Schedule("car").StateKwh![3] >= 22 - 1e-6);
    }

    [Fact]
    public void GridConstraints_LimitTheFlowOnAMonitoredLine()
    {
        // Two buses; the line carries all of bus 2's net injection (PTDF 1). PV at bus 2 must be held to 1 kW net.
        var pv = new PvArray("pv", 10) { AvailableKw = [6.0, 6, 6, 6], Bus = 2 };
        var load = new FixedLoad("l", [1.0, 1, 1, 1]) { Bus = 2 };
        var grid = new GridConstraints(["1-2"], new double[,] { { 0, 1 } }, [1, 2], [1.0]);
        var r = DispatchOptimizer.Solve(Simple([pv, load]) with { Tariff = new Tariff([0.2, 0.2, 0.2, 0.2], [0.1, 0.1, 0.1, 0.1]) }, new DispatchOptions { Grid = grid });
        Assert.Empty(r.Violations);
        Assert.All(r.Schedule("pv").PowerKw, p => Assert.Equal(2, p, 6));
    }

    [Fact]
    public void RollingHorizon_OnASmallPortfolio_DeliversShiftableEnergyAndEvNeeds()
    {
        var p = PortfolioReader.Parse(PortfolioReaderTests.Sample, "sample.json");
        var r = RollingHorizonDispatcher.Run(p, (k, h) => new VppForecast(new Dictionary<string, double[]>()), 3);
        Assert.Equal(4, r.Reschedules);
        Assert.Equal(-1.5, r.Realised.First(s => s.Id == "dishwasher").PowerKw.Sum(), 6);
        Assert.DoesNotContain(r.Violations, v => v.Constraint is "ev_energy_at_departure" or "critical_load_shed");
        Assert.True(r.Realised.First(s => s.Id == "car").StateKwh![2] >= 16 - 1e-6);
    }

    [Fact]
    public void CurtailableLoad_BaselineIsSuppliedThroughTheFeeder()
    {
        // 2 kW for 4 hours at 0.2 EUR/kWh; curtailing costs more (0.5) than buying, so all of it is bought.
        Der[] ders = [new CurtailableLoad("heat", [2.0, 2, 2, 2]) { MaxCurtailFraction = 0.3, DiscomfortEurPerKwh = 0.5 }];
        var r = DispatchOptimizer.Solve(Simple(ders));
        Assert.All(r.ImportKw, i => Assert.Equal(2, i, 6));
        Assert.Equal(8 * 0.2, r.Costs.EnergyEur, 6);
        Assert.Equal(0, r.Costs.DiscomfortEur, 9);
    }
}
