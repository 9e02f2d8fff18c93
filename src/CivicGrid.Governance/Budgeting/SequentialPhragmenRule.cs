namespace CivicGrid.Governance.Budgeting;

/// <summary>
/// Sequential Phragmén for participatory budgeting (as pabutools' <c>sequential_phragmen</c>): voters earn
/// money continuously; the project whose supporters can first pay for it is bought, its cost spread so that
/// its supporters end with equal loads; the rule stops when the next project to be bought would exceed the
/// budget. Ties go to the first project id in ordinal string order. Exact.
/// </summary>
public static class SequentialPhragmenRule
{
    public static IReadOnlyList<string> Compute(ApprovalProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var load = Enumerable.Repeat(Fraction.Zero, profile.VoterCount).ToArray();
        var supportLoad = new Fraction[profile.ProjectCount];
        Array.Fill(supportLoad, Fraction.Zero);
        var candidates = Enumerable.Range(0, profile.ProjectCount).Where(c => profile.Costs[c] <= profile.Budget).ToList();
        var winners = new List<int>();
        var spent = Fraction.Zero;
        while (candidates.Count > 0)
        {
            Fraction? best = null; // null load stands for "no supporters" (infinite)
            var tied = new List<int>();
            var bestInfinite = true;
            foreach (var c in candidates)
            {
                var score = profile.Approvers[c].Length;
                var infinite = score == 0;
                var value = infinite ? Fraction.Zero : (supportLoad[c] + profile.Costs[c]) / Fraction.FromInt64(score);
                int cmp;
                if (tied.Count == 0)
                {
                    cmp = -1;
                }
                else if (infinite || bestInfinite)
                {
                    cmp = infinite && bestInfinite ? 0 : infinite ? 1 : -1;
                }
                else
                {
                    cmp = value.CompareTo(best!.Value);
                }
                if (cmp < 0)
                {
                    best = value;
                    bestInfinite = infinite;
                    tied = [c];
                }
                else if (cmp == 0)
                {
                    tied.Add(c);
                }
            }
            if (tied.Any(c => spent + profile.Costs[c] > profile.Budget))
            {
                break;
            }
            var chosen = tied.OrderBy(c => profile.ProjectIds[c], StringComparer.Ordinal).First();
            winners.Add(chosen);
            spent += profile.Costs[chosen];
            candidates.Remove(chosen);
            if (!bestInfinite)
            {
                foreach (var v in profile.Approvers[chosen])
                {
                    var delta = best!.Value - load[v];
                    load[v] = best.Value;
                    foreach (var c in profile.Ballots[v])
                    {
                        supportLoad[c] += delta;
                    }
                }
            }
        }
        return winners.Select(w => profile.ProjectIds[w]).ToList();
    }
}
