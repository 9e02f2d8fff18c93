namespace CivicGrid.Mobility.RidePooling;

/// <summary>Where a request goes: vehicle, pickup position and drop-off position (in the route after insertion) and the added distance.</summary>
public readonly record struct DarpInsertion(int Vehicle, int PickupPosition, int DropoffPosition, double AddedDistance);

/// <summary>Result of the heuristic: routes, the requests that could not be placed, and the checker's verdict.</summary>
public sealed record DarpHeuristicResult(DarpSolution Solution, IReadOnlyList<int> Unserved, DarpCheckResult Check);

/// <summary>
/// Cheapest feasible insertion of requests into vehicle routes (every candidate position pair is scheduled with
/// the eight-step evaluation), usable for one real-time request at a time, plus an improvement search that
/// removes and reinserts requests (single requests first, then random groups of a few).
/// </summary>
public sealed class DarpInsertionHeuristic
{
    private readonly DarpInstance inst;

    public DarpInsertionHeuristic(DarpInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        inst = instance;
    }

    /// <summary>Finds the cheapest feasible insertion of <paramref name="request"/> (1..n) into the routes, or null.</summary>
    public DarpInsertion? FindBestInsertion(IReadOnlyList<List<int>> routes, int request) => FindBestInsertion(routes, request, null, null);

    /// <summary>
    /// Real-time form: the first <paramref name="firstFreePosition"/>[r] stops of route r are already driven or under
    /// way and stay where they are (the pickup goes at that position or later), and <paramref name="accept"/>, when
    /// given, can refuse a candidate's timed schedule (vehicle index, schedule) — e.g. one that would have had to leave
    /// before now. Returns the cheapest feasible insertion, or null.
    /// </summary>
    public DarpInsertion? FindBestInsertion(IReadOnlyList<List<int>> routes, int request, IReadOnlyList<int>? firstFreePosition, Func<int, RouteSchedule, bool>? accept)
    {
        ArgumentNullException.ThrowIfNull(routes);
        if (firstFreePosition is not null && firstFreePosition.Count != routes.Count)
        {
            throw new ArgumentException("one first free position per route is needed", nameof(firstFreePosition));
        }
        var p = request;
        var q = request + inst.Requests;
        var pLoad = inst.Nodes[p].Load;
        DarpInsertion? best = null;
        var bestDelta = double.PositiveInfinity;
        var seenEmpty = false;
        var candidate = new List<int>();
        for (var r = 0; r < routes.Count; r++)
        {
            var route = routes[r];
            if (route.Count == 0)
            {
                if (seenEmpty)
                {
                    continue; // empty vehicles are interchangeable
                }
                seenEmpty = true;
            }
            var m = route.Count;
            // load before each original position
            var loadBefore = new int[m + 1];
            for (var k = 0; k < m; k++)
            {
                loadBefore[k + 1] = loadBefore[k] + inst.Nodes[route[k]].Load;
            }
            for (var i = firstFreePosition is null ? 0 : Math.Clamp(firstFreePosition[r], 0, m); i <= m; i++)
            {
                var prevI = i == 0 ? 0 : route[i - 1];
                var nextI = i == m ? inst.EndDepot : route[i];
                if (loadBefore[i] + pLoad > inst.Capacity)
                {
                    continue;
                }
                var overload = false;
                for (var j = i; j <= m; j++)
                {
                    // drop-off goes before original position j (j == i: right after the pickup)
                    if (j > i && loadBefore[j] + pLoad > inst.Capacity)
                    {
                        overload = true;
                    }
                    if (overload)
                    {
                        break;
                    }
                    double delta;
                    if (j == i)
                    {
                        delta = inst.Travel(prevI, p) + inst.Travel(p, q) + inst.Travel(q, nextI) - inst.Travel(prevI, nextI);
                    }
                    else
                    {
                        var prevJ = route[j - 1];
                        var nextJ = j == m ? inst.EndDepot : route[j];
                        delta = inst.Travel(prevI, p) + inst.Travel(p, nextI) - inst.Travel(prevI, nextI)
                            + inst.Travel(prevJ, q) + inst.Travel(q, nextJ) - inst.Travel(prevJ, nextJ);
                    }
                    if (delta >= bestDelta - 1e-9)
                    {
                        continue;
                    }
                    candidate.Clear();
                    candidate.AddRange(route);
                    candidate.Insert(j, q);
                    candidate.Insert(i, p);
                    if (!RouteScheduler.EarliestTimesFeasible(inst, candidate))
                    {
                        continue;
                    }
                    var schedule = RouteScheduler.Schedule(inst, candidate);
                    if (!schedule.Feasible || (accept is not null && !accept(r, schedule)))
                    {
                        continue;
                    }
                    bestDelta = delta;
                    best = new DarpInsertion(r, i, j + 1, delta);
                }
            }
        }
        return best;
    }

    /// <summary>Inserts one request at its cheapest feasible place; false when no vehicle can take it.</summary>
    public bool Insert(IReadOnlyList<List<int>> routes, int request)
    {
        var found = FindBestInsertion(routes, request);
        if (found is not { } ins)
        {
            return false;
        }
        var route = routes[ins.Vehicle];
        route.Insert(ins.PickupPosition, request);
        route.Insert(ins.DropoffPosition, request + inst.Requests);
        return true;
    }

