namespace CivicGrid.Governance.Budgeting;

/// <summary>
/// The maximin support rule (generalised sequential Phragmén of Aziz, Lee and Talmon; pabutools'
/// <c>maximin_support</c>): in each round add the affordable project that keeps the smallest possible
/// maximum voter load when all selected costs are spread optimally over their approvers. Ties go to the
/// first project id in ordinal string order. Exact.
/// </summary>
/// <remarks>
/// The optimal maximum load of a set W is, by Hall's condition for the fractional assignment,
/// max over nonempty S ⊆ W of cost(S) / |approvers of S| (infinite when some costly S has no approver); it
/// is computed by enumerating the subsets that contain the new project, which limits a selection to 24 projects.
/// </remarks>
public static class MaximinSupportRule
{
    public const int MaxWinners = 24;

    public static IReadOnlyList<string> Compute(ApprovalProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var words = (profile.VoterCount + 63) / 64;
        var masks = profile.Approvers.Select(a =>
        {
            var mask = new ulong[words];
            foreach (var v in a)
            {
                mask[v / 64] |= 1UL << (v % 64);
            }
            return mask;
        }).ToArray();
        var winners = new List<int>();
        var remaining = profile.Budget;
        var available = Enumerable.Range(0, profile.ProjectCount).Where(c => profile.Costs[c].Sign >= 0 && profile.Costs[c] <= profile.Budget).ToList();
        var currentLoad = Fraction.Zero; // optimal max load of the winners so far
        var currentInfinite = false;
        while (true)
        {
            available = available.Where(c => profile.Costs[c] <= remaining).ToList();
            if (available.Count == 0)
            {
                break;
            }
            if (winners.Count >= MaxWinners)
            {
                throw new NotSupportedException($"maximin support here handles at most {MaxWinners} winners");
            }
            Fraction? best = null;
            var bestInfinite = false;
            var chosen = -1;
            foreach (var c in available.OrderBy(c => profile.ProjectIds[c], StringComparer.Ordinal))
            {
                var (infinite, load) = MaxLoadWith(profile, masks, winners, c, words);
                if (currentInfinite)
                {
                    infinite = true;
                }
                else if (!infinite && load < currentLoad)
                {
                    load = currentLoad;
                }
                var better = chosen < 0 || (!infinite && (bestInfinite || load < best!.Value));
                if (better)
                {
                    best = load;
                    bestInfinite = infinite;
                    chosen = c;
                }
            }
            winners.Add(chosen);
            remaining -= profile.Costs[chosen];
            available.Remove(chosen);
            currentLoad = best!.Value;
            currentInfinite = bestInfinite;
        }
        return winners.Select(w => profile.ProjectIds[w]).ToList();
    }

    // Largest density among subsets containing the new project c (subsets without it were already bounded).
    private static (bool Infinite, Fraction Load) MaxLoadWith(ApprovalProfile profile, ulong[][] masks, List<int> winners, int c, int words)
    {
        var k = winners.Count;
        var best = Fraction.Zero;
        var union = new ulong[words];
        for (var subset = 0; subset < (1 << k); subset++)
        {
            Array.Copy(masks[c], union, words);
            var cost = profile.Costs[c];
            for (var j = 0; j < k; j++)
            {
                if ((subset & (1 << j)) != 0)
                {
                    var w = masks[winners[j]];
                    for (var x = 0; x < words; x++)
                    {
                        union[x] |= w[x];
                    }
                    cost += profile.Costs[winners[j]];
                }
            }
            var count = union.Sum(x => System.Numerics.BitOperations.PopCount(x));
            if (count == 0)
            {
                if (cost.Sign > 0)
                {
                    return (true, Fraction.Zero);
                }
                continue;
            }
            var density = cost / Fraction.FromInt64(count);
            if (density > best)
            {
                best = density;
            }
        }
        return (false, best);
    }
}
