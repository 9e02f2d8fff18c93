using System.Globalization;
using System.Text;
using CivicGrid.Energy.Shedding;
using CivicGrid.Platform.Decisions;
using CivicGrid.Platform.Storage;
using CivicGrid.Water.Operations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Household = CivicGrid.Platform.Storage.Household;

namespace CivicGrid.Platform.Water;

/// <summary>
/// The demo city's pumped zone and its pump schedule under the demo time-of-use tariff. Scheduling runs many full
/// hydraulic simulations, so the result is computed once per process and shared.
/// </summary>
public sealed class PumpScheduleService
{
    /// <summary>Junctions of the demo pumped zone.</summary>
    public const int DemoJunctions = 150;

    private readonly Lazy<Task<PumpScheduleView>> _demo = new(() => Task.Run(ComputeDemo));

    /// <summary>The demo tariff: night 0.08, day 0.18, evening peak (17–21 h) 0.34 €/kWh.</summary>
    public static EnergyTariff DemoTariff() => EnergyTariff.TimeOfUse(
        [.. Enumerable.Range(0, 24).Select(h => h is < 7 or >= 23 ? 0.08 : h is >= 17 and < 21 ? 0.34 : 0.18)]);

    public Task<PumpScheduleView> DemoScheduleAsync(CancellationToken cancellationToken) => _demo.Value.WaitAsync(cancellationToken);

    /// <summary>Schedules any network under a tariff (the caller bounds its size).</summary>
    public static PumpScheduleResult Schedule(CivicGrid.Water.Model.WaterNetwork network, EnergyTariff tariff, PumpScheduleOptions? options, CancellationToken cancellationToken) =>
        PumpScheduler.Optimise(network, tariff, options, cancellationToken);

    public static PumpScheduleView ToView(string name, CivicGrid.Water.Model.WaterNetwork network, PumpScheduleResult result)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(result);
        return new PumpScheduleView(name, network.Junctions.Count, result.Schedule.PumpIds, [.. network.Tanks.Select(t => t.Id)], result.Optimised, result.OwnControls,
            result.SavingsPercent, result.Evaluations, result.SearchMilliseconds, WindowHours(result));
    }

    /// <summary>Storage window of a schedule: the tanks' usable volume over the mean pumped flow.</summary>
    public static int WindowHours(PumpScheduleResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return PumpFlexibilityAdapter.StorageHours(result.Optimised, result.Optimised.MeanPumpedCubicMetersPerHour);
    }

    private static PumpScheduleView ComputeDemo()
    {
        var network = PumpedTownNetwork.Create(DemoJunctions);
        var result = PumpScheduler.Optimise(network, DemoTariff(), new PumpScheduleOptions { MaxEvaluations = 150 });
        return ToView("demo-city pumped zone", network, result);
    }
}

/// <summary>
/// Water supply operations on the demo city: each region is a district whose demand is its households' daily water use
/// (with the town's diurnal pattern); the city draws on a desalination plant, groundwater wells, rainwater storage and an
/// import main. <see cref="AllocateAsync"/> allocates them for a day (least cost or least energy); in a drought the
/// sources shrink and <see cref="RestrictAsync"/> spreads the shortfall fairly across regions with pressure management
/// and rotation. Every allocation and restriction is a decision in the region's transparency log.
/// </summary>
public sealed class WaterOperations(CityRepository city, IDecisionLog log)
{
    public const string AllocationAlgorithm = "water-source-allocation-lp";
    public const string RestrictionAlgorithm = "water-restriction-fair-share";
    public const string AlgorithmVersion = "1";

    /// <summary>Diurnal demand pattern of the demo town (mean 1).</summary>
    public static readonly IReadOnlyList<double> DiurnalPattern = Normalise([0.6, 0.5, 0.5, 0.6, 0.8, 1.1, 1.4, 1.3, 1.2, 1.1, 1.0, 1.1, 1.2, 1.1, 1.0, 1.0, 1.1, 1.3, 1.5, 1.4, 1.2, 1.0, 0.8, 0.7]);

    public static IReadOnlyList<string> Scenarios { get; } = ["normal", "drought"];

