using CivicGrid.Governance.Budgeting;
using CivicGrid.Testing;
using Xunit;

namespace CivicGrid.Governance.Tests.Budgeting;

public class EqualSharesBehaviourTests
{
    [Fact]
    public void Voter_shares_pay_exactly_each_winner_and_never_exceed_the_endowment()
    {
        var election = PabulibReader.ReadFile(ReferenceData.Require("governance/equalshares/pb/poland_warszawa_2021_bielany.pb"));
        var outcome = EqualSharesRule.Compute(election, new EqualSharesOptions { TieBreaking = [TieBreakingStep.MaxVotes, TieBreakingStep.MinCost] });
        var spent = new Dictionary<string, Fraction>(StringComparer.Ordinal);
        foreach (var w in outcome.Winners)
        {
            var shares = outcome.PaymentsFor(w);
            Assert.NotEmpty(shares);
            var cost = election.Projects.Single(p => p.Id == w).Cost;
            Assert.Equal(cost, shares.Aggregate(Fraction.Zero, (s, x) => s + x.Payment));
            foreach (var (voter, pay) in shares)
            {
                spent[voter] = spent.GetValueOrDefault(voter, Fraction.Zero) + pay;
            }
        }
        Assert.All(spent.Values, s => Assert.True(s <= outcome.Endowment!.Value));
    }

    [Fact]
    public void Exact_tie_without_tie_breaking_is_an_error_naming_the_projects()
    {
        // Two identical projects with the same supporters: equal effective vote counts.
        var profile = ApprovalProfile.Create(["a", "b"], [Fraction.FromInt64(10), Fraction.FromInt64(10)], [[0, 1], [0, 1], [0, 1]], Fraction.FromInt64(15));
        var ex = Assert.Throws<EqualSharesTieException>(() => EqualSharesRule.Compute(profile, new EqualSharesOptions()));
        Assert.Equal(new[] { "a", "b" }, ex.TiedProjects);
        var broken = EqualSharesRule.Compute(profile, new EqualSharesOptions { TieBreaking = [new TieBreakingStep(TieBreakingKind.PriorityList, ["b", "a"])] });
        Assert.Equal(new[] { "b" }, broken.Winners);
    }

    [Fact]
    public void Greedy_skips_a_project_that_does_not_fit_and_continues()
    {
        var profile = ApprovalProfile.Create(["big", "small", "mid"], [Fraction.FromInt64(80), Fraction.FromInt64(10), Fraction.FromInt64(30)],
            [[0, 1, 2], [0, 2], [0, 1]], Fraction.FromInt64(100));
        var outcome = GreedyRule.Compute(profile);
        Assert.Equal(new[] { "big", "small" }, outcome.Winners);
        Assert.Equal(Fraction.FromInt64(90), outcome.TotalCost);
    }

    [Fact]
    public void Override_needs_a_reason_stays_within_budget_and_is_logged()
    {
        var election = PabulibReader.Parse("META\nkey;value\nbudget;100\nPROJECTS\nproject_id;cost\na;60\nb;50\nc;40\nVOTES\nvoter_id;vote\n1;a\n", "x.pb");
        var decision = new BudgetDecision(election, "mes", ["a"]);
        var at = new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
        Assert.Throws<ArgumentException>(() => decision.Override("admin", ["b"], " ", at));
        Assert.Throws<ArgumentException>(() => decision.Override("admin", ["a", "b"], "council decision", at));
        decision.Override("admin", ["b", "c"], "council decision 12/2026", at);
        Assert.Equal(new[] { "b", "c" }, decision.Selected);
        Assert.Equal(new[] { "a" }, decision.Computed);
        var log = Assert.Single(decision.Overrides);
        Assert.Equal("council decision 12/2026", log.Reason);
        Assert.Equal(new[] { "a" }, log.Before);
    }

    [Fact]
    public void Fraction_arithmetic_is_exact()
    {
        var third = Fraction.One / Fraction.FromInt64(3);
        Assert.Equal(Fraction.One, third + third + third);
        Assert.True(Fraction.TryParseDecimal("12.50", out var x));
        Assert.Equal(Fraction.FromInt64(25) / Fraction.FromInt64(2), x);
        Assert.False(Fraction.TryParseDecimal("1e3", out _));
        Assert.Equal(0.1, (Fraction.One / Fraction.FromInt64(10)).ToDouble());
    }
}
