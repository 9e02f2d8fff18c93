using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using CivicGrid.Energy.Shedding;
using CivicGrid.Platform.Decisions;
using CivicGrid.Platform.Storage;
using Household = CivicGrid.Energy.Shedding.Household;

namespace CivicGrid.Platform.Energy;

/// <summary>A recorded shedding run: the plan, one decision receipt per interval that shed, and the restriction audit of the run.</summary>
public sealed record SheddingRunOutcome(
    string RegionId,
    double IntervalHours,
    IReadOnlyList<string> CriticalHouseholdIds,
    IReadOnlyList<SheddingDecision> Decisions,
    IReadOnlyList<DecisionReceipt> Receipts,
    AuditReport Audit);

/// <summary>The restriction audit of every shedding decision recorded for a region.</summary>
public sealed record SheddingAuditOutcome(string RegionId, int Decisions, double AuditedHours, AuditReport Audit);

/// <summary>
/// Fair load shedding on a region of the demo city: households (demand = annual consumption / 8760 h) are grouped
/// into blocks by the feeder bus of their meter, and the rotating-block planner spreads the outage; households whose
/// meter is marked <c>"critical": true</c> in its asset data are never disconnected. Each interval that sheds is a
/// <see cref="DecisionKind.LoadShedding"/> decision naming the disconnected meters, with the planner's explanations.
/// </summary>
public sealed class SheddingOperations(CityRepository city, IDecisionLog log)
{
    public const string AlgorithmName = "rotating-block-shedding";
    public const string AlgorithmVersion = "1";
    public const double IntervalHours = 0.25;
    private const int MaxAuditedRecords = 5000;