    /// <summary>The demo supply case for a scenario, from the regions' households.</summary>
    public async Task<(SupplyCase Case, IReadOnlyList<Region> Regions, IReadOnlyDictionary<string, IReadOnlyList<Household>> Households)> BuildCaseAsync(string scenario, CancellationToken cancellationToken)
    {
        if (!Scenarios.Contains(scenario, StringComparer.Ordinal))
        {
            throw new WaterOperationException($"unknown scenario '{scenario}' (normal or drought)");
        }
        var regions = await city.ListRegionsAsync(cancellationToken).ConfigureAwait(false);
        if (regions.Count == 0)
        {
            throw new WaterOperationException("the city has no regions");
        }
        var households = new Dictionary<string, IReadOnlyList<Household>>(StringComparer.Ordinal);
        var districts = new List<SupplyDistrict>();
        foreach (var r in regions)
        {
            var hh = await city.ListHouseholdsAsync(r.Id, cancellationToken).ConfigureAwait(false);
            households[r.Id] = hh;
            var daily = hh.Sum(h => h.DailyWaterCubicMeters);
            districts.Add(new SupplyDistrict(r.Id, [.. DiurnalPattern.Select(f => daily / 24 * f)]));
        }
        var total = districts.Sum(d => d.DailyDemandCubicMeters);
        var drought = scenario == "drought";
        // Wells reach the first half of the regions, rainwater storage the first region only.
        var wellRegions = regions.Take(Math.Max(1, regions.Count / 2)).Select(r => r.Id).ToList();
        var sources = new List<SupplySource>
        {
            new("desalination", SupplySourceKind.Desalination, 0.55 * total / 20, 0.55 * total, 0.85, 3.6),
            new("wells", SupplySourceKind.Groundwater, (drought ? 0.15 : 0.35) * total / 16, (drought ? 0.15 : 0.35) * total, 0.22, 0.7) { Districts = wellRegions },
            new("rainwater", SupplySourceKind.Rainwater, (drought ? 0.01 : 0.08) * total / 12, (drought ? 0.01 : 0.08) * total, 0.05, 0.15) { Districts = [regions[0].Id] },
            new("import", SupplySourceKind.Import, (drought ? 0.0 : 0.3) * total / 24, (drought ? 0.0 : 0.3) * total, 1.20, 1.1),
        };
        return (new SupplyCase(sources, districts), regions, households);
    }

    /// <summary>Allocates the scenario's sources for a day and records one decision per region supplied.</summary>
    public async Task<SourceAllocationOutcome> AllocateAsync(string scenario, AllocationObjective objective, DecisionActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var (supply, regions, _) = await BuildCaseAsync(scenario, cancellationToken).ConfigureAwait(false);
        var allocation = SourceAllocator.Allocate(supply, objective);
        var digest = DecisionRequest.DigestOf(CaseText(supply));
        var parameters = new Dictionary<string, string>
        {
            ["objective"] = objective.ToString().ToLowerInvariant(),
            ["scenario"] = scenario,
            ["solver"] = "CLP",
        };
        var requests = new List<DecisionRequest>();
        foreach (var d in allocation.Districts)
        {
            var flows = allocation.Flows.Where(f => f.DistrictId == d.DistrictId).ToList();
            var outcome = string.Create(CultureInfo.InvariantCulture,
                $"{d.DeliveredCubicMeters:F1} m³ of {d.DemandCubicMeters:F1} m³ supplied: {string.Join(", ", flows.Select(f => FormattableString.Invariant($"{f.SourceId} {f.DailyCubicMeters:F1} m³")))}");
            var reason = string.Create(CultureInfo.InvariantCulture,
                $"least-{parameters["objective"]} allocation of the day's sources ({scenario}); city total {allocation.CostEur:F2} EUR, {allocation.EnergyKwh:F0} kWh, shortfall {allocation.ShortfallCubicMeters:F1} m³");
            requests.Add(new DecisionRequest(DecisionKind.WaterSourceAllocation, d.DistrictId, [.. flows.Select(f => "water-source:" + f.SourceId)], actor,
                new DecisionAlgorithm(AllocationAlgorithm, AlgorithmVersion, parameters), digest, outcome, reason));
        }
        var receipts = await log.AppendBatchAsync(requests, cancellationToken).ConfigureAwait(false);
        _ = regions;
        return new SourceAllocationOutcome(scenario, supply, allocation, receipts);
    }

