using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using CivicGrid.Energy.Forecasting;
using CivicGrid.Energy.Vpp;
using CivicGrid.Platform.Decisions;
using CivicGrid.Platform.DemoCity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CivicGrid.Platform.Energy;

/// <summary>
/// The demo city's virtual power plant, one per region: the households' PV, batteries and EVs behind the region's
/// feeder. On the simulated clock (the injected <see cref="TimeProvider"/>), each day is 96 quarter hours: load and PV
/// are forecast by the similar-day method from the previous week of telemetry, and the day-ahead schedule is one LP
/// (OR-Tools GLOP, exact aggregation of identical-shape devices) minimising energy cost and battery wear within the feeder
/// rating. Each adopted schedule — the day-ahead one and a re-plan at every interval — is a decision (see <see cref="VppPlanning"/>).
/// </summary>
public sealed class VppService(IOptions<PlatformOptions> options, TimeProvider time)
{
    private readonly Lazy<DemoCityModel> _city = new(() => DemoCityGenerator.Generate(options.Value.DemoCitySeed));
    private readonly ConcurrentDictionary<(string Region, long Day), Lazy<DaySchedule>> _days = new();

    public DemoCityModel City => _city.Value;

    public IReadOnlyList<DemoRegion> Regions => City.Regions;

    /// <summary>Time-of-use import price: night 0.12, day 0.25, evening peak (17–21 h) 0.35 EUR/kWh.</summary>
    public static double ImportPrice(int interval)
    {
        var hour = interval / 4;
        return hour < 7 ? 0.12 : hour is >= 17 and < 21 ? 0.35 : 0.25;
    }

    public const double ExportPrice = 0.06;

    /// <summary>The region's VPP now. Unknown regions raise <see cref="KeyNotFoundException"/>.</summary>
    public VppSnapshot Snapshot(string regionId)
    {
        var region = City.Regions.FirstOrDefault(r => r.Id == regionId) ?? throw new KeyNotFoundException($"no region '{regionId}'");
        var now = time.GetUtcNow();
        var day = (long)Math.Floor((now - DateTimeOffset.UnixEpoch).TotalDays);
        var current = (int)((now - DateTimeOffset.UnixEpoch.AddDays(day)).TotalMinutes / VppTelemetry.IntervalMinutes);
        var schedule = _days.GetOrAdd((region.Id, day), key => new Lazy<DaySchedule>(() => Build(region, key.Day))).Value;
        var seed = City.Seed;
        var intervals = new List<VppInterval>(VppTelemetry.IntervalsPerDay);
        double loadErr = 0, pvErr = 0;
        for (var t = 0; t < VppTelemetry.IntervalsPerDay; t++)
        {
            double? actualLoad = null, actualPv = null;
            if (t <= current)
            {
                actualLoad = schedule.Households.Sum(h => VppTelemetry.HouseholdLoadKw(seed, h, day, t));
                actualPv = schedule.PvPeakKw * VppTelemetry.PvKwPerKwPeak(seed, region.Id, day, t);
                loadErr += Math.Abs(actualLoad.Value - schedule.ForecastLoad[t]);
                pvErr += Math.Abs(actualPv.Value - schedule.ForecastPv[t]);
            }
            intervals.Add(new VppInterval(t, DateTimeOffset.UnixEpoch.AddDays(day).AddMinutes(t * VppTelemetry.IntervalMinutes), ImportPrice(t),
                schedule.ForecastLoad[t], actualLoad, schedule.ForecastPv[t], actualPv,
                schedule.Result.ImportKw[t], schedule.Result.ExportKw[t], schedule.PvUsed[t], schedule.Battery[t], schedule.Ev[t], schedule.BatteryEnergy[t]));
        }
        var seen = Math.Min(current + 1, VppTelemetry.IntervalsPerDay);
        var r = schedule.Result;
        return new VppSnapshot(region.Id, region.Name, DateOnly.FromDateTime(DateTimeOffset.UnixEpoch.AddDays(day).UtcDateTime), now, current,
            schedule.Summary, intervals, r.Costs.EnergyEur, r.Costs.WearEur, r.Costs.PenaltyEur,
            seen > 0 ? loadErr / seen : null, seen > 0 ? pvErr / seen : null, "similar-day (7 days)", "OR-Tools GLOP (aggregated LP)", r.SolveMilliseconds,
            [.. r.Violations.Take(100).Select(v => new VppViolation(v.Constraint, v.DerId, v.Interval, v.Amount, v.Unit))])
        {
            Plans = Book(region.Id, day).Plans(),
        };
    }

    private readonly ConcurrentDictionary<(string Region, long Day), PlanBook> _books = new();
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _regionLocks = new(StringComparer.Ordinal);

    private PlanBook Book(string region, long day) => _books.GetOrAdd((region, day), _ => new PlanBook());

