using System.Text.Json;
using CivicGrid.Testing;
using Xunit;

namespace CivicGrid.Cli.Tests;

/// <summary><c>civicgrid water leaks generate|detect|score|place-sensors</c> run as a process.</summary>
public class WaterLeakCommandTests
{
    [Fact]
    public async Task Generate_detect_and_score_chain_through_files()
    {
        var inp = ReferenceData.Require("water/networks/Net3.inp");
        using var folder = RepositoryPaths.CreateTempFolder();
        var gen = await CliRunner.RunAsync("water", "leaks", "generate", inp, "--out", folder.Path, "--seed", "4", "--days", "8", "--training-days", "4", "--sensors", "8", "--json");
        Assert.True(gen.ExitCode == 0, gen.StdErr);
        using (var doc = JsonDocument.Parse(gen.StdOut))
        {
            Assert.Equal(1, doc.RootElement.GetProperty("leaks").GetArrayLength());
            Assert.Contains(doc.RootElement.GetProperty("channels").EnumerateArray(), c => c.GetString()!.StartsWith("L:", StringComparison.Ordinal));
        }
        var sensors = Path.Combine(folder.Path, "sensors.csv");
        Assert.StartsWith("time_s,P:", File.ReadLines(sensors).First(), StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(folder.Path, "leaks.csv")));

        var alarms = Path.Combine(folder.Path, "alarms.json");
        var detect = await CliRunner.RunAsync("water", "leaks", "detect", inp, sensors, "--training-days", "4", "--out", alarms, "--json");
        Assert.True(detect.ExitCode == 0, detect.StdErr);
        using (var doc = JsonDocument.Parse(detect.StdOut))
        {
            Assert.Equal(["threshold", "model", "data", "combined"], doc.RootElement.EnumerateArray().Select(r => r.GetProperty("method").GetString()));
        }

        var score = await CliRunner.RunAsync("water", "leaks", "score", inp, Path.Combine(folder.Path, "leaks.json"), alarms, "--json");
        Assert.True(score.ExitCode == 0, score.StdErr);
        using (var doc = JsonDocument.Parse(score.StdOut))
        {
            foreach (var s in doc.RootElement.EnumerateArray())
            {
                var tp = s.GetProperty("true_positives").GetInt32();
                var fp = s.GetProperty("false_positives").GetInt32();
                Assert.Equal(1, s.GetProperty("leaks").GetInt32());
                Assert.InRange(tp, 0, 1);
                // every false alarm costs 500 € and a true positive never loses more than the crew cost
                Assert.True(s.GetProperty("score_eur").GetDouble() >= (-500.0 * fp) - (500.0 * tp) - 1e-6);
            }
        }
    }

    [Fact]
    public async Task Malformed_sensor_csv_names_file_line_and_reason()
    {
        var inp = ReferenceData.Require("water/networks/Net3.inp");
        using var folder = RepositoryPaths.CreateTempFolder();
        var bad = Path.Combine(folder.Path, "bad.csv");
        File.WriteAllText(bad, "time_s,P:123\n0,40.1\n900,4o.2\n");
        var result = await CliRunner.RunAsync("water", "leaks", "detect", inp, bad);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("bad.csv:3:2:", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("not a number", result.StdErr, StringComparison.Ordinal);

        File.WriteAllText(bad, "time,P:123\n0,40\n");
        var header = await CliRunner.RunAsync("water", "leaks", "detect", inp, bad, "--json");
        Assert.Equal(2, header.ExitCode);
        using var doc = JsonDocument.Parse(header.StdOut);
        Assert.Contains("bad.csv:1:1:", doc.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);

        var missing = await CliRunner.RunAsync("water", "leaks", "detect", inp, Path.Combine(folder.Path, "none.csv"));
        Assert.Equal(2, missing.ExitCode);
        var method = await CliRunner.RunAsync("water", "leaks", "detect", inp, bad, "--method", "magic");
        Assert.Equal(2, method.ExitCode);
    }

    [Fact]
    public async Task Place_sensors_reports_greedy_coverage_at_least_the_random_average()
    {
        var inp = ReferenceData.Require("water/networks/Net3.inp");
        var result = await CliRunner.RunAsync("water", "leaks", "place-sensors", inp, "--count", "6", "--json");
        Assert.True(result.ExitCode == 0, result.StdErr);
        using var doc = JsonDocument.Parse(result.StdOut);
        var root = doc.RootElement;
        Assert.Equal(6, root.GetProperty("nodes").GetArrayLength());
        Assert.True(root.GetProperty("objective").GetDouble() >= root.GetProperty("random_mean_objective").GetDouble());
        var bad = await CliRunner.RunAsync("water", "leaks", "place-sensors", inp, "--count", "0");
        Assert.Equal(2, bad.ExitCode);
    }
}
