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
    AuditReport Audit)
{
    /// <summary>The <c>run</c> parameter shared by the run's decisions.</summary>
    public string RunId { get; init; } = "";

    /// <summary><see cref="SheddingOperations.AlgorithmName"/> or <see cref="SheddingOperations.ManualAlgorithmName"/>.</summary>
    public string Algorithm { get; init; } = SheddingOperations.AlgorithmName;

    /// <summary>The blocks (feeder sections) with their households as planned.</summary>
    public IReadOnlyList<SheddingBlock> Blocks { get; init; } = [];
}

/// <summary>How a shedding run chooses blocks.</summary>
public sealed record SheddingRunOptions
{
    /// <summary>Outage cap per household over the run, in intervals (null: none).</summary>
    public int? MaxOutageIntervals { get; init; }

    /// <summary>
    /// An operator's manual order instead of the rotating planner: this district's blocks first in every interval,
    /// then the others by id (critical households and caps still hold). The restriction audit shows what it does.
    /// </summary>
    public string? ManualFirstDistrict { get; init; }
}

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

    public const string ManualAlgorithmName = "operator-manual-shedding";

    /// <summary>Every algorithm name a shedding decision of this class can carry (the audit reads them all).</summary>
    public static IReadOnlyList<string> AlgorithmNames { get; } = [AlgorithmName, ManualAlgorithmName];

    public Task<SheddingRunOutcome> ShedAsync(string regionId, double shortfallKW, int intervals, int? maxOutageIntervals,
        DecisionActor actor, CancellationToken cancellationToken)
    {
        if (!double.IsFinite(shortfallKW) || shortfallKW <= 0)
        {
            throw new EnergyOperationException("the shortfall must be a positive number of kW");
        }
        if (intervals is < 1 or > MaxIntervals)
        {
            throw new EnergyOperationException("intervals must be between 1 and 672 (a week of 15-minute intervals)");
        }
        return ShedAsync(regionId, Enumerable.Repeat(shortfallKW, intervals).ToList(), new SheddingRunOptions { MaxOutageIntervals = maxOutageIntervals },
            actor, cancellationToken);
    }

    /// <summary>Longest run: a week of 15-minute intervals.</summary>
    public const int MaxIntervals = 96 * 7;

    /// <summary>
    /// Sheds a shortfall profile (kW per 15-minute interval; zero intervals shed nothing) with the rotating-block
    /// planner, or — when <see cref="SheddingRunOptions.ManualFirstDistrict"/> is set — in an operator's fixed order
    /// (that district's blocks first). Either way critical households stay on and caps hold, and every interval that
    /// sheds is a <see cref="DecisionKind.LoadShedding"/> decision.
    /// </summary>
    public async Task<SheddingRunOutcome> ShedAsync(string regionId, IReadOnlyList<double> shortfallKW, SheddingRunOptions options,
        DecisionActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(shortfallKW);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(actor);
        if (shortfallKW.Count is < 1 or > MaxIntervals)
        {
            throw new EnergyOperationException("intervals must be between 1 and 672 (a week of 15-minute intervals)");
        }
        if (shortfallKW.Any(x => !double.IsFinite(x) || x < 0) || shortfallKW.All(x => x == 0))
        {
            throw new EnergyOperationException("the shortfall must be a positive number of kW (none negative)");
        }
        var maxOutageIntervals = options.MaxOutageIntervals;
        if (maxOutageIntervals is < 0)
        {
            throw new EnergyOperationException("the outage cap must not be negative");
        }
        var blocks = await BlocksAsync(regionId, cancellationToken).ConfigureAwait(false);
        var households = blocks.SelectMany(b => b.Households).ToList();
        var manual = options.ManualFirstDistrict;
        if (manual is not null && blocks.All(b => b.District != manual))
        {
            throw new EnergyOperationException($"region '{regionId}' has no district '{manual}'");
        }
        var plan = manual is null
            ? new RotatingBlockShedder(blocks, new SheddingOptions { IntervalHours = IntervalHours, DefaultMaxOutageIntervals = maxOutageIntervals }).Plan(shortfallKW)
            : ManualOrderShedding.Plan(blocks, shortfallKW, manual, maxOutageIntervals);
        var meters = await MeterIdsAsync(regionId, cancellationToken).ConfigureAwait(false);
        var blockById = blocks.ToDictionary(b => b.Id, StringComparer.Ordinal);
        var runId = Guid.NewGuid().ToString("N");
        var inputDigest = DecisionRequest.DigestOf(Canonical(regionId, households, shortfallKW, maxOutageIntervals, manual));
        var requests = new List<DecisionRequest>();
        foreach (var d in plan)
        {
            var shedBlocks = d.ShedBlocks.ToList();
            if (shedBlocks.Count == 0)
            {
                continue;
            }
            var meterIds = shedBlocks.SelectMany(c => blockById[c.BlockId].Households).Where(h => !h.Critical)
                .Select(h => meters[h.Id]).Order(StringComparer.Ordinal).ToList();
            var parameters = new Dictionary<string, string>
            {
                ["run"] = runId,
                ["interval"] = d.Interval.ToString(CultureInfo.InvariantCulture),
                ["interval_hours"] = IntervalHours.ToString("R", CultureInfo.InvariantCulture),
                ["shortfall_kw"] = d.ShortfallKW.ToString("R", CultureInfo.InvariantCulture),
                ["max_outage_intervals"] = maxOutageIntervals?.ToString(CultureInfo.InvariantCulture) ?? "none",
            };
            if (manual is not null)
            {
                parameters["first_district"] = manual;
            }
            requests.Add(new DecisionRequest(
                DecisionKind.LoadShedding,
                regionId,
                meterIds,
                actor,
                new DecisionAlgorithm(manual is null ? AlgorithmName : ManualAlgorithmName, AlgorithmVersion, parameters),
                inputDigest,
                string.Create(CultureInfo.InvariantCulture,
                    $"interval {d.Interval}: shed {d.ShedKW:0.###} kW of a {d.ShortfallKW:0.###} kW shortfall ({shedBlocks.Count} blocks, {meterIds.Count} households); uncovered {d.UncoveredKW:0.###} kW"),
                string.Join("; ", shedBlocks.Select(c => c.BlockId + ": " + c.Explanation))));
        }
        var receipts = requests.Count == 0 ? [] : await log.AppendBatchAsync(requests, cancellationToken).ConfigureAwait(false);
        var audit = RestrictionAudit.Run(RestrictionAudit.FromPlan(blocks, plan, IntervalHours));
        var critical = households.Where(h => h.Critical).Select(h => h.Id).ToList();
        return new SheddingRunOutcome(regionId, IntervalHours, critical, plan, receipts, audit)
        {
            RunId = runId,
            Algorithm = manual is null ? AlgorithmName : ManualAlgorithmName,
            Blocks = blocks,
        };
    }

    /// <summary>
    /// The region's households as the shedding sees them: one block per feeder section (the bus of the household's
    /// meter), two adjacent sections per district, demand = annual consumption / 8760 h, group = income group, and
    /// critical households (meter asset data <c>"critical": true</c>) marked.
    /// </summary>
    public async Task<IReadOnlyList<SheddingBlock>> BlocksAsync(string regionId, CancellationToken cancellationToken)
    {
        var (households, meters) = await LoadAsync(regionId, cancellationToken).ConfigureAwait(false);
        var buses = meters.Values.Select(m => m.Bus).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var district = buses.Select((bus, k) => (bus, k)).ToDictionary(x => x.bus, x => DistrictName(regionId, x.k), StringComparer.Ordinal);
        return households.GroupBy(h => meters[h.Id].Bus, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new SheddingBlock(regionId + "/bus-" + g.Key, district[g.Key], g.Select(h => h with { District = district[g.Key] }).ToList()))
            .ToList();
    }

    /// <summary>
    /// Marks a household's meter as a critical load (home medical equipment, a clinic) or clears the mark, in the
    /// meter's asset data (<c>"critical"</c>); shedding never disconnects a critical household. Returns false when the
    /// region has no metered household of that id.
    /// </summary>
    public async Task<bool> SetCriticalAsync(string regionId, string householdId, bool critical, CancellationToken cancellationToken)
    {
        var (_, meters) = await LoadAsync(regionId, cancellationToken).ConfigureAwait(false);
        if (!meters.TryGetValue(householdId, out var meter))
        {
            return false;
        }
        var updated = await city.UpdateAssetAsync(meter.MeterId, a =>
        {
            var properties = JsonNode.Parse(a.PropertiesJson) as JsonObject ?? [];
            properties["critical"] = critical;
            a.PropertiesJson = properties.ToJsonString();
        }, cancellationToken).ConfigureAwait(false);
        return updated is not null;
    }

    /// <summary>District of the <paramref name="section"/>-th feeder section (0-based, in bus order): two adjacent sections each.</summary>
    public static string DistrictName(string regionId, int section) =>
        regionId + "/district-" + ((section / 2) + 1).ToString(CultureInfo.InvariantCulture);

    private async Task<Dictionary<string, string>> MeterIdsAsync(string regionId, CancellationToken cancellationToken)
    {
        var (_, meters) = await LoadAsync(regionId, cancellationToken).ConfigureAwait(false);
        return meters.ToDictionary(m => m.Key, m => m.Value.MeterId, StringComparer.Ordinal);
    }

    /// <summary>
    /// Audits every recorded shedding of the region: each household's curtailed energy is its demand over the
    /// intervals its meter was disconnected, against its demand over all recorded shedding intervals.
    /// </summary>
    public async Task<SheddingAuditOutcome> AuditAsync(string regionId, CancellationToken cancellationToken)
    {
        var blocks = await BlocksAsync(regionId, cancellationToken).ConfigureAwait(false);
        var households = blocks.SelectMany(b => b.Households).ToList();
        var meters = await MeterIdsAsync(regionId, cancellationToken).ConfigureAwait(false);
        var outageHours = new Dictionary<string, double>(StringComparer.Ordinal);
        double auditedHours = 0;
        var count = 0;
        const int page = 200;
        for (var skip = 0; skip < MaxAuditedRecords; skip += page)
        {
            var records = await log.ListAsync(regionId, skip, page, cancellationToken).ConfigureAwait(false);
            foreach (var r in records.Select(x => x.Record).Where(r => r.Kind == DecisionKind.LoadShedding && AlgorithmNames.Contains(r.Algorithm.Name)))
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
            var off = outageHours.GetValueOrDefault(meters[h.Id]);
            return new CurtailmentEntry(h.Id, h.District, h.Group, h.DemandKW * auditedHours, h.DemandKW * off, off);
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

    private static string Canonical(string regionId, IEnumerable<Household> households, IReadOnlyList<double> shortfallKW, int? cap, string? manual)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{regionId}|{cap}|{manual}\n");
        sb.AppendJoin(';', shortfallKW.Select(x => x.ToString("R", CultureInfo.InvariantCulture))).Append('\n');
        foreach (var h in households)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{h.Id}|{h.District}|{h.Group}|{h.DemandKW:R}|{h.Critical}\n");
        }
        return sb.ToString();
    }
}
