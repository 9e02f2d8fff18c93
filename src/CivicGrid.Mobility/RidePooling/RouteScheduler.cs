namespace CivicGrid.Mobility.RidePooling;

/// <summary>The timed schedule of one route: per position (0 = start depot, last = end depot) arrival, begin of service and departure.</summary>
public sealed record RouteSchedule(IReadOnlyList<int> Vertices, IReadOnlyList<double> Arrival, IReadOnlyList<double> Begin, IReadOnlyList<double> Departure,
    double Distance, double TimeWindowViolation, double RideTimeViolation, double DurationViolation, double MaxRideTime, double Duration)
{
    /// <summary>True when no time window, ride time or duration limit is exceeded (tolerance 1e-6).</summary>
    public bool Feasible => TimeWindowViolation <= DarpTolerance.Time && RideTimeViolation <= DarpTolerance.Time && DurationViolation <= DarpTolerance.Time;
}

internal static class DarpTolerance
{
    public const double Time = 1e-6;
}

/// <summary>
/// Schedules a fixed vertex order with the Cordeau–Laporte (2003) eight-step evaluation: start as early as
/// possible, delay the depot departure and then every pickup by its forward time slack to shorten waits and ride
/// times. The slack here also protects the route duration limit. When the eight-step schedule violates a limit,
/// an exact difference-constraint test looks for any feasible schedule of the same order.
/// </summary>
public static class RouteScheduler
{
    /// <summary>Schedules the route (vertex ids without depots).</summary>
    public static RouteSchedule Schedule(DarpInstance instance, IReadOnlyList<int> route)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(route);
        var m = route.Count;
        var v = new int[m + 2];
        v[0] = 0;
        v[m + 1] = instance.EndDepot;
        for (var k = 0; k < m; k++)
        {
            v[k + 1] = route[k];
        }
        var eightStep = new Scheduler(instance, v).Run();
        if (eightStep.Feasible)
        {
            return eightStep;
        }
        var times = FindFeasibleTimes(instance, route);
        return times is null ? eightStep : Timed(instance, v, times);
    }

    /// <summary>
    /// Exact feasibility test for a fixed order: the start times form a system of difference constraints
    /// (travel, time windows, ride times, route duration), solved by Bellman–Ford. Returns the latest feasible
    /// begin-of-service time per position (depots included), or null when no feasible schedule exists.
    /// </summary>
    public static double[]? FindFeasibleTimes(DarpInstance instance, IReadOnlyList<int> route)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(route);
        var m = route.Count;
        var len = m + 2;
        var v = new int[len];
        v[len - 1] = instance.EndDepot;
        for (var k = 0; k < m; k++)
        {
            v[k + 1] = route[k];
        }
        var zero = len; // reference vertex with time 0
        var edges = new List<(int From, int To, double Weight)>(); // x_to - x_from <= weight
        var pickupAt = new Dictionary<int, int>();
        for (var p = 0; p < len; p++)
        {
            var node = instance.Nodes[v[p]];
            edges.Add((zero, p, node.Latest));
            edges.Add((p, zero, -node.Earliest));
            if (p + 1 < len)
            {
                edges.Add((p + 1, p, -(node.ServiceDuration + instance.Travel(v[p], v[p + 1]))));
            }
            if (instance.IsPickup(v[p]))
            {
                pickupAt[v[p]] = p;
            }
            else if (instance.IsDropoff(v[p]) && pickupAt.TryGetValue(v[p] - instance.Requests, out var pp))
            {
                edges.Add((pp, p, instance.MaxRideTime + instance.Nodes[v[pp]].ServiceDuration));
            }
        }
        edges.Add((0, len - 1, instance.MaxRouteDuration));
        var dist = new double[len + 1];
        Array.Fill(dist, double.PositiveInfinity);
        dist[zero] = 0;
        for (var round = 0; round <= len + 1; round++)
        {
            var changed = false;
            foreach (var (from, to, weight) in edges)
            {
                if (dist[from] + weight < dist[to] - 1e-12)
                {
                    dist[to] = dist[from] + weight;
                    changed = true;
                }
            }
            if (!changed)
            {
                return dist[..len];
            }
        }
        return null; // negative cycle: the constraints contradict each other
    }

    private static RouteSchedule Timed(DarpInstance instance, int[] v, double[] begin)
    {
        var len = v.Length;
        var a = new double[len];
        var d = new double[len];
        var pickupAt = new Dictionary<int, int>();
        double tw = 0, rideViolation = 0, maxRide = 0, distance = 0;
        for (var p = 0; p < len; p++)
        {
            var node = instance.Nodes[v[p]];
            a[p] = p == 0 ? begin[0] : d[p - 1] + instance.Travel(v[p - 1], v[p]);
            d[p] = begin[p] + node.ServiceDuration;
            tw += Math.Max(0, begin[p] - node.Latest) + Math.Max(0, node.Earliest - begin[p]) + Math.Max(0, a[p] - begin[p]);
            if (p > 0)
            {
                distance += instance.Travel(v[p - 1], v[p]);
            }
            if (instance.IsPickup(v[p]))
            {
                pickupAt[v[p]] = p;
            }
            else if (instance.IsDropoff(v[p]) && pickupAt.TryGetValue(v[p] - instance.Requests, out var pp))
            {
                var ride = begin[p] - d[pp];
                maxRide = Math.Max(maxRide, ride);
                rideViolation += Math.Max(0, ride - instance.MaxRideTime);
            }
        }
        var duration = len == 2 ? 0 : begin[len - 1] - begin[0];
        return new RouteSchedule(v, a, begin, d, distance, tw, rideViolation, Math.Max(0, duration - instance.MaxRouteDuration), maxRide, duration);
    }

    /// <summary>Earliest-start forward pass: false when some time window can certainly not be met.</summary>
    internal static bool EarliestTimesFeasible(DarpInstance instance, IReadOnlyList<int> route)
    {
        var nodes = instance.Nodes;
        var prev = 0;
        var d = nodes[0].Earliest + nodes[0].ServiceDuration;
        foreach (var node in route)
        {
            var b = Math.Max(nodes[node].Earliest, d + instance.Travel(prev, node));
            if (b > nodes[node].Latest + DarpTolerance.Time)
            {
                return false;
            }
            d = b + nodes[node].ServiceDuration;
            prev = node;
        }
        return d + instance.Travel(prev, instance.EndDepot) <= nodes[instance.EndDepot].Latest + DarpTolerance.Time;
    }

    private sealed class Scheduler
    {
        private readonly DarpInstance inst;
        private readonly int[] v;
        private readonly int[] partner; // position of the pickup for a drop-off position (or -1)
        private readonly double[] a;
        private readonly double[] b;
        private readonly double[] w;
        private readonly double[] d;

        public Scheduler(DarpInstance instance, int[] vertices)
        {
            inst = instance;
            v = vertices;
            var len = v.Length;
            a = new double[len];
            b = new double[len];
            w = new double[len];
            d = new double[len];
            partner = new int[len];
            var pos = new Dictionary<int, int>();
            for (var p = 0; p < len; p++)
            {
                partner[p] = -1;
                if (inst.IsPickup(v[p]))
                {
                    pos[v[p]] = p;
                }
                else if (inst.IsDropoff(v[p]) && pos.TryGetValue(v[p] - inst.Requests, out var pp))
                {
                    partner[p] = pp;
                }
            }
        }

        private DarpNode N(int p) => inst.Nodes[v[p]];

        private void Forward(int from)
        {
            for (var p = from; p < v.Length; p++)
            {
                a[p] = d[p - 1] + inst.Travel(v[p - 1], v[p]);
                b[p] = Math.Max(N(p).Earliest, a[p]);
                w[p] = b[p] - a[p];
                d[p] = b[p] + N(p).ServiceDuration;
            }
        }

        private double Slack(int i)
        {
            var last = v.Length - 1;
            var waits = 0.0;
            var f = double.PositiveInfinity;
            for (var j = i; j <= last; j++)
            {
                if (j > i)
                {
                    waits += w[j];
                }
                var term = N(j).Latest - b[j];
                if (partner[j] >= 0 && partner[j] < i)
                {
                    term = Math.Min(term, inst.MaxRideTime - (b[j] - d[partner[j]]));
                }
                if (j == last && i > 0)
                {
                    term = Math.Min(term, inst.MaxRouteDuration - (b[j] - b[0]));
                }
                f = Math.Min(f, waits + Math.Max(0, term));
            }
            return f;
        }

        private double WaitsAfter(int i)
        {
            var sum = 0.0;
            for (var p = i + 1; p < v.Length - 1; p++)
            {
                sum += w[p];
            }
            return sum;
        }

        public RouteSchedule Run()
        {
            var last = v.Length - 1;
            // Steps 1-2: earliest schedule.
            b[0] = N(0).Earliest;
            d[0] = b[0] + N(0).ServiceDuration;
            Forward(1);
            // Steps 3-5: delay the departure from the depot.
            var f0 = Slack(0);
            b[0] = N(0).Earliest + Math.Min(f0, WaitsAfter(0) + w[last]);
            d[0] = b[0] + N(0).ServiceDuration;
            Forward(1);
            // Step 7: delay each pickup by its slack, bounded by the waiting that follows it.
            for (var j = 1; j < last; j++)
            {
                if (!inst.IsPickup(v[j]))
                {
                    continue;
                }
                var fj = Slack(j);
                w[j] += Math.Min(fj, WaitsAfter(j));
                b[j] = a[j] + w[j];
                d[j] = b[j] + N(j).ServiceDuration;
                Forward(j + 1);
            }
            // Step 8: violations.
            double tw = 0, rideViolation = 0, maxRide = 0, distance = 0;
            for (var p = 0; p <= last; p++)
            {
                tw += Math.Max(0, b[p] - N(p).Latest);
                if (p > 0)
                {
                    distance += inst.Travel(v[p - 1], v[p]);
                }
                if (partner[p] >= 0)
                {
                    var ride = b[p] - d[partner[p]];
                    maxRide = Math.Max(maxRide, ride);
                    rideViolation += Math.Max(0, ride - inst.MaxRideTime);
                }
            }
            var duration = v.Length == 2 ? 0 : b[last] - b[0];
            var durationViolation = Math.Max(0, duration - inst.MaxRouteDuration);
            return new RouteSchedule(v, a, b, d, distance, tw, rideViolation, durationViolation, maxRide, duration);
        }
    }
}
