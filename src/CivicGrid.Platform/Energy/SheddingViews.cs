using System.Globalization;
using CivicGrid.Energy.Shedding;
using CivicGrid.Platform.Decisions;

namespace CivicGrid.Platform.Energy;

/// <summary>Cumulative outage of one bar of a chart: a block, a district or a household group.</summary>
public sealed record SheddingOutageBar(string Name, int Households, int ProtectedHouseholds, double MeanOutageHours, double MaxOutageHours);

/// <summary>A shedding run recorded in a region's log: its decisions grouped by the <c>run</c> parameter.</summary>
public sealed record SheddingRecentRun(
    string RunId,
    string Algorithm,
    DateTimeOffset DecidedAt,
    int Decisions,
    long FirstLogIndex,
    long LastLogIndex,
    double MaxShortfallKW,
    int ShedHouseholds,
    string? OperatorId);

/// <summary>
/// A shortage day for a region: today's 96 quarter hours of the region's metered demand (simulated telemetry) against
/// an upstream supply limited to <see cref="SupplyLimitKW"/>; the shortfall is the demand above that limit.
/// </summary>
public sealed record SheddingShortageDay(string RegionId, DateOnly Day, double AverageDemandKW, double SupplyLimitKW,
    IReadOnlyList<double> DemandKW, IReadOnlyList<double> ShortfallKW);

/// <summary>Read side of load shedding for the pages and the API: shortage days, recent runs and outage charts.</summary>
public sealed class SheddingViewService(VppService vpp, IDecisionLog log, TimeProvider time)
{
    /// <summary>The upstream supply of a shortage day, as a fraction of the region's average demand.</summary>
    public const double ShortageSupplyFraction = 1.1;

    private const int MaxScannedRecords = 5000;

    /// <summary>
    /// Today's shortage day for the region: demand per quarter hour from the households' simulated telemetry, supply
    /// limited to <see cref="ShortageSupplyFraction"/> × the day's average demand, so the morning and evening peaks
    /// must be shed. Unknown regions raise <see cref="KeyNotFoundException"/>.
    /// </summary>
    public SheddingShortageDay ShortageDay(string regionId)
    {
        var city = vpp.City;
        var region = city.Regions.FirstOrDefault(r => r.Id == regionId) ?? throw new KeyNotFoundException($"no region '{regionId}'");
        var day = (long)Math.Floor((time.GetUtcNow() - DateTimeOffset.UnixEpoch).TotalDays);
        var households = city.Households.Where(h => h.RegionId == region.Id).ToList();
        var demand = Enumerable.Range(0, VppTelemetry.IntervalsPerDay)
            .Select(t => Math.Round(households.Sum(h => VppTelemetry.HouseholdLoadKw(city.Seed, h, day, t)), 3)).ToList();
        var average = demand.Average();
        var limit = Math.Round(ShortageSupplyFraction * average, 3);
        var shortfall = demand.Select(d => Math.Round(Math.Max(0, d - limit), 3)).ToList();
        return new SheddingShortageDay(region.Id, DateOnly.FromDateTime(DateTimeOffset.UnixEpoch.AddDays(day).UtcDateTime), average, limit, demand, shortfall);
    }

    /// <summary>The region's shedding runs in its log, newest first (at most <paramref name="take"/>).</summary>
    public async Task<IReadOnlyList<SheddingRecentRun>> RecentRunsAsync(string regionId, int take, CancellationToken cancellationToken)
    {
        if (vpp.City.Regions.All(r => r.Id != regionId))
        {
            throw new KeyNotFoundException($"no region '{regionId}'");
        }
        var runs = new Dictionary<string, List<DecisionReceipt>>(StringComparer.Ordinal);
        var order = new List<string>();
        const int page = 200;
        for (var skip = 0; skip < MaxScannedRecords; skip += page)
        {
            var records = await log.ListAsync(regionId, skip, page, cancellationToken).ConfigureAwait(false);
            foreach (var receipt in records)
            {
                var r = receipt.Record;
                if (r.Kind != DecisionKind.LoadShedding || !SheddingOperations.AlgorithmNames.Contains(r.Algorithm.Name)
                    || !r.Algorithm.Parameters.TryGetValue("run", out var run))
                {
                    continue;
                }
                if (!runs.TryGetValue(run, out var list))
                {
                    if (order.Count >= take)
                    {
                        continue;
                    }
                    runs[run] = list = [];
                    order.Add(run);
                }
                list.Add(receipt);
            }
            if (records.Count < page)
            {
                break;
            }
        }
        return order.Select(run =>
        {
            var list = runs[run];
            var shortfall = list.Select(x => x.Record.Algorithm.Parameters.TryGetValue("shortfall_kw", out var s)
                && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : 0).DefaultIfEmpty(0).Max();
            return new SheddingRecentRun(run, list[0].Record.Algorithm.Name, list.Min(x => x.Record.DecidedAt), list.Count,
                list.Min(x => x.LogIndex), list.Max(x => x.LogIndex), shortfall,
                list.SelectMany(x => x.Record.AssetIds).Distinct(StringComparer.Ordinal).Count(), list[0].Record.Actor.OperatorId);
        }).ToList();
    }

