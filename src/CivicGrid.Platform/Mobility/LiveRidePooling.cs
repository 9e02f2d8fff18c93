using System.Globalization;
using System.Text;
using System.Text.Json;
using CivicGrid.Mobility.RidePooling;
using CivicGrid.Platform.Decisions;
using CivicGrid.Platform.DemoCity;
using Microsoft.Extensions.DependencyInjection;

namespace CivicGrid.Platform.Mobility;

/// <summary>A rider's request: from one street corner to another, picked up within a window that opens in a few minutes.</summary>
public sealed record RideRequestSubmission(string PickupNodeId, string DropoffNodeId, int Seats = 1, double PickupInMinutes = 10, double WindowMinutes = 15);

/// <summary>
/// The platform's answer to a ride request: the assigned minibus with estimated pickup and drop-off (minutes on the
/// service clock and as times), or the reason it was refused; both are decision records with a receipt.
/// </summary>
public sealed record RideRequestOutcome(
    int Number,
    bool Accepted,
    string? VehicleId,
    double EarliestPickupMinute,
    double LatestPickupMinute,
    double? PickupMinute,
    double? DropoffMinute,
    DateTimeOffset? PickupAt,
    DateTimeOffset? DropoffAt,
    double DirectMinutes,
    string? RejectionReason,
    DecisionReceipt? Decision);

/// <summary>One minibus now: where it is, how many riders are on board, and its planned stops (times in service minutes).</summary>
public sealed record LiveVehicleView(string VehicleId, double XMeters, double YMeters, int OnBoard, string State, IReadOnlyList<RideStopView> Stops, int StopsDone);

/// <summary>One ride request in the live plan and where it stands (waiting, on board, completed or rejected).</summary>
public sealed record LiveRideView(int Number, string PickupNodeId, string DropoffNodeId, int Seats, double EarliestPickupMinute, double LatestPickupMinute,
    string Status, string? VehicleId, double? PickupMinute, double? DropoffMinute, double DirectMinutes, string? RejectionReason);

/// <summary>The live fleet on the simulated service clock: minute 0 is <see cref="ServiceStart"/>.</summary>
public sealed record FleetView(DateTimeOffset ServiceStart, double ClockMinute, double HorizonMinutes, int Capacity, double MaxRideMinutes, string DepotNodeId,
    IReadOnlyList<LiveVehicleView> Vehicles, IReadOnlyList<LiveRideView> Requests)
{
    /// <summary>Accepted requests not yet dropped off.</summary>
    public int Pending => Requests.Count(r => r.Status is "waiting" or "on board");
}

/// <summary>
/// Real-time door-to-door ride pooling on the demo streets. Minibuses start at the depot corner; each request is
/// inserted into the live plan at its cheapest feasible place (<see cref="DarpInsertionHeuristic"/>), keeping what is
/// already driven: stops whose service began, and the stop a vehicle is driving to, stay fixed at their times, and a
/// vehicle waits at its last stop and leaves just in time, so a new stop must be reachable from there after now. The
/// whole plan is then checked by <see cref="DarpChecker"/> (time windows, ride time, capacity, route duration) before it
/// is adopted. The clock is the injected <see cref="TimeProvider"/>: one service minute per real minute; a service
/// period lasts <see cref="DemoRidePooling.HorizonMinutes"/> and the next one starts empty.
/// </summary>
public sealed class LiveRidePooling(MobilityService mobility, TimeProvider time, IServiceScopeFactory scopes)
{
    /// <summary>Minibuses in the live fleet.</summary>
    public const int FleetSize = 5;

    /// <summary>Name and version recorded with every real-time fleet allocation.</summary>
    public const string Algorithm = "darp-realtime-insertion";

    public const string AlgorithmVersion = "1";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<Ride> _rides = [];
    private List<List<int>> _routes = NewRoutes();      // per vehicle: +k pickup of ride k, −k its drop-off
    private List<double[]> _begin = NewTimes();           // per vehicle and stop: planned begin of service (minutes)
    private DateTimeOffset? _start;

