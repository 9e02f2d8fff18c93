namespace CivicGrid.Governance.Budgeting;

/// <summary>
/// What a participatory-budgeting ballot must satisfy, in the kinds Decidim offers: a minimum and maximum
/// number of selected projects, and a threshold (the ballot must spend at least a percentage of the budget)
/// while never exceeding the budget (or a lower spending limit).
/// </summary>
public sealed record PbBallotRules
{
    public int MinProjects { get; init; }

    public int? MaxProjects { get; init; }

    /// <summary>Minimum share of the budget a ballot must spend, in percent (Decidim "threshold percent").</summary>
    public decimal ThresholdPercent { get; init; }

    /// <summary>Spending limit of a ballot; null means the election's budget.</summary>
    public Fraction? MaxCost { get; init; }

    /// <summary>The rule violations of a ballot (empty when valid).</summary>
    public IReadOnlyList<string> Check(PbElection election, IReadOnlyList<string> selected)
    {
        ArgumentNullException.ThrowIfNull(election);
        ArgumentNullException.ThrowIfNull(selected);
        var problems = new List<string>();
        var costs = election.Projects.ToDictionary(p => p.Id, p => p.Cost, StringComparer.Ordinal);
        foreach (var id in selected.Where(id => !costs.ContainsKey(id)))
        {
            problems.Add($"unknown project '{id}'");
        }
        if (selected.Distinct(StringComparer.Ordinal).Count() != selected.Count)
        {
            problems.Add("a project is selected twice");
        }
        if (selected.Count < MinProjects)
        {
            problems.Add($"select at least {MinProjects} projects");
        }
        if (MaxProjects is { } max && selected.Count > max)
        {
            problems.Add($"select at most {max} projects");
        }
        var total = selected.Where(costs.ContainsKey).Distinct(StringComparer.Ordinal).Aggregate(Fraction.Zero, (s, id) => s + costs[id]);
        var limit = MaxCost ?? election.Budget;
        if (total > limit)
        {
            problems.Add($"the selection costs {total}, more than {limit}");
        }
        if (ThresholdPercent > 0)
        {
            var scaled = decimal.Round(ThresholdPercent * 1_000_000m);
            var minimum = election.Budget * Fraction.FromInt64((long)scaled) / Fraction.FromInt64(100_000_000);
            if (total < minimum)
            {
                problems.Add($"the selection must spend at least {ThresholdPercent.ToString(System.Globalization.CultureInfo.InvariantCulture)} % of the budget");
            }
        }
        return problems;
    }
}
