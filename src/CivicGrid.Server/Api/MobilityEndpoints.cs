using System.ComponentModel.DataAnnotations;
using CivicGrid.Mobility;
using CivicGrid.Mobility.Assignment;
using CivicGrid.Platform.Decisions;
using CivicGrid.Platform.Mobility;
using CivicGrid.Server.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CivicGrid.Server.Api;

/// <summary>An assignment to run: on the demo streets, or on uploaded TNTP text (network and trips, nodes optional).</summary>
public sealed class AssignmentRunBody
{
    [Range(1e-15, 1)]
    public double TargetRelativeGap { get; set; } = 1e-6;

    [Range(1, 1000)]
    public int MaxIterations { get; set; } = 100;

    [RegularExpression("^(b|bfw|fw)$")]
    public string Algorithm { get; set; } = "b";

    /// <summary>Text of a TNTP <c>_net</c> file; the demo city's streets when absent.</summary>
    [MaxLength(20_000_000)]
    public string? Network { get; set; }

    [MaxLength(50_000_000)]
    public string? Trips { get; set; }

    [MaxLength(5_000_000)]
    public string? Nodes { get; set; }
}

/// <summary>Inputs of a charging plan: 24 hourly prices from noon (€/kWh) and feeder limits per region (kW); defaults from the demo city.</summary>
public sealed class ChargingPlanBody
{
    [MaxLength(24)]
    public IReadOnlyList<double>? PricePerKilowattHour { get; set; }

    public IReadOnlyDictionary<string, double>? FeederLimitKilowattsByRegion { get; set; }
}

/// <summary>A ride-pooling run on the demo streets: requests, vehicles and the improvement search's settings.</summary>
public sealed class RidePoolingBody
{
    [Range(1, 200)]
    public int Requests { get; set; } = 24;

    [Range(1, 50)]
    public int Vehicles { get; set; } = 4;

    [Range(0, int.MaxValue)]
    public int Seed { get; set; } = 1;

    [Range(0, 5000)]
    public int ImprovementIterations { get; set; } = 300;
}

/// <summary>A rider's request: pickup and drop-off street corners (demo city node ids), seats, and the pickup window.</summary>
public sealed class RideRequestBody
{
    [Required]
    [MaxLength(100)]
    public string? PickupNodeId { get; set; }

    [Required]
    [MaxLength(100)]
    public string? DropoffNodeId { get; set; }

    [Range(1, 4)]
    public int Seats { get; set; } = 1;

    /// <summary>Minutes from now until the pickup window opens.</summary>
    [Range(0, 120)]
    public double PickupInMinutes { get; set; } = 10;

    [Range(5, 60)]
    public double WindowMinutes { get; set; } = 15;
}

/// <summary>The answer to a ride request with its decision record.</summary>
public sealed record RideRequestOutcomeView(RideRequestOutcome Outcome, DecisionView? Decision);

/// <summary>A fleet allocation with its decision record.</summary>
public sealed record RidePoolingView(RidePoolingResult Allocation, DecisionView? Decision);

/// <summary>A region's charging plan with its decision record (when the plan restricted charging).</summary>
public sealed record RegionChargingPlanView(RegionChargingPlan Plan, DecisionView? Decision);

/// <summary>The city's charging plan.</summary>
public sealed record ChargingPlanView(int StartHour, IReadOnlyList<double> PricePerKilowattHour, IReadOnlyList<RegionChargingPlanView> Regions)
{
    public static ChargingPlanView From(ChargingPlanResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new(result.StartHour, result.PricePerKilowattHour,
            [.. result.Regions.Select(r => new RegionChargingPlanView(r with { Decision = null }, r.Decision is null ? null : DecisionView.From(r.Decision)))]);
    }
}

/// <summary>
/// <c>/api/mobility</c>: the demo road network, equilibrium assignment (demo or uploaded TNTP), the corridor's
/// signal plans, smart EV charging whose restricting allocations are decision records, ride pooling, and real-time
/// ride requests on the live minibus fleet.
/// </summary>
public static class MobilityEndpoints
{
    public static void MapMobilityEndpoints(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/mobility").WithTags("Mobility");

        group.MapGet("/network", (MobilityService mobility) => TypedResults.Ok(mobility.DemoRoadNetwork()))
            .RequireAuthorization(CivicGridPolicies.AnyRole)
            .WithName("GetMobilityNetwork")
            .WithSummary("The demo city's road network")
            .WithDescription("Nodes with coordinates (metres) and directed links with capacities. Any role.");

        group.MapPost("/assignments", RunAssignment)
            .RequireAuthorization(CivicGridPolicies.InfrastructureReader)
            .WithName("RunMobilityAssignment")
            .WithSummary("Static user-equilibrium assignment")
            .WithDescription("On the demo streets or uploaded TNTP text; returns link flows, V/C and the relative gap per iteration. Operators, auditors, administrators.");

        group.MapGet("/signals", (MobilityService mobility) => TypedResults.Ok(mobility.CorridorSignalPlans()))
            .RequireAuthorization(CivicGridPolicies.AnyRole)
            .WithName("GetMobilitySignalPlans")
            .WithSummary("Signal plans of the demo corridor")
            .WithDescription("Fixed-time, Webster and max-pressure on a 1 × 5 corridor at moderate and high demand, with simulated delay. Any role.");

        group.MapPost("/charging-plans", PlanChargingAsync)
            .RequireAuthorization(CivicGridPolicies.RegionSteward)
            .WithName("PlanEvCharging")
            .WithSummary("Plan tonight's EV charging against feeder limits and prices")
            .WithDescription("Operators of every region or administrators. Each region whose plan restricts charging gets a decision record; its receipt is returned.");

        group.MapPost("/ride-pooling", PlanRidePoolingAsync)
            .RequireAuthorization(CivicGridPolicies.RegionSteward)
            .WithName("PlanRidePooling")
            .WithSummary("Pool a morning of door-to-door ride requests into the minibus fleet")
            .WithDescription("Operators of every region or administrators. Insertion heuristic plus improvement search, checked for time windows, ride time, capacity and route duration; the fleet allocation is a decision record in the depot region's log.");

        group.MapPost("/ride-requests", SubmitRideRequestAsync)
            .RequireAuthorization(CivicGridPolicies.AnyRole)
            .WithName("SubmitRideRequest")
            .WithSummary("Request a door-to-door ride now")
            .WithDescription("Any role. The request is inserted into the live minibus plan at once (cheapest feasible insertion, checked for time windows, ride time, capacity and route duration) or refused with a reason; either way the fleet allocation is a decision record whose receipt is returned. Unknown corners or out-of-range seats and windows are 400.");

        group.MapGet("/fleet", async (LiveRidePooling fleet, CancellationToken ct) => TypedResults.Ok(await fleet.FleetAsync(ct)))
            .RequireAuthorization(CivicGridPolicies.AnyRole)
            .WithName("GetMobilityFleet")
            .WithSummary("The live minibus fleet")
            .WithDescription("Vehicle positions now on the simulated service clock, their planned stops, and every request of the service period (waiting, on board, completed, rejected). Any role.");
    }

