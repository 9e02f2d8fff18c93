using CivicGrid.Studio.Data;
using CivicGrid.Studio.Day;
using Xunit;

namespace CivicGrid.Studio.Tests;

public class ScheduleJsonTests
{
    [Fact]
    public void A_schedule_file_parses_with_nulls_as_blanks()
    {
        var input = ScheduleJson.Parse("""
            {
              "sex": "women",
              "age": 38,
              "country": "Japan",
              "minutes": { "sleep": 420, "work": 480.5, "housework": null }
            }
            """, "s.json");
        Assert.Equal(PopulationSex.Women, input.Sex);
        Assert.Equal(38, input.Age);
        Assert.Equal(2, input.Minutes.Count);
        Assert.Equal(480.5, input.Minutes[ActivityCategory.Work]);
        Assert.False(input.Minutes.ContainsKey(ActivityCategory.Housework));
    }

    [Fact]
    public void An_empty_object_is_a_schedule_of_blanks()
    {
        var input = ScheduleJson.Parse("{}", "s.json");
        Assert.Empty(input.Minutes);
        Assert.Equal(PopulationSex.Total, input.Sex);
    }

    [Fact]
    public void A_syntax_error_names_line_and_column()
    {
        var ex = Assert.Throws<StudioDataException>(() => ScheduleJson.Parse("{\n  \"sex\": \"men\"\n  \"age\": 3\n}", "s.json"));
        Assert.Equal("s.json", ex.FileName);
        Assert.Equal(3, ex.Line);
        Assert.Equal(3, ex.Column);
    }

    [Fact]
    public void An_unknown_activity_names_its_line_column_and_the_known_keys()
    {
        var ex = Assert.Throws<StudioDataException>(() => ScheduleJson.Parse("{\n  \"minutes\": {\n    \"napping\": 30\n  }\n}", "s.json"));
        Assert.Equal(3, ex.Line);
        Assert.Equal(5, ex.Column);
        Assert.Contains("free_time", ex.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"minutes\": {\"sleep\": -5}}", "outside")]
    [InlineData("{\"minutes\": {\"sleep\": 2000}}", "outside")]
    [InlineData("{\"minutes\": {\"sleep\": \"eight hours\"}}", "number of minutes")]
    [InlineData("{\"minutes\": {\"sleep\": 400, \"SLEEP\": 300}}", "twice")]
    [InlineData("{\"sex\": \"robot\"}", "sex")]
    [InlineData("{\"age\": 12.5}", "age")]
    [InlineData("{\"colour\": \"blue\"}", "unknown field")]
    [InlineData("[1, 2]", "object")]
    public void Invalid_fields_are_explained(string json, string expected)
    {
        var ex = Assert.Throws<StudioDataException>(() => ScheduleJson.Parse(json, "s.json"));
        Assert.Contains(expected, ex.Reason, StringComparison.Ordinal);
        Assert.Equal(1, ex.Line);
    }
}
