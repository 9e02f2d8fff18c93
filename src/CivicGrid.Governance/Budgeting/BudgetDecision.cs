namespace CivicGrid.Governance.Budgeting;

/// <summary>One logged change of a budget decision.</summary>
public sealed record BudgetOverride(DateTimeOffset At, string AdministratorId, IReadOnlyList<string> Before, IReadOnlyList<string> After, string Reason);

/// <summary>
/// The funded projects of a participatory budget as computed by a rule, with administrator overrides that are
/// only possible with a reason, must stay within the budget, and are all kept in the log.
/// </summary>
public sealed class BudgetDecision
{
    private readonly List<BudgetOverride> _log = [];
    private readonly PbElection _election;

    public BudgetDecision(PbElection election, string rule, IReadOnlyList<string> selected)
    {
        ArgumentNullException.ThrowIfNull(election);
        _election = election;
        Rule = rule;
        Computed = selected;
        Selected = selected;
    }

    public string Rule { get; }

    /// <summary>What the rule computed (never changes).</summary>
    public IReadOnlyList<string> Computed { get; }

    /// <summary>What is funded now.</summary>
    public IReadOnlyList<string> Selected { get; private set; }

    public IReadOnlyList<BudgetOverride> Overrides => _log;

    public void Override(string administratorId, IReadOnlyList<string> selected, string reason, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(selected);
        if (string.IsNullOrWhiteSpace(administratorId))
        {
            throw new ArgumentException("an override names its administrator", nameof(administratorId));
        }
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new ArgumentException("an override needs a reason", nameof(reason));
        }
        var costs = _election.Projects.ToDictionary(p => p.Id, p => p.Cost, StringComparer.Ordinal);
        var unknown = selected.FirstOrDefault(id => !costs.ContainsKey(id));
        if (unknown is not null)
        {
            throw new ArgumentException($"unknown project '{unknown}'", nameof(selected));
        }
        if (selected.Distinct(StringComparer.Ordinal).Count() != selected.Count)
        {
            throw new ArgumentException("a project is listed twice", nameof(selected));
        }
        var total = selected.Aggregate(Fraction.Zero, (s, id) => s + costs[id]);
        if (total > _election.Budget)
        {
            throw new ArgumentException($"the override costs {total} and exceeds the budget {_election.Budget}", nameof(selected));
        }
        _log.Add(new BudgetOverride(at, administratorId, Selected, selected.ToList(), reason.Trim()));
        Selected = selected.ToList();
    }
}
