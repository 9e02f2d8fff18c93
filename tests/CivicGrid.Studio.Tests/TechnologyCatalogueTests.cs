using CivicGrid.Studio.Data;
using CivicGrid.Studio.Day;
using CivicGrid.Studio.Technologies;
using Xunit;

namespace CivicGrid.Studio.Tests;

public class TechnologyCatalogueTests
{
    [Fact]
    public void Built_in_catalogue_carries_the_figures_of_the_issue_with_sources()
    {
        var catalogue = TechnologyCatalogue.BuiltIn;
        var telework = catalogue.Find("telework")!;
        Assert.Equal(ActivityCategory.Commute, telework.Category);
        Assert.Equal(63, telework.DefaultEffect);
        Assert.Equal(72, telework.EffectHigh);
        var housework = catalogue.Find("housework-robot")!;
        Assert.Equal(0.44, housework.DefaultEffect);
        Assert.Equal(0.36, housework.EffectLow);
        Assert.Equal(0.21, catalogue.Find("care-robot-children")!.DefaultEffect);
        Assert.Equal(0.28, catalogue.Find("care-robot-adults")!.DefaultEffect);
        Assert.Equal(0.59, catalogue.Find("delivery")!.DefaultEffect);
        Assert.Equal(50, catalogue.Find("autonomous-ride")!.MaxMinutesPerDay);
        var ai = catalogue.Find("ai-assistant")!;
        Assert.Equal(0.054, ai.DefaultEffect);
        Assert.Equal(0, ai.FreeShare);
        Assert.All(catalogue.Technologies, t => Assert.False(string.IsNullOrWhiteSpace(t.Source)));
        var realistic = catalogue.FindPreset("realistic")!;
        Assert.Equal(0.40, realistic.ToWorkShare);
        Assert.Equal(0.11, realistic.ToCareShare);
        Assert.NotNull(catalogue.FindPreset("full"));
    }

    [Fact]
    public void Appliances_are_applied_before_general_housework_automation()
    {
        var ids = TechnologyCatalogue.BuiltIn.Technologies.Select(t => t.Id).ToList();
        Assert.True(ids.IndexOf("dishwasher") < ids.IndexOf("housework-robot"));
        Assert.True(ids.IndexOf("telework") < ids.IndexOf("autonomous-ride"));
    }

    private const string Minimal = """
        {
          "presets": [ { "id": "full", "to_work": 0, "to_care": 0, "source": "x" } ],
          "technologies": [
            { "id": "t1", "category": "housework", "kind": "share_of_activity",
              "effect": { "default": 0.5, "low": 0.1, "high": 0.9 }, "evidence": "estimate", "source": "s" }
          ]
        }
        """;

    [Fact]
    public void A_minimal_catalogue_parses()
    {
        var catalogue = TechnologyCatalogue.Parse(Minimal, "c.json");
        Assert.Single(catalogue.Technologies);
        Assert.Equal(1, catalogue.Technologies[0].FreeShare);
    }

    [Fact]
    public void A_json_syntax_error_reports_line_and_column()
    {
        var broken = Minimal.Replace("\"kind\": \"share_of_activity\",", "\"kind\": \"share_of_activity\"", StringComparison.Ordinal);
        var ex = Assert.Throws<StudioDataException>(() => TechnologyCatalogue.Parse(broken, "c.json"));
        Assert.Equal("c.json", ex.FileName);
        Assert.Equal(5, ex.Line);
        Assert.True(ex.Column > 0);
    }

    [Theory]
    [InlineData("\"category\": \"housework\"", "\"category\": \"gardening\"", "gardening")]
    [InlineData("\"default\": 0.5", "\"default\": 0.95", "default")]
    [InlineData("\"kind\": \"share_of_activity\"", "\"kind\": \"magic\"", "magic")]
    [InlineData("\"source\": \"s\"", "\"source\": \"\"", "source")]
    [InlineData("\"evidence\": \"estimate\"", "\"evidence\": \"estimate\", \"colour\": \"red\"", "colour")]
    public void Invalid_technologies_are_rejected_with_a_reason(string from, string to, string expected)
    {
        var ex = Assert.Throws<StudioDataException>(() => TechnologyCatalogue.Parse(Minimal.Replace(from, to, StringComparison.Ordinal), "c.json"));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.Equal("c.json", ex.FileName);
    }

    [Fact]
    public void A_semantic_error_points_at_the_line_of_the_technology()
    {
        var ex = Assert.Throws<StudioDataException>(() =>
            TechnologyCatalogue.Parse(Minimal.Replace("\"housework\"", "\"gardening\"", StringComparison.Ordinal), "c.json"));
        Assert.Equal(4, ex.Line);
        Assert.Contains("'t1'", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_preset_passing_back_more_than_everything_is_rejected()
    {
        var ex = Assert.Throws<StudioDataException>(() =>
            TechnologyCatalogue.Parse(Minimal.Replace("\"to_work\": 0,", "\"to_work\": 0.8,", StringComparison.Ordinal).Replace("\"to_care\": 0,", "\"to_care\": 0.5,", StringComparison.Ordinal), "c.json"));
        Assert.Contains("preset 'full'", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_technology_ids_are_rejected()
    {
        var doubled = Minimal.Replace("\"source\": \"s\" }", "\"source\": \"s\" }, { \"id\": \"T1\", \"category\": \"work\", \"kind\": \"minutes_per_day\", \"effect\": { \"default\": 1, \"low\": 0, \"high\": 2 }, \"source\": \"s\" }", StringComparison.Ordinal);
        var ex = Assert.Throws<StudioDataException>(() => TechnologyCatalogue.Parse(doubled, "c.json"));
        Assert.Contains("twice", ex.Reason, StringComparison.Ordinal);
    }
}
