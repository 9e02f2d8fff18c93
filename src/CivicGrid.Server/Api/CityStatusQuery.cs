using CivicGrid.Platform;
using CivicGrid.Platform.Decisions;
using CivicGrid.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CivicGrid.Server.Api;

/// <summary>One region in the city's status.</summary>
public sealed record RegionStatus(string Id, string Name, double AreaSquareKilometers, int Households, int Residents, int Assets, string? StatusNote);

/// <summary>A decision in the city's status: enough to list it and look it up.</summary>
public sealed record DecisionHeadline(Guid Id, string RegionId, string Kind, string Outcome, string Reason, string Actor, DateTimeOffset DecidedAt, long LogIndex);

/// <summary>The city at a glance: what the home page and <c>GET /api/status</c> show.</summary>
public sealed record CityStatus(
    string Product,
    string Version,
    string StorageProvider,
    string Clustering,
    int Regions,
    int Households,
    int Residents,
    int Assets,
    IReadOnlyDictionary<string, int> AssetsByKind,
    int Decisions,
    IReadOnlyList<RegionStatus> RegionList,
    IReadOnlyList<DecisionHeadline> LatestDecisions);

/// <summary>Reads the city's status from the platform database and the decision log.</summary>
public sealed class CityStatusQuery(PlatformDbContext db, IDecisionLog decisions, IOptions<PlatformOptions> options)
{
    public async Task<CityStatus> GetAsync(int latestDecisions, CancellationToken cancellationToken)
    {
        var regions = await db.Regions.AsNoTracking().OrderBy(r => r.Name).ToListAsync(cancellationToken);
        var households = await db.Households.AsNoTracking()
            .GroupBy(h => h.RegionId)
            .Select(g => new { RegionId = g.Key, Count = g.Count(), Residents = g.Sum(h => h.Residents) })
            .ToListAsync(cancellationToken);
        var assets = await db.Assets.AsNoTracking()
            .GroupBy(a => new { a.RegionId, a.Kind })
            .Select(g => new { g.Key.RegionId, g.Key.Kind, Count = g.Count() })
            .ToListAsync(cancellationToken);
        var decisionCount = await db.DecisionRecords.CountAsync(cancellationToken);
        var latest = await decisions.ListAsync(null, 0, latestDecisions, cancellationToken);

        var regionList = regions.Select(r => new RegionStatus(
            r.Id,
            r.Name,
            r.AreaSquareKilometers,
            households.Where(h => h.RegionId == r.Id).Sum(h => h.Count),
            households.Where(h => h.RegionId == r.Id).Sum(h => h.Residents),
            assets.Where(a => a.RegionId == r.Id).Sum(a => a.Count),
            r.StatusNote)).ToList();
        var byKind = assets.GroupBy(a => a.Kind.ToString())
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(a => a.Count), StringComparer.Ordinal);

        var platform = options.Value;
        return new CityStatus(
            PlatformInfo.ProductName,
            typeof(CityStatusQuery).Assembly.GetName().Version?.ToString() ?? "0.0.0",
            platform.StorageProvider.ToString(),
            platform.Clustering.ToString(),
            regions.Count,
            households.Sum(h => h.Count),
            households.Sum(h => h.Residents),
            assets.Sum(a => a.Count),
            byKind,
            decisionCount,
            regionList,
            [.. latest.Select(Headline)]);
    }

    public static DecisionHeadline Headline(DecisionReceipt receipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        var r = receipt.Record;
        return new DecisionHeadline(r.Id, r.RegionId, r.Kind.ToString(), r.Outcome, r.Reason,
            r.Actor.OperatorId is null ? r.Actor.Kind : r.Actor.Kind + ":" + r.Actor.OperatorId, r.DecidedAt, receipt.LogIndex);
    }
}
