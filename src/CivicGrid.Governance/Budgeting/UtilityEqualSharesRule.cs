namespace CivicGrid.Governance.Budgeting;

/// <summary>How a ballot turns into additive utilities (the satisfaction measures of pabutools).</summary>
public enum SatisfactionMeasure
{
    /// <summary>Approved project: its cost.</summary>
    Cost,

    /// <summary>Approved project: 1.</summary>
    Cardinality,

    /// <summary>Approved project: its cost divided by its number of approvers (the voter's share of the effort).</summary>
    Effort,

    /// <summary>Cumulative or scoring ballot: the points given.</summary>
    Points,

    /// <summary>Ordinal ballot of length L: L − 1 − position (the top project gets L − 1, the last 0).</summary>
    Borda,
}

/// <summary>
/// The Method of Equal Shares for additive utilities (as pabutools' <c>method_of_equal_shares</c>, no
/// completion): each voter holds budget ÷ voters; a project is bought at the smallest price per unit of
/// utility ρ its supporters can pay, each paying min(budget, ρ·utility). Ties go to the project whose id
/// comes first in ordinal string order (pabutools' lexicographic tie-breaking). Exact.
/// </summary>
public static class UtilityEqualSharesRule
{
    public static IReadOnlyList<string> Compute(PbElection election, SatisfactionMeasure measure)
    {
        ArgumentNullException.ThrowIfNull(election);
        var ids = election.Projects.Select(p => p.Id).ToArray();
        var costs = election.Projects.Select(p => p.Cost).ToArray();
        var index = ids.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => x.i, StringComparer.Ordinal);
        var m = ids.Length;
        var n = election.Votes.Count;
        var approvals = new int[m];
        foreach (var v in election.Votes)
        {
            foreach (var p in v.Projects)
            {
                approvals[index[p]]++;
            }
        }
        // utilities[c] = list of (voter, utility > 0)
        var supporters = new List<(int Voter, Fraction Utility)>[m];
        for (var c = 0; c < m; c++)
        {
            supporters[c] = [];
        }
        for (var i = 0; i < n; i++)
        {
            var vote = election.Votes[i];
            for (var k = 0; k < vote.Projects.Count; k++)
            {
                var c = index[vote.Projects[k]];
                var u = measure switch
                {
                    SatisfactionMeasure.Cost => costs[c],
                    SatisfactionMeasure.Cardinality => Fraction.One,
                    SatisfactionMeasure.Effort => costs[c] / Fraction.FromInt64(approvals[c]),
                    SatisfactionMeasure.Points => vote.Points is null ? throw new ArgumentException("the ballots carry no points", nameof(measure)) : vote.Points[k],
                    _ => Fraction.FromInt64(vote.Projects.Count - 1 - k),
                };
                if (u.Sign > 0)
                {
                    supporters[c].Add((i, u));
                }
            }
        }
        var winners = new List<int>();
        var remaining = new List<int>();
        for (var c = 0; c < m; c++)
        {
            if (supporters[c].Count == 0)
            {
                continue;
            }
            if (costs[c].Sign > 0)
            {
                remaining.Add(c);
            }
            else
            {
                winners.Add(c);
            }
        }
        if (n == 0)
        {
            return [];
        }
        var budget = Enumerable.Repeat(election.Budget / Fraction.FromInt64(n), n).ToArray();
        var approx = budget.Select(b => b.ToDouble()).ToArray();
        while (remaining.Count > 0)
        {
            Fraction? best = null;
            var bestProject = -1;
            var unaffordable = new List<int>();
            foreach (var c in remaining)
            {
                var money = Fraction.Zero;
                foreach (var (v, _) in supporters[c])
                {
                    money += budget[v];
                }
                if (money < costs[c])
                {
                    unaffordable.Add(c);
                    continue;
                }
                var rho = Price(supporters[c], costs[c], budget, approx);
                var cmp = best is null ? -1 : rho.CompareTo(best.Value);
                if (cmp < 0 || (cmp == 0 && string.CompareOrdinal(ids[c], ids[bestProject]) < 0))
                {
                    best = rho;
                    bestProject = c;
                }
            }
            remaining.RemoveAll(unaffordable.Contains);
            if (bestProject < 0)
            {
                break;
            }
            winners.Add(bestProject);
            remaining.Remove(bestProject);
            foreach (var (v, u) in supporters[bestProject])
            {
                var pay = best!.Value * u;
                budget[v] = pay >= budget[v] ? Fraction.Zero : budget[v] - pay;
                approx[v] = budget[v].ToDouble();
            }
        }
        return winners.Select(w => ids[w]).ToList();
    }

    private static Fraction Price(List<(int Voter, Fraction Utility)> supporters, Fraction cost, Fraction[] budget, double[] approx)
    {
        var order = supporters.ToList();
        order.Sort((a, b) =>
        {
            var x = approx[a.Voter] / a.Utility.ToDouble();
            var y = approx[b.Voter] / b.Utility.ToDouble();
            if (Math.Abs(x - y) > 1e-9 * Math.Max(Math.Abs(x), Math.Abs(y)))
            {
                return x.CompareTo(y);
            }
            return (budget[a.Voter] / a.Utility).CompareTo(budget[b.Voter] / b.Utility);
        });
        var denominator = order.Aggregate(Fraction.Zero, (s, x) => s + x.Utility);
        var paid = Fraction.Zero;
        foreach (var (v, u) in order)
        {
            var rho = (cost - paid) / denominator;
            if (rho * u <= budget[v])
            {
                return rho;
            }
            paid += budget[v];
            denominator -= u;
        }
        throw new InvalidOperationException("An affordable project found no payer; this cannot happen.");
    }
}
