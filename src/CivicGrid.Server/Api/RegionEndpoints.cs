using System.ComponentModel.DataAnnotations;
using CivicGrid.Platform.Runtime.Grains;
using CivicGrid.Platform.Storage;
using CivicGrid.Server.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace CivicGrid.Server.Api;

/// <summary>A region with its counts and, from its grain, its live state.</summary>
public sealed record RegionDetail(
    string Id,
    string Name,
    double AreaSquareKilometers,
    string? StatusNote,
    int Households,
    int Assets,
    double NetDemandKilowatts,
    int ReportingAssets,
    DateTimeOffset? LastReportAt,
    string? Restriction);

/// <summary>The notice residents of a region see (an active restriction, planned works…); null or empty clears it.</summary>
public sealed record RegionStatusNoteUpdate([property: StringLength(500)] string? StatusNote);

/// <summary><c>/api/regions</c>: read by every role; the notice is set by the region's operators or administrators.</summary>
public static class RegionEndpoints
{
    public static void MapRegionEndpoints(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/regions").WithTags("Regions");

        group.MapGet("/", async (PlatformDbContext db, CancellationToken ct) =>
                TypedResults.Ok(await db.Regions.AsNoTracking().OrderBy(r => r.Id)
                    .Select(r => new RegionStatus(r.Id, r.Name, r.AreaSquareKilometers,
                        db.Households.Count(h => h.RegionId == r.Id),
                        db.Households.Where(h => h.RegionId == r.Id).Sum(h => h.Residents),
                        db.Assets.Count(a => a.RegionId == r.Id),
                        r.StatusNote))
                    .ToListAsync(ct)))
            .RequireAuthorization(CivicGridPolicies.AnyRole)
            .WithName("ListRegions")
            .WithSummary("All regions of the city")
            .WithDescription("Any role.");

        group.MapGet("/{regionId}", GetAsync)
            .RequireAuthorization(CivicGridPolicies.AnyRole)
            .WithName("GetRegion")
            .WithSummary("One region with its live state")
            .WithDescription("Counts from the database and the live state (net demand, restriction) from the region's grain. Any role.");

        group.MapPut("/{regionId}/status-note", SetStatusNoteAsync)
            .RequireAuthorization(CivicGridPolicies.RegionSteward)
            .WithName("SetRegionStatusNote")
            .WithSummary("Set the notice residents of a region see")
            .WithDescription("Operators scoped to the region, or administrators; an operator of another region gets 403.");
    }

    private static async Task<Results<Ok<RegionDetail>, NotFound>> GetAsync(
        string regionId, PlatformDbContext db, IGrainFactory grains, CancellationToken ct)
    {
        var region = await db.Regions.AsNoTracking().FirstOrDefaultAsync(r => r.Id == regionId, ct);
        if (region is null)
        {
            return TypedResults.NotFound();
        }
        var households = await db.Households.CountAsync(h => h.RegionId == regionId, ct);
        var assets = await db.Assets.CountAsync(a => a.RegionId == regionId, ct);
        var live = await grains.GetGrain<IRegionGrain>(regionId).GetSnapshotAsync();
        return TypedResults.Ok(new RegionDetail(region.Id, region.Name, region.AreaSquareKilometers, region.StatusNote,
            households, assets, live.NetDemandKilowatts, live.ReportingAssets, live.LastReportAt, live.Restriction));
    }

    private static async Task<Results<Ok<RegionStatus>, NotFound, ForbidHttpResult, Conflict>> SetStatusNoteAsync(
        string regionId, RegionStatusNoteUpdate update, HttpContext http, IAuthorizationService authorization,
        PlatformDbContext db, ILoggerFactory loggers, CancellationToken ct)
    {
        var region = await db.Regions.FirstOrDefaultAsync(r => r.Id == regionId, ct);
        if (region is null)
        {
            return TypedResults.NotFound();
        }
        var allowed = await authorization.AuthorizeAsync(http.User, regionId, RegionOperatorRequirement.OperatorsOrAdministrators);
        if (!allowed.Succeeded)
        {
            return TypedResults.Forbid();
        }
        region.StatusNote = string.IsNullOrWhiteSpace(update.StatusNote) ? null : update.StatusNote.Trim();
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return TypedResults.Conflict();
        }
        loggers.CreateLogger(typeof(RegionEndpoints)).LogInformation(
            "User {UserId} set the status note of region {RegionId}", http.User.UserId(), regionId);
        return TypedResults.Ok(new RegionStatus(region.Id, region.Name, region.AreaSquareKilometers,
            await db.Households.CountAsync(h => h.RegionId == regionId, ct),
            await db.Households.Where(h => h.RegionId == regionId).SumAsync(h => h.Residents, ct),
            await db.Assets.CountAsync(a => a.RegionId == regionId, ct),
            region.StatusNote));
    }
}
