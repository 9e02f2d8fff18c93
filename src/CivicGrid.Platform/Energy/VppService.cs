using System.Collections.Concurrent;
using CivicGrid.Energy.Forecasting;
using CivicGrid.Energy.Vpp;
using CivicGrid.Platform.DemoCity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CivicGrid.Platform.Energy;

/// <summary>
/// The demo city's virtual power plant, one per region: the households' PV, batteries and EVs behind the region's
/// feeder. On the simulated clock (the injected <see cref="TimeProvider"/>), each day is 96 quarter hours: load and PV
/// are forecast by the similar-day method from the previous week of telemetry, and the day-ahead schedule is one LP
/// (OR-Tools CLP) minimising energy cost and battery wear within the feeder rating.
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
            seen > 0 ? loadErr / seen : null, seen > 0 ? pvErr / seen : null, "similar-day (7 days)", "OR-Tools CLP", r.SolveMilliseconds,
            [.. r.Violations.Take(100).Select(v => new VppViolation(v.Constraint, v.DerId, v.Interval, v.Amount, v.Unit))]);
    }

    /// <summary>The day's portfolio as the dispatcher sees it (forecast profiles), e.g. for export as JSON.</summary>
    public Portfolio DayAheadPortfolio(string regionId)
    {
        var region = City.Regions.FirstOrDefault(r => r.Id == regionId) ?? throw new KeyNotFoundException($"no region '{regionId}'");
        var day = (long)Math.Floor((time.GetUtcNow() - DateTimeOffset.UnixEpoch).TotalDays);
        return _days.GetOrAdd((region.Id, day), key => new Lazy<DaySchedule>(() => Build(region, key.Day))).Value.Portfolio;
    }

    private sealed record DaySchedule(
        DemoHousehold[] Households, double PvPeakKw, double[] ForecastLoad, double[] ForecastPv, Portfolio Portfolio, DispatchResult Result,
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

        var ders = new List<Der>
        {
            new FixedLoad("homes", forecastLoad),
            new PvArray("rooftop-pv", Math.Max(pvPeak, 0)) { AvailableKw = forecastPv },
        };
        foreach (var b in resources.Where(r => r.Kind == DistributedResourceKind.Battery))
        {
            ders.Add(new Battery(b.Id, b.EnergyCapacityKilowattHours, b.PowerKilowatts, b.PowerKilowatts)
            {
                InitialSocKwh = b.EnergyCapacityKilowattHours / 2, FinalSocKwh = b.EnergyCapacityKilowattHours / 2, DegradationEurPerKwh = 0.02,
            });
        }
        foreach (var ev in resources.Where(r => r.Kind == DistributedResourceKind.ElectricVehicle))
        {
            var arrival = 68 + (int)(12 * VppTelemetry.Unit(seed, ev.Id, day, -3));
            var need = Math.Min(0.35 * ev.EnergyCapacityKilowattHours, 0.8 * ev.PowerKilowatts * (n - arrival) / 4.0);
            ders.Add(new ElectricVehicle(ev.Id, ev.EnergyCapacityKilowattHours, ev.PowerKilowatts, arrival, n, need) { InitialSocKwh = 0.3 * ev.EnergyCapacityKilowattHours });
        }
        var limit = feeder?.RatingKilowatts ?? 1_000;
        var portfolio = new Portfolio($"{region.Name} VPP", DateTimeOffset.UnixEpoch.AddDays(day), VppTelemetry.IntervalMinutes, n, new FeederLimits(limit, limit),
            new Tariff(Enumerable.Range(0, n).Select(ImportPrice).ToArray(), Enumerable.Repeat(ExportPrice, n).ToArray()), ders);
        var result = DispatchOptimizer.Solve(portfolio);
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
        return new DaySchedule(households, pvPeak, forecastLoad, forecastPv, portfolio, result, pvUsed, battery, evKw, energy, summary);
    }
}

/// <summary>Registers the VPP services of the platform.</summary>
public static class VppPlatformExtensions
{
    /// <summary>Adds <see cref="VppService"/> (one per process; it caches each region's day schedule).</summary>
    public static IServiceCollection AddVppPlatform(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<VppService>();
        return services;
    }
}