    public async Task<SheddingRunOutcome> ShedAsync(string regionId, double shortfallKW, int intervals, int? maxOutageIntervals,
        DecisionActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!double.IsFinite(shortfallKW) || shortfallKW <= 0)
        {
            throw new EnergyOperationException("the shortfall must be a positive number of kW");
        }
        if (intervals is < 1 or > 96 * 7)
        {
            throw new EnergyOperationException("intervals must be between 1 and 672 (a week of 15-minute intervals)");
        }
        if (maxOutageIntervals is < 0)
        {
            throw new EnergyOperationException("the outage cap must not be negative");
        }
        var (households, meters) = await LoadAsync(regionId, cancellationToken).ConfigureAwait(false);
        var blocks = households.GroupBy(h => meters[h.Id].Bus, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new SheddingBlock(regionId + "/bus-" + g.Key, regionId, g.ToList())).ToList();
        var shedder = new RotatingBlockShedder(blocks, new SheddingOptions { IntervalHours = IntervalHours, DefaultMaxOutageIntervals = maxOutageIntervals });
        var plan = shedder.Plan(Enumerable.Repeat(shortfallKW, intervals).ToList());
        var blockById = blocks.ToDictionary(b => b.Id, StringComparer.Ordinal);
        var runId = Guid.NewGuid().ToString("N");
        var inputDigest = DecisionRequest.DigestOf(Canonical(regionId, households, shortfallKW, intervals, maxOutageIntervals));
        var receipts = new List<DecisionReceipt>();
        foreach (var d in plan)
        {
            var shedBlocks = d.ShedBlocks.ToList();
            if (shedBlocks.Count == 0)
            {
                continue;
            }
            var meterIds = shedBlocks.SelectMany(c => blockById[c.BlockId].Households).Where(h => !h.Critical)
                .Select(h => meters[h.Id].MeterId).Order(StringComparer.Ordinal).ToList();
            var request = new DecisionRequest(
                DecisionKind.LoadShedding,
                regionId,
                meterIds,
                actor,
                new DecisionAlgorithm(AlgorithmName, AlgorithmVersion, new Dictionary<string, string>
                {
                    ["run"] = runId,
                    ["interval"] = d.Interval.ToString(CultureInfo.InvariantCulture),
                    ["interval_hours"] = IntervalHours.ToString("R", CultureInfo.InvariantCulture),
                    ["shortfall_kw"] = shortfallKW.ToString("R", CultureInfo.InvariantCulture),
                    ["max_outage_intervals"] = maxOutageIntervals?.ToString(CultureInfo.InvariantCulture) ?? "none",
                }),
                inputDigest,
                string.Create(CultureInfo.InvariantCulture,
                    $"interval {d.Interval}: shed {d.ShedKW:0.###} kW of a {d.ShortfallKW:0.###} kW shortfall ({shedBlocks.Count} blocks, {meterIds.Count} households); uncovered {d.UncoveredKW:0.###} kW"),
                string.Join("; ", shedBlocks.Select(c => c.BlockId + ": " + c.Explanation)));
            receipts.Add(await log.AppendAsync(request, cancellationToken).ConfigureAwait(false));
        }
        var audit = RestrictionAudit.Run(RestrictionAudit.FromPlan(blocks, plan, IntervalHours));
        var critical = households.Where(h => h.Critical).Select(h => h.Id).ToList();
        return new SheddingRunOutcome(regionId, IntervalHours, critical, plan, receipts, audit);
    }

    /// <summary>
    /// Audits every recorded shedding of the region: each household's curtailed energy is its demand over the
    /// intervals its meter was disconnected, against its demand over all recorded shedding intervals.
    /// </summary>
    public async Task<SheddingAuditOutcome> AuditAsync(string regionId, CancellationToken cancellationToken)
    {
        var (households, meters) = await LoadAsync(regionId, cancellationToken).ConfigureAwait(false);
        var outageHours = new Dictionary<string, double>(StringComparer.Ordinal);
        double auditedHours = 0;
        var count = 0;
        const int page = 200;
        for (var skip = 0; skip < MaxAuditedRecords; skip += page)
        {
            var records = await log.ListAsync(regionId, skip, page, cancellationToken).ConfigureAwait(false);
            foreach (var r in records.Select(x => x.Record).Where(r => r.Kind == DecisionKind.LoadShedding && r.Algorithm.Name == AlgorithmName))
            {
                var hours = r.Algorithm.Parameters.TryGetValue("interval_hours", out var text)
                    && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var h) ? h : IntervalHours;
                auditedHours += hours;
                count++;
                foreach (var meter in r.AssetIds)
                {
                    outageHours[meter] = outageHours.GetValueOrDefault(meter) + hours;
                }
            }
            if (records.Count < page)
            {
                break;
            }
        }
        var entries = households.Select(h =>
        {
            var off = outageHours.GetValueOrDefault(meters[h.Id].MeterId);
            return new CurtailmentEntry(h.Id, regionId, h.Group, h.DemandKW * auditedHours, h.DemandKW * off, off);
        }).ToList();
        return new SheddingAuditOutcome(regionId, count, auditedHours, RestrictionAudit.Run(entries));
    }

    private async Task<(List<Household> Households, Dictionary<string, (string MeterId, string Bus)> Meters)> LoadAsync(string regionId, CancellationToken cancellationToken)
    {
        if (await city.GetRegionAsync(regionId, cancellationToken).ConfigureAwait(false) is null)
        {
            throw new KeyNotFoundException($"no region '{regionId}'");
        }
        var meters = new Dictionary<string, (string MeterId, string Bus, bool Critical)>(StringComparer.Ordinal);
        foreach (var a in await city.ListAssetsAsync(regionId, AssetKind.ElectricityMeter, cancellationToken).ConfigureAwait(false))
        {
            if (a.HouseholdId is null)
            {
                continue;
            }
            var properties = JsonNode.Parse(a.PropertiesJson) as JsonObject;
            var bus = properties?["bus"]?.ToString() ?? "unknown";
            var critical = properties?["critical"] is JsonValue v && v.TryGetValue<bool>(out var c) && c;
            meters[a.HouseholdId] = (a.Id, bus, critical);
        }
        var households = (await city.ListHouseholdsAsync(regionId, cancellationToken).ConfigureAwait(false))
            .Where(h => meters.ContainsKey(h.Id))
            .Select(h => new Household(h.Id, regionId, h.IncomeGroup.ToString().ToLowerInvariant(), h.AnnualElectricityKilowattHours / 8760.0, meters[h.Id].Critical))
            .ToList();
        if (households.Count == 0)
        {
            throw new EnergyOperationException($"region '{regionId}' has no metered households to shed");
        }
        return (households, meters.ToDictionary(m => m.Key, m => (m.Value.MeterId, m.Value.Bus), StringComparer.Ordinal));
    }

    private static string Canonical(string regionId, IEnumerable<Household> households, double shortfallKW, int intervals, int? cap)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{regionId}|{shortfallKW:R}|{intervals}|{cap}\n");
        foreach (var h in households)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{h.Id}|{h.Group}|{h.DemandKW:R}|{h.Critical}\n");
        }
        return sb.ToString();
    }
}
