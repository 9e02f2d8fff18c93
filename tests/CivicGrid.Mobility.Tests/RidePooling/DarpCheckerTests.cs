using CivicGrid.Mobility.RidePooling;
using Xunit;

namespace CivicGrid.Mobility.Tests.RidePooling;

public class DarpCheckerTests
{
    // Two requests on a line: depot at 0, pickups at x=1 and x=2, drop-offs at x=5 and x=6, no service time.
    private static DarpInstance Small(int capacity = 2, double maxRide = 30, double duration = 480, double dropLatest = 1440, double pickEarliest2 = 0, double pickLatest1 = 1440)
    {
        var text = $"1 4 {duration} {capacity} {maxRide}\n" +
            "0 0 0 0 0 0 1440\n" +
            $"1 1 0 0 1 0 {pickLatest1}\n" +
            $"2 2 0 0 1 {pickEarliest2} 1440\n" +
            $"3 5 0 0 -1 0 {dropLatest}\n" +
            "4 6 0 0 -1 0 1440\n";
        return DarpReader.Read(new StringReader(text), "small.txt");
    }

    private static DarpSolution One(params int[] route) => new([route]);

    [Fact]
    public void Accepts_a_feasible_route_and_costs_its_distance()
    {
        var check = DarpChecker.Check(Small(), One(1, 2, 3, 4));
        Assert.True(check.Feasible, string.Join("; ", check.Violations));
        Assert.Equal(12, check.Cost, 9); // 0→1→2→5→6→0
        Assert.Equal(2, check.ServedRequests);
    }

    [Fact]
    public void Rejects_capacity_overflow()
    {
        var check = DarpChecker.Check(Small(capacity: 1), One(1, 2, 3, 4));
        Assert.False(check.Feasible);
        Assert.Contains(check.Violations, v => v.Contains("capacity", StringComparison.Ordinal));
        Assert.True(DarpChecker.Check(Small(capacity: 1), One(1, 3, 2, 4)).Feasible);
    }

    [Fact]
    public void Rejects_drop_off_before_pickup_and_split_requests()
    {
        Assert.Contains(DarpChecker.Check(Small(), One(3, 1, 2, 4)).Violations, v => v.Contains("without an earlier pickup", StringComparison.Ordinal));
        var split = DarpChecker.Check(Small(), new DarpSolution([[1, 2, 4], [3]]));
        Assert.False(split.Feasible);
    }

    [Fact]
    public void Rejects_unserved_and_duplicated_requests()
    {
        Assert.Contains(DarpChecker.Check(Small(), One(1, 3)).Violations, v => v.Contains("request 2 is not served", StringComparison.Ordinal));
        Assert.True(DarpChecker.Check(Small(), One(1, 3), requireAllServed: false).Feasible);
        Assert.Contains(DarpChecker.Check(Small(), One(1, 2, 3, 4, 1)).Violations, v => v.Contains("more than once", StringComparison.Ordinal));
    }

    [Fact]
    public void Rejects_time_window_violation()
    {
        // Drop-off 3 must be reached by t=3 but lies 5 away from the depot.
        var check = DarpChecker.Check(Small(dropLatest: 3), One(1, 2, 3, 4));
        Assert.False(check.Feasible);
        Assert.Contains(check.Violations, v => v.Contains("time windows", StringComparison.Ordinal));
    }

    [Fact]
    public void Rejects_ride_time_violation_but_schedules_waiting_before_pickup()
    {
        // Request 1 must be picked up by t=10 and request 2 not before t=100: request 1 rides ≥ 90 when it is
        // dropped after 2's pickup; with max ride 20 that order is infeasible (1, 3, 2, 4 is fine).
        var bad = DarpChecker.Check(Small(maxRide: 20, pickEarliest2: 100, pickLatest1: 10), One(1, 2, 3, 4));
        Assert.False(bad.Feasible);
        Assert.Contains(bad.Violations, v => v.Contains("ride time", StringComparison.Ordinal));
        var good = DarpChecker.Check(Small(maxRide: 20, pickEarliest2: 100, pickLatest1: 10), One(1, 3, 2, 4));
        Assert.True(good.Feasible, string.Join("; ", good.Violations));
    }

    [Fact]
    public void Delays_the_first_pickup_so_the_ride_fits_when_a_later_window_forces_waiting()
    {
        // Pickup 2 opens at 100. Eight-step delays departure so request 1 is picked up at 99: its ride is 1 + 3 = 4.
        var check = DarpChecker.Check(Small(maxRide: 20, pickEarliest2: 100), One(1, 2, 3, 4));
        var schedule = check.Schedules[0];
        Assert.Equal(100, schedule.Begin[2], 6);
        Assert.Equal(99, schedule.Begin[1], 6); // waits were moved before the pickup of request 1
        Assert.Equal(4, schedule.Begin[3] - schedule.Departure[1], 6);
        Assert.True(check.Feasible, string.Join("; ", check.Violations));
    }

    [Fact]
    public void Rejects_route_duration_violation()
    {
        var check = DarpChecker.Check(Small(duration: 10), One(1, 2, 3, 4));
        Assert.False(check.Feasible);
        Assert.Contains(check.Violations, v => v.Contains("route duration", StringComparison.Ordinal));
    }

    [Fact]
    public void Rejects_more_routes_than_vehicles()
    {
        var check = DarpChecker.Check(Small(), new DarpSolution([[1, 3], [2, 4]]));
        Assert.Contains(check.Violations, v => v.Contains("vehicles", StringComparison.Ordinal));
    }
}

public class RouteSchedulerTests
{
    private static DarpInstance Line(double pickLatest1, double pickEarliest2) => DarpReader.Read(new StringReader(
        $"1 4 480 2 20\n0 0 0 0 0 0 1440\n1 1 0 0 1 0 {pickLatest1}\n2 2 0 0 1 {pickEarliest2} 1440\n3 5 0 0 -1 0 1440\n4 6 0 0 -1 0 1440\n"), "line.txt");

    [Fact]
    public void Exact_test_finds_times_that_meet_every_constraint_when_the_order_is_feasible()
    {
        var instance = Line(1440, 100);
        int[] route = [1, 2, 3, 4];
        var times = RouteScheduler.FindFeasibleTimes(instance, route);
        Assert.NotNull(times);
        var v = new[] { 0, 1, 2, 3, 4, instance.EndDepot };
        for (var p = 0; p < v.Length; p++)
        {
            Assert.InRange(times[p], instance.Nodes[v[p]].Earliest - 1e-9, instance.Nodes[v[p]].Latest + 1e-9);
            if (p > 0)
            {
                Assert.True(times[p] >= times[p - 1] + instance.Travel(v[p - 1], v[p]) - 1e-9);
            }
        }
        Assert.True(times[3] - times[1] <= 20 + 1e-9); // ride time of request 1
        Assert.True(times[4] - times[2] <= 20 + 1e-9);
    }

    [Fact]
    public void Exact_test_agrees_that_a_contradictory_order_has_no_schedule()
    {
        // Request 1 picked up by t=10, request 2 not before t=100, max ride 20: request 1 cannot wait for 2.
        Assert.Null(RouteScheduler.FindFeasibleTimes(Line(10, 100), [1, 2, 3, 4]));
        Assert.NotNull(RouteScheduler.FindFeasibleTimes(Line(10, 100), [1, 3, 2, 4]));
    }
}
