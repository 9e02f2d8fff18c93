using System.Globalization;

namespace CivicGrid.Mobility.RidePooling;

/// <summary>A dial-a-ride solution: one vertex sequence per vehicle (without depots).</summary>
public sealed record DarpSolution(IReadOnlyList<IReadOnlyList<int>> Routes);

/// <summary>What the feasibility checker found.</summary>
public sealed record DarpCheckResult(bool Feasible, double Cost, int VehiclesUsed, int ServedRequests, IReadOnlyList<string> Violations, IReadOnlyList<RouteSchedule> Schedules);

/// <summary>
/// Checks a solution: every request served exactly once (or at most once when partial solutions are allowed),
/// pickup before drop-off on the same vehicle, capacity, time windows, maximum ride time and route duration.
/// Cost is the total distance travelled.
/// </summary>
public static class DarpChecker
{
    public static DarpCheckResult Check(DarpInstance instance, DarpSolution solution, bool requireAllServed = true)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(solution);
        var violations = new List<string>();
        var n = instance.Requests;
        if (solution.Routes.Count > instance.Vehicles)
        {
            violations.Add(Msg($"{solution.Routes.Count} routes but only {instance.Vehicles} vehicles"));
        }
        var seen = new int[(2 * n) + 1];
        Array.Fill(seen, -1);
        var schedules = new List<RouteSchedule>();
        double cost = 0;
        var used = 0;
        for (var r = 0; r < solution.Routes.Count; r++)
        {
            var route = solution.Routes[r];
            var load = 0;
            var ok = true;
            for (var k = 0; k < route.Count; k++)
            {
                var node = route[k];
                if (node < 1 || node > 2 * n)
                {
                    violations.Add(Msg($"route {r}: vertex {node} is not a pickup or drop-off"));
                    ok = false;
                    continue;
                }
                if (seen[node] >= 0)
                {
                    violations.Add(Msg($"route {r}: vertex {node} is visited more than once"));
                    ok = false;
                }
                seen[node] = r;
                if (instance.IsDropoff(node) && seen[node - n] != r)
                {
                    violations.Add(Msg($"route {r}: drop-off {node} without an earlier pickup {node - n} on the same vehicle"));
                    ok = false;
                }
                if (instance.IsPickup(node) && !route.Contains(node + n))
                {
                    violations.Add(Msg($"route {r}: pickup {node} is never dropped off"));
                    ok = false;
                }
                load += instance.Nodes[node].Load;
                if (load > instance.Capacity)
                {
                    violations.Add(Msg($"route {r}: load {load} after vertex {node} exceeds capacity {instance.Capacity}"));
                }
            }
            if (route.Count > 0)
            {
                used++;
            }
            if (!ok)
            {
                continue;
            }
            var schedule = RouteScheduler.Schedule(instance, route);
            schedules.Add(schedule);
            cost += schedule.Distance;
            if (schedule.TimeWindowViolation > DarpTolerance.Time)
            {
                violations.Add(Msg($"route {r}: time windows exceeded by {schedule.TimeWindowViolation:F3} in total"));
            }
            if (schedule.RideTimeViolation > DarpTolerance.Time)
            {
                violations.Add(Msg($"route {r}: maximum ride time exceeded by {schedule.RideTimeViolation:F3} in total"));
            }
            if (schedule.DurationViolation > DarpTolerance.Time)
            {
                violations.Add(Msg($"route {r}: route duration {schedule.Duration:F3} exceeds {instance.MaxRouteDuration}"));
            }
        }
        var served = 0;
        for (var i = 1; i <= n; i++)
        {
            if (seen[i] >= 0)
            {
                served++;
            }
            else if (requireAllServed)
            {
                violations.Add(Msg($"request {i} is not served"));
            }
        }
        return new DarpCheckResult(violations.Count == 0, cost, used, served, violations, schedules);
    }

    private static string Msg(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