    /// <summary>Cumulative outage per block (feeder section) of a run; critical households count as protected, not as outage.</summary>
    public static IReadOnlyList<SheddingOutageBar> OutageByBlock(SheddingRunOutcome run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var hours = OutageHours(run);
        return run.Blocks.Select(b => Bar(b.Id, b.Households, hours)).ToList();
    }

    /// <summary>Cumulative outage per district of a run.</summary>
    public static IReadOnlyList<SheddingOutageBar> OutageByDistrict(SheddingRunOutcome run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var hours = OutageHours(run);
        return run.Blocks.SelectMany(b => b.Households).GroupBy(h => h.District, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => Bar(g.Key, g.ToList(), hours)).ToList();
    }

    /// <summary>Cumulative outage per household group (income group) of a run.</summary>
    public static IReadOnlyList<SheddingOutageBar> OutageByGroup(SheddingRunOutcome run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var hours = OutageHours(run);
        return run.Blocks.SelectMany(b => b.Households).GroupBy(h => h.Group, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => Bar(g.Key, g.ToList(), hours)).ToList();
    }

    /// <summary>Outage hours of every household of a run (critical households: zero, they stay on).</summary>
    public static IReadOnlyDictionary<string, double> OutageHours(SheddingRunOutcome run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var shedCount = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var c in run.Decisions.SelectMany(d => d.ShedBlocks))
        {
            shedCount[c.BlockId] = shedCount.GetValueOrDefault(c.BlockId) + 1;
        }
        return run.Blocks.SelectMany(b => b.Households.Select(h => (h.Id, Hours: h.Critical ? 0 : shedCount.GetValueOrDefault(b.Id) * run.IntervalHours)))
            .ToDictionary(x => x.Id, x => x.Hours, StringComparer.Ordinal);
    }

    private static SheddingOutageBar Bar(string name, IReadOnlyList<Household> households, IReadOnlyDictionary<string, double> hours)
    {
        var normal = households.Where(h => !h.Critical).Select(h => hours[h.Id]).ToList();
        return new SheddingOutageBar(name, households.Count, households.Count(h => h.Critical),
            normal.Count > 0 ? normal.Average() : 0, normal.Count > 0 ? normal.Max() : 0);
    }
}

/// <summary>
/// An operator's fixed shedding order, for comparison with the rotating planner: in every interval the blocks of one
/// district first, then the others by id, taken until the shortfall is covered. Critical households stay on (they are
/// not part of a block's sheddable demand) and a household at its cap keeps its block on.
/// </summary>
public static class ManualOrderShedding
{
    public static IReadOnlyList<SheddingDecision> Plan(IReadOnlyList<SheddingBlock> blocks, IReadOnlyList<double> shortfallKW, string firstDistrict, int? maxOutageIntervals)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        ArgumentNullException.ThrowIfNull(shortfallKW);
        var order = blocks.OrderBy(b => b.District == firstDistrict ? 0 : 1).ThenBy(b => b.Id, StringComparer.Ordinal).ToList();
        var outage = blocks.SelectMany(b => b.Households).ToDictionary(h => h.Id, _ => 0, StringComparer.Ordinal);
        var plan = new List<SheddingDecision>(shortfallKW.Count);
        for (var t = 0; t < shortfallKW.Count; t++)
        {
            var need = shortfallKW[t];
            var shed = 0.0;
            var choices = new List<BlockChoice>(order.Count);
            foreach (var b in order)
            {
                var capped = b.Households.Any(h => !h.Critical && (h.MaxOutageIntervals ?? maxOutageIntervals) is int cap && outage[h.Id] >= cap);
                if (shed >= need - 1e-9 || b.SheddableKW <= 0 || capped)
                {
                    var why = capped ? "kept on: a household reached its outage cap"
                        : b.SheddableKW <= 0 ? "kept on: nothing sheddable (critical loads only)"
                        : "kept on: the shortfall is covered";
                    choices.Add(new BlockChoice(b.Id, b.District, false, 0, "operator's order — " + why));
                    continue;
                }
                shed += b.SheddableKW;
                foreach (var h in b.Households.Where(h => !h.Critical))
                {
                    outage[h.Id]++;
                }
                choices.Add(new BlockChoice(b.Id, b.District, true, b.SheddableKW, string.Create(CultureInfo.InvariantCulture,
                    $"operator's order — district {firstDistrict} first: shed {b.SheddableKW:0.###} kW")));
            }
            plan.Add(new SheddingDecision(t, need, shed, Math.Max(0, need - shed), choices));
        }
        return plan;
    }
}
