using System.Globalization;

namespace CivicGrid.Studio.Day;

/// <summary>
/// One day of one person (or an average person): minutes per activity, never negative, always 1,440 in total.
/// Minutes are fractional because averages and percentage effects are.
/// </summary>
public sealed class DaySchedule
{
    /// <summary>How far the total may drift from 1,440 through floating-point arithmetic.</summary>
    public const double ToleranceMinutes = 1e-6;

    private readonly double[] _minutes;

    private DaySchedule(double[] minutes) => _minutes = minutes;

    /// <summary>
    /// Builds a schedule. Throws <see cref="ArgumentException"/> when a value is negative or not finite, or when the
    /// minutes do not add up to 1,440.
    /// </summary>
    public static DaySchedule FromMinutes(IReadOnlyDictionary<ActivityCategory, double> minutes)
    {
        ArgumentNullException.ThrowIfNull(minutes);
        var values = new double[ActivityTaxonomy.All.Count];
        foreach (var (category, value) in minutes)
        {
            if (!double.IsFinite(value) || value < 0)
            {
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"{ActivityTaxonomy.Key(category)}: {value} is not a non-negative number of minutes"),
                    nameof(minutes));
            }
            values[(int)category] = value;
        }
        var total = values.Sum();
        if (Math.Abs(total - ActivityTaxonomy.DayMinutes) > ToleranceMinutes)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"the activities add up to {total:0.##} min, not 1,440"),
                nameof(minutes));
        }
        return new DaySchedule(values);
    }

    /// <summary>Minutes spent on <paramref name="category"/>.</summary>
    public double this[ActivityCategory category] => _minutes[(int)category];

    /// <summary>Minutes per activity, in <see cref="ActivityTaxonomy.All"/> order.</summary>
    public IReadOnlyDictionary<ActivityCategory, double> Minutes =>
        ActivityTaxonomy.All.ToDictionary(c => c, c => _minutes[(int)c]);

    /// <summary>Sum of all activities (1,440 up to rounding error).</summary>
    public double TotalMinutes => _minutes.Sum();

    /// <summary>Minutes in one of OECD's five top categories.</summary>
    public double OecdMinutes(OecdCategory category) =>
        ActivityTaxonomy.All.Where(c => ActivityTaxonomy.Oecd(c) == category).Sum(c => _minutes[(int)c]);

    /// <summary>Minutes in one STULA tier.</summary>
    public double TierMinutes(StulaTier tier) =>
        ActivityTaxonomy.All.Where(c => ActivityTaxonomy.Tier(c) == tier).Sum(c => _minutes[(int)c]);

    /// <summary>The value of one comparison measure (leisure, disposable time, …) for this day.</summary>
    public double Measure(TimeMeasure measure) => measure switch
    {
        TimeMeasure.OecdLeisure => OecdMinutes(OecdCategory.Leisure),
        TimeMeasure.DisposableTime => OecdMinutes(OecdCategory.Leisure) + OecdMinutes(OecdCategory.Other),
        _ => ActivityTaxonomy.DayMinutes - OecdMinutes(OecdCategory.PaidWorkOrStudy) - OecdMinutes(OecdCategory.UnpaidWork) - this[ActivityCategory.Sleep],
    };

    /// <summary>A copy with some activities changed; the result must still be a valid day.</summary>
    public DaySchedule With(IReadOnlyDictionary<ActivityCategory, double> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var copy = Minutes.ToDictionary(kv => kv.Key, kv => kv.Value);
        foreach (var (category, value) in changes)
        {
            copy[category] = value;
        }
        return FromMinutes(copy);
    }

    /// <summary>
    /// Whole minutes per activity that still add up to exactly 1,440 (largest-remainder rounding), for display:
    /// rounding each value on its own can show a day of 1,439 or 1,441 minutes.
    /// </summary>
    public IReadOnlyDictionary<ActivityCategory, int> WholeMinutes()
    {
        var floors = _minutes.Select(m => (int)Math.Floor(m + ToleranceMinutes)).ToArray();
        var missing = (int)ActivityTaxonomy.DayMinutes - floors.Sum();
        var order = Enumerable.Range(0, _minutes.Length)
            .OrderByDescending(i => _minutes[i] - floors[i])
            .ThenBy(i => i)
            .ToArray();
        for (var k = 0; k < missing && k < order.Length; k++)
        {
            floors[order[k]]++;
        }
        return ActivityTaxonomy.All.ToDictionary(c => c, c => floors[(int)c]);
    }
}

/// <summary>The ways a day's free time is compared with other countries.</summary>
public enum TimeMeasure
{
    /// <summary>OECD "leisure": sports, events, friends, TV and radio, other leisure.</summary>
    OecdLeisure,

    /// <summary>
    /// What is left after paid work (with commuting), unpaid work and all personal care including sleep:
    /// OECD leisure plus OECD "other".
    /// </summary>
    DisposableTime,

    /// <summary>
    /// 1,440 minus paid work (with commuting), unpaid work and sleep only: meals and grooming count as disposable.
    /// The sleep-inclusive definition, on which short-sleeping countries such as Japan rank higher.
    /// </summary>
    TimeAfterWorkAndSleep,
}
