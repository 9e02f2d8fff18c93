using CivicGrid.Energy.Vpp;
using CivicGrid.Water.Operations;

namespace CivicGrid.Platform.Water;

/// <summary>
/// Turns a pump schedule into flexible loads of the virtual power plant. A tank lets a pump's energy move in time but
/// not indefinitely: the day is cut into windows as long as the tank can carry the demand alone (its usable volume over
/// the mean pumped flow), and within each window the pump must draw the energy the simulated schedule drew there, at
/// up to its running power. Each window becomes a <see cref="ShiftableLoad"/> the dispatch may place in any of its hours.
/// </summary>
public static class PumpFlexibilityAdapter
{
    /// <summary>Hours a schedule's tanks can carry demand without pumping: the shortest over tanks, at least 1.</summary>
    public static int StorageHours(PumpScheduleEvaluation evaluation, double meanPumpedCubicMetersPerHour)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        if (meanPumpedCubicMetersPerHour <= 0)
        {
            return evaluation.Periods.Count;
        }
        var volume = evaluation.Tanks.Sum(t => t.UsableVolumeCubicMeters);
        return Math.Clamp((int)Math.Floor(volume / meanPumpedCubicMetersPerHour), 1, Math.Max(1, evaluation.Periods.Count));
    }

    /// <summary>One shiftable load per pump and storage window; intervals are the schedule's periods (hours).</summary>
    public static IReadOnlyList<ShiftableLoad> ToFlexibleLoads(PumpScheduleResult result, int windowHours)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentOutOfRangeException.ThrowIfLessThan(windowHours, 1);
        var o = result.Optimised;
        var periods = o.Periods.Count;
        var hoursPerPeriod = result.Schedule.PeriodSeconds / 3600.0;
        var loads = new List<ShiftableLoad>();
        for (var p = 0; p < result.Schedule.PumpIds.Count; p++)
        {
            var maxKw = o.PumpMeanPowerKw[p];
            if (maxKw <= 0)
            {
                continue;
            }
            for (var start = 0; start < periods; start += windowHours)
            {
                var end = Math.Min(periods, start + windowHours);
                var energy = o.Periods.Skip(start).Take(end - start).Sum(x => x.PumpEnergyKwh[p]);
                if (energy <= 1e-6)
                {
                    continue;
                }
                // Never ask more than the window can hold at full power.
                energy = Math.Min(energy, maxKw * (end - start) * hoursPerPeriod);
                loads.Add(new ShiftableLoad($"pump-{result.Schedule.PumpIds[p]}-h{start:D2}", energy, maxKw, start, end));
            }
        }
        return loads;
    }

    /// <summary>The schedule's price series as the VPP tariff (import price; export priced at zero).</summary>
    public static Tariff ToTariff(PumpScheduleEvaluation evaluation)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        return new Tariff([.. evaluation.Periods.Select(p => p.PriceEurPerKwh)], [.. evaluation.Periods.Select(_ => 0.0)]);
    }

    /// <summary>A VPP tariff's import prices as the pumping tariff (its intervals from the start of the run).</summary>
    public static EnergyTariff FromVppTariff(Tariff tariff, int intervalMinutes)
    {
        ArgumentNullException.ThrowIfNull(tariff);
        return EnergyTariff.FromSeries(tariff.ImportEurPerKwh, intervalMinutes);
    }
}
