using System.Globalization;
using System.Text;
using System.Text.Json;
using CivicGrid.Mobility.Assignment;
using CivicGrid.Mobility.Charging;
using CivicGrid.Mobility.Networks;
using CivicGrid.Mobility.RidePooling;
using CivicGrid.Mobility.Signals;
using CivicGrid.Platform.Decisions;
using CivicGrid.Platform.DemoCity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CivicGrid.Platform.Mobility;

/// <summary>
/// The mobility operations of the running city: traffic assignment on the demo streets or an uploaded TNTP
/// network, the corridor's signal plans, and smart EV charging against each region's feeder limit and the
/// energy prices, and door-to-door ride pooling. A charging plan that holds vehicles back (a binding feeder limit or
/// energy not delivered) and every fleet allocation are appended to the region's transparency log.
/// </summary>
public sealed class MobilityService(IOptions<PlatformOptions> options, IServiceScopeFactory scopes)
{
    /// <summary>Largest uploaded network accepted (links).</summary>
    public const int MaxUploadedLinks = 50_000;

    /// <summary>Name and version recorded with every charging decision.</summary>
    public const string ChargingAlgorithm = "smart-charging-lp-clp";

    public const string ChargingAlgorithmVersion = "1";

    /// <summary>Name and version recorded with every fleet allocation.</summary>
    public const string RidePoolingAlgorithm = "darp-insertion-improvement";

    public const string RidePoolingAlgorithmVersion = "1";

    private readonly Lazy<DemoCityModel> _city = new(() => DemoCityGenerator.Generate(options.Value.DemoCitySeed));

    public DemoCityModel City => _city.Value;

    /// <summary>The demo city's streets.</summary>
    public RoadNetworkView DemoRoadNetwork() => DemoMobility.RoadNetwork(City).View;

