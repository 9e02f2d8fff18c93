using System.Globalization;
using CivicGrid.Testing;
using CivicGrid.Water.Inp;
using CivicGrid.Water.Operations;
using Xunit;

namespace CivicGrid.Water.Tests;

public sealed class PumpSchedulingTests
{
    /// <summary>A three-level time-of-use tariff (€/kWh): night 0.08, day 0.18, evening peak 0.34.</summary>
    internal static EnergyTariff ThreeLevelTariff() => EnergyTariff.TimeOfUse(
        [.. Enumerable.Range(0, 24).Select(h => h is < 7 or >= 23 ? 0.08 : h is >= 17 and < 21 ? 0.34 : 0.18)]);

    /// <summary>A solar-rich time-of-use tariff (€/kWh): midday 10–16 h 0.10, evening peak 16–21 h 0.40, otherwise 0.22.</summary>
    internal static EnergyTariff MiddayTariff() => EnergyTariff.TimeOfUse(
        [.. Enumerable.Range(0, 24).Select(h => h is >= 10 and < 16 ? 0.10 : h is >= 16 and < 21 ? 0.40 : 0.22)]);

    [Theory]
    [InlineData("water/networks/Net1.inp", "midday")]
    [InlineData("water/networks/Net3.inp", "midday")]
    [InlineData("water/networks/Net3.inp", "night")]
    public void Schedule_keeps_tanks_in_band_in_full_simulation_and_costs_less_than_own_controls(string file, string tariff)
    {
        var network = InpReader.ReadFile(ReferenceData.Require(file));
        var result = PumpScheduler.Optimise(network, tariff == "night" ? ThreeLevelTariff() : MiddayTariff(), cancellationToken: TestContext.Current.CancellationToken);
        var o = result.Optimised;
        TestContext.Current.TestOutputHelper?.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{file}: own {result.OwnControls.CostEur:F2} EUR {result.OwnControls.EnergyKwh:F0} kWh feasible={result.OwnControls.Feasible}; optimised {o.CostEur:F2} EUR {o.EnergyKwh:F0} kWh; savings {result.SavingsPercent:F1}% in {result.Evaluations} sims, {result.SearchMilliseconds:F0} ms"));
        Assert.True(o.Feasible, string.Join("; ", o.Violations));
        Assert.True(o.Converged);
        foreach (var t in o.Tanks)
        {
            Assert.InRange(t.LowestLevelMeters, t.LowerBandMeters - 1e-6, t.UpperBandMeters + 1e-6);
            Assert.InRange(t.HighestLevelMeters, t.LowerBandMeters - 1e-6, t.UpperBandMeters + 1e-6);
            Assert.True(t.FinalLevelMeters >= t.InitialLevelMeters - 0.01, $"tank {t.Id} ends at {t.FinalLevelMeters} below {t.InitialLevelMeters}");
        }
        Assert.True(o.CostEur < result.OwnControls.CostEur, $"optimised {o.CostEur} vs own {result.OwnControls.CostEur}");
    }

    [Fact]
    public void Night_tariff_schedule_on_Net1_refills_the_tank_its_own_controls_leave_low()
    {
        // Net1's level controls end the day 1.4 m below the start; the schedule must end at or above it, so it pumps more.
        var network = InpReader.ReadFile(ReferenceData.Require("water/networks/Net1.inp"));
        var result = PumpScheduler.Optimise(network, ThreeLevelTariff(), cancellationToken: TestContext.Current.CancellationToken);
        Assert.Contains(result.OwnControls.Violations, v => v.Kind == "final-level");
        Assert.True(result.Optimised.Feasible, string.Join("; ", result.Optimised.Violations));
        Assert.True(result.Optimised.EnergyKwh > result.OwnControls.EnergyKwh);
        // No pumping in the evening peak: every peak period is off.
        Assert.All(result.Optimised.Periods.Where(p => p.PriceEurPerKwh >= 0.34), p => Assert.False(p.PumpOn[0]));
    }
}

public sealed class PumpedTownTests
{
    [Fact]
    public void Pumped_town_runs_and_schedule_beats_its_own_controls()
    {
        var network = PumpedTownNetwork.Create(120);
        var result = PumpScheduler.Optimise(network, PumpSchedulingTests.ThreeLevelTariff(), new PumpScheduleOptions { MaxEvaluations = 200 }, TestContext.Current.CancellationToken);
        TestContext.Current.TestOutputHelper?.WriteLine(System.FormattableString.Invariant($"own {result.OwnControls.CostEur:F2} {result.OwnControls.EnergyKwh:F0} kWh feasible {result.OwnControls.Feasible} [{string.Join(";", result.OwnControls.Violations)}] opt {result.Optimised.CostEur:F2} {result.Optimised.EnergyKwh:F0} feasible {result.Optimised.Feasible} [{string.Join(";", result.Optimised.Violations)}] sims {result.Evaluations} {result.SearchMilliseconds:F0} ms"));
        Assert.True(result.OwnControls.Converged);
        Assert.True(result.Optimised.Feasible, string.Join("; ", result.Optimised.Violations));
        Assert.True(result.Optimised.CostEur < result.OwnControls.CostEur);
    }
}
