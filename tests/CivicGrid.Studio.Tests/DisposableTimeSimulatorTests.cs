using CivicGrid.Studio.Data;
using CivicGrid.Studio.Day;
using CivicGrid.Studio.Simulation;
using CivicGrid.Studio.Technologies;
using Xunit;

namespace CivicGrid.Studio.Tests;

public class DisposableTimeSimulatorTests
{
    private static readonly TechnologyCatalogue Catalogue = TechnologyCatalogue.BuiltIn;
    private static readonly DisposableTimeSimulator Simulator = new(Catalogue);

    private static SimulationResult Run(DaySchedule day, string techs, string preset = Scenario.FullPreset) =>
        Simulator.Run(day, new Scenario(Scenario.ParseChoices(techs, Catalogue), preset));

    [Fact]
    public void Any_scenario_on_any_day_keeps_1440_minutes_and_no_negative_activity()
    {
        var random = new Random(42);
        var ids = Catalogue.Technologies.Select(t => t.Id).ToArray();
        for (var i = 0; i < 400; i++)
        {
            var day = Days.Random(random);
            var picked = ids.Where(_ => random.NextDouble() < 0.5).Select(id => new TechnologyChoice(id)).ToList();
            var preset = random.NextDouble() < 0.5 ? Scenario.FullPreset : Scenario.RealisticPreset;
            var result = Simulator.Run(day, new Scenario(picked, preset));
            Assert.Equal(1440, result.After.TotalMinutes, 6);
            Assert.All(result.After.Minutes.Values, v => Assert.True(v >= 0, $"negative minutes in {preset}"));
            Assert.True(result.FreeGainedMinutes <= result.GrossSavedMinutes + 1e-9);
            Assert.True(result.FreeGainedMinutes >= -1e-9);
            Assert.Equal(result.GrossSavedMinutes, result.Contributions.Sum(c => c.ToWorkMinutes + c.ToCareMinutes + c.FreeMinutes), 6);
            Assert.Equal(result.FreeGainedMinutes, result.Contributions.Sum(c => c.FreeMinutes), 6);
        }
    }

    [Fact]
    public void Savings_on_one_activity_never_exceed_the_persons_own_minutes_in_it()
    {
        var random = new Random(3);
        var all = string.Join(',', Catalogue.Technologies.Select(t => t.HasUsesPerWeek ? t.Id + ":7" : t.Id));
        for (var i = 0; i < 300; i++)
        {
            var day = Days.Random(random);
            var result = Run(day, all);
            foreach (var group in result.Contributions.GroupBy(c => c.Category))
            {
                Assert.True(group.Sum(c => c.GrossSavedMinutes) <= day[group.Key] + 1e-9, $"{group.Key} saved more than the person spends");
            }
        }
    }

    [Fact]
    public void Telework_two_days_saves_two_sevenths_of_63_minutes_per_day()
    {
        var result = Run(Days.Worker(), "telework:2");
        var telework = Assert.Single(result.Contributions);
        Assert.Equal(2 * 63.0 / 7, telework.GrossSavedMinutes, 9);
        Assert.Equal(2 * 63.0 / 7, result.FreeGainedMinutes, 9);
        Assert.Equal(60 - (2 * 63.0 / 7), result.After[ActivityCategory.Commute], 9);
        Assert.False(telework.CappedByOwnMinutes);
    }

    [Fact]
    public void Telework_is_capped_by_a_short_commute()
    {
        var day = Days.With((ActivityCategory.Sleep, 480), (ActivityCategory.Commute, 10), (ActivityCategory.Work, 400));
        var result = Run(day, "telework:5");
        var telework = Assert.Single(result.Contributions);
        Assert.Equal(10, telework.GrossSavedMinutes, 9);
        Assert.True(telework.CappedByOwnMinutes);
        Assert.Equal(0, result.After[ActivityCategory.Commute], 9);
    }

    [Fact]
    public void Autonomous_rides_free_at_most_50_minutes_a_day()
    {
        var day = Days.With((ActivityCategory.Sleep, 480), (ActivityCategory.Commute, 120), (ActivityCategory.Work, 400));
        var ride = Assert.Single(Run(day, "autonomous-ride").Contributions);
        Assert.Equal(50, ride.GrossSavedMinutes, 9);
        Assert.True(ride.CappedByDailyLimit);
    }

    [Fact]
    public void Housework_automation_acts_on_what_the_appliances_left()
    {
        var worker = Days.Worker();
        var result = Run(worker, "housework-robot,dishwasher,robot-vacuum");
        var left = worker[ActivityCategory.Housework] - 15 - 6;
        var robot = result.Contributions.Single(c => c.TechnologyId == "housework-robot");
        Assert.Equal(0.44 * left, robot.GrossSavedMinutes, 9);
        Assert.Equal(left * 0.56, result.After[ActivityCategory.Housework], 9);
    }

