using CivicGrid.Energy.Vpp;
using CivicGrid.Platform.Water;
using CivicGrid.Water.Operations;
using Xunit;

namespace CivicGrid.Server.Tests;

/// <summary>Pumps as flexible loads: the VPP dispatch of a pump schedule's storage windows moves pump energy into cheap hours.</summary>
public sealed class WaterOperationsFlexibilityTests
{
    [Fact]
    public void Vpp_dispatch_moves_pump_load_to_cheap_hours()
    {
        // Schedule under a flat price: the pumps run where the tank needs them, blind to any price.
        var network = PumpedTownNetwork.Create(60);
        var flat = EnergyTariff.TimeOfUse([.. Enumerable.Repeat(0.2, 24)]);
        var result = PumpScheduler.Optimise(network, flat, new PumpScheduleOptions { MaxEvaluations = 40 }, TestContext.Current.CancellationToken);
        Assert.True(result.Optimised.Feasible);
        var window = PumpScheduleService.WindowHours(result);
        var loads = PumpFlexibilityAdapter.ToFlexibleLoads(result, window);
        Assert.NotEmpty(loads);
        Assert.Equal(result.Optimised.EnergyKwh, loads.Sum(l => l.EnergyKwh), 6);

        // Dispatch the same energy against a time-of-use tariff.
        var prices = PumpScheduleService.DemoTariff();
        var import = Enumerable.Range(0, 24).Select(h => prices.PriceAt(h * 3600L, 0)).ToArray();
        var portfolio = new Portfolio("pumps", DateTimeOffset.UnixEpoch, 60, 24, new FeederLimits(10_000, 10_000),
            new Tariff(import, [.. Enumerable.Repeat(0.0, 24)]), [.. loads]);
        var dispatch = DispatchOptimizer.Solve(portfolio);
        Assert.True(dispatch.Solved, dispatch.Status);

        var before = new double[24];
        foreach (var p in result.Optimised.Periods)
        {
            before[p.Index] = p.PumpEnergyKwh.Sum();
        }
        var after = new double[24];
        foreach (var s in dispatch.Schedules)
        {
            for (var h = 0; h < 24; h++)
            {
                after[h] += -s.PowerKw[h];
            }
        }
        Assert.Equal(before.Sum(), after.Sum(), 3);
        var priceBefore = before.Select((e, h) => e * import[h]).Sum() / before.Sum();
        var priceAfter = after.Select((e, h) => e * import[h]).Sum() / after.Sum();
        Assert.True(priceAfter < priceBefore, $"mean price of pump energy {priceAfter:F4} after dispatch vs {priceBefore:F4} before");
        // Nothing lands in the evening peak that the tank windows allowed elsewhere.
        Assert.True(after.Skip(17).Take(4).Sum() <= before.Skip(17).Take(4).Sum() + 1e-6);
    }
}
