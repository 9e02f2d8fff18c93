using CivicGrid.Platform.DemoCity;

namespace CivicGrid.Platform.Energy;

/// <summary>
/// Simulated smart-meter telemetry of the demo city at 15-minute resolution: each household's load follows a
/// morning/evening shape scaled to its annual consumption with day-to-day and interval noise; PV output per kWp
/// follows a clear-sky bell times a region-wide cloudiness of the day. Deterministic in (seed, household, day, interval),
/// so "actual" values never change once the simulated clock has passed them.
/// </summary>
public static class VppTelemetry
{
    public const int IntervalsPerDay = 96;
    public const int IntervalMinutes = 15;

    public static double HouseholdLoadKw(int seed, DemoHousehold household, long day, int interval)
    {
        ArgumentNullException.ThrowIfNull(household);
        var hour = interval / 4.0;
        var weekend = ((day + 4) % 7) is 5 or 6 ? 1.15 : 1.0; // day 0 = 1970-01-01, a Thursday
        var shape = 0.55 + (0.7 * Math.Exp(-Math.Pow((hour - 7.5) / 1.4, 2))) + (1.3 * Math.Exp(-Math.Pow((hour - 19) / 2.2, 2)));
        var meanKw = household.AnnualElectricityKilowattHours / 8760.0;
        // The shape's daily mean is about 0.98, so the yearly energy comes out as stated.
        return meanKw / 0.98 * shape * weekend * (0.85 + (0.3 * Unit(seed, household.Id, day, -1))) * (0.8 + (0.4 * Unit(seed, household.Id, day, interval)));
    }

    public static double PvKwPerKwPeak(int seed, string regionId, long day, int interval)
    {
        var hour = (interval + 0.5) / 4.0;
        var sun = Math.Max(0, Math.Sin(Math.PI * (hour - 6) / 14));
        var cloud = 0.35 + (0.65 * Unit(seed, regionId, day, -2));
        return 0.8 * sun * cloud * (0.9 + (0.2 * Unit(seed, regionId, day, interval)));
    }

    /// <summary>A uniform number in [0, 1) from a stable hash (FNV-1a then SplitMix64), independent of process and runtime.</summary>
    internal static double Unit(int seed, string key, long day, int interval)
    {
        ulong h = 1469598103934665603UL;
        foreach (var c in key)
        {
            h = (h ^ c) * 1099511628211UL;
        }
        var x = h ^ ((ulong)seed * 0x9E3779B97F4A7C15UL) ^ ((ulong)day * 0xBF58476D1CE4E5B9UL) ^ ((ulong)(interval + 7) * 0x94D049BB133111EBUL);
        x ^= x >> 30;
        x *= 0xBF58476D1CE4E5B9UL;
        x ^= x >> 27;
        x *= 0x94D049BB133111EBUL;
        x ^= x >> 31;
        return (x >> 11) * (1.0 / (1UL << 53));
    }
}
