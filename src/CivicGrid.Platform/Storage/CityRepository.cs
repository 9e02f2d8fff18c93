using CivicGrid.Platform.Storage;
using Microsoft.EntityFrameworkCore;

namespace CivicGrid.Platform;

/// <summary>Per-region counts for the city status page.</summary>
public sealed record RegionSummary(string Id, string Name, int Households, int Residents, int Assets, string? StatusNote);

/// <summary>Reads and updates the city's regions, households and assets.</summary>
public sealed class CityRepository(PlatformDbContext db)
{
    /// <summary>How often an update is retried after losing a concurrency race.</summary>
    public const int MaxConcurrencyRetries = 5;

    public async Task<IReadOnlyList<Region>> ListRegionsAsync(CancellationToken cancellationToken) =>
        await db.Regions.AsNoTracking().OrderBy(r => r.Id).ToListAsync(cancellationToken).ConfigureAwait(false);

    public Task<Region?> GetRegionAsync(string regionId, CancellationToken cancellationToken) =>
        db.Regions.AsNoTracking().FirstOrDefaultAsync(r => r.Id == regionId, cancellationToken);

    public async Task<IReadOnlyList<RegionSummary>> SummarizeAsync(CancellationToken cancellationToken)
    {
        var regions = await db.Regions.AsNoTracking().OrderBy(r => r.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        var households = await db.Households.AsNoTracking().GroupBy(h => h.RegionId)
            .Select(g => new { g.Key, Count = g.Count(), Residents = g.Sum(h => h.Residents) }).ToListAsync(cancellationToken).ConfigureAwait(false);
        var assets = await db.Assets.AsNoTracking().GroupBy(a => a.RegionId)
            .Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. regions.Select(r =>
        {
            var h = households.FirstOrDefault(x => x.Key == r.Id);
            return new RegionSummary(r.Id, r.Name, h?.Count ?? 0, h?.Residents ?? 0, assets.FirstOrDefault(x => x.Key == r.Id)?.Count ?? 0, r.StatusNote);
        })];
    }

    public async Task<IReadOnlyList<Household>> ListHouseholdsAsync(string regionId, CancellationToken cancellationToken) =>
        await db.Households.AsNoTracking().Where(h => h.RegionId == regionId).OrderBy(h => h.Id).ToListAsync(cancellationToken).ConfigureAwait(false);

    public async Task<IReadOnlyList<Asset>> ListAssetsAsync(string regionId, AssetKind? kind, CancellationToken cancellationToken)
    {
        var query = db.Assets.AsNoTracking().Where(a => a.RegionId == regionId);
        if (kind is { } k)
        {
            query = query.Where(a => a.Kind == k);
        }
        return await query.OrderBy(a => a.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task<Asset?> GetAssetAsync(string assetId, CancellationToken cancellationToken) =>
        db.Assets.AsNoTracking().FirstOrDefaultAsync(a => a.Id == assetId, cancellationToken);

    /// <summary>
    /// Applies <paramref name="change"/> to the region and saves. When another writer saved first, the region is
    /// re-read and the change re-applied, so neither update is lost. Returns null when the region does not exist.
    /// </summary>
    public Task<Region?> UpdateRegionAsync(string regionId, Action<Region> change, CancellationToken cancellationToken) =>
        UpdateAsync(db.Regions, r => r.Id == regionId, change, cancellationToken);

    /// <summary>Like <see cref="UpdateRegionAsync"/> for a household.</summary>
    public Task<Household?> UpdateHouseholdAsync(string householdId, Action<Household> change, CancellationToken cancellationToken) =>
        UpdateAsync(db.Households, h => h.Id == householdId, change, cancellationToken);

    /// <summary>Like <see cref="UpdateRegionAsync"/> for an asset.</summary>
    public Task<Asset?> UpdateAssetAsync(string assetId, Action<Asset> change, CancellationToken cancellationToken) =>
        UpdateAsync(db.Assets, a => a.Id == assetId, change, cancellationToken);

    private async Task<T?> UpdateAsync<T>(DbSet<T> set, System.Linq.Expressions.Expression<Func<T, bool>> key, Action<T> change, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(change);
        for (var attempt = 1; ; attempt++)
        {
            var entity = await set.FirstOrDefaultAsync(key, cancellationToken).ConfigureAwait(false);
            if (entity is null)
            {
                return null;
            }
            change(entity);
            try
            {
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                return entity;
            }
            catch (DbUpdateConcurrencyException) when (attempt < MaxConcurrencyRetries)
            {
                // Someone else saved first: drop our stale copy and apply the change to theirs.
                db.Entry(entity).State = EntityState.Detached;
            }
        }
    }
}
