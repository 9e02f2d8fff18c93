using System.Text.Json;
using CivicGrid.Testing;
using Xunit;

namespace CivicGrid.Cli.Tests;

public class GovernanceCommandTests
{
    [Fact]
    public async Task Pb_mes_add1_prints_the_reference_selection_as_json()
    {
        var file = ReferenceData.Require("governance/equalshares/pb/poland_warszawa_2021_bielany.pb");
        using var reference = JsonDocument.Parse(File.ReadAllText(ReferenceData.Require("governance/equalshares/pb_reference.json")));
        var expected = reference.RootElement.GetProperty("poland_warszawa_2021_bielany.pb::add1_floats_tie").GetProperty("result");

        var result = await CliRunner.RunAsync("governance", "pb", file, "--rule", "mes", "--completion", "add1", "--exhaustive", "--integral",
            "--increment", "1000", "--tie-breaking", "maxVotes,minCost", "--json");

        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.StdOut);
        var selected = doc.RootElement.GetProperty("selected").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Equal(expected.GetProperty("winners").EnumerateArray().Select(e => e.GetString()).ToList(), selected);
        Assert.Equal(expected.GetProperty("totalCost").GetDouble(), doc.RootElement.GetProperty("total_cost").GetDouble());
    }

    [Fact]
    public async Task Pb_greedy_stays_within_budget()
    {
        var file = ReferenceData.Require("governance/equalshares/pb/netherlands_amsterdam_2022_west.pb");
        var result = await CliRunner.RunAsync("governance", "pb", file, "--rule", "greedy", "--json");
        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.StdOut);
        Assert.True(doc.RootElement.GetProperty("selected").GetArrayLength() > 0);
        Assert.True(doc.RootElement.GetProperty("total_cost").GetDouble() <= doc.RootElement.GetProperty("budget").GetDouble());
    }

    [Fact]
    public async Task Pb_greedy_on_cumulative_ballots_ranks_points_per_cost()
    {
        var file = ReferenceData.Require("governance/equalshares/pb_cardinal/synthetic_cumulative.pb");
        var result = await CliRunner.RunAsync("governance", "pb", file, "--rule", "greedy", "--json");
        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.StdOut);
        var election = CivicGrid.Governance.Budgeting.PabulibReader.ReadFile(file);
        var expected = CivicGrid.Governance.Budgeting.UtilityGreedyRule.Compute(election, CivicGrid.Governance.Budgeting.SatisfactionMeasure.Points);
        Assert.Equal(expected, doc.RootElement.GetProperty("selected").EnumerateArray().Select(e => e.GetString()!).ToList());
        Assert.True(doc.RootElement.GetProperty("total_cost").GetDouble() <= doc.RootElement.GetProperty("budget").GetDouble());
    }

    [Fact]
    public async Task Pb_unresolved_tie_fails_with_a_message()
    {
        var file = ReferenceData.Require("governance/equalshares/pb/netherlands_amsterdam_2022_west.pb");
        var result = await CliRunner.RunAsync("governance", "pb", file, "--rule", "mes");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("44496", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pb_malformed_file_exits_2_naming_the_line()
    {
        using var dir = RepositoryPaths.CreateTempFolder();
        var path = Path.Combine(dir.Path, "bad.pb");
        await File.WriteAllTextAsync(path, "META\nkey;value\nbudget;10\nPROJECTS\nproject_id;cost\n1;five\nVOTES\nvoter_id;vote\n", TestContext.Current.CancellationToken);
        var result = await CliRunner.RunAsync("governance", "pb", path, "--json");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("bad.pb:6:2", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Polis_prints_groups_and_points_as_json()
    {
        var file = ReferenceData.Require("governance/polis/25ptpt-3gp-no-strict-with-meta/votes.json");
        var result = await CliRunner.RunAsync("governance", "polis", file, "--exclude", "0,1,2,3", "--json");
        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.StdOut);
        var groups = doc.RootElement.GetProperty("groups");
        Assert.InRange(groups.GetArrayLength(), 2, 5);
        var members = groups.EnumerateArray().Sum(g => g.GetProperty("members").GetArrayLength());
        Assert.Equal(doc.RootElement.GetProperty("participants").GetInt32(), members);
    }
}
