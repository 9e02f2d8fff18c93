using System.Text.Json;
using CivicGrid.Testing;
using Xunit;

namespace CivicGrid.Cli.Tests;

public class WaterScenarioCommandTests
{
    [Fact]
    public async Task Fireflow_json_reports_one_positive_flow_per_requested_node_in_order()
    {
        var inp = ReferenceData.Require("water/networks/Net1.inp");
        var result = await CliRunner.RunAsync("water", "fireflow", inp, "--nodes", "32,11", "--min-pressure", "30", "--json");
        Assert.True(result.ExitCode == 0, result.StdErr);
        using var doc = JsonDocument.Parse(result.StdOut);
        var nodes = doc.RootElement.GetProperty("nodes");
        Assert.Equal(["32", "11"], nodes.EnumerateArray().Select(n => n.GetProperty("node_id").GetString()));
        Assert.All(nodes.EnumerateArray(), n => Assert.True(n.GetProperty("fire_flow_liters_per_second").GetDouble() > 0));
        Assert.All(nodes.EnumerateArray(), n => Assert.True(n.GetProperty("limiting_pressure_meters").GetDouble() >= 30));
    }

    [Fact]
    public async Task Fireflow_rejects_an_unknown_node()
    {
        var inp = ReferenceData.Require("water/networks/Net1.inp");
        var result = await CliRunner.RunAsync("water", "fireflow", inp, "--nodes", "nope");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("nope", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Criticality_json_ranks_every_pipe_of_Net1()
    {
        var inp = ReferenceData.Require("water/networks/Net1.inp");
        var result = await CliRunner.RunAsync("water", "criticality", inp, "--json");
        Assert.True(result.ExitCode == 0, result.StdErr);
        using var doc = JsonDocument.Parse(result.StdOut);
        var pipes = doc.RootElement.GetProperty("pipes").EnumerateArray().ToList();
        Assert.Equal(12, pipes.Count);
        var unserved = pipes.Select(p => p.GetProperty("demand_not_served_liters_per_second").GetDouble()).ToList();
        Assert.Equal(unserved.OrderByDescending(x => x), unserved);
    }
}