    /// <summary>Serialises planning per region, so one interval is never adopted twice.</summary>
    internal SemaphoreSlim RegionLock(string regionId) => _regionLocks.GetOrAdd(regionId, _ => new SemaphoreSlim(1, 1));

    /// <summary>
    /// The schedules the region's VPP should adopt now and has not: today's day-ahead schedule, and a re-plan from the
    /// current interval (rolling horizon to the end of the day) from the state the adopted schedule has reached and
    /// forecasts corrected by the last measured error. Intervals the clock skipped are not re-planned after the fact.
    /// </summary>
    internal IReadOnlyList<PendingVppPlan> Pending(string regionId)
    {
        var region = City.Regions.FirstOrDefault(r => r.Id == regionId) ?? throw new KeyNotFoundException($"no region '{regionId}'");
        var now = time.GetUtcNow();
        var day = (long)Math.Floor((now - DateTimeOffset.UnixEpoch).TotalDays);
        var current = (int)((now - DateTimeOffset.UnixEpoch.AddDays(day)).TotalMinutes / VppTelemetry.IntervalMinutes);
        var schedule = _days.GetOrAdd((region.Id, day), key => new Lazy<DaySchedule>(() => Build(region, key.Day))).Value;
        var book = Book(region.Id, day);
        var pending = new List<PendingVppPlan>();
        var last = book.Latest();
        if (last is null)
        {
            pending.Add(Pending(region.Id, day, "day-ahead", 0, schedule.Portfolio, schedule.Result, "similar-day forecast from the previous 7 days"));
            last = (0, schedule.Result);
        }
        if (current > last.Value.From && current < VppTelemetry.IntervalsPerDay)
        {
            // Measured state: where the adopted schedule has brought each battery and EV by the start of this interval.
            var state = new Dictionary<string, double>(StringComparer.Ordinal);
            var offset = current - 1 - last.Value.From;
            foreach (var s in last.Value.Result.Schedules)
            {
                if (s.StateKwh is { } e && offset >= 0 && offset < e.Count && !double.IsNaN(e[offset]))
                {
                    state[s.Id] = e[offset];
                }
            }
            var seed = City.Seed;
            var actualLoad = schedule.Households.Sum(h => VppTelemetry.HouseholdLoadKw(seed, h, day, current - 1));
            var actualPv = schedule.PvPeakKw * VppTelemetry.PvKwPerKwPeak(seed, region.Id, day, current - 1);
            var load = Corrected(schedule.ForecastLoad, current, actualLoad - schedule.ForecastLoad[current - 1]);
            var pv = Corrected(schedule.ForecastPv, current, actualPv - schedule.ForecastPv[current - 1]);
            var portfolio = Compose(region, schedule.Resources, day, current, load, pv, schedule.PvPeakKw, schedule.Portfolio.Feeder.ImportLimitKw, state);
            var result = AggregatedDispatcher.Solve(portfolio).Dispatch;
            pending.Add(Pending(region.Id, day, "re-plan", current, portfolio, result, "similar-day forecast corrected by the error measured in the previous interval"));
        }
        return pending;
    }

    internal void Adopt(PendingVppPlan plan, DecisionReceipt receipt) => Book(plan.RegionId, plan.Day).Add(plan, receipt);

    /// <summary>Fresh forecast: the day's forecast plus the last measured error, fading by 20 % per interval ahead.</summary>
    private static double[] Corrected(double[] forecast, int from, double error)
    {
        var result = (double[])forecast.Clone();
        var weight = 1.0;
        for (var t = from; t < result.Length; t++)
        {
            weight *= 0.8;
            result[t] = Math.Max(0, result[t] + (error * weight));
        }
        return result;
    }