    /// <summary>
    /// Runs an equilibrium assignment; <paramref name="progress"/> gets every iteration (relative gap per
    /// iteration). Bad TNTP text raises <see cref="TntpFormatException"/>; bad settings <see cref="ArgumentException"/>.
    /// </summary>
    public AssignmentRunResult RunAssignment(AssignmentRunRequest request, Action<AssignmentProgressView>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!(request.TargetRelativeGap > 0) || request.MaxIterations is < 1 or > 1000)
        {
            throw new ArgumentException("the target gap must be positive and the iterations between 1 and 1000");
        }
        var (network, trips, view) = request.NetworkText is null ? DemoMobility.RoadNetwork(City) : Uploaded(request);
        var net = AssignmentNetwork.FromTntp(network, trips, GeneralisedCostWeights.TimeOnly);
        var history = new List<AssignmentProgressView>();
        var options = new AssignmentOptions
        {
            TargetRelativeGap = request.TargetRelativeGap,
            MaxIterations = request.MaxIterations,
            Progress = it =>
            {
                ct.ThrowIfCancellationRequested();
                var p = new AssignmentProgressView(it.Iteration, it.RelativeGap, it.AverageExcessCost, it.Objective, it.ElapsedMilliseconds);
                history.Add(p);
                progress?.Invoke(p);
            },
        };
        var result = request.Algorithm switch
        {
            "b" => new AlgorithmB(net).Solve(options),
            "bfw" => new FrankWolfe(net).Solve(options),
            "fw" => new FrankWolfe(net, FrankWolfeVariant.Plain).Solve(options),
            _ => throw new ArgumentException($"unknown algorithm '{request.Algorithm}' (b, bfw or fw)"),
        };
        var links = new List<LinkFlowView>(net.LinkCount);
        for (var a = 0; a < net.LinkCount; a++)
        {
            var l = network.Links[a];
            links.Add(new LinkFlowView(a, l.Tail, l.Head, result.LinkFlows[a], result.LinkCosts[a], l.Capacity > 0 ? result.LinkFlows[a] / l.Capacity : 0));
        }
        var ms = result.History.Count > 0 ? result.History[^1].ElapsedMilliseconds : 0;
        return new AssignmentRunResult(view, request.Algorithm, result.Objective, result.RelativeGap, result.Iterations, result.Converged, ms, history, links);
    }

    /// <summary>Fixed-time, Webster and max-pressure on the 1 × 5 corridor at moderate and high demand (15 simulated minutes).</summary>
    public IReadOnlyList<SignalPlanView> CorridorSignalPlans(double horizonSeconds = 900)
    {
        var plans = new List<SignalPlanView>();
        foreach (var demand in new[] { new SignalDemand("moderate", 0.2, 0.08), new SignalDemand("high", 0.28, 0.1) })
        {
            var fixedTime = FixedTimeController.EqualSplit(2, 90, SignalScenario.LostTimeSeconds);
            var webster = WebsterController.FromFlowRatios(SignalScenario.FlowRatios(demand), SignalScenario.LostTimeSeconds);
            var maxPressure = new MaxPressureController(SignalScenario.MaxPressureMinGreenSeconds);
            foreach (var (controller, cycle, greens) in new (ISignalController, double?, IReadOnlyList<double>)[]
            {
                (fixedTime, fixedTime.CycleSeconds, fixedTime.GreenSeconds),
                (webster, webster.CycleSeconds, webster.GreenSeconds),
                (maxPressure, null, []),
            })
            {
                var run = SignalScenario.Grid("corridor", 1, 5).Run(controller, demand, horizonSeconds);
                plans.Add(new SignalPlanView(demand.Name, controller.Name, cycle, greens, run.AverageDelaySeconds, run.VehiclesExited));
            }
        }
        return plans;
    }

    /// <summary>
    /// Plans tonight's EV charging in every region with the engine's LP and records a decision for every region
    /// whose plan restricts charging. Feeder limits and prices are plain inputs (defaults from the demo city).
    /// </summary>
    public async Task<ChargingPlanResult> PlanChargingAsync(ChargingPlanRequest request, DecisionActor actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(actor);
        var prices = request.PricePerKilowattHour?.ToArray() ?? [.. DemoMobility.DefaultPrices];
        if (prices.Length != DemoMobility.Hours || prices.Any(p => !double.IsFinite(p)))
        {
            throw new ArgumentException($"give {DemoMobility.Hours} finite hourly prices (from 12:00)");
        }
        var city = City;
        foreach (var (region, limit) in request.FeederLimitKilowattsByRegion ?? new Dictionary<string, double>())
        {
            if (city.Electricity.Feeders.All(f => f.RegionId != region))
            {
                throw new ArgumentException($"unknown region '{region}'");
            }
            if (!(limit >= 0) || !double.IsFinite(limit))
            {
                throw new ArgumentException($"the feeder limit of region '{region}' must be a finite number ≥ 0");
            }
        }
        var sessions = ChargingDemandModel.FromTrips(DemoMobility.EvTrips(city), 60, DemoMobility.Hours);
        var plans = new List<RegionChargingPlan>();
        foreach (var feeder in city.Electricity.Feeders.OrderBy(f => f.RegionId, StringComparer.Ordinal))
        {
            var site = DemoMobility.SiteOf(feeder.RegionId);
            var headroom = request.FeederLimitKilowattsByRegion?.TryGetValue(feeder.RegionId, out var limit) == true
                ? Enumerable.Repeat(limit, DemoMobility.Hours).ToArray()
                : DemoMobility.FeederHeadroom(city, feeder);
            var regionSessions = sessions.Where(s => s.SiteId == site).ToList();
            var problem = new ChargingProblem(60, prices, [new ChargingSite(site, feeder.Id, double.PositiveInfinity)], [new FeederHeadroom(feeder.Id, headroom)], regionSessions);
            var plan = SmartChargingScheduler.Solve(problem);
            var uncontrolled = SmartChargingScheduler.Uncontrolled(problem);
            DecisionReceipt? receipt = null;
            if (plan.BindingFeederSlots.Count > 0 || plan.TotalShortfallKilowattHours > 1e-6)
            {
                receipt = await RecordAsync(feeder, problem, plan, actor, ct).ConfigureAwait(false);
            }
            var views = regionSessions.Select((s, i) => new VehicleChargingView(s.VehicleId, s.FirstSlot, s.EndSlot, s.ArrivalStateOfCharge,
                s.EnergyNeededKilowattHours, plan.DeliveredKilowattHours[i], plan.PowerKilowatts[i])).ToList();
            plans.Add(new RegionChargingPlan(feeder.RegionId, feeder.Id, regionSessions.Count, headroom, plan.FeederLoadKilowatts[feeder.Id],
                uncontrolled.FeederLoadKilowatts[feeder.Id], regionSessions.Sum(s => s.EnergyNeededKilowattHours), plan.TotalShortfallKilowattHours,
                plan.WorstShortfallFraction, plan.EnergyCost, plan.BindingFeederSlots.Count, views, receipt));
        }
        return new ChargingPlanResult(DemoMobility.StartHour, prices, plans);
    }

    private async Task<DecisionReceipt> RecordAsync(DemoFeeder feeder, ChargingProblem problem, ChargingSchedule plan, DecisionActor actor, CancellationToken ct)
    {
        var inv = CultureInfo.InvariantCulture;
        var input = JsonSerializer.Serialize(new
        {
            feeder = feeder.Id,
            prices = problem.PricePerKilowattHour,
            headroom = problem.Feeders[0].HeadroomKilowatts,
            sessions = problem.Sessions,
        });
        var restricted = new List<string>();
        for (var s = 0; s < problem.Sessions.Count; s++)
        {
            var session = problem.Sessions[s];
            var heldBack = plan.ShortfallKilowattHours[s] > 1e-6
                || plan.BindingFeederSlots.Any(b => b.Slot >= session.FirstSlot && b.Slot < session.EndSlot && plan.PowerKilowatts[s][b.Slot] < session.MaxChargePowerKilowatts - 1e-6);
            if (heldBack)
            {
                restricted.Add(session.VehicleId);
            }
        }
        var hours = string.Join(", ", plan.BindingFeederSlots.Select(b => ((DemoMobility.StartHour + b.Slot) % 24).ToString("00", inv) + ":00"));
        var outcome = string.Create(inv,
            $"{plan.DeliveredKilowattHours.Sum():F1} kWh planned for {problem.Sessions.Count} vehicles; peak {plan.PeakKilowatts(feeder.Id):F1} kW; not delivered {plan.TotalShortfallKilowattHours:F1} kWh (worst {plan.WorstShortfallFraction:P0} of a vehicle's need); energy cost {plan.EnergyCost:F2}");
        var reason = plan.TotalShortfallKilowattHours > 1e-6
            ? string.Create(inv, $"feeder {feeder.Id} cannot supply all charging demand before departure; every vehicle misses at most the same share (max-min fair); limit binding at {hours}")
            : string.Create(inv, $"feeder {feeder.Id} limit binding at {hours}: charging moved to other hours; every vehicle still reaches its target");
        var request = new DecisionRequest(
            DecisionKind.ChargingAllocation,
            feeder.RegionId,
            restricted.Count > 0 ? restricted : [feeder.Id],
            actor,
            new DecisionAlgorithm(ChargingAlgorithm, ChargingAlgorithmVersion, new Dictionary<string, string>
            {
                ["slot_minutes"] = problem.SlotMinutes.ToString(inv),
                ["taper_start_soc"] = problem.TaperStartStateOfCharge.ToString(inv),
                ["objective"] = "max-min shortfall share, then shortfall, then energy cost",
            }),
            DecisionRequest.DigestOf(Encoding.UTF8.GetBytes(input)),
            outcome,
            reason);
        return await AppendAsync(request, ct).ConfigureAwait(false);
    }

    private async Task<DecisionReceipt> AppendAsync(DecisionRequest request, CancellationToken ct)
    {
        var scope = scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            return await scope.ServiceProvider.GetRequiredService<IDecisionLog>().AppendAsync(request, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Pools a morning of door-to-door ride requests on the demo streets into the minibus fleet (insertion, then
    /// remove-and-reinsert improvement), checks the routes with the independent feasibility checker and records the
    /// fleet allocation — which vehicle serves whom, and who is left unserved — in the depot region's log.
    /// </summary>
    public async Task<RidePoolingResult> PlanRidePoolingAsync(RidePoolingRequest request, DecisionActor actor, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(actor);
        if (request.Requests is < 1 or > 200 || request.Vehicles is < 1 or > 50 || request.ImprovementIterations is < 0 or > 5000)
        {
            throw new ArgumentException("give 1–200 requests, 1–50 vehicles and 0–5000 improvement iterations");
        }
        var city = City;
        var (instance, requests, depot) = DemoRidePooling.Build(city, request.Requests, request.Vehicles, request.Seed);
        var solved = await Task.Run(() => new DarpInsertionHeuristic(instance).Solve(request.ImprovementIterations, request.Seed), ct).ConfigureAwait(false);
        var check = DarpChecker.Check(instance, solved.Solution, requireAllServed: false);
        var byId = city.Roads.Nodes.ToDictionary(n => n.Id, StringComparer.Ordinal);
        var vehicles = new List<VehicleRouteView>();
        var servedBy = new Dictionary<int, (string Vehicle, double Pickup, double Dropoff)>();
        foreach (var schedule in check.Schedules)
        {
            if (schedule.Vertices.Count <= 2)
            {
                continue;
            }
            var vehicleId = "minibus-" + (vehicles.Count + 1).ToString(CultureInfo.InvariantCulture);
            var stops = new List<RideStopView>();
            var onBoard = 0;
            var pickups = new Dictionary<int, double>();
            for (var i = 0; i < schedule.Vertices.Count; i++)
            {
                var v = schedule.Vertices[i];
                var number = instance.IsPickup(v) || instance.IsDropoff(v) ? instance.RequestOf(v) : 0;
                var nodeId = number == 0 ? depot.Id : (instance.IsPickup(v) ? requests[number - 1].PickupNodeId : requests[number - 1].DropoffNodeId);
                onBoard += instance.Nodes[v].Load;
                var kind = number == 0 ? "depot" : instance.IsPickup(v) ? "pickup" : "dropoff";
                stops.Add(new RideStopView(kind, number, nodeId, byId[nodeId].XMeters, byId[nodeId].YMeters, schedule.Begin[i], onBoard));
                if (kind == "pickup")
                {
                    pickups[number] = schedule.Begin[i];
                }
                else if (kind == "dropoff")
                {
                    servedBy[number] = (vehicleId, pickups[number], schedule.Begin[i]);
                }
            }
            vehicles.Add(new VehicleRouteView(vehicleId, stops, schedule.Distance, schedule.Duration));
        }
        var requestViews = requests.Select(r =>
        {
            var direct = instance.Travel(r.Number, instance.Requests + r.Number);
            return servedBy.TryGetValue(r.Number, out var s)
                ? new RideRequestView(r.Number, r.PickupNodeId, r.DropoffNodeId, r.EarliestPickupMinute, r.LatestPickupMinute, s.Vehicle, s.Pickup, s.Dropoff, direct)
                : new RideRequestView(r.Number, r.PickupNodeId, r.DropoffNodeId, r.EarliestPickupMinute, r.LatestPickupMinute, null, null, null, direct);
        }).ToList();
        var receipt = await RecordFleetAllocationAsync(depot.RegionId, request, instance, vehicles, requestViews, check, actor, ct).ConfigureAwait(false);
        return new RidePoolingResult(depot.Id, instance.Capacity, instance.MaxRideTime, vehicles, requestViews, servedBy.Count, requests.Count - servedBy.Count,
            check.Cost, check.Feasible, check.Violations, receipt);
    }

    private Task<DecisionReceipt> RecordFleetAllocationAsync(string regionId, RidePoolingRequest request, DarpInstance instance, List<VehicleRouteView> vehicles,
        List<RideRequestView> requests, DarpCheckResult check, DecisionActor actor, CancellationToken ct)
    {
        var inv = CultureInfo.InvariantCulture;
        var input = JsonSerializer.Serialize(new { instance.Name, instance.Vehicles, instance.Capacity, instance.MaxRideTime, nodes = instance.Nodes });
        var unserved = requests.Where(r => r.VehicleId is null).Select(r => r.Number.ToString(inv)).ToList();
        var allocation = string.Join("; ", vehicles.Select(v => v.VehicleId + ": " + string.Join(",", v.Stops.Where(s => s.Kind == "pickup").Select(s => s.Request.ToString(inv)))));
        var outcome = string.Create(inv,
            $"{requests.Count - unserved.Count} of {requests.Count} requests served by {vehicles.Count} of {request.Vehicles} vehicles, {check.Cost:F1} driving minutes; {allocation}")
            + (unserved.Count > 0 ? "; unserved: " + string.Join(",", unserved) : string.Empty);
        var reason = check.Feasible
            ? "cheapest feasible insertion in order of critical time, then remove-and-reinsert improvement; every route passes the checker (time windows, ride time, capacity, route duration)"
            : "the search found no route set that passes every check; violations: " + string.Join("; ", check.Violations.Take(5));
        var subjects = vehicles.Select(v => v.VehicleId).Concat(unserved.Select(u => "request-" + u)).ToList();
        var decision = new DecisionRequest(
            DecisionKind.FleetAllocation,
            regionId,
            subjects.Count > 0 ? subjects : ["fleet"],
            actor,
            new DecisionAlgorithm(RidePoolingAlgorithm, RidePoolingAlgorithmVersion, new Dictionary<string, string>
            {
                ["improvement_iterations"] = request.ImprovementIterations.ToString(inv),
                ["seed"] = request.Seed.ToString(inv),
                ["capacity"] = instance.Capacity.ToString(inv),
                ["max_ride_minutes"] = instance.MaxRideTime.ToString(inv),
            }),
            DecisionRequest.DigestOf(Encoding.UTF8.GetBytes(input)),
            outcome,
            reason);
        return AppendAsync(decision, ct);
    }

    private static (TntpNetwork, TntpTrips, RoadNetworkView) Uploaded(AssignmentRunRequest request)
    {
        if (request.TripsText is null)
        {
            throw new ArgumentException("an uploaded network needs its trips file too");
        }
        var network = TntpReader.ReadNetwork(new StringReader(request.NetworkText!), "network_net.tntp");
        if (network.Links.Count > MaxUploadedLinks)
        {
            throw new ArgumentException($"the network has {network.Links.Count} links; at most {MaxUploadedLinks} are accepted here");
        }
        var trips = TntpReader.ReadTrips(new StringReader(request.TripsText), "network_trips.tntp");
        if (trips.Zones != network.Zones)
        {
            throw new ArgumentException($"the trips have {trips.Zones} zones but the network has {network.Zones}");
        }
        var coordinates = new Dictionary<int, TntpNode>();
        if (request.NodesText is not null)
        {
            foreach (var n in TntpReader.ReadNodes(new StringReader(request.NodesText), "network_node.tntp"))
            {
                coordinates[n.Id] = n;
            }
        }
        var nodes = new List<RoadNodeView>(network.Nodes);
        for (var i = 1; i <= network.Nodes; i++)
        {
            var has = coordinates.TryGetValue(i, out var n);
            nodes.Add(new RoadNodeView(i, i.ToString(CultureInfo.InvariantCulture), has ? n!.X : null, has ? n!.Y : null));
        }
        var links = network.Links.Select((l, a) => new RoadLinkView(a, l.Tail, l.Head,
            string.Create(CultureInfo.InvariantCulture, $"{l.Tail}>{l.Head}"), l.Capacity)).ToList();
        return (network, trips, new RoadNetworkView("uploaded network", network.Zones, nodes, links));
    }
}
