using CivicGrid.Server.Security;

namespace CivicGrid.Server.Api;

/// <summary><c>GET /api/status</c>: the city at a glance.</summary>
public static class StatusEndpoints
{
    public static void MapStatusEndpoints(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/status").WithTags("Status").RequireAuthorization(CivicGridPolicies.AnyRole);
        group.MapGet("/", async (CityStatusQuery query, CancellationToken ct) => TypedResults.Ok(await query.GetAsync(10, ct)))
            .WithName("GetCityStatus")
            .WithSummary("The city's status")
            .WithDescription("Counts of regions, households, residents and assets, per-region figures and the latest decision records. Any role.");
    }
}
