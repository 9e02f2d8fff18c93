using CivicGrid.Mobility.Charging;
using Xunit;

namespace CivicGrid.Mobility.Tests.Charging;

public class SmartChargingTests
{
    private static ChargingSession Session(string id, int first, int end, double needKwh, double soc = 0.2, double battery = 60, double maxKw = 10, string site = "depot") =>
        new(id, site, first, end, soc, needKwh, battery, maxKw);

    private static ChargingProblem Problem(double[] prices, double[] headroom, params ChargingSession[] sessions) =>
        new(60, prices, [new ChargingSite("depot", "f1", 1000)], [new FeederHeadroom("f1", headroom)], sessions);

    [Fact]
    public void Trips_become_sessions_with_arrival_charge_and_energy_needed()
    {
        // 0.9 − 30 km · 0.2 kWh/km / 60 kWh = 0.8 on arrival; to 0.95 needs 0.15 · 60 = 9 kWh.
        var trips = new[] { new EvTrip("ev1", "depot", 61, 300, 30, 0.9, 60, 0.2, 0.95, 11) };
        var s = Assert.Single(ChargingDemandModel.FromTrips(trips, 60, 24));
        Assert.Equal(0.8, s.ArrivalStateOfCharge, 12);
        Assert.Equal(9, s.EnergyNeededKilowattHours, 9);
        Assert.Equal(2, s.FirstSlot); // arrives 01:01, so the first whole hour is 02:00
        Assert.Equal(5, s.EndSlot);
        // A long trip cannot leave the battery below empty, and a full vehicle needs nothing.
        var empty = ChargingDemandModel.FromTrips([trips[0] with { TripDistanceKilometres = 1000 }], 60, 24)[0];
        Assert.Equal(0, empty.ArrivalStateOfCharge);
        Assert.Equal(0, ChargingDemandModel.FromTrips([trips[0] with { TargetStateOfCharge = 0.5 }], 60, 24)[0].EnergyNeededKilowattHours);
        Assert.Throws<ArgumentException>(() => ChargingDemandModel.FromTrips([trips[0] with { BatteryKilowattHours = 0 }], 60, 24));
        Assert.Throws<ArgumentException>(() => ChargingDemandModel.FromTrips([trips[0] with { LeaveMinute = 10 }], 60, 24));
    }

    [Fact]
    public void Charging_goes_to_the_cheapest_slots()
    {
        // 15 kWh at 10 kW: the whole cheapest hour (0.10) and half of the next cheapest (0.20).
        var plan = SmartChargingScheduler.Solve(Problem([0.30, 0.10, 0.20], [100, 100, 100], Session("a", 0, 3, 15)));
        Assert.Equal([0, 10, 5], plan.PowerKilowatts[0].Select(p => Math.Round(p, 6)));
        Assert.Equal(0.10 * 10 + (0.20 * 5), plan.EnergyCost, 9);
        Assert.Equal(0, plan.TotalShortfallKilowattHours);
        Assert.Empty(plan.BindingFeederSlots);
    }

    [Fact]
    public void The_feeder_limit_holds_in_every_slot_and_shifts_load()
    {
        // Two 10 kW vehicles, 10 kWh each, cheap hour 0 but the feeder gives only 12 kW then.
        var plan = SmartChargingScheduler.Solve(Problem([0.1, 0.3], [12, 100], Session("a", 0, 2, 10), Session("b", 0, 2, 10)));
        Assert.Equal(12, plan.FeederLoadKilowatts["f1"][0], 6);
        Assert.Equal(8, plan.FeederLoadKilowatts["f1"][1], 6);
        Assert.Equal(0, plan.TotalShortfallKilowattHours);
        Assert.Contains(("f1", 0), plan.BindingFeederSlots);
        var uncontrolled = SmartChargingScheduler.Uncontrolled(Problem([0.1, 0.3], [12, 100], Session("a", 0, 2, 10), Session("b", 0, 2, 10)));
        Assert.Equal(20, uncontrolled.PeakKilowatts("f1"), 9);
    }

    [Fact]
    public void When_the_grid_cannot_serve_everyone_each_vehicle_misses_the_same_share()
    {
        // 6 kW for one hour against needs of 10 and 2 kWh (12 in all): everyone gets half.
        var plan = SmartChargingScheduler.Solve(Problem([0.2], [6], Session("big", 0, 1, 10), Session("small", 0, 1, 2)));
        Assert.Equal(5, plan.DeliveredKilowattHours[0], 6);
        Assert.Equal(1, plan.DeliveredKilowattHours[1], 6);
        Assert.Equal(0.5, plan.WorstShortfallFraction, 6);
        Assert.Equal(6, plan.TotalShortfallKilowattHours, 6);
    }

    [Fact]
    public void Charge_power_tapers_above_eighty_percent()
    {
        // Arrives at 0.9 SoC of 10 kWh and wants 1 kWh: at most 50 kW · (1 − 0.9) / 0.2 = 25 kW in the first
        // 6-minute slot (2.5 kWh would overfill, so it takes exactly what it needs then).
        var session = Session("a", 0, 4, 1, soc: 0.9, battery: 10, maxKw: 50);
        var problem = new ChargingProblem(6, [0.1, 0.2, 0.3, 0.4], [new ChargingSite("depot", "f1", 1000)], [new FeederHeadroom("f1", [100, 100, 100, 100])], [session]);
        var plan = SmartChargingScheduler.Solve(problem);
        Assert.True(plan.PowerKilowatts[0][0] <= 25 + 1e-6);
        Assert.Equal(1, plan.DeliveredKilowattHours[0], 6);
        // From 0.4 SoC the limit is the charger's 50 kW until 0.8: the cheapest slot takes 5 kWh in 6 minutes.
        var low = SmartChargingScheduler.Solve(problem with { Sessions = [session with { ArrivalStateOfCharge = 0.4, EnergyNeededKilowattHours = 6 }] });
        Assert.Equal(50, low.PowerKilowatts[0][0], 6);
        // Slot 2 starts at 0.9 SoC, so it may draw at most 25 kW.
        Assert.True(low.PowerKilowatts[0][1] <= 25 + 1e-6, $"{low.PowerKilowatts[0][1]}");
        Assert.Equal(6, low.DeliveredKilowattHours[0], 6);
    }

    [Fact]
    public void Inconsistent_problems_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => SmartChargingScheduler.Solve(Problem([0.1, 0.2], [10], Session("a", 0, 1, 1))));
        Assert.Throws<ArgumentException>(() => SmartChargingScheduler.Solve(Problem([0.1], [10], Session("a", 0, 1, 1, site: "nowhere"))));
        Assert.Throws<ArgumentException>(() => SmartChargingScheduler.Solve(Problem([0.1], [10], Session("a", 0, 3, 1))));
        Assert.Throws<ArgumentException>(() => SmartChargingScheduler.Solve(Problem([double.NaN], [10], Session("a", 0, 1, 1))));
    }
}
