using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using CivicGrid.Platform.Storage;
using CivicGrid.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace CivicGrid.Server.Api;

/// <summary>An asset of the city's infrastructure as the API shows it.</summary>
public sealed record AssetView(
    string Id,
    string RegionId,
    string Kind,
    string Name,
    string? HouseholdId,
    string? ParentAssetId,
    double Rating,
    JsonElement Properties);

/// <summary>One page of a listing with the total count, so clients can page through it.</summary>
public sealed record Page<T>(int Total, int Skip, int Take, IReadOnlyList<T> Items);

/// <summary>Filters and paging of <c>GET /api/assets</c>.</summary>
public sealed class AssetQuery
{
    [FromQuery(Name = "regionId")]
    [StringLength(64)]
    public string? RegionId { get; set; }

    /// <summary>An asset kind, e.g. <c>Battery</c> or <c>WaterPipe</c>.</summary>
    [FromQuery(Name = "kind")]
    [StringLength(32)]
    public string? Kind { get; set; }

    [FromQuery(Name = "skip")]
    [Range(0, int.MaxValue)]
    public int? Skip { get; set; }

    [FromQuery(Name = "take")]
    [Range(1, 500)]
    public int? Take { get; set; }

    /// <summary>The page size, 100 when not given.</summary>
    public int PageSize => Take ?? 100;

    public int Offset => Skip ?? 0;
}

/// <summary><c>/api/assets</c>: the physical infrastructure, readable by operators, auditors and administrators.</summary>
public static class AssetEndpoints
{
    public static void MapAssetEndpoints(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/assets").WithTags("Assets").RequireAuthorization(CivicGridPolicies.InfrastructureReader);

        group.MapGet("/", ListAsync)
            .WithName("ListAssets")
            .WithSummary("Assets, filtered by region and kind, one page at a time")
            .WithDescription("Operators, auditors and administrators. take is 1–500 (default 100).");

        group.MapGet("/{assetId}", async Task<Results<Ok<AssetView>, NotFound>> (string assetId, PlatformDbContext db, CancellationToken ct) =>
            {
                var asset = await db.Assets.AsNoTracking().FirstOrDefaultAsync(a => a.Id == assetId, ct);
                return asset is null ? TypedResults.NotFound() : TypedResults.Ok(View(asset));
            })
            .WithName("GetAsset")
            .WithSummary("One asset")
            .WithDescription("Operators, auditors and administrators.");
    }

    private static async Task<Results<Ok<Page<AssetView>>, ValidationProblem>> ListAsync(
        [AsParameters] AssetQuery query, PlatformDbContext db, CancellationToken ct)
    {
        var assets = db.Assets.AsNoTracking();
        if (!string.IsNullOrEmpty(query.RegionId))
        {
            assets = assets.Where(a => a.RegionId == query.RegionId);
        }
        if (!string.IsNullOrEmpty(query.Kind))
        {
            if (!Enum.TryParse<AssetKind>(query.Kind, ignoreCase: true, out var kind) || !Enum.IsDefined(kind))
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]>
                {
                    ["kind"] = ["Unknown asset kind. Use one of: " + string.Join(", ", Enum.GetNames<AssetKind>()) + "."],
                });
            }
            assets = assets.Where(a => a.Kind == kind);
        }
        var total = await assets.CountAsync(ct);
        var page = await assets.OrderBy(a => a.Id).Skip(query.Offset).Take(query.PageSize).ToListAsync(ct);
        return TypedResults.Ok(new Page<AssetView>(total, query.Offset, query.PageSize, [.. page.Select(View)]));
    }

    private static AssetView View(Asset asset)
    {
        using var properties = JsonDocument.Parse(string.IsNullOrWhiteSpace(asset.PropertiesJson) ? "{}" : asset.PropertiesJson);
        return new AssetView(asset.Id, asset.RegionId, asset.Kind.ToString(), asset.Name, asset.HouseholdId,
            asset.ParentAssetId, asset.Rating, properties.RootElement.Clone());
    }
}
