using CivicGrid.Platform.Decisions;

namespace CivicGrid.Platform.Mobility;

/// <summary>A node of a road network to draw; coordinates are null when the network has none.</summary>
public sealed record RoadNodeView(int Number, string Label, double? X, double? Y);

/// <summary>A directed road link (0-based index in the network's link order).</summary>
public sealed record RoadLinkView(int Index, int FromNode, int ToNode, string Label, double CapacityVehiclesPerHour);

/// <summary>A road network as the UI and API show it.</summary>
public sealed record RoadNetworkView(string Name, int Zones, IReadOnlyList<RoadNodeView> Nodes, IReadOnlyList<RoadLinkView> Links)
{
    public bool HasCoordinates => Nodes.Count > 0 && Nodes.All(n => n.X is not null && n.Y is not null);
}

/// <summary>
/// An assignment to run: on the demo city's roads, or on uploaded TNTP text (<c>_net</c>, <c>_trips</c> and an
/// optional <c>_node</c> file for coordinates).
/// </summary>
public sealed record AssignmentRunRequest(
    double TargetRelativeGap = 1e-6,
    int MaxIterations = 100,
    string Algorithm = "b",
    string? NetworkText = null,
    string? TripsText = null,
    string? NodesText = null);

/// <summary>One iteration's convergence figures.</summary>
public sealed record AssignmentProgressView(int Iteration, double RelativeGap, double AverageExcessCost, double Objective, double ElapsedMilliseconds);

/// <summary>A link's equilibrium flow, cost and volume/capacity ratio.</summary>
public sealed record LinkFlowView(int Index, int FromNode, int ToNode, double FlowVehiclesPerHour, double CostMinutes, double VolumeCapacityRatio);

/// <summary>The outcome of an assignment with its convergence history.</summary>
public sealed record AssignmentRunResult(
    RoadNetworkView Network,
    string Algorithm,
    double Objective,
    double RelativeGap,
    int Iterations,
    bool Converged,
    double SolveMilliseconds,
    IReadOnlyList<AssignmentProgressView> History,
    IReadOnlyList<LinkFlowView> Links);

/// <summary>One signal controller's plan and simulated delay on the demo corridor.</summary>
public sealed record SignalPlanView(string Demand, string Controller, double? CycleSeconds, IReadOnlyList<double> GreenSeconds, double AverageDelaySeconds, double VehiclesServed);

/// <summary>
/// EV charging to plan for the demo city: energy prices per hour (24 values from noon; defaults to a typical
/// day-ahead curve) and, per region, the feeder power available to charging (defaults to the feeder rating
/// minus the households' base load each hour).
/// </summary>
public sealed record ChargingPlanRequest(
    IReadOnlyList<double>? PricePerKilowattHour = null,
    IReadOnlyDictionary<string, double>? FeederLimitKilowattsByRegion = null);

/// <summary>One region's charging plan: loads per hour against the limit, per-vehicle outcome and its decision.</summary>
public sealed record RegionChargingPlan(
    string RegionId,
    string FeederId,
    int Vehicles,
    IReadOnlyList<double> HeadroomKilowatts,
    IReadOnlyList<double> SmartLoadKilowatts,
    IReadOnlyList<double> UncontrolledLoadKilowatts,
    double EnergyNeededKilowattHours,
    double ShortfallKilowattHours,
    double WorstShortfallFraction,
    double EnergyCost,
    int BindingHours,
    IReadOnlyList<VehicleChargingView> Sessions,
    DecisionReceipt? Decision);

/// <summary>One vehicle's session: when it is parked, what it needs and what it gets per hour.</summary>
public sealed record VehicleChargingView(string VehicleId, int FirstHour, int EndHour, double ArrivalStateOfCharge, double NeededKilowattHours, double DeliveredKilowattHours, IReadOnlyList<double> PowerKilowatts);

/// <summary>The whole city's plan; hours are counted from noon (slot 0 = 12:00–13:00).</summary>
public sealed record ChargingPlanResult(int StartHour, IReadOnlyList<double> PricePerKilowattHour, IReadOnlyList<RegionChargingPlan> Regions);

/// <summary>A ride-pooling run on the demo streets: how many requests and vehicles, and the search's settings.</summary>
public sealed record RidePoolingRequest(int Requests = 24, int Vehicles = 4, int Seed = 1, int ImprovementIterations = 300);

/// <summary>One stop of a vehicle's route: the street corner, what happens there and when service begins (minutes from the start).</summary>
public sealed record RideStopView(string Kind, int Request, string NodeId, double XMeters, double YMeters, double BeginMinute, int OnBoard);

/// <summary>A vehicle's route with its distance (minutes of driving) and duration.</summary>
public sealed record VehicleRouteView(string VehicleId, IReadOnlyList<RideStopView> Stops, double DrivingMinutes, double DurationMinutes);

/// <summary>One request and how it was served: pickup and drop-off times, ride time against the direct trip, or unserved.</summary>
public sealed record RideRequestView(int Number, string PickupNodeId, string DropoffNodeId, double EarliestPickupMinute, double LatestPickupMinute,
    string? VehicleId, double? PickupMinute, double? DropoffMinute, double DirectMinutes);

/// <summary>
/// The fleet allocation: routes per vehicle, every request's fate, the checker's verdict (time windows, ride time,
/// capacity, route duration) and the decision recorded in the depot region's log.
/// </summary>
public sealed record RidePoolingResult(
    string DepotNodeId,
    int Capacity,
    double MaxRideMinutes,
    IReadOnlyList<VehicleRouteView> Vehicles,
    IReadOnlyList<RideRequestView> Requests,
    int Served,
    int Unserved,
    double TotalDrivingMinutes,
    bool Feasible,
    IReadOnlyList<string> Violations,
    DecisionReceipt? Decision);
