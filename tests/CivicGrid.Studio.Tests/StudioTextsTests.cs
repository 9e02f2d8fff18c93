using System.Text.RegularExpressions;
using CivicGrid.Studio.Data;
using CivicGrid.Studio.Day;
using CivicGrid.Studio.Population;
using CivicGrid.Studio.Technologies;
using CivicGrid.Studio.Texts;
using Xunit;

namespace CivicGrid.Studio.Tests;

public partial class StudioTextsTests
{
    private static readonly StudioTexts Texts = StudioTexts.BuiltIn;

    [Fact]
    public void English_and_japanese_have_exactly_the_same_keys()
    {
        var en = Texts.Keys("en").ToHashSet();
        var ja = Texts.Keys("ja").ToHashSet();
        Assert.Empty(en.Except(ja));
        Assert.Empty(ja.Except(en));
        Assert.True(en.Count > 50);
    }

    [Fact]
    public void Every_text_is_non_empty_and_has_the_same_placeholders_in_both_languages()
    {
        foreach (var key in Texts.Keys("en"))
        {
            var en = Texts.Get("en", key);
            var ja = Texts.Get("ja", key);
            Assert.False(string.IsNullOrWhiteSpace(en), key);
            Assert.False(string.IsNullOrWhiteSpace(ja), key);
            Assert.Equal(Placeholders(en), Placeholders(ja));
        }
    }

    [Fact]
    public void Japanese_texts_are_actually_japanese()
    {
        var japanese = JapaneseScript();
        Assert.All(new[] { "activity.sleep", "ui.title", "measure.disposable_time", "headline" }, key => Assert.Matches(japanese, Texts.Get("ja", key)));
    }

    [Fact]
    public void Everything_the_engine_names_has_a_label_in_both_languages()
    {
        var keys = new List<string>();
        keys.AddRange(ActivityTaxonomy.All.Select(c => "activity." + ActivityTaxonomy.Key(c)));
        keys.AddRange(Enum.GetValues<StulaTier>().Select(t => "tier." + ActivityTaxonomy.Key(t)));
        keys.AddRange(Enum.GetValues<OecdCategory>().Select(c => "oecd." + ActivityTaxonomy.Key(c)));
        keys.AddRange(Enum.GetValues<PopulationSex>().Select(s => "sex." + ActivityTaxonomy.Key(s)));
        keys.AddRange(Enum.GetValues<TimeMeasure>().SelectMany(m => new[] { "measure." + StudioTexts.MeasureKey(m), "measure." + StudioTexts.MeasureKey(m) + ".definition" }));
        keys.AddRange(TechnologyCatalogue.BuiltIn.Technologies.SelectMany(t => new[] { $"tech.{t.Id}.name", $"tech.{t.Id}.description", "evidence." + t.Evidence }));
        keys.AddRange(TechnologyCatalogue.BuiltIn.Presets.SelectMany(p => new[] { "preset." + p.Id, "preset." + p.Id + ".description" }));
        keys.AddRange(new int?[] { null, 3, 20, 30, 40, 50, 60, 80 }.Select(a => "age_group." + PopulationSimulator.AgeGroup(a)));
        foreach (var language in StudioTexts.Languages)
        {
            foreach (var key in keys)
            {
                Assert.False(string.IsNullOrWhiteSpace(Texts.Get(language, key)), $"{language}: {key}");
            }
        }
    }

    [Fact]
    public void Headline_reads_minutes_per_day_and_hours_per_year_in_both_languages()
    {
        Assert.Equal("+40 min/day (= 243.3 h/year)", Texts.Headline("en", 40));
        Assert.Equal("+40 分/日（= 年 243.3 時間）", Texts.Headline("ja", 40));
    }

    [Fact]
    public void A_missing_key_or_language_is_an_error_not_an_empty_label()
    {
        Assert.Throws<KeyNotFoundException>(() => Texts.Get("en", "no.such.key"));
        Assert.Throws<KeyNotFoundException>(() => Texts.Get("fr", "ui.title"));
    }

    [Fact]
    public void A_malformed_dictionary_is_reported_with_its_line()
    {
        var ex = Assert.Throws<StudioDataException>(() => StudioTexts.ParseDictionary("{\n \"a\": \"b\",\n \"c\": 3\n}", "texts.xx.json"));
        Assert.Equal(3, ex.Line);
    }

    private static string[] Placeholders(string text) =>
        PlaceholderPattern().Matches(text).Select(m => m.Value).Order(StringComparer.Ordinal).ToArray();

    [GeneratedRegex(@"\{\d+\}")]
    private static partial Regex PlaceholderPattern();

    [GeneratedRegex(@"[\u3040-\u30FF\u4E00-\u9FFF]")]
    private static partial Regex JapaneseScript();
}
