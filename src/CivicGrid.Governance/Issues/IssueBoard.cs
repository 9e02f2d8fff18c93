namespace CivicGrid.Governance.Issues;

/// <summary>The listings of the participation home page, category pages, region pages and the map.</summary>
public sealed class IssueBoard
{
    private readonly Dictionary<string, Issue> _issues = new(StringComparer.Ordinal);

    public void Add(Issue issue)
    {
        ArgumentNullException.ThrowIfNull(issue);
        if (!_issues.TryAdd(issue.Id, issue))
        {
            throw new IssueRuleException($"an issue with id '{issue.Id}' already exists");
        }
    }

    public Issue Get(string id) =>
        _issues.TryGetValue(id, out var issue) ? issue : throw new IssueRuleException($"no issue '{id}'");

    private IEnumerable<Issue> Visible => _issues.Values.Where(i => !i.IsHidden);

    /// <summary>The most-trending visible open issues (ties: more supports, then older first, then id).</summary>
    public IReadOnlyList<Issue> Trending(DateTimeOffset now, int count = 10) =>
        Visible.Where(i => i.Status is IssueStatus.Open or IssueStatus.Planned or IssueStatus.InProgress)
            .OrderByDescending(i => i.TrendingScore(now)).ThenByDescending(i => i.SupportCount)
            .ThenBy(i => i.CreatedAt).ThenBy(i => i.Id, StringComparer.Ordinal)
            .Take(count).ToList();

    public IReadOnlyList<Issue> InCategory(IssueCategory category) =>
        Visible.Where(i => i.Category == category).OrderByDescending(i => i.SupportCount).ThenBy(i => i.Id, StringComparer.Ordinal).ToList();

    public IReadOnlyList<Issue> InRegion(string regionId) =>
        Visible.Where(i => i.RegionId == regionId).OrderByDescending(i => i.SupportCount).ThenBy(i => i.Id, StringComparer.Ordinal).ToList();

    /// <summary>For the map: visible issues per region.</summary>
    public IReadOnlyDictionary<string, int> CountByRegion() =>
        Visible.GroupBy(i => i.RegionId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
}
