using CivicGrid.Studio.Data;
using CivicGrid.Studio.Day;
using Xunit;

namespace CivicGrid.Studio.Tests;

public class ScheduleCompletionTests
{
    [Fact]
    public void An_empty_schedule_is_exactly_the_national_average_for_the_sex()
    {
        var data = Days.Reference();
        var completed = ScheduleCompletion.Complete(new ScheduleInput { Sex = PopulationSex.Women }, data);
        var average = data.NationalAverage("Japan", PopulationSex.Women, out _);
        Assert.All(ActivityTaxonomy.All, c => Assert.Equal(average[c], completed.Day[c], 9));
        Assert.Equal(ActivityTaxonomy.All.Count, completed.FromAverages.Count);
        Assert.DoesNotContain(completed.Notes, n => n.Contains("share the", StringComparison.Ordinal));
    }

    [Fact]
    public void Blank_activities_share_the_rest_of_the_day_in_proportion_to_the_national_averages()
    {
        var data = Days.Reference();
        var input = new ScheduleInput
        {
            Sex = PopulationSex.Women,
            Minutes = new Dictionary<ActivityCategory, double>
            {
                [ActivityCategory.Work] = 540, [ActivityCategory.Commute] = 90, [ActivityCategory.Sleep] = 400,
            },
        };
        var completed = ScheduleCompletion.Complete(input, data);
        var average = data.NationalAverage("Japan", PopulationSex.Women, out _);
        var blanks = ActivityTaxonomy.All.Where(c => !input.Minutes.ContainsKey(c)).ToList();
        var factor = (1440.0 - 540 - 90 - 400) / blanks.Sum(c => average[c]);
        Assert.Equal(540, completed.Day[ActivityCategory.Work]);
        Assert.Equal(400, completed.Day[ActivityCategory.Sleep]);
        Assert.Equal(average[ActivityCategory.Housework] * factor, completed.Day[ActivityCategory.Housework], 6);
        Assert.Equal(average[ActivityCategory.FreeTime] * factor, completed.Day[ActivityCategory.FreeTime], 6);
        Assert.Equal(1440, completed.Day.TotalMinutes, 6);
        Assert.Contains(ActivityCategory.Housework, completed.FromAverages);
        Assert.DoesNotContain(ActivityCategory.Work, completed.FromAverages);
        Assert.Contains(completed.Notes, n => n.Contains("share the", StringComparison.Ordinal));
    }

    [Fact]
    public void With_free_time_entered_the_averaged_activities_are_scaled_to_fit_the_day()
    {
        var data = Days.Reference();
        var input = new ScheduleInput
        {
            Sex = PopulationSex.Men,
            Minutes = new Dictionary<ActivityCategory, double> { [ActivityCategory.FreeTime] = 200, [ActivityCategory.Sleep] = 400 },
        };
        var completed = ScheduleCompletion.Complete(input, data);
        Assert.Equal(200, completed.Day[ActivityCategory.FreeTime], 9);
        Assert.Equal(400, completed.Day[ActivityCategory.Sleep], 9);
        Assert.Equal(1440, completed.Day.TotalMinutes, 6);
        Assert.All(completed.Day.Minutes.Values, v => Assert.True(v >= 0));
    }

    [Fact]
    public void A_full_schedule_that_does_not_add_up_is_an_error_that_suggests_leaving_free_time_blank()
    {
        var minutes = ActivityTaxonomy.All.ToDictionary(c => c, _ => 100.0);
        var ex = Assert.Throws<StudioDataException>(() => ScheduleCompletion.Complete(new ScheduleInput { Minutes = minutes }, null));
        Assert.Contains("1300", ex.Reason, StringComparison.Ordinal);
        Assert.Contains("free_time", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Entries_over_a_day_are_an_error()
    {
        var input = new ScheduleInput { Minutes = new Dictionary<ActivityCategory, double> { [ActivityCategory.Sleep] = 900, [ActivityCategory.Work] = 600 } };
        var ex = Assert.Throws<StudioDataException>(() => ScheduleCompletion.Complete(input, Days.Reference()));
        Assert.Contains("over 1,440", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_data_only_free_time_may_be_blank()
    {
        var minutes = ActivityTaxonomy.All.Where(c => c != ActivityCategory.FreeTime).ToDictionary(c => c, _ => 60.0);
        var completed = ScheduleCompletion.Complete(new ScheduleInput { Minutes = minutes }, null);
        Assert.Equal(1440 - (12 * 60), completed.Day[ActivityCategory.FreeTime], 9);

        minutes.Remove(ActivityCategory.Sleep);
        var ex = Assert.Throws<StudioDataException>(() => ScheduleCompletion.Complete(new ScheduleInput { Minutes = minutes }, null));
        Assert.Contains("sleep", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_country_is_an_error()
    {
        var ex = Assert.Throws<StudioDataException>(() => ScheduleCompletion.Complete(new ScheduleInput { Country = "Atlantis" }, Days.Reference()));
        Assert.Contains("Atlantis", ex.Message, StringComparison.Ordinal);
    }
}
