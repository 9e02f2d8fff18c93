using CivicGrid.Studio.Day;

namespace CivicGrid.Studio.Simulation;

/// <summary>What one technology did to the day.</summary>
/// <param name="TechnologyId">The technology.</param>
/// <param name="Category">The activity it took time from.</param>
/// <param name="Effect">Effect used: share (0–1) or minutes.</param>
/// <param name="UsesPerWeek">Days of use per week, for technologies used on some days; else null.</param>
/// <param name="GrossSavedMinutes">Minutes per day taken off <paramref name="Category"/>.</param>
/// <param name="ToWorkMinutes">Of those, minutes that go back to paid work (kept by the employer or re-invested).</param>
/// <param name="ToCareMinutes">Of those, minutes that go to childcare and caregiving.</param>
/// <param name="FreeMinutes">Of those, minutes that become free time.</param>
/// <param name="CappedByOwnMinutes">The effect asked for more than the person had left in the activity.</param>
/// <param name="CappedByDailyLimit">The technology's own daily cap applied.</param>
public sealed record TechnologyContribution(
    string TechnologyId,
    ActivityCategory Category,
    double Effect,
    double? UsesPerWeek,
    double GrossSavedMinutes,
    double ToWorkMinutes,
    double ToCareMinutes,
    double FreeMinutes,
    bool CappedByOwnMinutes,
    bool CappedByDailyLimit);

/// <summary>The headline: free minutes gained per day and the same in hours per year (×365/60).</summary>
public sealed record Headline(double MinutesPerDay, double HoursPerYear)
{
    public static Headline FromMinutesPerDay(double minutes) => new(minutes, minutes * 365 / 60);
}

/// <summary>Before and after, the contribution of each technology, and the totals.</summary>
public sealed record SimulationResult(
    DaySchedule Before,
    DaySchedule After,
    string PresetId,
    IReadOnlyList<TechnologyContribution> Contributions,
    IReadOnlyList<string> Notes)
{
    /// <summary>Minutes per day taken off activities by all technologies together.</summary>
    public double GrossSavedMinutes => Contributions.Sum(c => c.GrossSavedMinutes);

    /// <summary>Minutes per day that really become free (after time passed back to work and care).</summary>
    public double FreeGainedMinutes => After[ActivityCategory.FreeTime] - Before[ActivityCategory.FreeTime];

    public double ToWorkMinutes => Contributions.Sum(c => c.ToWorkMinutes);

    public double ToCareMinutes => Contributions.Sum(c => c.ToCareMinutes);

    /// <summary>"+N min/day (= N·365/60 h/year)" of free time gained.</summary>
    public Headline Headline => Headline.FromMinutesPerDay(FreeGainedMinutes);
}
