namespace CivicGrid.Governance.Budgeting;

/// <summary>How the greedy rule ranks projects.</summary>
public enum GreedyOrder
{
    /// <summary>Most approvals first (Consul, equalshares.net's utilitarian completion; pabutools Cost_Sat).</summary>
    ApprovalCount,

    /// <summary>Most approvals per unit of cost first (pabutools Cardinality_Sat).</summary>
    ApprovalsPerCost,
}

/// <summary>
/// Cost-aware utilitarian greedy: take projects in order of score and fund each one that still fits the
/// remaining budget (skipping, not stopping at, a project that does not fit).
/// </summary>
public static class GreedyRule
{
    /// <summary>
    /// Greedy by approval count; ties in the canonical project order (the equalshares.net convention) or,
    /// with <paramref name="lexicographicTies"/>, by project id in ordinal order (the pabutools convention).
    /// </summary>
    public static BudgetOutcome Compute(ApprovalProfile profile, GreedyOrder order = GreedyOrder.ApprovalCount, bool lexicographicTies = false)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var ranking = Enumerable.Range(0, profile.ProjectCount).ToList();
        if (lexicographicTies)
        {
            ranking.Sort((a, b) => string.CompareOrdinal(profile.ProjectIds[a], profile.ProjectIds[b]));
        }
        var keyed = ranking.Select((c, pos) => (c, pos)).ToList();
        keyed.Sort((x, y) =>
        {
            var cmp = Score(profile, y.c, order).CompareTo(Score(profile, x.c, order));
            return cmp != 0 ? cmp : x.pos.CompareTo(y.pos);
        });
        var winners = new List<int>();
        var spent = Fraction.Zero;
        foreach (var (c, _) in keyed)
        {
            if (spent + profile.Costs[c] <= profile.Budget)
            {
                winners.Add(c);
                spent += profile.Costs[c];
            }
        }
        return new BudgetOutcome(profile, winners, null, null, null);
    }

    // Score as an exact fraction; a free project with approvals ranks above everything.
    private static Fraction Score(ApprovalProfile profile, int c, GreedyOrder order)
    {
        var votes = profile.Approvers[c].Length;
        if (order == GreedyOrder.ApprovalCount)
        {
            return Fraction.FromInt64(votes);
        }
        if (votes == 0)
        {
            return Fraction.Zero;
        }
        return profile.Costs[c].IsZero ? Fraction.FromInt64(long.MaxValue) : Fraction.FromInt64(votes) / profile.Costs[c];
    }

    /// <summary>Utilitarian completion: extend <paramref name="already"/> by approval count within <paramref name="budget"/>.</summary>
    internal static List<int> Complete(ApprovalProfile profile, List<int> already, Fraction budget)
    {
        var winners = already.ToList();
        var chosen = new HashSet<int>(winners);
        var spent = EqualSharesRule.Cost(profile, winners);
        var order = Enumerable.Range(0, profile.ProjectCount).OrderByDescending(c => profile.Approvers[c].Length).ToList(); // stable
        foreach (var c in order)
        {
            if (chosen.Contains(c) || spent + profile.Costs[c] > budget)
            {
                continue;
            }
            winners.Add(c);
            chosen.Add(c);
            spent += profile.Costs[c];
        }
        return winners;
    }
}