    /// <summary>Greedy construction: requests sorted by their critical time, each inserted at its cheapest feasible place.</summary>
    public DarpHeuristicResult Construct()
    {
        var routes = Enumerable.Range(0, inst.Vehicles).Select(_ => new List<int>()).ToList();
        var unserved = InsertAll(routes, Enumerable.Range(1, inst.Requests).OrderBy(CriticalTime).ThenBy(r => r));
        return Finish(routes, unserved);
    }

    /// <summary>Construction followed by remove-and-reinsert improvement with a fixed seed (deterministic).</summary>
    public DarpHeuristicResult Solve(int improvementIterations = 500, int seed = 1)
    {
        var start = Construct();
        var routes = start.Solution.Routes.Select(r => r.ToList()).ToList();
        var unserved = start.Unserved.ToList();
        Improve(routes, unserved, improvementIterations, seed);
        return Finish(routes, unserved);
    }

    /// <summary>Remove-and-reinsert search: single requests until no gain, then random groups; keeps the best (fewest unserved, then cost).</summary>
    public void Improve(List<List<int>> routes, List<int> unserved, int iterations, int seed)
    {
        ArgumentNullException.ThrowIfNull(routes);
        ArgumentNullException.ThrowIfNull(unserved);
        var bestCost = Cost(routes);
        var improved = true;
        while (improved)
        {
            improved = false;
            foreach (var req in unserved.ToList())
            {
                if (Insert(routes, req))
                {
                    unserved.Remove(req);
                    bestCost = Cost(routes);
                }
            }
            for (var req = 1; req <= inst.Requests; req++)
            {
                if (unserved.Contains(req))
                {
                    continue;
                }
                var trial = Copy(routes);
                Remove(trial, req);
                if (Insert(trial, req) && Cost(trial) < bestCost - 1e-7)
                {
                    Replace(routes, trial);
                    bestCost = Cost(routes);
                    improved = true;
                }
            }
        }
        var random = new Random(seed);
        var current = Copy(routes);
        var currentUnserved = unserved.ToList();
        for (var it = 0; it < iterations; it++)
        {
            var trial = Copy(current);
            var served = Enumerable.Range(1, inst.Requests).Where(r => !currentUnserved.Contains(r)).ToList();
            var k = Math.Min(served.Count, 2 + random.Next(Math.Max(1, Math.Min(8, inst.Requests / 4))));
            var removed = new List<int>();
            for (var c = 0; c < k; c++)
            {
                var pick = served[random.Next(served.Count)];
                served.Remove(pick);
                removed.Add(pick);
                Remove(trial, pick);
            }
            removed.AddRange(currentUnserved);
            var order = random.Next(2) == 0
                ? removed.OrderBy(CriticalTime).ToList()
                : removed.OrderBy(_ => random.Next()).ToList();
            var left = InsertAll(trial, order);
            var trialCost = Cost(trial);
            var currentCost = Cost(current);
            if (left.Count < currentUnserved.Count || (left.Count == currentUnserved.Count && trialCost < currentCost + (0.002 * currentCost * random.NextDouble())))
            {
                current = trial;
                currentUnserved = left;
                if (left.Count < unserved.Count || (left.Count == unserved.Count && trialCost < bestCost - 1e-7))
                {
                    Replace(routes, trial);
                    unserved.Clear();
                    unserved.AddRange(left);
                    bestCost = trialCost;
                }
            }
        }
    }

    private List<int> InsertAll(IReadOnlyList<List<int>> routes, IEnumerable<int> requests)
    {
        var left = new List<int>();
        foreach (var r in requests)
        {
            if (!Insert(routes, r))
            {
                left.Add(r);
            }
        }
        return left;
    }

    private double CriticalTime(int request)
    {
        var pick = inst.Nodes[request];
        var drop = inst.Nodes[request + inst.Requests];
        return pick.Latest - pick.Earliest <= drop.Latest - drop.Earliest
            ? pick.Earliest
            : drop.Earliest - inst.MaxRideTime - pick.ServiceDuration;
    }

    private void Remove(List<List<int>> routes, int request)
    {
        foreach (var route in routes)
        {
            if (route.Remove(request))
            {
                route.Remove(request + inst.Requests);
                return;
            }
        }
    }

    private double Cost(IReadOnlyList<List<int>> routes)
    {
        var total = 0.0;
        foreach (var route in routes)
        {
            var prev = 0;
            foreach (var v in route)
            {
                total += inst.Travel(prev, v);
                prev = v;
            }
            if (route.Count > 0)
            {
                total += inst.Travel(prev, inst.EndDepot);
            }
        }
        return total;
    }

    private static List<List<int>> Copy(List<List<int>> routes) => routes.Select(r => r.ToList()).ToList();

    private static void Replace(List<List<int>> routes, List<List<int>> with)
    {
        for (var r = 0; r < routes.Count; r++)
        {
            routes[r].Clear();
            routes[r].AddRange(with[r]);
        }
    }

    private DarpHeuristicResult Finish(List<List<int>> routes, List<int> unserved)
    {
        var solution = new DarpSolution(routes.Select(r => (IReadOnlyList<int>)r.ToArray()).ToArray());
        return new DarpHeuristicResult(solution, unserved.OrderBy(r => r).ToArray(), DarpChecker.Check(inst, solution, requireAllServed: false));
    }
}
