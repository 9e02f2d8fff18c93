using System.ComponentModel.DataAnnotations;
using CivicGrid.Platform.Decisions;
using CivicGrid.Platform.Energy;
using CivicGrid.Server.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CivicGrid.Server.Api;

/// <summary>A demand-response event to issue: a reduction (kW) over consecutive 15-minute intervals, paid per kWh delivered.</summary>
public sealed class DemandResponseEventRequest
{
    /// <summary>First interval, on a 15-minute boundary, not before the current interval; absent = the current interval.</summary>
    public DateTimeOffset? Start { get; set; }

    [Range(1, DemandResponseOperations.MaxIntervals)]
    public int Intervals { get; set; } = 4;

    [Required]
    [Range(0.001, 1e6)]
    public double? RequestedKw { get; set; }

    [Required]
    [Range(0.001, 100)]
    public double? PaymentEurPerKwh { get; set; }

    [StringLength(500)]
    public string? Reason { get; set; }
}

/// <summary>An issued event with the decision that recorded it.</summary>
public sealed record DemandResponseIssuedView(DemandResponseEventView Event, DecisionView Decision);

/// <summary>
/// <c>/api/energy/dr</c>: demand-response events of a region — issued by an operator scoped to the region (or by the VPP
/// itself), sent to the region's flexible loads, metered from the simulated telemetry and settled; each issue and each
/// settlement is a <c>DemandResponse</c> decision with its receipt.
/// </summary>
public static class EnergyDemandResponseEndpoints
{
    public static void MapEnergyDemandResponseEndpoints(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/energy/dr").WithTags("Energy");

        group.MapPost("/{regionId}/events", IssueAsync)
            .RequireAuthorization(CivicGridPolicies.Operator)
            .WithName("IssueDemandResponseEvent")
            .WithSummary("Issue a demand-response event for a region and record it as a decision")
            .WithDescription("The request is split over the region's flexible loads that accept the payment, in proportion to their flexibility. Operators scoped to the region; anyone else gets 403. Bad input is a 400 problem.");

        group.MapGet("/{regionId}/events", ListAsync)
            .RequireAuthorization(CivicGridPolicies.InfrastructureReader)
            .WithName("ListDemandResponseEvents")
            .WithSummary("A region's demand-response events, newest first, with instructions, status and settlements")
            .WithDescription("Rebuilt from the region's decision records. Infrastructure readers and above.");

        group.MapGet("/{regionId}/events/{eventId}/settlement", SettlementAsync)
            .RequireAuthorization(CivicGridPolicies.InfrastructureReader)
            .WithName("GetDemandResponseSettlement")
            .WithSummary("The settlement of an event: delivered kWh × price per load, and the shortfall")
            .WithDescription("Once the event has ended on the simulated clock the settlement is recorded as a decision (the first read records it); while it runs, a provisional statement of the intervals metered so far (final = false). Infrastructure readers and above.");

        group.MapPost("/{regionId}/events/{eventId}/settlement", EndAndSettleAsync)
            .RequireAuthorization(CivicGridPolicies.Operator)
            .WithName("SettleDemandResponseEvent")
            .WithSummary("End a running event now and record its settlement")
            .WithDescription("Settles the intervals metered so far (an ended event: all of them). Operators scoped to the region; 409 if the event has not started.");
    }

    private static async Task<Results<Created<DemandResponseIssuedView>, ForbidHttpResult, ProblemHttpResult>> IssueAsync(
        string regionId, DemandResponseEventRequest body, HttpContext http, IAuthorizationService authorization, DemandResponseOperations dr,
        IDecisionLog log, TimeProvider time, CancellationToken ct)
    {
        var actor = await OperatorAsync(http, authorization, regionId);
        if (actor is null)
        {
            return TypedResults.Forbid();
        }
        try
        {
            var start = body.Start ?? CurrentIntervalStart(time.GetUtcNow());
            var ev = await dr.IssueAsync(regionId, start, body.Intervals, body.RequestedKw ?? double.NaN, body.PaymentEurPerKwh ?? double.NaN, body.Reason, actor, ct);
            var decision = await log.GetAsync(ev.DecisionId, ct) ?? throw new InvalidOperationException("the event's decision cannot be read back");
            return TypedResults.Created($"/api/energy/dr/{Uri.EscapeDataString(regionId)}/events", new DemandResponseIssuedView(ev, DecisionView.From(decision)));
        }
        catch (KeyNotFoundException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status404NotFound, title: "Unknown region");
        }
        catch (Exception e) when (e is EnergyOperationException or InvalidDecisionException)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status400BadRequest, title: "The event cannot be issued");
        }
    }

    private static async Task<Results<Ok<IReadOnlyList<DemandResponseEventView>>, ProblemHttpResult>> ListAsync(string regionId, DemandResponseOperations dr, CancellationToken ct)
    {
        try
        {
            return TypedResults.Ok(await dr.ListAsync(regionId, ct));
        }
        catch (KeyNotFoundException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status404NotFound, title: "Unknown region");
        }
    }

    private static Task<Results<Ok<DemandResponseSettlementView>, ForbidHttpResult, ProblemHttpResult>> SettlementAsync(
        string regionId, string eventId, DemandResponseOperations dr, CancellationToken ct) => SettleAsync(regionId, eventId, false, DecisionActor.Automatic, dr, ct);

    private static async Task<Results<Ok<DemandResponseSettlementView>, ForbidHttpResult, ProblemHttpResult>> EndAndSettleAsync(
        string regionId, string eventId, HttpContext http, IAuthorizationService authorization, DemandResponseOperations dr, CancellationToken ct)
    {
        var actor = await OperatorAsync(http, authorization, regionId);
        return actor is null ? TypedResults.Forbid() : await SettleAsync(regionId, eventId, true, actor, dr, ct);
    }

    private static async Task<Results<Ok<DemandResponseSettlementView>, ForbidHttpResult, ProblemHttpResult>> SettleAsync(
        string regionId, string eventId, bool endNow, DecisionActor actor, DemandResponseOperations dr, CancellationToken ct)
    {
        try
        {
            return TypedResults.Ok(await dr.SettlementAsync(regionId, eventId, endNow, actor, ct));
        }
        catch (KeyNotFoundException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status404NotFound, title: "Unknown region or event");
        }
        catch (EnergyOperationException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status409Conflict, title: "The event cannot be settled yet");
        }
        catch (InvalidDecisionException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status400BadRequest, title: "The settlement cannot be recorded");
        }
    }

    private static DateTimeOffset CurrentIntervalStart(DateTimeOffset now) =>
        DateTimeOffset.UnixEpoch.AddMinutes((double)DemandResponseOperations.GlobalInterval(now) * VppTelemetry.IntervalMinutes);

    private static async Task<DecisionActor?> OperatorAsync(HttpContext http, IAuthorizationService authorization, string regionId)
    {
        var allowed = await authorization.AuthorizeAsync(http.User, regionId, RegionOperatorRequirement.OperatorsOnly);
        var operatorId = http.User.UserId();
        return allowed.Succeeded && operatorId is not null ? DecisionActor.Operator(operatorId) : null;
    }
}
