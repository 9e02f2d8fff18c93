using CivicGrid.Governance.Issues;
using Xunit;

namespace CivicGrid.Governance.Tests.Issues;

public class IssueTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);
    private static readonly Actor Alice = new("alice", ActorRole.Resident);
    private static readonly Actor Bob = new("bob", ActorRole.Resident);
    private static readonly Actor Mod1 = new("mod1", ActorRole.Moderator);
    private static readonly Actor Mod2 = new("mod2", ActorRole.Moderator);
    private static readonly Actor Op = new("op", ActorRole.Operator);

    private static Issue NewIssue(string id = "i1", string region = "north", IssueCategory category = IssueCategory.Mobility) =>
        Issue.Post(id, Alice, "Bus stop has no shelter", "Line 4, Main St.", category, region, GeoPoint.Create(50.0, 20.0), T0);

    [Fact]
    public void Support_counts_each_resident_once()
    {
        var issue = NewIssue();
        Assert.True(issue.Support(Bob, T0));
        Assert.False(issue.Support(Bob, T0.AddHours(1)));
        Assert.Equal(1, issue.SupportCount);
        Assert.Throws<IssueRuleException>(() => issue.Support(Op, T0));
    }

    [Fact]
    public void Moderation_needs_a_reason_and_a_second_moderator_to_restore()
    {
        var issue = NewIssue();
        Assert.Throws<IssueRuleException>(() => issue.Hide(Mod1, "", T0));
        Assert.Throws<IssueRuleException>(() => issue.Hide(Alice, "spam", T0));
        issue.Hide(Mod1, "personal data in the text", T0);
        Assert.Throws<IssueRuleException>(() => issue.Support(Bob, T0));
        Assert.Throws<IssueRuleException>(() => issue.Restore(Mod1, "fixed", T0));
        issue.Restore(Mod2, "author removed the data", T0.AddHours(2));
        Assert.False(issue.IsHidden);
        Assert.Equal(new[] { "posted", "hidden", "restored" }, issue.AuditTrail.Select(a => a.Action));
        Assert.Equal("personal data in the text", issue.AuditTrail[1].Reason);
    }

    [Fact]
    public void Three_reports_hide_an_issue_pending_review()
    {
        var issue = NewIssue();
        issue.Report(Bob, "offensive", T0);
        issue.Report(Bob, "offensive", T0); // same resident counts once
        issue.Report(new Actor("c", ActorRole.Resident), "offensive", T0);
        Assert.False(issue.IsHidden);
        issue.Report(new Actor("d", ActorRole.Resident), "offensive", T0);
        Assert.True(issue.IsHidden);
    }

    [Fact]
    public void Accountability_states_move_forward_only_and_decline_needs_a_reason()
    {
        var issue = NewIssue();
        Assert.Throws<IssueRuleException>(() => issue.SetStatus(Op, IssueStatus.Done, null, T0));
        Assert.Throws<IssueRuleException>(() => issue.SetStatus(Mod1, IssueStatus.Planned, null, T0));
        issue.SetStatus(Op, IssueStatus.Planned, "budget 2027", T0);
        issue.SetStatus(Op, IssueStatus.InProgress, null, T0);
        Assert.Throws<IssueRuleException>(() => issue.SetStatus(Op, IssueStatus.Declined, " ", T0));
        issue.SetStatus(Op, IssueStatus.Done, "shelter installed", T0);
        Assert.Equal(IssueStatus.Done, issue.Status);
        Assert.Throws<IssueRuleException>(() => issue.SetStatus(Op, IssueStatus.Planned, null, T0));
        Assert.Throws<IssueRuleException>(() => issue.Support(Bob, T0));
    }

    [Fact]
    public void Board_lists_trending_by_recent_support_and_groups_by_region_and_category()
    {
        var board = new IssueBoard();
        var old = NewIssue("old", "north");
        var fresh = NewIssue("fresh", "south", IssueCategory.Water);
        var hidden = NewIssue("hidden", "south");
        board.Add(old);
        board.Add(fresh);
        board.Add(hidden);
        for (var i = 0; i < 5; i++)
        {
            old.Support(new Actor("o" + i, ActorRole.Resident), T0.AddDays(-10));
        }
        fresh.Support(Bob, T0.AddDays(-1));
        hidden.Hide(Mod1, "duplicate of 'fresh'", T0);
        var now = T0;
        Assert.Equal("fresh", board.Trending(now)[0].Id);
        Assert.DoesNotContain(board.Trending(now), i => i.Id == "hidden");
        Assert.Equal(new Dictionary<string, int> { ["north"] = 1, ["south"] = 1 }, board.CountByRegion());
        Assert.Equal("fresh", Assert.Single(board.InCategory(IssueCategory.Water)).Id);
        Assert.Throws<IssueRuleException>(() => board.Add(NewIssue("old")));
    }

    [Fact]
    public void Invalid_posts_are_rejected()
    {
        Assert.Throws<IssueRuleException>(() => Issue.Post("x", Alice, " ", "", IssueCategory.Care, "r", GeoPoint.Create(0, 0), T0));
        Assert.Throws<IssueRuleException>(() => Issue.Post("x", Op, "t", "", IssueCategory.Care, "r", GeoPoint.Create(0, 0), T0));
        Assert.Throws<IssueRuleException>(() => GeoPoint.Create(91, 0));
    }

    [Fact]
    public void Static_trending_score_matches_the_issue_score_for_the_same_supports_and_comments()
    {
        var issue = NewIssue();
        issue.Support(Bob, T0.AddHours(2));
        issue.Comment(Bob, "Same here", T0.AddHours(5));
        var now = T0.AddDays(1);
        var score = Issue.TrendingScore([T0.AddHours(2)], [T0.AddHours(5)], now);
        Assert.Equal(issue.TrendingScore(now), score, 12);
        Assert.Equal(0, Issue.TrendingScore([T0], [], T0.AddDays(8)));
    }

    [Theory]
    [InlineData(IssueStatus.Open, IssueStatus.Planned, true)]
    [InlineData(IssueStatus.Planned, IssueStatus.InProgress, true)]
    [InlineData(IssueStatus.InProgress, IssueStatus.Done, true)]
    [InlineData(IssueStatus.Open, IssueStatus.Done, false)]
    [InlineData(IssueStatus.Done, IssueStatus.Declined, false)]
    [InlineData(IssueStatus.Planned, IssueStatus.Declined, true)]
    public void Allowed_transitions_are_the_accountability_steps(IssueStatus from, IssueStatus to, bool allowed) =>
        Assert.Equal(allowed, Issue.IsAllowedTransition(from, to));
}
