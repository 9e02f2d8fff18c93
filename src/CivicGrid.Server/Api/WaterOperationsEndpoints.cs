using CivicGrid.Energy.Shedding;
using CivicGrid.Platform.Decisions;
using CivicGrid.Platform;
using CivicGrid.Platform.Water;
using CivicGrid.Server.Security;
using CivicGrid.Water.Operations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CivicGrid.Server.Api;

/// <summary>A recorded source allocation: per source and per region, with one decision (and receipt) per region.</summary>
public sealed record SourceAllocationView(
    string Scenario,
    string Objective,
    string Status,
    double CostEur,
    double EnergyKwh,
    double ShortfallCubicMeters,
    IReadOnlyList<SourceUse> Sources,
    IReadOnlyList<DistrictSupplyView> Districts,
    IReadOnlyList<DecisionView> Decisions);

/// <summary>A region's day of supply.</summary>
public sealed record DistrictSupplyView(string DistrictId, double DemandCubicMeters, double DeliveredCubicMeters, double ShortfallCubicMeters);

/// <summary>A district's restriction.</summary>
public sealed record DistrictRestrictionView(
    string DistrictId,
    double DemandCubicMeters,
    double AllocatedCubicMeters,
    double ShortageCubicMeters,
    double ShortageFraction,
    double PressureReductionCubicMeters,
    double ServicePressureMeters,
    double RestrictedPressureMeters,
    RotationWindow? Rotation,
    int SupplyHours,
    int Households);

/// <summary>A recorded restriction plan with its decisions (receipts) and its restriction audit.</summary>
public sealed record RestrictionPlanView(
    string Scenario,
    string Sharing,
    double AvailableCubicMeters,
    double DemandCubicMeters,
    double ShortageCubicMeters,
    IReadOnlyList<DistrictRestrictionView> Districts,
    IReadOnlyList<DecisionView> Decisions,
    AuditReport Audit);

/// <summary>
/// <c>/api/water/operations</c>: the demo pumped zone's pump schedule (any role; it restricts no one), and the day's
/// source allocation and supply restrictions, which operators of every region concerned may run and which are recorded
/// as decisions with receipts.
/// </summary>
public static class WaterOperationsEndpoints
{
    public static void MapWaterOperationsEndpoints(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/water/operations").WithTags("Water operations");

        group.MapGet("/pumps/schedule", ScheduleAsync)
            .RequireAuthorization(CivicGridPolicies.AnyRole)
            .WithName("GetWaterPumpSchedule")
            .WithSummary("The demo pumped zone's pump schedule under the demo tariff, with the network's own controls for comparison");

        group.MapPost("/sources/allocate", AllocateAsync)
            .RequireAuthorization(CivicGridPolicies.Operator)
            .WithName("AllocateWaterSources")
            .WithSummary("Allocate the city's water sources for a day (scenario normal|drought, objective cost|energy) and record it");

        group.MapPost("/restrictions", RestrictAsync)
            .RequireAuthorization(CivicGridPolicies.Operator)
            .WithName("PlanWaterRestrictions")
            .WithSummary("Plan fair restrictions for the scenario's shortfall (sharing maxmin|proportional), record one decision per restricted region and audit it");
    }

    private static async Task<Ok<PumpScheduleView>> ScheduleAsync(PumpScheduleService pumps, CancellationToken ct) =>
        TypedResults.Ok(await pumps.DemoScheduleAsync(ct));

    private static async Task<Results<Ok<SourceAllocationView>, ForbidHttpResult, ProblemHttpResult>> AllocateAsync(
        HttpContext http, IAuthorizationService authorization, CityRepository city, WaterOperations operations, CancellationToken ct,
        string scenario = "normal", string objective = "cost")
    {
        if (objective is not ("cost" or "energy"))
        {
            return TypedResults.Problem("objective must be cost or energy", statusCode: StatusCodes.Status400BadRequest, title: "The sources cannot be allocated");
        }
        var actor = await OperatorOfAllAsync(http, authorization, city, ct);
        if (actor is null)
        {
            return TypedResults.Forbid();
        }
        try
        {
            var o = await operations.AllocateAsync(scenario, objective == "energy" ? AllocationObjective.Energy : AllocationObjective.Cost, actor, ct);
            var a = o.Allocation;
            return TypedResults.Ok(new SourceAllocationView(o.Scenario, objective, a.Status, a.CostEur, a.EnergyKwh, a.ShortfallCubicMeters, a.Sources,
                [.. a.Districts.Select(d => new DistrictSupplyView(d.DistrictId, d.DemandCubicMeters, d.DeliveredCubicMeters, d.ShortfallCubicMeters))],
                [.. o.Receipts.Select(DecisionView.From)]));
        }
        catch (Exception e) when (e is WaterOperationException or InvalidDecisionException)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status400BadRequest, title: "The sources cannot be allocated");
        }
    }

    private static async Task<Results<Ok<RestrictionPlanView>, ForbidHttpResult, ProblemHttpResult>> RestrictAsync(
        HttpContext http, IAuthorizationService authorization, CityRepository city, WaterOperations operations, CancellationToken ct,
        string scenario = "drought", string sharing = "maxmin")
    {
        if (sharing is not ("maxmin" or "proportional"))
        {
            return TypedResults.Problem("sharing must be maxmin or proportional", statusCode: StatusCodes.Status400BadRequest, title: "The restrictions cannot be planned");
        }
        var actor = await OperatorOfAllAsync(http, authorization, city, ct);
        if (actor is null)
        {
            return TypedResults.Forbid();
        }
        try
        {
            var o = await operations.RestrictAsync(scenario, sharing == "proportional" ? ShortageSharing.Proportional : ShortageSharing.MaxMinFair, actor, ct);
            return TypedResults.Ok(ToView(o));
        }
        catch (Exception e) when (e is WaterOperationException or InvalidDecisionException)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status400BadRequest, title: "The restrictions cannot be planned");
        }
    }

    public static RestrictionPlanView ToView(RestrictionOutcome o)
    {
        ArgumentNullException.ThrowIfNull(o);
        var p = o.Plan;
        return new RestrictionPlanView(o.Scenario, p.Sharing == ShortageSharing.MaxMinFair ? "maxmin" : "proportional", p.AvailableCubicMeters, p.DemandCubicMeters, p.ShortageCubicMeters,
            [.. p.Districts.Select(d => new DistrictRestrictionView(d.DistrictId, d.DemandCubicMeters, d.AllocatedCubicMeters, d.ShortageCubicMeters, d.ShortageFraction,
                d.PressureReductionCubicMeters, d.ServicePressureMeters, d.RestrictedPressureMeters, d.Rotation, d.SupplyHours, d.Households))],
            [.. o.Receipts.Select(DecisionView.From)], o.Audit);
    }

    /// <summary>The calling operator when every region is in their scopes (a city-wide decision touches them all).</summary>
    internal static async Task<DecisionActor?> OperatorOfAllAsync(HttpContext http, IAuthorizationService authorization, CityRepository city, CancellationToken ct)
    {
        var operatorId = http.User.UserId();
        if (operatorId is null)
        {
            return null;
        }
        foreach (var region in await city.ListRegionsAsync(ct))
        {
            var allowed = await authorization.AuthorizeAsync(http.User, region.Id, RegionOperatorRequirement.OperatorsOnly);
            if (!allowed.Succeeded)
            {
                return null;
            }
        }
        return DecisionActor.Operator(operatorId);
    }
}