    [Fact]
    public void The_order_technologies_are_named_in_does_not_change_the_result()
    {
        var a = Run(Days.Worker(), "housework-robot,dishwasher,telework:3,autonomous-ride");
        var b = Run(Days.Worker(), "autonomous-ride,telework:3,dishwasher,housework-robot");
        Assert.Equal(a.FreeGainedMinutes, b.FreeGainedMinutes, 12);
        Assert.Equal(a.Contributions.Select(c => c.TechnologyId), b.Contributions.Select(c => c.TechnologyId));
    }

    [Fact]
    public void Ai_assistance_saves_work_hours_but_passes_none_to_free_time_by_default()
    {
        var worker = Days.Worker();
        var result = Run(worker, "ai-assistant");
        var ai = Assert.Single(result.Contributions);
        Assert.Equal(0.054 * 480, ai.GrossSavedMinutes, 9);
        Assert.Equal(ai.GrossSavedMinutes, ai.ToWorkMinutes, 9);
        Assert.Equal(0, result.FreeGainedMinutes, 9);
        Assert.Equal(480, result.After[ActivityCategory.Work], 9);
    }

    [Fact]
    public void Realistic_preset_passes_40_percent_to_work_and_11_percent_to_care()
    {
        var worker = Days.Worker();
        var full = Run(worker, "telework:2,delivery");
        var realistic = Run(worker, "telework:2,delivery", Scenario.RealisticPreset);
        Assert.Equal(full.GrossSavedMinutes, realistic.GrossSavedMinutes, 9);
        Assert.Equal(0.40 * full.GrossSavedMinutes, realistic.ToWorkMinutes, 9);
        Assert.Equal(0.11 * full.GrossSavedMinutes, realistic.ToCareMinutes, 9);
        Assert.Equal(0.49 * full.GrossSavedMinutes, realistic.FreeGainedMinutes, 9);
        Assert.Equal(480 + realistic.ToWorkMinutes, realistic.After[ActivityCategory.Work], 9);
        // The worker does childcare only, so all care time goes there.
        Assert.Equal(30 + realistic.ToCareMinutes, realistic.After[ActivityCategory.Childcare], 9);
    }

    [Fact]
    public void Time_cannot_be_passed_back_to_care_that_the_person_does_not_do()
    {
        var day = Days.With((ActivityCategory.Sleep, 480), (ActivityCategory.Commute, 60), (ActivityCategory.Work, 480));
        var result = Run(day, "telework:5", Scenario.RealisticPreset);
        Assert.Equal(0, result.ToCareMinutes, 9);
        Assert.Equal(0.60 * result.GrossSavedMinutes, result.FreeGainedMinutes, 9);
        Assert.Contains(result.Notes, n => n.Contains("care", StringComparison.Ordinal));
        Assert.Equal(0, result.After[ActivityCategory.Childcare]);
    }

    [Fact]
    public void Headline_hours_per_year_are_minutes_per_day_times_365_over_60()
    {
        var result = Run(Days.Worker(), "telework:2,housework-robot");
        Assert.Equal(result.FreeGainedMinutes * 365 / 60, result.Headline.HoursPerYear, 9);
        Assert.Equal(result.FreeGainedMinutes, result.Headline.MinutesPerDay, 12);
    }

    [Fact]
    public void No_technology_changes_nothing()
    {
        var worker = Days.Worker();
        var result = Run(worker, string.Empty);
        Assert.Empty(result.Contributions);
        Assert.All(ActivityTaxonomy.All, c => Assert.Equal(worker[c], result.After[c], 12));
    }

    [Theory]
    [InlineData("teleport", "unknown technology")]
    [InlineData("telework:9", "days per week")]
    [InlineData("housework-robot:80", "range")]
    [InlineData("telework:two", "not a number")]
    [InlineData("telework,telework:2", "twice")]
    public void Bad_technology_choices_are_explained(string text, string expected)
    {
        var ex = Assert.Throws<StudioDataException>(() => Scenario.ParseChoices(text, Catalogue));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_chosen_percentage_replaces_the_default_share()
    {
        var result = Run(Days.Worker(), "housework-robot:36");
        Assert.Equal(0.36 * 90, Assert.Single(result.Contributions).GrossSavedMinutes, 9);
    }

    [Fact]
    public void An_unknown_preset_is_an_error()
    {
        Assert.Throws<StudioDataException>(() => Simulator.Run(Days.Worker(), new Scenario([], "optimistic")));
    }
}