    private static PendingVppPlan Pending(string regionId, long day, string kind, int from, Portfolio portfolio, DispatchResult result, string forecast)
    {
        var inputs = new StringBuilder();
        inputs.Append(CultureInfo.InvariantCulture, $"{portfolio.Start:O};{portfolio.IntervalMinutes};{portfolio.Intervals};{portfolio.Feeder.ImportLimitKw:R};{portfolio.Feeder.ExportLimitKw:R}\n");
        inputs.AppendJoin(',', portfolio.Tariff.ImportEurPerKwh.Select(v => v.ToString("R", CultureInfo.InvariantCulture))).Append('\n');
        foreach (var der in portfolio.Ders)
        {
            inputs.Append(der switch
            {
                FixedLoad f => "load " + f.Id + ":" + string.Join(',', f.DemandKw.Select(v => v.ToString("R", CultureInfo.InvariantCulture))),
                PvArray p => "pv " + p.Id + ":" + string.Join(',', (p.AvailableKw ?? []).Select(v => v.ToString("R", CultureInfo.InvariantCulture))),
                Battery b => string.Create(CultureInfo.InvariantCulture, $"battery {b.Id}:{b.CapacityKwh:R},{b.MaxChargeKw:R},{b.InitialSocKwh:R},{b.FinalSocKwh:R}"),
                ElectricVehicle e => string.Create(CultureInfo.InvariantCulture, $"ev {e.Id}:{e.BatteryKwh:R},{e.MaxChargeKw:R},{e.ArrivalInterval},{e.DepartureInterval},{e.EnergyNeededKwh:R},{e.InitialSocKwh:R}"),
                _ => der.Id,
            }).Append('\n');
        }
        var full = new StringBuilder();
        foreach (var s in result.Schedules)
        {
            full.Append(s.Id).Append(':').AppendJoin(',', s.PowerKw.Select(v => v.ToString("R", CultureInfo.InvariantCulture))).Append('\n');
        }
        full.Append("import:").AppendJoin(',', result.ImportKw.Select(v => v.ToString("R", CultureInfo.InvariantCulture))).Append('\n');
        return new PendingVppPlan(regionId, day, kind, from, portfolio, result, DecisionRequest.DigestOf(inputs.ToString()), DecisionRequest.DigestOf(full.ToString()), forecast);
    }

    /// <summary>The adopted schedules of one region and day.</summary>
    private sealed class PlanBook
    {
        private readonly List<(PendingVppPlan Plan, DecisionReceipt Receipt)> _plans = [];

        public (int From, DispatchResult Result)? Latest()
        {
            lock (_plans)
            {
                return _plans.Count == 0 ? null : (_plans[^1].Plan.FromInterval, _plans[^1].Plan.Result);
            }
        }

        public void Add(PendingVppPlan plan, DecisionReceipt receipt)
        {
            lock (_plans)
            {
                _plans.Add((plan, receipt));
            }
        }

        public IReadOnlyList<VppPlan> Plans()
        {
            lock (_plans)
            {
                return [.. _plans.Select(p => p.Plan.ToView(p.Receipt))];
            }
        }
    }

    /// <summary>The day's portfolio as the dispatcher sees it (forecast profiles), e.g. for export as JSON.</summary>
    public Portfolio DayAheadPortfolio(string regionId)
    {
        var region = City.Regions.FirstOrDefault(r => r.Id == regionId) ?? throw new KeyNotFoundException($"no region '{regionId}'");
        var day = (long)Math.Floor((time.GetUtcNow() - DateTimeOffset.UnixEpoch).TotalDays);
        return _days.GetOrAdd((region.Id, day), key => new Lazy<DaySchedule>(() => Build(region, key.Day))).Value.Portfolio;
    }

    private sealed record DaySchedule(
        DemoHousehold[] Households, DemoDistributedResource[] Resources, double PvPeakKw, double[] ForecastLoad, double[] ForecastPv, Portfolio Portfolio, DispatchResult Result,
        double[] PvUsed, double[] Battery, double[] Ev, double[] BatteryEnergy, VppPortfolioSummary Summary);

    private DaySchedule Build(DemoRegion region, long day)
    {
        const int n = VppTelemetry.IntervalsPerDay;
        var seed = City.Seed;
        var households = City.Households.Where(h => h.RegionId == region.Id).ToArray();
        var ids = households.Select(h => h.Id).ToHashSet(StringComparer.Ordinal);
        var resources = City.Electricity.Resources.Where(r => ids.Contains(r.HouseholdId)).ToArray();
        var pvPeak = resources.Where(r => r.Kind == DistributedResourceKind.Photovoltaic).Sum(r => r.PowerKilowatts);
        var feeder = City.Electricity.Feeders.FirstOrDefault(f => f.RegionId == region.Id);

        // Telemetry of the previous week, then the similar-day forecast for today.
        const int historyDays = 7;
        var load = new double[historyDays * n];
        var pvPerKwp = new double[historyDays * n];
        for (var d = 0; d < historyDays; d++)
        {
            var past = day - historyDays + d;
            for (var t = 0; t < n; t++)
            {
                load[(d * n) + t] = households.Sum(h => VppTelemetry.HouseholdLoadKw(seed, h, past, t));
                pvPerKwp[(d * n) + t] = VppTelemetry.PvKwPerKwPeak(seed, region.Id, past, t);
            }
        }
        var forecaster = new SimilarDayForecaster(n, historyDays);
        var forecastLoad = forecaster.Forecast(load, load.Length, n);
        var forecastPv = forecaster.Forecast(pvPerKwp, pvPerKwp.Length, n).Select(v => v * pvPeak).ToArray();

        var limit = feeder?.RatingKilowatts ?? 1_000;
        var portfolio = Compose(region, resources, day, 0, forecastLoad, forecastPv, pvPeak, limit, null);
        var result = AggregatedDispatcher.Solve(portfolio).Dispatch;
        var battery = new double[n];
        var evKw = new double[n];
        var energy = new double[n];
        var pvUsed = new double[n];
        foreach (var s in result.Schedules)
        {
            for (var t = 0; t < n; t++)
            {
                switch (s.Type)
                {
                    case "battery":
                        battery[t] += s.PowerKw[t];
                        energy[t] += s.StateKwh![t];
                        break;
                    case "ev":
                        evKw[t] += s.PowerKw[t];
                        break;
                    case "pv":
                        pvUsed[t] += s.PowerKw[t];
                        break;
                }
            }
        }
        var summary = new VppPortfolioSummary(households.Length,
            resources.Count(r => r.Kind == DistributedResourceKind.Photovoltaic), pvPeak,
            resources.Count(r => r.Kind == DistributedResourceKind.Battery), resources.Where(r => r.Kind == DistributedResourceKind.Battery).Sum(r => r.EnergyCapacityKilowattHours),
            resources.Count(r => r.Kind == DistributedResourceKind.ElectricVehicle), resources.Where(r => r.Kind == DistributedResourceKind.ElectricVehicle).Sum(r => r.EnergyCapacityKilowattHours),
            limit);
        return new DaySchedule(households, resources, pvPeak, forecastLoad, forecastPv, portfolio, result, pvUsed, battery, evKw, energy, summary);
    }

