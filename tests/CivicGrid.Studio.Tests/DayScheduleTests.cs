using CivicGrid.Studio.Day;
using Xunit;

namespace CivicGrid.Studio.Tests;

public class DayScheduleTests
{
    [Fact]
    public void A_day_that_does_not_add_up_to_1440_is_rejected()
    {
        var minutes = new Dictionary<ActivityCategory, double> { [ActivityCategory.Sleep] = 480, [ActivityCategory.FreeTime] = 900 };
        var ex = Assert.Throws<ArgumentException>(() => DaySchedule.FromMinutes(minutes));
        Assert.Contains("1,440", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Negative_minutes_are_rejected()
    {
        var minutes = new Dictionary<ActivityCategory, double> { [ActivityCategory.Sleep] = 1500, [ActivityCategory.FreeTime] = -60 };
        Assert.Throws<ArgumentException>(() => DaySchedule.FromMinutes(minutes));
    }

    [Fact]
    public void Oecd_categories_and_tiers_partition_the_day()
    {
        var day = Days.Worker();
        Assert.Equal(1440, Enum.GetValues<OecdCategory>().Sum(day.OecdMinutes), 9);
        Assert.Equal(1440, Enum.GetValues<StulaTier>().Sum(day.TierMinutes), 9);
        Assert.Equal(540, day.OecdMinutes(OecdCategory.PaidWorkOrStudy), 9);
    }

    [Fact]
    public void Disposable_time_excludes_all_personal_care_but_the_sleep_only_measure_keeps_meals_and_grooming()
    {
        var day = Days.Worker();
        var free = day[ActivityCategory.FreeTime];
        Assert.Equal(free, day.Measure(TimeMeasure.OecdLeisure), 9);
        Assert.Equal(free + day[ActivityCategory.Other], day.Measure(TimeMeasure.DisposableTime), 9);
        Assert.Equal(free + day[ActivityCategory.Meals] + day[ActivityCategory.PersonalCare], day.Measure(TimeMeasure.TimeAfterWorkAndSleep), 9);
    }

    [Fact]
    public void Whole_minutes_for_display_always_add_up_to_exactly_1440()
    {
        var random = new Random(7);
        for (var i = 0; i < 500; i++)
        {
            var day = Days.Random(random);
            var whole = day.WholeMinutes();
            Assert.Equal(1440, whole.Values.Sum());
            foreach (var (category, value) in whole)
            {
                Assert.True(Math.Abs(value - day[category]) < 1, $"{category}: {value} vs {day[category]}");
                Assert.True(value >= 0);
            }
        }
    }
}
