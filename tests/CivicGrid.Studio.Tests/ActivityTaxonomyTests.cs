using CivicGrid.Studio.Day;
using Xunit;

namespace CivicGrid.Studio.Tests;

public class ActivityTaxonomyTests
{
    [Fact]
    public void Every_activity_key_parses_back_to_the_same_activity()
    {
        foreach (var category in ActivityTaxonomy.All)
        {
            Assert.True(ActivityTaxonomy.TryParse(ActivityTaxonomy.Key(category), out var parsed));
            Assert.Equal(category, parsed);
        }
        Assert.False(ActivityTaxonomy.TryParse("napping", out _));
    }

    [Fact]
    public void Stula_tiers_follow_the_survey_primary_secondary_tertiary_split()
    {
        Assert.Equal(StulaTier.Primary, ActivityTaxonomy.Tier(ActivityCategory.Sleep));
        Assert.Equal(StulaTier.Primary, ActivityTaxonomy.Tier(ActivityCategory.Meals));
        Assert.Equal(StulaTier.Secondary, ActivityTaxonomy.Tier(ActivityCategory.Commute));
        Assert.Equal(StulaTier.Secondary, ActivityTaxonomy.Tier(ActivityCategory.Childcare));
        Assert.Equal(StulaTier.Tertiary, ActivityTaxonomy.Tier(ActivityCategory.FreeTime));
    }

    [Fact]
    public void Commute_counts_as_paid_work_and_care_as_unpaid_work_in_oecd_terms()
    {
        Assert.Equal(OecdCategory.PaidWorkOrStudy, ActivityTaxonomy.Oecd(ActivityCategory.Commute));
        Assert.Equal(OecdCategory.UnpaidWork, ActivityTaxonomy.Oecd(ActivityCategory.Caregiving));
        Assert.Equal(OecdCategory.UnpaidWork, ActivityTaxonomy.Oecd(ActivityCategory.Shopping));
        Assert.Equal(OecdCategory.PersonalCare, ActivityTaxonomy.Oecd(ActivityCategory.Sleep));
        Assert.Equal(OecdCategory.Leisure, ActivityTaxonomy.Oecd(ActivityCategory.FreeTime));
        // Every OECD top category holds at least one activity.
        foreach (var top in Enum.GetValues<OecdCategory>())
        {
            Assert.Contains(ActivityTaxonomy.All, c => ActivityTaxonomy.Oecd(c) == top);
        }
    }

    [Theory]
    [InlineData("women", PopulationSex.Women)]
    [InlineData("Male", PopulationSex.Men)]
    [InlineData("total", PopulationSex.Total)]
    public void Sex_parses_common_spellings(string text, PopulationSex expected)
    {
        Assert.True(ActivityTaxonomy.TryParseSex(text, out var sex));
        Assert.Equal(expected, sex);
    }
}
