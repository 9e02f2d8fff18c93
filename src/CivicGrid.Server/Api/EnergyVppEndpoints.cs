using CivicGrid.Platform.Energy;
using CivicGrid.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CivicGrid.Server.Api;

/// <summary>A region of the demo city with a VPP.</summary>
public sealed record VppRegionView(string Id, string Name);

/// <summary>
/// <c>/api/energy/vpp</c>: the demo city's virtual power plants on the simulated clock — each region's portfolio,
/// today's load and PV forecast against the actuals so far, and the day-ahead schedule. Reading a region's VPP lets it
/// catch up with the simulated clock: the day-ahead schedule and a re-plan at each new 15-minute interval are adopted
/// and recorded as decisions ("energy.vpp-schedule"), whose receipts come back in <c>plans</c>.
/// </summary>
public static class EnergyVppEndpoints
{
    public static void MapEnergyVppEndpoints(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/energy/vpp").WithTags("Energy");

        group.MapGet("/regions", (VppService vpp) => TypedResults.Ok(vpp.Regions.Select(r => new VppRegionView(r.Id, r.Name)).ToArray()))
            .RequireAuthorization(CivicGridPolicies.InfrastructureReader)
            .WithName("ListVppRegions")
            .WithSummary("Regions of the demo city with a virtual power plant")
            .WithDescription("Infrastructure readers and above.");

        group.MapGet("/{regionId}", Snapshot)
            .RequireAuthorization(CivicGridPolicies.InfrastructureReader)
            .WithName("GetVppSnapshot")
            .WithSummary("A region's VPP today: portfolio, forecast versus actual, the day-ahead schedule in 15-minute intervals, and the adopted schedules with their decision receipts")
            .WithDescription("Actual values are present up to the current interval of the simulated clock. Schedules due on the clock (day-ahead, re-plan of the current interval) are adopted and recorded first. An unknown region is a 404 problem. Infrastructure readers and above.");
    }

    private static async Task<Results<Ok<VppSnapshot>, ProblemHttpResult>> Snapshot(string regionId, VppPlanning planning, CancellationToken cancellationToken)
    {
        try
        {
            return TypedResults.Ok(await planning.AdvanceAsync(regionId, cancellationToken));
        }
        catch (KeyNotFoundException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status404NotFound, title: "No such region");
        }
    }
}