    /// <summary>
    /// Plans restrictions for the scenario's shortfall (what the least-cost allocation cannot deliver), records one
    /// <see cref="DecisionKind.WaterRestriction"/> per restricted region, and audits the plan with the energy module's
    /// restriction audit (households' water demand and curtailment in m³ in place of kWh; outage = hours without supply).
    /// </summary>
    public async Task<RestrictionOutcome> RestrictAsync(string scenario, ShortageSharing sharing, DecisionActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var (supply, regions, households) = await BuildCaseAsync(scenario, cancellationToken).ConfigureAwait(false);
        var allocation = SourceAllocator.Allocate(supply);
        var available = allocation.Districts.Sum(d => d.DeliveredCubicMeters);
        var districts = regions.Select((r, i) => new RestrictionDistrict(r.Id, supply.Districts[i].DailyDemandCubicMeters, 32 + (9 * i % 20), households[r.Id].Count)
        {
            PrvId = $"prv-{r.Id}",
        }).ToList();
        var options = new RestrictionOptions { Sharing = sharing };
        var plan = RestrictionPlanner.Plan(districts, available, options);
        var digest = DecisionRequest.DigestOf(CaseText(supply) + string.Create(CultureInfo.InvariantCulture, $"available,{available:R}\n"));
        var parameters = new Dictionary<string, string>
        {
            ["sharing"] = sharing == ShortageSharing.MaxMinFair ? "max-min-fair" : "proportional",
            ["scenario"] = scenario,
            ["pressure_exponent"] = options.PressureExponent.ToString(CultureInfo.InvariantCulture),
            ["minimum_pressure_m"] = options.MinimumServicePressureMeters.ToString(CultureInfo.InvariantCulture),
            ["available_m3"] = available.ToString("F1", CultureInfo.InvariantCulture),
        };
        var requests = new List<DecisionRequest>();
        foreach (var d in plan.Districts.Where(d => d.ShortageCubicMeters > 1e-6))
        {
            var measures = new List<string>();
            if (d.PressureReductionCubicMeters > 0)
            {
                measures.Add(FormattableString.Invariant($"PRV prv-{d.DistrictId} outlet {d.ServicePressureMeters:F1} → {d.RestrictedPressureMeters:F1} m"));
            }
            if (d.Rotation is { } w)
            {
                measures.Add(FormattableString.Invariant($"no supply {w.StartHour:D2}:00 for {w.Hours} h (rotation)"));
            }
            var outcome = string.Create(CultureInfo.InvariantCulture,
                $"{string.Join("; ", measures)}; {d.ShortageCubicMeters:F1} m³ of {d.DemandCubicMeters:F1} m³ withheld ({d.ShortageFraction:P1}), {d.Households} households");
            var reason = string.Create(CultureInfo.InvariantCulture,
                $"{scenario}: sources deliver {available:F1} m³ of {plan.DemandCubicMeters:F1} m³ demanded; the shortfall is shared {parameters["sharing"]} across {plan.Districts.Count} districts, pressure first, rotation for the rest");
            requests.Add(new DecisionRequest(DecisionKind.WaterRestriction, d.DistrictId, [$"water-district:{d.DistrictId}", $"prv-{d.DistrictId}"], actor,
                new DecisionAlgorithm(RestrictionAlgorithm, AlgorithmVersion, parameters), digest, outcome, reason));
        }
        var receipts = requests.Count == 0 ? [] : await log.AppendBatchAsync(requests, cancellationToken).ConfigureAwait(false);
        return new RestrictionOutcome(scenario, plan, receipts, Audit(plan, households));
    }

    /// <summary>Maps a plan to the restriction audit's entries: each household loses its region's fraction of its demand.</summary>
    public static AuditReport Audit(RestrictionPlan plan, IReadOnlyDictionary<string, IReadOnlyList<Household>> households)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(households);
        var entries = new List<CurtailmentEntry>();
        foreach (var d in plan.Districts)
        {
            foreach (var h in households.GetValueOrDefault(d.DistrictId) ?? [])
            {
                entries.Add(new CurtailmentEntry(h.Id, d.DistrictId, h.IncomeGroup.ToString().ToLowerInvariant(), h.DailyWaterCubicMeters,
                    h.DailyWaterCubicMeters * d.ShortageFraction, d.Rotation?.Hours ?? 0));
            }
        }
        return RestrictionAudit.Run(entries);
    }

    private static string CaseText(SupplyCase supply)
    {
        var sb = new StringBuilder();
        foreach (var s in supply.Sources)
        {
            sb.Append(CultureInfo.InvariantCulture, $"source,{s.Id},{s.Kind},{s.MaxCubicMetersPerHour:R},{s.MaxCubicMetersPerDay:R},{s.CostEurPerCubicMeter:R},{s.EnergyKwhPerCubicMeter:R},{string.Join(';', s.Districts ?? ["*"])}\n");
        }
        foreach (var d in supply.Districts)
        {
            sb.Append("district,").Append(d.Id);
            foreach (var v in d.DemandCubicMetersPerHour)
            {
                sb.Append(',').Append(v.ToString("R", CultureInfo.InvariantCulture));
            }
            sb.Append('\n');
        }
        return sb.ToString();
    }

    private static double[] Normalise(double[] pattern)
    {
        var mean = pattern.Average();
        return [.. pattern.Select(p => p / mean)];
    }
}

/// <summary>Registers the water operations services.</summary>
public static class WaterOperationsPlatformExtensions
{
    /// <summary>Adds the singleton <see cref="PumpScheduleService"/> and the scoped <see cref="WaterOperations"/>. Call after <c>AddCivicGridPlatform</c>.</summary>
    public static IServiceCollection AddWaterOperationsPlatform(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<PumpScheduleService>();
        services.TryAddScoped<WaterOperations>();
        return services;
    }
}
