namespace CivicGrid.Governance.Budgeting;

/// <summary>
/// Greedy utilitarian welfare for additive utilities (as pabutools' <c>greedy_utilitarian_welfare</c> with an
/// additive satisfaction): projects are ranked by total utility per unit of cost, ties by project id in ordinal
/// string order (pabutools' lexicographic tie-breaking), and each project that still fits the remaining budget is
/// funded (a project that does not fit is skipped, not a stop). Exact.
/// </summary>
public static class UtilityGreedyRule
{
    /// <summary>The selected project ids, in the order they were taken.</summary>
    public static IReadOnlyList<string> Compute(PbElection election, SatisfactionMeasure measure)
    {
        ArgumentNullException.ThrowIfNull(election);
        var ids = election.Projects.Select(p => p.Id).ToArray();
        var costs = election.Projects.Select(p => p.Cost).ToArray();
        var totals = TotalUtilities(election, measure);
        var order = Enumerable.Range(0, ids.Length).ToList();
        order.Sort((a, b) =>
        {
            var cmp = CompareRatio(totals[b], costs[b], totals[a], costs[a]);
            return cmp != 0 ? cmp : string.CompareOrdinal(ids[a], ids[b]);
        });
        var selected = new List<string>();
        var spent = Fraction.Zero;
        foreach (var c in order)
        {
            if (spent + costs[c] <= election.Budget)
            {
                selected.Add(ids[c]);
                spent += costs[c];
            }
        }
        return selected;
    }

    /// <summary>Total utility each project gets from all ballots under <paramref name="measure"/> (project order of the election).</summary>
    public static Fraction[] TotalUtilities(PbElection election, SatisfactionMeasure measure)
    {
        ArgumentNullException.ThrowIfNull(election);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < election.Projects.Count; i++)
        {
            index[election.Projects[i].Id] = i;
        }
        var approvals = new int[election.Projects.Count];
        foreach (var vote in election.Votes)
        {
            foreach (var p in vote.Projects)
            {
                approvals[index[p]]++;
            }
        }
        var totals = Enumerable.Repeat(Fraction.Zero, election.Projects.Count).ToArray();
        foreach (var vote in election.Votes)
        {
            for (var k = 0; k < vote.Projects.Count; k++)
            {
                var c = index[vote.Projects[k]];
                var cost = election.Projects[c].Cost;
                totals[c] += measure switch
                {
                    SatisfactionMeasure.Cost => cost,
                    SatisfactionMeasure.Cardinality => Fraction.One,
                    SatisfactionMeasure.Effort => cost / Fraction.FromInt64(approvals[c]),
                    SatisfactionMeasure.Points => vote.Points is null ? throw new ArgumentException("the ballots carry no points", nameof(measure)) : vote.Points[k],
                    _ => Fraction.FromInt64(vote.Projects.Count - 1 - k),
                };
            }
        }
        return totals;
    }

    // Compares u1/c1 with u2/c2 where a zero cost with positive utility ranks above every finite ratio.
    private static int CompareRatio(Fraction u1, Fraction c1, Fraction u2, Fraction c2)
    {
        var free1 = c1.IsZero && u1.Sign > 0;
        var free2 = c2.IsZero && u2.Sign > 0;
        if (free1 || free2)
        {
            return free1 == free2 ? u1.CompareTo(u2) : free1 ? 1 : -1;
        }
        var r1 = c1.IsZero ? Fraction.Zero : u1 / c1;
        var r2 = c2.IsZero ? Fraction.Zero : u2 / c2;
        return r1.CompareTo(r2);
    }
}
