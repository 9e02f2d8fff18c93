namespace CivicGrid.Governance.Voting;

/// <summary>A tally: a score per option (votes, approvals, final-round votes or net quadratic votes) and the winners (several on a tie).</summary>
public sealed record Tally(IReadOnlyList<long> Scores, IReadOnlyList<int> Winners, int CountedBallots, int RejectedBallots, IReadOnlyList<IReadOnlyList<long>>? Rounds = null);

/// <summary>Counting rules for proposals. Options are numbered 0…options−1; invalid ballots are counted as rejected, never silently fixed.</summary>
public static class VotingRules
{
    /// <summary>One option per ballot; most votes wins.</summary>
    public static Tally SingleChoice(int options, IEnumerable<int> ballots)
    {
        ArgumentNullException.ThrowIfNull(ballots);
        var scores = new long[options];
        int counted = 0, rejected = 0;
        foreach (var b in ballots)
        {
            if ((uint)b >= (uint)options)
            {
                rejected++;
                continue;
            }
            scores[b]++;
            counted++;
        }
        return new Tally(scores, Top(scores), counted, rejected);
    }

    /// <summary>Any set of options per ballot; most approvals wins. A ballot naming an option twice or an unknown option is rejected.</summary>
    public static Tally Approval(int options, IEnumerable<IReadOnlyList<int>> ballots)
    {
        ArgumentNullException.ThrowIfNull(ballots);
        var scores = new long[options];
        int counted = 0, rejected = 0;
        var seen = new bool[options];
        foreach (var b in ballots)
        {
            if (!Valid(b, options, seen))
            {
                rejected++;
                continue;
            }
            foreach (var o in b)
            {
                scores[o]++;
            }
            counted++;
        }
        return new Tally(scores, Top(scores), counted, rejected);
    }

    /// <summary>
    /// Ranked choice by instant runoff: each round counts every ballot for its highest-ranked option still in
    /// the race; an option with a majority of the continuing ballots wins, otherwise the option with fewest
    /// votes is eliminated (a tie for last place eliminates the lowest-numbered of them, documented and deterministic).
    /// Partial rankings are allowed; exhausted ballots stop counting.
    /// </summary>
    public static Tally InstantRunoff(int options, IEnumerable<IReadOnlyList<int>> ballots)
    {
        ArgumentNullException.ThrowIfNull(ballots);
        var valid = new List<IReadOnlyList<int>>();
        var rejected = 0;
        var seen = new bool[options];
        foreach (var b in ballots)
        {
            if (Valid(b, options, seen) && b.Count > 0)
            {
                valid.Add(b);
            }
            else
            {
                rejected++;
            }
        }
        var active = Enumerable.Repeat(true, options).ToArray();
        var position = new int[valid.Count];
        var rounds = new List<IReadOnlyList<long>>();
        var remaining = options;
        while (true)
        {
            var scores = new long[options];
            long continuing = 0;
            for (var i = 0; i < valid.Count; i++)
            {
                var b = valid[i];
                while (position[i] < b.Count && !active[b[position[i]]])
                {
                    position[i]++;
                }
                if (position[i] < b.Count)
                {
                    scores[b[position[i]]]++;
                    continuing++;
                }
            }
            rounds.Add(scores);
            var top = Top(scores);
            if (continuing == 0 || (top.Count == 1 && scores[top[0]] * 2 > continuing) || remaining <= top.Count)
            {
                return new Tally(scores, continuing == 0 ? [] : top, valid.Count, rejected, rounds);
            }
            var lowest = long.MaxValue;
            var loser = -1;
            for (var o = 0; o < options; o++)
            {
                if (active[o] && scores[o] < lowest)
                {
                    lowest = scores[o];
                    loser = o;
                }
            }
            active[loser] = false;
            remaining--;
        }
    }

    /// <summary>
    /// Quadratic voting: each ballot gives every option a signed number of votes; casting v votes costs v²
    /// credits and a ballot may spend at most <paramref name="creditBudget"/> (one budget per verified
    /// resident). Over-budget ballots are rejected. Highest net votes wins.
    /// </summary>
    public static Tally Quadratic(int options, IEnumerable<IReadOnlyList<int>> ballots, long creditBudget)
    {
        ArgumentNullException.ThrowIfNull(ballots);
        var scores = new long[options];
        int counted = 0, rejected = 0;
        foreach (var b in ballots)
        {
            if (b.Count != options || QuadraticCost(b) > creditBudget)
            {
                rejected++;
                continue;
            }
            for (var o = 0; o < options; o++)
            {
                scores[o] += b[o];
            }
            counted++;
        }
        return new Tally(scores, Top(scores), counted, rejected);
    }

    /// <summary>Credits a quadratic ballot spends: the sum of squared votes.</summary>
    public static long QuadraticCost(IReadOnlyList<int> votes)
    {
        ArgumentNullException.ThrowIfNull(votes);
        long cost = 0;
        foreach (var v in votes)
        {
            cost += (long)v * v;
        }
        return cost;
    }

    private static bool Valid(IReadOnlyList<int> ballot, int options, bool[] seen)
    {
        var ok = true;
        foreach (var o in ballot)
        {
            if ((uint)o >= (uint)options || seen[o])
            {
                ok = false;
                break;
            }
            seen[o] = true;
        }
        foreach (var o in ballot)
        {
            if ((uint)o < (uint)options)
            {
                seen[o] = false;
            }
        }
        return ok;
    }

    private static List<int> Top(long[] scores)
    {
        var best = long.MinValue;
        var top = new List<int>();
        for (var o = 0; o < scores.Length; o++)
        {
            if (scores[o] > best)
            {
                best = scores[o];
                top.Clear();
                top.Add(o);
            }
            else if (scores[o] == best)
            {
                top.Add(o);
            }
        }
        return top;
    }
}
