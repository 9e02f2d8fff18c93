using CivicGrid.Mobility.Charging;
using CivicGrid.Mobility.Inputs;
using Xunit;

namespace CivicGrid.Mobility.Tests.Inputs;

public sealed class ChargingInputsTests
{
    private const string Trips = "vehicle,site,arrival_minute,leave_minute,distance_km,departure_soc,battery_kwh,consumption_kwh_per_km,target_soc,max_power_kw\n" +
        "ev1,depot,0,60,50,0.9,50,0.2,0.9,11\n" +
        "ev2,depot,15,60,100,0.8,60,0.18,0.8,22\n";

    private const string Sites = "site,feeder,power_limit_kw\ndepot,f1,30\n";

    private static string Feeders(params double[] headroom) =>
        "feeder,slot,headroom_kw\n" + string.Concat(headroom.Select((h, s) => $"f1,{s},{h.ToString(System.Globalization.CultureInfo.InvariantCulture)}\n"));

    private static (ChargingProblem Problem, IReadOnlyList<EvTrip> Trips) Read(string trips, string sites, string feeders, string? prices = null) =>
        ChargingInputs.Read((new StringReader(trips), "trips.csv"), (new StringReader(sites), "sites.csv"), (new StringReader(feeders), "feeders.csv"),
            prices is null ? null : (new StringReader(prices), "prices.csv"), 15);

    [Fact]
    public void Trips_sites_feeders_and_prices_become_a_charging_problem()
    {
        var (problem, trips) = Read(Trips, Sites, Feeders(20, 20, 20, 20), "slot,price_per_kwh\n0,0.3\n1,0.1\n2,0.1\n3,0.3\n");
        Assert.Equal(4, problem.Slots);
        Assert.Equal([0.3, 0.1, 0.1, 0.3], problem.PricePerKilowattHour);
        Assert.Equal(2, trips.Count);
        // ev1 drove 50 km at 0.2 kWh/km from 90 % of 50 kWh: it arrives at 70 % and needs 10 kWh.
        Assert.Equal(10, problem.Sessions[0].EnergyNeededKilowattHours, 1e-9);
        Assert.Equal(1, problem.Sessions[1].FirstSlot);
        var plan = SmartChargingScheduler.Solve(problem);
        Assert.True(plan.FeederLoadKilowatts["f1"].All(kw => kw <= 20 + 1e-6));
    }

    [Fact]
    public void Without_prices_every_slot_costs_one()
    {
        var (problem, _) = Read(Trips, Sites, Feeders(5, 5));
        Assert.Equal([1.0, 1.0], problem.PricePerKilowattHour);
    }

    [Theory]
    [InlineData("trips", "vehicle,site,arrival_minute,leave_minute,distance_km,departure_soc,battery_kwh,consumption_kwh_per_km,target_soc,max_power_kw\nev1,garage,0,60,5,0.9,50,0.2,0.9,11\n", "trips.csv", 2, "site 'garage' is not in the sites file")]
    [InlineData("trips", "vehicle,site,arrival_minute,leave_minute,distance_km,departure_soc,battery_kwh,consumption_kwh_per_km,target_soc,max_power_kw\nev1,depot,30,10,5,0.9,50,0.2,0.9,11\n", "trips.csv", 2, "leave_minute: 10 is outside [30,")]
    [InlineData("trips", "vehicle,site,arrival_minute,leave_minute,distance_km,departure_soc,battery_kwh,consumption_kwh_per_km,target_soc,max_power_kw\nev1,depot,0,60,5,1.2,50,0.2,0.9,11\n", "trips.csv", 2, "departure_soc: 1.2 is outside [0, 1]")]
    [InlineData("sites", "site,feeder,power_limit_kw\ndepot,f9,30\n", "sites.csv", 2, "feeder 'f9' is not in the feeders file")]
    [InlineData("sites", "site,feeder,power_limit_kw\ndepot,f1,30\ndepot,f1,10\n", "sites.csv", 3, "given twice")]
    [InlineData("feeders", "feeder,slot,headroom_kw\nf1,0,10\nf1,0,12\n", "feeders.csv", 3, "already given on line 2")]
    [InlineData("feeders", "feeder,slot,headroom_kw\nf1,0,10\nf1,2,12\n", "feeders.csv", 0, "no headroom for slot 1")]
    [InlineData("feeders", "feeder,slot,headroom_kw\nf1,0,-3\n", "feeders.csv", 2, "headroom_kw")]
    [InlineData("prices", "slot,price_per_kwh\n0,0.2\n", "prices.csv", 0, "no price for slot 1")]
    [InlineData("prices", "slot,price_per_kwh\n0,abc\n", "prices.csv", 2, "'abc' is not a number")]
    public void Malformed_inputs_name_their_file_line_and_reason(string which, string text, string file, int line, string reason)
    {
        var e = Assert.Throws<MobilityInputFormatException>(() => Read(
            which == "trips" ? text : Trips,
            which == "sites" ? text : Sites,
            which == "feeders" ? text : Feeders(20, 20),
            which == "prices" ? text : null));
        Assert.Equal(file, e.FileName);
        Assert.Equal(line, e.Line);
        Assert.Contains(reason, e.Reason, StringComparison.Ordinal);
    }
}
