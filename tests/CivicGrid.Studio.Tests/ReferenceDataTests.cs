using System.Globalization;
using CivicGrid.Studio.Data;
using CivicGrid.Studio.Day;
using CivicGrid.Studio.Simulation;
using CivicGrid.Testing;
using Xunit;

namespace CivicGrid.Studio.Tests;

/// <summary>
/// Validation against the shared OECD Time Use tables (studio/oecd_time_use_*.csv) and the G7 extract computed from
/// them (studio/g7_extract.csv): exact agreement, tolerance 1e-9 min.
/// </summary>
public class ReferenceDataTests
{
    [Fact]
    public void All_three_tables_load_with_the_same_33_countries()
    {
        var data = Days.Reference();
        foreach (var sex in Enum.GetValues<PopulationSex>())
        {
            var table = data.Table(sex);
            Assert.Equal(33, table.Countries.Count);
            Assert.Equal(data.Total.Countries.Select(c => c.Country), table.Countries.Select(c => c.Country));
        }
        // Names are trimmed ("Italy " and "Norway " in the files).
        Assert.NotNull(data.Total.Find("Italy"));
        Assert.NotNull(data.Total.Find("Norway"));
    }

    [Fact]
    public void Japan_total_matches_the_figures_stated_in_the_data_readme()
    {
        var japan = Days.Reference().Total.Find("Japan")!;
        Assert.Equal("2016", japan.SurveyYear);
        Assert.Equal(363, japan.Published(OecdCategory.PaidWorkOrStudy));
        Assert.Equal(43, japan.Value(CountryTimeUse.CommuteRow));
        Assert.Equal(132, japan.Published(OecdCategory.UnpaidWork));
        Assert.Equal(620, japan.Published(OecdCategory.PersonalCare));
        Assert.Equal(442, japan.Value(CountryTimeUse.SleepRow));
        Assert.Equal(278, japan.Published(OecdCategory.Leisure));
    }

    [Fact]
    public void Measures_computed_from_the_tables_equal_the_g7_extract_columns()
    {
        var data = Days.Reference();
        var extract = CsvText.Parse(File.ReadAllText(ReferenceData.Require("studio/g7_extract.csv")), "g7_extract.csv");
        var header = extract[0].Fields.Select(f => f.Trim()).ToList();
        int Col(string name) => header.IndexOf(name);
        var checkedRows = 0;
        foreach (var row in extract.Skip(1))
        {
            Assert.True(ActivityTaxonomy.TryParseSex(row.Fields[Col("sex")], out var sex));
            var country = data.Table(sex).Find(row.Fields[Col("country")])!;
            Assert.NotNull(country);
            double Value(string column) => double.Parse(row.Fields[Col(column)], CultureInfo.InvariantCulture);
            Assert.Equal(row.Fields[Col("survey_year")], country.SurveyYear);
            Assert.Equal(Value("leisure"), country.Measure(TimeMeasure.OecdLeisure), 9);
            Assert.Equal(Value("leisure_plus_other"), country.Measure(TimeMeasure.DisposableTime), 9);
            Assert.Equal(Value("disposable_A_1440-PW-UW-sleep"), country.Measure(TimeMeasure.TimeAfterWorkAndSleep), 9);
            checkedRows++;
        }
        Assert.Equal(21, checkedRows);
    }

    [Fact]
    public void Every_national_average_becomes_a_valid_day_of_1440_minutes()
    {
        var data = Days.Reference();
        foreach (var sex in Enum.GetValues<PopulationSex>())
        {
            foreach (var country in data.Table(sex).Countries)
            {
                var day = country.ToSchedule(out var notes);
                Assert.Equal(1440, day.TotalMinutes, 6);
                Assert.All(day.Minutes.Values, v => Assert.True(v >= 0));
                // Free time keeps the published leisure unless the columns had to be scaled.
                if (country.PublishedTotal == 1440)
                {
                    Assert.Equal(country.Published(OecdCategory.Leisure), day[ActivityCategory.FreeTime], 6);
                    Assert.Equal(country.Published(OecdCategory.PaidWorkOrStudy), day.OecdMinutes(OecdCategory.PaidWorkOrStudy), 6);
                }
                else
                {
                    Assert.Contains(notes, n => n.Contains("scaled to 1,440", StringComparison.Ordinal));
                }
            }
        }
    }

    [Fact]
    public void Japan_women_average_day_splits_unpaid_work_into_the_survey_activities()
    {
        var day = Days.Reference().NationalAverage("Japan", PopulationSex.Women, out _);
        // Japan women 2016: published columns add up to 1,439 (rounding), so every value is scaled by 1440/1439.
        const double scale = 1440.0 / 1439.0;
        Assert.Equal(148 * scale, day[ActivityCategory.Housework], 6);
        Assert.Equal(35 * scale, day[ActivityCategory.Shopping], 6);
        Assert.Equal(32 * scale, day[ActivityCategory.Childcare], 6);
        Assert.Equal(6 * scale, day[ActivityCategory.Caregiving], 6);
        Assert.Equal(435 * scale, day[ActivityCategory.Sleep], 6);
        Assert.Equal(33 * scale, day[ActivityCategory.Commute], 6);
    }

    [Fact]
    public void Published_usa_columns_exceed_the_day_and_are_reconciled_with_a_note()
    {
        var usa = Days.Reference().Total.Find("USA")!;
        Assert.Equal(1470, usa.PublishedTotal);
        var day = usa.ToSchedule(out var notes);
        Assert.Equal(1440, day.TotalMinutes, 6);
        Assert.Contains(notes, n => n.Contains("1470", StringComparison.Ordinal));
    }

    [Fact]
    public void Mexico_women_listed_unpaid_parts_exceed_their_total_and_are_scaled_down()
    {
        var mexico = Days.Reference().Women.Find("Mexico")!;
        var day = mexico.ToSchedule(out var notes);
        Assert.Contains(notes, n => n.Contains("unpaid_work", StringComparison.Ordinal));
        Assert.Equal(0, day[ActivityCategory.OtherUnpaid], 9);
        Assert.All(day.Minutes.Values, v => Assert.True(v >= 0));
    }

    [Fact]
    public void Japan_is_lowest_in_the_g7_on_oecd_leisure_but_not_on_either_disposable_measure()
    {
        var table = Days.Reference().Total;
        var japan = table.Find("Japan")!;
        var g7 = table.Countries.Where(c => c.IsG7).ToList();
        Assert.Equal(7, g7.Count);
        Assert.Equal("Japan", g7.MinBy(c => c.Measure(TimeMeasure.OecdLeisure))!.Country);
        Assert.NotEqual("Japan", g7.MinBy(c => c.Measure(TimeMeasure.DisposableTime))!.Country);
        Assert.NotEqual("Japan", g7.MinBy(c => c.Measure(TimeMeasure.TimeAfterWorkAndSleep))!.Country);

        var leisure = OecdPosition.Compute(table, TimeMeasure.OecdLeisure, japan.Measure(TimeMeasure.OecdLeisure));
        Assert.Equal(0, leisure.G7Below);
        var sleepInclusive = OecdPosition.Compute(table, TimeMeasure.TimeAfterWorkAndSleep, japan.Measure(TimeMeasure.TimeAfterWorkAndSleep));
        Assert.True(sleepInclusive.G7Below > 0);
    }
}
