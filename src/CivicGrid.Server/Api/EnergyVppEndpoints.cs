using CivicGrid.Platform.Energy;
using CivicGrid.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CivicGrid.Server.Api;

/// <summary>A region of the demo city with a VPP.</summary>
public sealed record VppRegionView(string Id, string Name);

/// <summary>
/// <c>/api/energy/vpp</c>: the demo city's virtual power plants on the simulated clock — each region's portfolio,
/// today's load and PV forecast against the actuals so far, and the day-ahead schedule. Reading a schedule restricts
/// no one, so no decision is recorded here.
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
            .WithSummary("A region's VPP today: portfolio, forecast versus actual, and the day-ahead schedule in 15-minute intervals")
            .WithDescription("Actual values are present up to the current interval of the simulated clock. An unknown region is a 404 problem. Infrastructure readers and above.");
    }

    private static Results<Ok<VppSnapshot>, ProblemHttpResult> Snapshot(string regionId, VppService vpp)
    {
        try
        {
            return TypedResults.Ok(vpp.Snapshot(regionId));
        }
        catch (KeyNotFoundException e)
        {
            return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status404NotFound, title: "No such region");
        }
    }
}
