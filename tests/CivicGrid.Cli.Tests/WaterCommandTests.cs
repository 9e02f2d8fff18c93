using System.Globalization;
using System.Text.Json;
using CivicGrid.Testing;
using Xunit;

namespace CivicGrid.Cli.Tests;

public class WaterCommandTests
{
    [Fact]
    public async Task Simulate_with_json_reports_status_steps_and_iterations()
    {
        var inp = ReferenceData.Require("water/networks/Net1.inp");
        var result = await CliRunner.RunAsync("water", "simulate", inp, "--json");
        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.StdOut);
        var root = doc.RootElement;
        Assert.Equal("converged", root.GetProperty("status").GetString());
        // EPANET 2.3.5 takes 27 hydraulic steps on Net1 (reference/Net1.t0.json summary).
        Assert.Equal(27, root.GetProperty("steps").GetInt32());
        Assert.True(root.GetProperty("iterations").GetInt32() >= 27);
        Assert.Equal(JsonValueKind.Array, root.GetProperty("warnings").ValueKind);
    }

    [Fact]
    public async Task Simulate_writes_a_series_with_the_documented_header_and_epanet_values()
    {
        var inp = ReferenceData.Require("water/networks/Net1.inp");
        var reference = File.ReadAllLines(ReferenceData.Require("water/reference/Net1.series.csv"));
        using var folder = RepositoryPaths.CreateTempFolder();
        var csv = Path.Combine(folder.Path, "net1.csv");
        var result = await CliRunner.RunAsync("water", "simulate", inp, "--series", csv, "--json");
        Assert.Equal(0, result.ExitCode);
        var lines = File.ReadAllLines(csv);
        Assert.Equal(reference[0], lines[0]);
        Assert.Equal(reference.Length, lines.Length);
        // Row at 3600 s, pressure at node 10 within EPANET's regression tolerance.
        var mine = lines[2].Split(',');
        var theirs = reference[2].Split(',');
        Assert.Equal(theirs[0], mine[0]);
        var a = double.Parse(mine[1], CultureInfo.InvariantCulture);
        var b = double.Parse(theirs[1], CultureInfo.InvariantCulture);
        Assert.True(Math.Abs(a - b) <= 1e-4 + (0.01 * Math.Abs(b)), $"{a} vs {b}");
    }

    [Fact]
    public async Task Run_writes_chlorine_quality_that_matches_the_epanet_reference()
    {
        var inp = ReferenceData.Require("water/networks/Net1.inp");
        var reference = File.ReadAllLines(ReferenceData.Require("water/reference/Net1.quality_chlorine.csv"));
        using var folder = RepositoryPaths.CreateTempFolder();
        var csv = Path.Combine(folder.Path, "net1-quality.csv");
        var result = await CliRunner.RunAsync("water", "run", inp, "--quality", csv, "--json");
        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.StdOut);
        var quality = doc.RootElement.GetProperty("quality");
        Assert.Equal("chemical", quality.GetProperty("kind").GetString());
        Assert.InRange(quality.GetProperty("max").GetDouble(), 0.99, 1.0 + 1e-9);
        var lines = File.ReadAllLines(csv);
        Assert.Equal("time_s," + string.Join(',', reference[0].Split(',').Skip(1).Select(id => "C:" + id)), lines[0]);
        // EPANET 2.3.5 chlorine at node 32 at 24 h (the last row of the reference), within |a−b| ≤ 1e-4 + 0.01·|b|.
        var theirs = reference[^1].Split(',');
        var mine = lines.Last(l => l.StartsWith(theirs[0] + ",", StringComparison.Ordinal)).Split(',');
        var a = double.Parse(mine[9], CultureInfo.InvariantCulture);
        var b = double.Parse(theirs[9], CultureInfo.InvariantCulture);
        Assert.True(Math.Abs(a - b) <= 1e-4 + (0.01 * Math.Abs(b)), $"{a} vs {b}");
    }

    [Fact]
    public async Task Quality_output_for_a_network_without_quality_is_an_error()
    {
        using var folder = RepositoryPaths.CreateTempFolder();
        var inp = Path.Combine(folder.Path, "noq.inp");
        File.WriteAllText(inp, "[JUNCTIONS]\nJ1 10 5\n[RESERVOIRS]\nR 50\n[PIPES]\nP1 R J1 100 12 100 0 OPEN\n[TIMES]\nDURATION 2:00\n[END]\n");
        var result = await CliRunner.RunAsync("water", "simulate", inp, "--quality", Path.Combine(folder.Path, "q.csv"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no water quality", result.StdErr + result.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Malformed_file_exits_2_with_file_line_and_reason()
    {
        using var folder = RepositoryPaths.CreateTempFolder();
        var bad = Path.Combine(folder.Path, "bad.inp");
        await File.WriteAllTextAsync(bad, "[JUNCTIONS]\nJ1 abc\n", TestContext.Current.CancellationToken);
        var result = await CliRunner.RunAsync("water", "simulate", bad, "--json");
        Assert.Equal(2, result.ExitCode);
        using var doc = JsonDocument.Parse(result.StdOut);
        var error = doc.RootElement.GetProperty("error").GetString()!;
        Assert.Contains("bad.inp:2", error, StringComparison.Ordinal);
        Assert.Contains("illegal numeric value", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Convert_round_trip_gives_a_file_that_simulates_identically()
    {
        var inp = ReferenceData.Require("water/networks/Net3.inp");
        using var folder = RepositoryPaths.CreateTempFolder();
        var converted = Path.Combine(folder.Path, "net3.inp");
        var convert = await CliRunner.RunAsync("water", "convert", inp, converted);
        Assert.Equal(0, convert.ExitCode);
        var a = await CliRunner.RunAsync("water", "simulate", inp, "--json");
        var b = await CliRunner.RunAsync("water", "simulate", converted, "--json");
        using var da = JsonDocument.Parse(a.StdOut);
        using var db = JsonDocument.Parse(b.StdOut);
        Assert.Equal(da.RootElement.GetProperty("steps").GetInt32(), db.RootElement.GetProperty("steps").GetInt32());
        Assert.Equal(da.RootElement.GetProperty("iterations").GetInt32(), db.RootElement.GetProperty("iterations").GetInt32());
    }

    [Fact]
    public async Task Report_lists_lowest_pressures()
    {
        var inp = ReferenceData.Require("water/networks/Net1.inp");
        var result = await CliRunner.RunAsync("water", "report", inp, "--top", "3", "--json");
        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.StdOut);
        var lowest = doc.RootElement.GetProperty("lowest_pressures");
        Assert.Equal(3, lowest.GetArrayLength());
        Assert.True(lowest[0].GetProperty("min_pressure").GetDouble() <= lowest[1].GetProperty("min_pressure").GetDouble());
        Assert.Equal(9, doc.RootElement.GetProperty("junctions").GetInt32());
    }
}
