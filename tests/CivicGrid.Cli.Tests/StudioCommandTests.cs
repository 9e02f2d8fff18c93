using System.Text.Json;
using CivicGrid.Testing;
using Xunit;

namespace CivicGrid.Cli.Tests;

public class StudioCommandTests
{
    private const string Schedule = """
        {
          "sex": "women",
          "age": 38,
          "minutes": { "sleep": 420, "commute": 80, "work": 420, "housework": 150, "childcare": 60 }
        }
        """;

    private static string Write(TempFolder folder, string name, string text)
    {
        var path = Path.Combine(folder.Path, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public async Task Run_with_json_prints_a_1440_minute_day_before_and_after_and_the_headline()
    {
        var data = ReferenceData.Require("studio");
        using var folder = RepositoryPaths.CreateTempFolder();
        var schedule = Write(folder, "s.json", Schedule);
        var result = await CliRunner.RunAsync("studio", "run", schedule, "--tech", "telework:2,housework-robot", "--data", data, "--json");
        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.StdOut);
        var root = doc.RootElement;
        double Sum(string name) => root.GetProperty(name).EnumerateObject().Sum(p => p.Value.GetDouble());
        Assert.Equal(1440, Sum("before"), 0);
        Assert.Equal(1440, Sum("after"), 0);
        Assert.Equal(420, root.GetProperty("before").GetProperty("work").GetDouble());
        var telework = root.GetProperty("contributions").EnumerateArray().Single(c => c.GetProperty("technology").GetString() == "telework");
        Assert.Equal(2 * 63.0 / 7, telework.GetProperty("gross_saved_minutes").GetDouble(), 2);
        var free = root.GetProperty("free_gained_minutes").GetDouble();
        var headline = root.GetProperty("headline");
        Assert.Equal(free * 365 / 60, headline.GetProperty("hours_per_year").GetDouble(), 0);
        Assert.StartsWith("+", headline.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(3, root.GetProperty("oecd_position").GetArrayLength());
        Assert.Equal(33, root.GetProperty("oecd_position")[0].GetProperty("countries").GetArrayLength());
        var averaged = root.GetProperty("schedule").GetProperty("from_averages").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains("shopping", averaged);
        Assert.DoesNotContain("work", averaged);
    }

    [Fact]
    public async Task Realistic_preset_frees_less_than_the_full_preset()
    {
        var data = ReferenceData.Require("studio");
        using var folder = RepositoryPaths.CreateTempFolder();
        var schedule = Write(folder, "s.json", Schedule);
        var full = await CliRunner.RunAsync("studio", "run", schedule, "--tech", "telework:2,delivery", "--data", data, "--json");
        var realistic = await CliRunner.RunAsync("studio", "run", schedule, "--tech", "telework:2,delivery", "--preset", "realistic", "--data", data, "--json");
        Assert.Equal(0, full.ExitCode);
        Assert.Equal(0, realistic.ExitCode);
        using var a = JsonDocument.Parse(full.StdOut);
        using var b = JsonDocument.Parse(realistic.StdOut);
        var gross = a.RootElement.GetProperty("gross_saved_minutes").GetDouble();
        Assert.Equal(gross, b.RootElement.GetProperty("gross_saved_minutes").GetDouble(), 2);
        Assert.Equal(gross, a.RootElement.GetProperty("free_gained_minutes").GetDouble(), 2);
        Assert.Equal(0.49 * gross, b.RootElement.GetProperty("free_gained_minutes").GetDouble(), 1);
    }

    [Fact]
    public async Task Human_output_in_japanese_shows_the_japanese_headline()
    {
        var data = ReferenceData.Require("studio");
        using var folder = RepositoryPaths.CreateTempFolder();
        var schedule = Write(folder, "s.json", Schedule);
        var result = await CliRunner.RunAsync("studio", "run", schedule, "--tech", "telework:2", "--data", data, "--lang", "ja");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("分/日", result.StdOut, StringComparison.Ordinal);
        Assert.Contains("導入前", result.StdOut, StringComparison.Ordinal); // table header "before"
    }

    [Fact]
    public async Task A_malformed_schedule_exits_2_naming_file_line_and_column()
    {
        using var folder = RepositoryPaths.CreateTempFolder();
        var schedule = Write(folder, "bad.json", "{\n  \"minutes\": {\n    \"napping\": 30\n  }\n}");
        var result = await CliRunner.RunAsync("studio", "run", schedule, "--json");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("bad.json:3:5", result.StdErr, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(result.StdOut);
        Assert.Contains("napping", doc.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_technology_exits_2_and_lists_the_known_ones()
    {
        using var folder = RepositoryPaths.CreateTempFolder();
        var schedule = Write(folder, "s.json", Schedule);
        var result = await CliRunner.RunAsync("studio", "run", schedule, "--tech", "teleporter");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("teleporter", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("housework-robot", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_schedule_file_exits_2()
    {
        var result = await CliRunner.RunAsync("studio", "run", "/nonexistent/schedule.json");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("not found", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Population_reports_the_distribution_by_sex_and_age_group()
    {
        var data = ReferenceData.Require("studio");
        using var folder = RepositoryPaths.CreateTempFolder();
        var csv = Write(folder, "residents.csv", "id,sex,age,commute,work,housework\na,women,34,60,420,150\nb,men,52,90,540,20\nc,men,58,,,\n");
        var result = await CliRunner.RunAsync("studio", "population", csv, "--tech", "telework:2,housework-robot", "--data", data, "--json");
        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.StdOut);
        var root = doc.RootElement;
        Assert.Equal(3, root.GetProperty("overall").GetProperty("residents").GetInt32());
        var men5564 = root.GetProperty("groups").EnumerateArray().Single(g => g.GetProperty("sex").GetString() == "men" && g.GetProperty("age_group").GetString() == "55_64");
        Assert.Equal(1, men5564.GetProperty("residents").GetInt32());
        Assert.Equal(2, root.GetProperty("by_sex").GetArrayLength());
    }

    [Fact]
    public async Task Population_csv_errors_name_the_line()
    {
        using var folder = RepositoryPaths.CreateTempFolder();
        var csv = Write(folder, "residents.csv", "id,sex,age,work\na,women,34,lots\n");
        var result = await CliRunner.RunAsync("studio", "population", csv);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("residents.csv:2:4", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Technologies_with_json_lists_every_technology_with_a_source()
    {
        var result = await CliRunner.RunAsync("studio", "technologies", "--json");
        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.StdOut);
        var techs = doc.RootElement.GetProperty("technologies").EnumerateArray().ToList();
        Assert.Contains(techs, t => t.GetProperty("id").GetString() == "telework");
        Assert.All(techs, t => Assert.False(string.IsNullOrWhiteSpace(t.GetProperty("source").GetString())));
    }
}