    /// <summary>
    /// The VPP's portfolio from interval <paramref name="from"/> to the end of the day: household load and PV as
    /// forecast, batteries and EVs at their measured energy (<paramref name="state"/>, by device id; null = the day's
    /// start), EVs needing what is left of their target by departure.
    /// </summary>
    private Portfolio Compose(DemoRegion region, DemoDistributedResource[] resources, long day, int from, double[] load, double[] pv, double pvPeak, double limit,
        IReadOnlyDictionary<string, double>? state)
    {
        const int n = VppTelemetry.IntervalsPerDay;
        var seed = City.Seed;
        var h = n - from;
        var ders = new List<Der>
        {
            new FixedLoad("homes", load[from..]),
            new PvArray("rooftop-pv", Math.Max(pvPeak, 0)) { AvailableKw = pv[from..] },
        };
        foreach (var b in resources.Where(r => r.Kind == DistributedResourceKind.Battery))
        {
            var capacity = b.EnergyCapacityKilowattHours;
            ders.Add(new Battery(b.Id, capacity, b.PowerKilowatts, b.PowerKilowatts)
            {
                InitialSocKwh = state?.GetValueOrDefault(b.Id, capacity / 2) ?? capacity / 2, FinalSocKwh = capacity / 2, DegradationEurPerKwh = 0.02,
            });
        }
        foreach (var ev in resources.Where(r => r.Kind == DistributedResourceKind.ElectricVehicle))
        {
            var arrival = 68 + (int)(12 * VppTelemetry.Unit(seed, ev.Id, day, -3));
            var need = Math.Min(0.35 * ev.EnergyCapacityKilowattHours, 0.8 * ev.PowerKilowatts * (n - arrival) / 4.0);
            var initial = 0.3 * ev.EnergyCapacityKilowattHours;
            var soc = from > arrival && state is not null ? state.GetValueOrDefault(ev.Id, initial) : initial;
            ders.Add(new ElectricVehicle(ev.Id, ev.EnergyCapacityKilowattHours, ev.PowerKilowatts, Math.Max(arrival - from, 0), h, Math.Max(0, initial + need - soc))
            {
                InitialSocKwh = soc,
            });
        }
        return new Portfolio($"{region.Name} VPP", DateTimeOffset.UnixEpoch.AddDays(day).AddMinutes(from * VppTelemetry.IntervalMinutes), VppTelemetry.IntervalMinutes, h,
            new FeederLimits(limit, limit),
            new Tariff(Enumerable.Range(from, h).Select(ImportPrice).ToArray(), Enumerable.Repeat(ExportPrice, h).ToArray()), ders);
    }
}

/// <summary>Registers the VPP services of the platform.</summary>
public static class VppPlatformExtensions
{
    /// <summary>
    /// Adds <see cref="VppService"/> (one per process; it caches each region's day schedule), <see cref="VppPlanning"/>,
    /// <see cref="DemandResponseOperations"/> and the background re-plan <see cref="VppReplanService"/> (options from
    /// <c>CivicGrid:Energy:VppReplan</c>; <c>Enabled=false</c> turns it off).
    /// </summary>
    public static IServiceCollection AddVppPlatform(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<VppService>();
        services.TryAddScoped<VppPlanning>();
        services.TryAddScoped<DemandResponseOperations>();
        services.AddOptions<VppReplanOptions>().BindConfiguration(VppReplanOptions.SectionName);
        services.AddHostedService<VppReplanService>();
        return services;
    }
}
