using System.Text.Json;
using CivicGrid.Governance.Budgeting;
using CivicGrid.Testing;
using Xunit;

namespace CivicGrid.Governance.Tests.Budgeting;

/// <summary>
/// The utility greedy rule (pabutools' greedy_utilitarian_welfare with an additive satisfaction). Validated against
/// pabutools_rules_reference.json: with the cost satisfaction it must select exactly pabutools' greedy_cost set and
/// with the cardinality satisfaction exactly its greedy_cardinality set (exact winner sets, no tolerance).
/// </summary>
public class UtilityGreedyRuleTests
{
    private const string Cumulative = "META\nkey;value\nbudget;100\nvote_type;cumulative\nPROJECTS\nproject_id;cost\na;60\nb;50\nc;40\nVOTES\nvoter_id;vote;points\nv1;a,b;5,5\nv2;b,c;8,2\nv3;c;10\n";

    public static TheoryData<string, string> ReferenceCases()
    {
        var data = new TheoryData<string, string>();
        var path = ReferenceData.Folder is { } folder ? Path.Combine(folder, "governance", "equalshares", "pabutools_rules_reference.json") : null;
        if (path is null || !File.Exists(path))
        {
            data.Add("(missing)", "greedy_cost");
            return data;
        }
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        foreach (var fixture in doc.RootElement.EnumerateObject())
        {
            data.Add(fixture.Name, "greedy_cost");
            data.Add(fixture.Name, "greedy_cardinality");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ReferenceCases))]
    public void Cost_and_cardinality_satisfaction_reproduce_pabutools_greedy(string fixture, string rule)
    {
        using var doc = EqualSharesReferenceTests.Load("pabutools_rules_reference.json");
        var entry = doc.RootElement.GetProperty(fixture);
        var election = PabulibReader.ReadFile(ReferenceData.Require("governance/equalshares/" + fixture.Replace("test/fixtures/", "", StringComparison.Ordinal)));
        var measure = rule == "greedy_cost" ? SatisfactionMeasure.Cost : SatisfactionMeasure.Cardinality;
        var winners = UtilityGreedyRule.Compute(election, measure).Order(StringComparer.Ordinal).ToList();
        var expected = entry.GetProperty(rule).EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Equal(expected, winners);
    }

    [Fact]
    public void Cumulative_points_rank_by_points_per_cost_and_skip_what_no_longer_fits()
    {
        var election = PabulibReader.Parse(Cumulative, "cumulative.pb");
        // Points: a 5, b 13, c 12. Per cost: a 5/60, b 13/50, c 12/40 = 0.3 > b 0.26 > a 0.083.
        Assert.Equal(["c", "b"], UtilityGreedyRule.Compute(election, SatisfactionMeasure.Points));
        var totals = UtilityGreedyRule.TotalUtilities(election, SatisfactionMeasure.Points);
        Assert.Equal([Fraction.FromInt64(5), Fraction.FromInt64(13), Fraction.FromInt64(12)], totals);
    }

    [Fact]
    public void Ordinal_ballots_use_borda_points()
    {
        const string ordinal = "META\nkey;value\nbudget;100\nvote_type;ordinal\nPROJECTS\nproject_id;cost\na;50\nb;50\nc;50\nVOTES\nvoter_id;vote\nv1;a,b,c\nv2;a,c,b\nv3;b,a,c\n";
        var election = PabulibReader.Parse(ordinal, "ordinal.pb");
        // Borda: a 2+2+1 = 5, b 1+0+2 = 3, c 0+1+0 = 1; the budget funds two of the three.
        Assert.Equal([Fraction.FromInt64(5), Fraction.FromInt64(3), Fraction.One], UtilityGreedyRule.TotalUtilities(election, SatisfactionMeasure.Borda));
        Assert.Equal(["a", "b"], UtilityGreedyRule.Compute(election, SatisfactionMeasure.Borda));
    }

    [Fact]
    public void Cumulative_ballots_without_points_are_refused()
    {
        var election = PabulibReader.Parse(Cumulative.Replace("vote_type;cumulative", "vote_type;approval", StringComparison.Ordinal)
            .Replace("voter_id;vote;points", "voter_id;vote", StringComparison.Ordinal).Replace(";5,5", "", StringComparison.Ordinal)
            .Replace(";8,2", "", StringComparison.Ordinal).Replace(";10\n", "\n", StringComparison.Ordinal), "approval.pb");
        Assert.Throws<ArgumentException>(() => UtilityGreedyRule.Compute(election, SatisfactionMeasure.Points));
    }
}