    /// <summary>Answers a rider at once: inserts the request into the live plan or refuses it, and records the decision.</summary>
    public async Task<RideRequestOutcome> SubmitAsync(RideRequestSubmission request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var city = mobility.City;
        var nodes = city.Roads.Nodes.ToDictionary(n => n.Id, StringComparer.Ordinal);
        if (!nodes.TryGetValue(request.PickupNodeId ?? string.Empty, out var from))
        {
            throw new ArgumentException($"unknown pickup corner '{request.PickupNodeId}'");
        }
        if (!nodes.TryGetValue(request.DropoffNodeId ?? string.Empty, out var to))
        {
            throw new ArgumentException($"unknown drop-off corner '{request.DropoffNodeId}'");
        }
        if (from.Id == to.Id)
        {
            throw new ArgumentException("pickup and drop-off are the same corner");
        }
        if (request.Seats < 1 || request.Seats > DemoRidePooling.Capacity)
        {
            throw new ArgumentException($"a request needs 1–{DemoRidePooling.Capacity} seats (a minibus has {DemoRidePooling.Capacity})");
        }
        if (!(request.PickupInMinutes >= 0 && request.PickupInMinutes <= 120) || !(request.WindowMinutes >= 5 && request.WindowMinutes <= 60))
        {
            throw new ArgumentException("the pickup window must open in 0–120 minutes and last 5–60 minutes");
        }
        var direct = Distance(from, to) / DemoRidePooling.MetresPerMinute;
        if (direct > DemoRidePooling.MaxRideMinutes)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"the direct trip takes {direct:F1} minutes, longer than the {DemoRidePooling.MaxRideMinutes:F0}-minute ride limit"));
        }
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var now = Clock();
            var ride = new Ride(_rides.Count + 1, from, to, request.Seats, Math.Round(now + request.PickupInMinutes, 3), 0, direct);
            ride.Latest = ride.Earliest + request.WindowMinutes;
            string? rejection = null;
            int vehicle = -1;
            if (ride.Latest + direct > DemoRidePooling.HorizonMinutes - 1)
            {
                rejection = string.Create(CultureInfo.InvariantCulture,
                    $"the service period ends at minute {DemoRidePooling.HorizonMinutes:F0}; this ride could not be completed before then");
            }
            else
            {
                (vehicle, rejection) = TryInsert(ride, now);
            }
            ride.Rejection = rejection;
            _rides.Add(ride);
            var receipt = await RecordAsync(ride, vehicle, now, ct).ConfigureAwait(false);
            var start = _start!.Value;
            return new RideRequestOutcome(ride.Number, rejection is null, rejection is null ? VehicleId(vehicle) : null, ride.Earliest, ride.Latest,
                ride.Pickup, ride.Dropoff, ride.Pickup is { } p ? start.AddMinutes(p) : null, ride.Dropoff is { } d ? start.AddMinutes(d) : null,
                direct, rejection, receipt);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The fleet now: vehicle positions on the streets, their routes and every request's state.</summary>
    public async Task<FleetView> FleetAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var now = Clock();
            var depot = Depot();
            var vehicles = new List<LiveVehicleView>(FleetSize);
            for (var v = 0; v < FleetSize; v++)
            {
                vehicles.Add(VehicleNow(v, now, depot));
            }
            var rides = _rides.Select(r => new LiveRideView(r.Number, r.From.Id, r.To.Id, r.Seats, r.Earliest, r.Latest, Status(r, now),
                r.Vehicle >= 0 ? VehicleId(r.Vehicle) : null, r.Pickup, r.Dropoff, r.Direct, r.Rejection)).ToList();
            return new FleetView(_start!.Value, now, DemoRidePooling.HorizonMinutes, DemoRidePooling.Capacity, DemoRidePooling.MaxRideMinutes, depot.Id, vehicles, rides);
        }
        finally
        {
            _gate.Release();
        }
    }

    private static string Status(Ride r, double now) =>
        r.Rejection is not null ? "rejected"
        : r.Dropoff <= now ? "completed"
        : r.Pickup <= now ? "on board"
        : "waiting";

    // Minutes on the service clock; a new, empty service period starts when the last one is over.
    private double Clock()
    {
        var utc = time.GetUtcNow();
        _start ??= utc;
        var minutes = (utc - _start.Value).TotalMinutes;
        if (minutes >= DemoRidePooling.HorizonMinutes || minutes < 0)
        {
            _start = utc;
            _rides.Clear();
            _routes = NewRoutes();
            _begin = NewTimes();
            minutes = 0;
        }
        return minutes;
    }

    private DemoRoadNode Depot()
    {
        var nodes = mobility.City.Roads.Nodes;
        var cx = nodes.Average(n => n.XMeters);
        var cy = nodes.Average(n => n.YMeters);
        return nodes.MinBy(n => Math.Pow(n.XMeters - cx, 2) + Math.Pow(n.YMeters - cy, 2))!;
    }

    private (int Vehicle, string? Rejection) TryInsert(Ride ride, double now)
    {
        var depot = Depot();
        var accepted = _rides.Where(r => r.Rejection is null).ToList();
        accepted.Add(ride);
        var index = new Dictionary<int, int>(); // ride number → request index 1..n in the instance
        for (var k = 0; k < accepted.Count; k++)
        {
            index[accepted[k].Number] = k + 1;
        }
        var n = accepted.Count;
        // Stops already served or under way keep their times: their windows shrink to the planned time.
        var pinned = new Dictionary<int, double>(); // signed stop → begin
        var firstFree = new int[FleetSize];
        for (var v = 0; v < FleetSize; v++)
        {
            firstFree[v] = FrozenCount(v, now, depot);
            for (var k = 0; k < firstFree[v]; k++)
            {
                pinned[_routes[v][k]] = _begin[v][k];
            }
        }
        var vertices = new List<DarpNode>((2 * n) + 2) { Node(0, depot, 0, 0, 0, DemoRidePooling.HorizonMinutes) };
        foreach (var r in accepted)
        {
            var (e, l) = pinned.TryGetValue(r.Number, out var t) ? (t, t) : (r.Earliest, r.Latest);
            vertices.Add(Node(index[r.Number], r.From, 1, r.Seats, e, l));
        }
        foreach (var r in accepted)
        {
            var (e, l) = pinned.TryGetValue(-r.Number, out var t) ? (t, t) : (0, DemoRidePooling.HorizonMinutes);
            vertices.Add(Node(n + index[r.Number], r.To, 1, -r.Seats, e, l));
        }
        vertices.Add(Node((2 * n) + 1, depot, 0, 0, 0, DemoRidePooling.HorizonMinutes));
        var instance = new DarpInstance("live pooling", FleetSize, DemoRidePooling.HorizonMinutes, DemoRidePooling.Capacity, DemoRidePooling.MaxRideMinutes, vertices);
        int ToVertex(int stop) => stop > 0 ? index[stop] : n + index[-stop];
        int ToStop(int vertex) => vertex > n ? -accepted[vertex - n - 1].Number : accepted[vertex - 1].Number;
        var routes = _routes.Select(route => route.Select(ToVertex).ToList()).ToList();
        // The first stop after the fixed part must be reachable from where the vehicle waits, leaving no earlier than now.
        bool LeavesAfterNow(int v, RouteSchedule schedule)
        {
            var pos = firstFree[v] + 1; // schedule positions count the start depot
            if (pos >= schedule.Vertices.Count - 1)
            {
                return true;
            }
            var previous = schedule.Vertices[pos - 1];
            return schedule.Begin[pos] + 1e-9 >= now + instance.Travel(previous, schedule.Vertices[pos]);
        }
        var heuristic = new DarpInsertionHeuristic(instance);
        var found = heuristic.FindBestInsertion(routes, n, firstFree, LeavesAfterNow);
        if (found is not { } insertion)
        {
            return (-1, string.Create(CultureInfo.InvariantCulture,
                $"no minibus can pick up {ride.Seats} rider(s) at {ride.From.Id} between minute {ride.Earliest:F0} and {ride.Latest:F0} without breaking a time window, the {DemoRidePooling.MaxRideMinutes:F0}-minute ride limit or the {DemoRidePooling.Capacity} seats of a rider already booked"));
        }
        var candidate = routes.Select(r => r.ToList()).ToList();
        candidate[insertion.Vehicle].Insert(insertion.PickupPosition, n);
        candidate[insertion.Vehicle].Insert(insertion.DropoffPosition, 2 * n);
        var check = DarpChecker.Check(instance, new DarpSolution(candidate), requireAllServed: false);
        var schedule = RouteScheduler.Schedule(instance, candidate[insertion.Vehicle]);
        if (!check.Feasible || check.ServedRequests != n || !schedule.Feasible)
        {
            return (-1, "the insertion did not pass the feasibility checker: " + string.Join("; ", check.Violations.Take(3)));
        }
        var v0 = insertion.Vehicle;
        _routes[v0] = [.. candidate[v0].Select(ToStop)];
        _begin[v0] = [.. schedule.Begin.Skip(1).Take(candidate[v0].Count)];
        // Estimated times of every rider on the changed route (the new one and those whose times moved).
        for (var k = 0; k < _routes[v0].Count; k++)
        {
            var stop = _routes[v0][k];
            var r = stop > 0 ? ride.Number == stop ? ride : _rides[stop - 1] : ride.Number == -stop ? ride : _rides[-stop - 1];
            r.Vehicle = v0;
            if (stop > 0)
            {
                r.Pickup = _begin[v0][k];
            }
            else
            {
                r.Dropoff = _begin[v0][k];
            }
        }
        return (v0, null);
    }

    // Stops of vehicle v already begun, plus the next one when the vehicle has had to leave for it (it waits at its
    // last stop and drives just in time).
    private int FrozenCount(int v, double now, DemoRoadNode depot)
    {
        var route = _routes[v];
        var k = 0;
        while (k < route.Count && _begin[v][k] <= now)
        {
            k++;
        }
        if (k < route.Count)
        {
            var (px, py) = k == 0 ? (depot.XMeters, depot.YMeters) : At(route[k - 1]);
            var (nx, ny) = At(route[k]);
            var travel = Math.Sqrt(((px - nx) * (px - nx)) + ((py - ny) * (py - ny))) / DemoRidePooling.MetresPerMinute;
            if (_begin[v][k] - travel <= now)
            {
                k++;
            }
        }
        return k;
    }

    private LiveVehicleView VehicleNow(int v, double now, DemoRoadNode depot)
    {
        var route = _routes[v];
        var stops = new List<RideStopView>(route.Count);
        var onBoard = 0;
        var onBoardNow = 0;
        var done = 0;
        for (var k = 0; k < route.Count; k++)
        {
            var stop = route[k];
            var r = _rides[Math.Abs(stop) - 1];
            var at = stop > 0 ? r.From : r.To;
            onBoard += stop > 0 ? r.Seats : -r.Seats;
            stops.Add(new RideStopView(stop > 0 ? "pickup" : "dropoff", r.Number, at.Id, at.XMeters, at.YMeters, _begin[v][k], onBoard));
            if (_begin[v][k] <= now)
            {
                done = k + 1;
                onBoardNow = onBoard;
            }
        }
        var (x, y) = done == 0 ? (depot.XMeters, depot.YMeters) : (stops[done - 1].XMeters, stops[done - 1].YMeters);
        string state;
        if (route.Count == 0)
        {
            state = "idle at the depot";
        }
        else if (done == route.Count)
        {
            state = "all riders delivered";
        }
        else
        {
            var next = stops[done];
            var travel = Math.Sqrt(((x - next.XMeters) * (x - next.XMeters)) + ((y - next.YMeters) * (y - next.YMeters))) / DemoRidePooling.MetresPerMinute;
            var leave = next.BeginMinute - travel;
            if (now >= leave && travel > 0)
            {
                var f = Math.Clamp((now - leave) / travel, 0, 1);
                (x, y) = (x + (f * (next.XMeters - x)), y + (f * (next.YMeters - y)));
                state = $"driving to {next.Kind} of request {next.Request.ToString(CultureInfo.InvariantCulture)}";
            }
            else
            {
                state = done == 0 ? "waiting at the depot" : "waiting at its last stop";
            }
        }
        return new LiveVehicleView(VehicleId(v), x, y, onBoardNow, state, stops, done);
    }

    private (double X, double Y) At(int stop)
    {
        var r = _rides[Math.Abs(stop) - 1];
        var at = stop > 0 ? r.From : r.To;
        return (at.XMeters, at.YMeters);
    }

    private async Task<DecisionReceipt> RecordAsync(Ride ride, int vehicle, double now, CancellationToken ct)
    {
        var inv = CultureInfo.InvariantCulture;
        var input = JsonSerializer.Serialize(new
        {
            request = new { ride.Number, pickup = ride.From.Id, dropoff = ride.To.Id, ride.Seats, ride.Earliest, ride.Latest },
            clock_minute = now,
            routes = _routes,
            begin = _begin,
        });
        var what = string.Create(inv, $"ride request {ride.Number} ({ride.Seats} seat(s), {ride.From.Id} → {ride.To.Id}, pickup window minute {ride.Earliest:F0}–{ride.Latest:F0})");
        var outcome = vehicle >= 0
            ? string.Create(inv, $"{what} assigned to {VehicleId(vehicle)}: pickup at minute {ride.Pickup:F1}, drop-off at minute {ride.Dropoff:F1} (direct trip {ride.Direct:F1} min)")
            : $"{what} refused";
        var reason = vehicle >= 0
            ? "cheapest feasible insertion into the live plan, keeping stops already driven; the whole plan passes the checker (time windows, ride time, capacity, route duration)"
            : ride.Rejection!;
        var decision = new DecisionRequest(
            DecisionKind.FleetAllocation,
            ride.From.RegionId,
            vehicle >= 0 ? [VehicleId(vehicle), RideAsset(ride.Number)] : [RideAsset(ride.Number)],
            DecisionActor.Automatic,
            new DecisionAlgorithm(Algorithm, AlgorithmVersion, new Dictionary<string, string>
            {
                ["vehicles"] = FleetSize.ToString(inv),
                ["capacity"] = DemoRidePooling.Capacity.ToString(inv),
                ["max_ride_minutes"] = DemoRidePooling.MaxRideMinutes.ToString(inv),
                ["clock_minute"] = now.ToString("F3", inv),
            }),
            DecisionRequest.DigestOf(Encoding.UTF8.GetBytes(input)),
            outcome,
            reason);
        var scope = scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            return await scope.ServiceProvider.GetRequiredService<IDecisionLog>().AppendAsync(decision, ct).ConfigureAwait(false);
        }
    }

    private string RideAsset(int number) => "ride-request-" + _start!.Value.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) + "-" + number.ToString(CultureInfo.InvariantCulture);

    private static string VehicleId(int v) => "minibus-" + (v + 1).ToString(CultureInfo.InvariantCulture);

    private static double Distance(DemoRoadNode a, DemoRoadNode b) =>
        Math.Sqrt(((a.XMeters - b.XMeters) * (a.XMeters - b.XMeters)) + ((a.YMeters - b.YMeters) * (a.YMeters - b.YMeters)));

    private static DarpNode Node(int id, DemoRoadNode at, double service, int load, double earliest, double latest) =>
        new(id, at.XMeters / DemoRidePooling.MetresPerMinute, at.YMeters / DemoRidePooling.MetresPerMinute, service, load, earliest, latest);

    private static List<List<int>> NewRoutes() => [.. Enumerable.Range(0, FleetSize).Select(_ => new List<int>())];

    private static List<double[]> NewTimes() => [.. Enumerable.Range(0, FleetSize).Select(_ => Array.Empty<double>())];

    private sealed class Ride(int number, DemoRoadNode from, DemoRoadNode to, int seats, double earliest, double latest, double direct)
    {
        public int Number { get; } = number;

        public DemoRoadNode From { get; } = from;

        public DemoRoadNode To { get; } = to;

        public int Seats { get; } = seats;

        public double Earliest { get; } = earliest;

        public double Latest { get; set; } = latest;

        public double Direct { get; } = direct;

        public int Vehicle { get; set; } = -1;

        public double? Pickup { get; set; }

        public double? Dropoff { get; set; }

        public string? Rejection { get; set; }
    }
}
