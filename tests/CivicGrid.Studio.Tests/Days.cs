using CivicGrid.Studio.Data;
using CivicGrid.Studio.Day;
using CivicGrid.Testing;

namespace CivicGrid.Studio.Tests;

/// <summary>Helpers that build days for tests and load the shared time-use data.</summary>
internal static class Days
{
    /// <summary>A day with the given activities; free time takes the rest.</summary>
    public static DaySchedule With(params (ActivityCategory Category, double Minutes)[] activities)
    {
        var minutes = activities.ToDictionary(a => a.Category, a => a.Minutes);
        minutes[ActivityCategory.FreeTime] = 1440 - activities.Sum(a => a.Minutes);
        return DaySchedule.FromMinutes(minutes);
    }

    /// <summary>A typical working day: 7 h sleep, 8 h work, 1 h commute, 1.5 h housework, 30 min childcare, 20 min shopping.</summary>
    public static DaySchedule Worker() => With(
        (ActivityCategory.Sleep, 420),
        (ActivityCategory.PersonalCare, 60),
        (ActivityCategory.Meals, 90),
        (ActivityCategory.Commute, 60),
        (ActivityCategory.Work, 480),
        (ActivityCategory.Housework, 90),
        (ActivityCategory.Childcare, 30),
        (ActivityCategory.Shopping, 20));

    /// <summary>A random valid day: random non-negative weights scaled to 1,440, some activities zero.</summary>
    public static DaySchedule Random(Random random)
    {
        var weights = ActivityTaxonomy.All.ToDictionary(c => c, _ => random.NextDouble() < 0.25 ? 0 : random.NextDouble());
        weights[ActivityCategory.Sleep] += 0.5;
        var sum = weights.Values.Sum();
        var minutes = weights.ToDictionary(kv => kv.Key, kv => kv.Value / sum * 1440);
        minutes[ActivityCategory.Sleep] += 1440 - minutes.Values.Sum();
        return DaySchedule.FromMinutes(minutes);
    }

    public static TimeUseReferenceData Reference() => TimeUseReferenceData.LoadFolder(ReferenceData.Require("studio"));
}
