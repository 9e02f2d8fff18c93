using CivicGrid.Governance.Budgeting;
using CivicGrid.Testing;
using Xunit;

namespace CivicGrid.Governance.Tests.Budgeting;

public class PabulibTests
{
    private const string Small = "META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost;name\n1;60;\"Park; with trees\"\n2;50;Bench\nVOTES\nvoter_id;vote\nv1;1,2\nv2;2\nv3;\n";

    [Fact]
    public void Reads_sections_quoted_fields_and_empty_ballots()
    {
        var e = PabulibReader.Parse(Small, "small.pb");
        Assert.Equal(Fraction.FromInt64(100), e.Budget);
        Assert.Equal("Park; with trees", e.Projects[0].Name);
        Assert.Equal(3, e.Votes.Count);
        Assert.Empty(e.Votes[2].Projects);
        Assert.Equal(PbVoteType.Approval, e.VoteType);
    }

    [Fact]
    public void Written_file_reads_back_identically()
    {
        var e = PabulibReader.Parse(Small, "small.pb");
        var again = PabulibReader.Parse(PabulibWriter.Write(e), "again.pb");
        Assert.Equal(e.Projects.Select(p => (p.Id, p.Cost, p.Name)), again.Projects.Select(p => (p.Id, p.Cost, p.Name)));
        Assert.Equal(e.Votes.Select(v => string.Join(',', v.Projects)), again.Votes.Select(v => string.Join(',', v.Projects)));
        Assert.Equal(e.Meta, again.Meta);
    }

    [Theory]
    [InlineData("pb_cardinal/synthetic_cumulative.pb")]
    [InlineData("pb_ordinal/synthetic_ordinal.pb")]
    [InlineData("poland_wieliczka_2023_green-budget.pb")]
    public void Reference_files_round_trip(string file)
    {
        var e = PabulibReader.ReadFile(ReferenceData.Require("governance/equalshares/" + file));
        var again = PabulibReader.Parse(PabulibWriter.Write(e), "again.pb");
        Assert.Equal(e.Votes.Count, again.Votes.Count);
        Assert.Equal(e.Votes.Select(v => v.Points is null ? "" : string.Join(',', v.Points)), again.Votes.Select(v => v.Points is null ? "" : string.Join(',', v.Points)));
        Assert.Equal(e.Projects.Select(p => p.Cost), again.Projects.Select(p => p.Cost));
    }

    [Theory]
    [InlineData("META\nkey;value\nbudget;abc\nPROJECTS\nproject_id;cost\n1;5\nVOTES\nvoter_id;vote\n", 3, "budget")]
    [InlineData("META\nkey;value\nbudget;10\nPROJECTS\nproject_id;cost\n1;five\nVOTES\nvoter_id;vote\n", 6, "cost")]
    [InlineData("META\nkey;value\nbudget;10\nPROJECTS\nproject_id;cost\n1;5\n1;6\nVOTES\nvoter_id;vote\n", 7, "duplicate project_id")]
    [InlineData("META\nkey;value\nbudget;10\nPROJECTS\nproject_id;cost\n1;5\nVOTES\nvoter_id;vote\nv1;9\n", 9, "unknown project")]
    [InlineData("META\nkey;value\nbudget;10\nPROJECTS\nproject_id;cost\n1;5\nVOTES\nvoter_id;vote\nv1;1\nv1;1\n", 10, "duplicate voter_id")]
    [InlineData("META\nkey;value\nbudget;10\nPROJECTS\nproject_id;cost\n1;\"5\nVOTES\nvoter_id;vote\n", 6, "unterminated")]
    [InlineData("META\nkey;value\nbudget;10\nPROJECTS\nproject_id;cost\n1;5;extra\nVOTES\nvoter_id;vote\n", 6, "fields")]
    [InlineData("META\nkey;value\nbudget;10\nvote_type;cumulative\nPROJECTS\nproject_id;cost\n1;5\nVOTES\nvoter_id;vote;points\nv1;1;2,3\n", 10, "points")]
    [InlineData("PROJECTS\nid;cost\n", 2, "project_id")]
    public void Malformed_input_reports_line_and_reason(string text, int line, string reason)
    {
        var ex = Assert.Throws<PabulibFormatException>(() => PabulibReader.Parse(text, "bad.pb"));
        Assert.Equal("bad.pb", ex.File);
        Assert.Equal(line, ex.Line);
        Assert.Contains(reason, ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_section_is_reported()
    {
        var ex = Assert.Throws<PabulibFormatException>(() => PabulibReader.Parse("META\nkey;value\nbudget;1\n", "bad.pb"));
        Assert.Contains("PROJECTS", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Canonical_order_puts_array_indices_first_numerically()
    {
        var order = ApprovalProfile.CanonicalOrder(["p2", "10", "2", "007", "4294967295", "1"]);
        Assert.Equal(new[] { 5, 2, 1, 0, 3, 4 }, order);
    }
}

public class PbBallotRulesTests
{
    private static readonly PbElection Election = PabulibReader.Parse(
        "META\nkey;value\nbudget;100\nPROJECTS\nproject_id;cost\na;60\nb;30\nc;20\nVOTES\nvoter_id;vote\n1;a\n", "x.pb");

    [Fact]
    public void Decidim_rules_accept_a_valid_ballot_and_name_each_violation()
    {
        var rules = new PbBallotRules { MinProjects = 2, MaxProjects = 2, ThresholdPercent = 70m };
        Assert.Empty(rules.Check(Election, ["a", "b"]));
        Assert.Contains(rules.Check(Election, ["a"]), p => p.Contains("at least 2", StringComparison.Ordinal));
        Assert.Contains(rules.Check(Election, ["b", "c"]), p => p.Contains("70 %", StringComparison.Ordinal));
        Assert.Contains(rules.Check(Election, ["a", "b", "c"]), p => p.Contains("more than 100", StringComparison.Ordinal));
        Assert.Contains(rules.Check(Election, ["a", "z"]), p => p.Contains("unknown project 'z'", StringComparison.Ordinal));
    }
}