    private static async Task<Results<Ok<RideRequestOutcomeView>, ProblemHttpResult>> SubmitRideRequestAsync(
        RideRequestBody body, LiveRidePooling fleet, CancellationToken ct)
    {
        try
        {
            var outcome = await fleet.SubmitAsync(new RideRequestSubmission(body.PickupNodeId!, body.DropoffNodeId!, body.Seats, body.PickupInMinutes, body.WindowMinutes), ct);
            return TypedResults.Ok(new RideRequestOutcomeView(outcome with { Decision = null }, outcome.Decision is null ? null : DecisionView.From(outcome.Decision)));
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidDecisionException)
        {
            return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status400BadRequest, title: "The ride request is not valid");
        }
    }

    private static async Task<Results<Ok<RidePoolingView>, ForbidHttpResult, ProblemHttpResult>> PlanRidePoolingAsync(
        RidePoolingBody body, HttpContext http, IAuthorizationService authorization, MobilityService mobility, CancellationToken ct)
    {
        var userId = http.User.UserId();
        if (userId is null || !await OperatesEveryRegionAsync(http, authorization, mobility))
        {
            return TypedResults.Forbid();
        }
        try
        {
            var result = await mobility.PlanRidePoolingAsync(new RidePoolingRequest(body.Requests, body.Vehicles, body.Seed, body.ImprovementIterations), DecisionActor.Operator(userId), ct);
            return TypedResults.Ok(new RidePoolingView(result with { Decision = null }, result.Decision is null ? null : DecisionView.From(result.Decision)));
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidDecisionException)
        {
            return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status400BadRequest, title: "The rides cannot be pooled");
        }
    }

    private static async Task<bool> OperatesEveryRegionAsync(HttpContext http, IAuthorizationService authorization, MobilityService mobility)
    {
        foreach (var region in mobility.City.Regions)
        {
            if (!(await authorization.AuthorizeAsync(http.User, region.Id, RegionOperatorRequirement.OperatorsOrAdministrators)).Succeeded)
            {
                return false;
            }
        }
        return true;
    }

    private static Results<Ok<AssignmentRunResult>, ProblemHttpResult> RunAssignment(AssignmentRunBody body, MobilityService mobility, CancellationToken ct)
    {
        try
        {
            return TypedResults.Ok(mobility.RunAssignment(
                new AssignmentRunRequest(body.TargetRelativeGap, body.MaxIterations, body.Algorithm, body.Network, body.Trips, body.Nodes), null, ct));
        }
        catch (MobilityFormatException ex)
        {
            return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status400BadRequest, title: "The TNTP file cannot be read",
                extensions: new Dictionary<string, object?> { ["file"] = ex.FileName, ["line"] = ex.Line, ["column"] = ex.Column, ["reason"] = ex.Reason });
        }
        catch (Exception ex) when (ex is ArgumentException or AssignmentException)
        {
            return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status400BadRequest, title: "The assignment cannot be run");
        }
    }

    private static async Task<Results<Ok<ChargingPlanView>, ForbidHttpResult, ProblemHttpResult>> PlanChargingAsync(
        ChargingPlanBody body, HttpContext http, IAuthorizationService authorization, MobilityService mobility, CancellationToken ct)
    {
        var userId = http.User.UserId();
        if (userId is null || !await OperatesEveryRegionAsync(http, authorization, mobility))
        {
            return TypedResults.Forbid();
        }
        try
        {
            var result = await mobility.PlanChargingAsync(new ChargingPlanRequest(body.PricePerKilowattHour, body.FeederLimitKilowattsByRegion), DecisionActor.Operator(userId), ct);
            return TypedResults.Ok(ChargingPlanView.From(result));
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidDecisionException)
        {
            return TypedResults.Problem(ex.Message, statusCode: StatusCodes.Status400BadRequest, title: "The charging plan cannot be made");
        }
    }
}
