namespace CivicGrid.Governance.Budgeting;

/// <summary>
/// One run of the Method of Equal Shares (approval ballots, cost utilities) with a fixed total budget,
/// exact in rationals.
/// </summary>
/// <remarks>
/// Speed without giving up exactness: voters whose budgets are equal (by construction: the same history of
/// payments) are kept in groups, so a project's payment is found over a few hundred groups instead of
/// thousands of voters; every decision is first taken in doubles and only when a double comparison is within
/// a relative 1e-7 of the threshold is it redone in exact fractions. The budget state itself is always exact.
/// </remarks>
internal sealed class EqualSharesCore
{
    private const double Tolerance = 1e-7;

    private readonly ApprovalProfile _profile;
    private readonly Func<IReadOnlyList<int>, IReadOnlyList<int>> _breakTies;

    internal EqualSharesCore(ApprovalProfile profile, Func<IReadOnlyList<int>, IReadOnlyList<int>> breakTies)
    {
        _profile = profile;
        _breakTies = breakTies;
    }

    private sealed class Value(Fraction exact)
    {
        public Fraction Exact { get; } = exact;

        public double Approx { get; } = exact.ToDouble();

        public int Rank { get; set; }
    }

    internal sealed record RunResult(List<int> Winners, List<Fraction> PricePerVoter, List<(int Voter, Fraction Payment)[]>? Payments);

    internal RunResult Run(Fraction totalBudget, bool reportPayments)
    {
        var p = _profile;
        var n = p.VoterCount;
        var m = p.ProjectCount;
        var zero = new Value(Fraction.Zero);
        var groupValue = new List<Value> { new(totalBudget / Fraction.FromInt64(n)) };
        var groupSize = new List<int> { n };
        var counts = new List<int[]> { p.Approvers.Select(a => a.Length).ToArray() };
        var voterGroup = new int[n];
        var values = new List<Value> { groupValue[0] };
        RankValues(values, zero);

        var remaining = new List<int>();
        var stale = new double[m];
        for (var c = 0; c < m; c++)
        {
            if (p.Costs[c].Sign > 0 && p.Approvers[c].Length > 0)
            {
                remaining.Add(c);
                stale[c] = p.Approvers[c].Length;
            }
        }
        var winners = new List<int>();
        var prices = new List<Fraction>();
        var payments = reportPayments ? new List<(int, Fraction)[]>() : null;
        var rankCount = new long[1];
        var evaluated = new List<(int Project, double Ev)>();

        while (remaining.Count > 0)
        {
            if (rankCount.Length < values.Count + 1)
            {
                rankCount = new long[values.Count * 2 + 1];
            }
            remaining.Sort((a, b) => stale[b].CompareTo(stale[a]));
            evaluated.Clear();
            var bestApprox = 0.0;
            var removed = new List<int>();
            foreach (var c in remaining)
            {
                if (stale[c] < bestApprox * (1 - Tolerance))
                {
                    break;
                }
                var ev = EvaluateApprox(c, groupValue, counts, values, rankCount, out var affordable);
                if (!affordable)
                {
                    removed.Add(c);
                    continue;
                }
                stale[c] = ev;
                evaluated.Add((c, ev));
                bestApprox = Math.Max(bestApprox, ev);
            }
            foreach (var c in removed)
            {
                remaining.Remove(c);
            }
            if (evaluated.Count == 0)
            {
                break;
            }
            var contenders = evaluated.Where(e => e.Ev >= bestApprox * (1 - Tolerance)).Select(e => e.Project).ToList();
            int winner;
            if (contenders.Count == 1)
            {
                winner = contenders[0];
            }
            else
            {
                var exact = contenders.Select(c => (Project: c, Ev: WaterFillExact(c, groupValue, counts, values, rankCount).Ev)).ToList();
                var max = exact.Max(e => e.Ev);
                var tied = exact.Where(e => e.Ev == max).Select(e => e.Project).ToList();
                tied.Sort();
                winner = tied.Count == 1 ? tied[0] : BreakTies(tied);
            }
            var fill = WaterFillExact(winner, groupValue, counts, values, rankCount);
            winners.Add(winner);
            prices.Add(fill.Price);
            remaining.Remove(winner);

            // New budgets: capped values drop to zero, the others pay the price.
            var newValue = new Dictionary<Value, Value>(ReferenceEqualityComparer.Instance);
            foreach (var v in values)
            {
                if (v.Rank < fill.CappedRanks)
                {
                    newValue[v] = zero;
                }
                else
                {
                    var rest = v.Exact - fill.Price;
                    newValue[v] = rest.Sign <= 0 ? zero : new Value(rest);
                }
            }
            if (payments is not null)
            {
                var list = new (int, Fraction)[p.Approvers[winner].Length];
                var k = 0;
                foreach (var voter in p.Approvers[winner])
                {
                    var v = groupValue[voterGroup[voter]];
                    list[k++] = (voter, v.Rank < fill.CappedRanks ? v.Exact : fill.Price);
                }
                payments.Add(list);
            }
            var groups = groupValue.Count;
            var full = new bool[groups];
            for (var g = 0; g < groups; g++)
            {
                full[g] = counts[g][winner] == groupSize[g];
            }
            var split = new int[groups];
            Array.Fill(split, -1);
            foreach (var voter in p.Approvers[winner])
            {
                var g = voterGroup[voter];
                if (full[g])
                {
                    continue;
                }
                if (split[g] < 0)
                {
                    split[g] = groupValue.Count;
                    groupValue.Add(newValue[groupValue[g]]);
                    groupSize.Add(0);
                    counts.Add(new int[m]);
                }
                var ng = split[g];
                voterGroup[voter] = ng;
                groupSize[g]--;
                groupSize[ng]++;
                var from = counts[g];
                var to = counts[ng];
                foreach (var c in p.Ballots[voter])
                {
                    from[c]--;
                    to[c]++;
                }
            }
            for (var g = 0; g < groups; g++)
            {
                if (full[g] && groupSize[g] > 0)
                {
                    groupValue[g] = newValue[groupValue[g]];
                }
            }
            values = groupValue.Where((_, g) => groupSize[g] > 0).Distinct(ReferenceEqualityComparer.Instance).Cast<Value>().ToList();
            RankValues(values, zero);
        }
        return new RunResult(winners, prices, payments);
    }

    private int BreakTies(List<int> tied)
    {
        var left = _breakTies(tied);
        if (left.Count != 1)
        {
            throw new EqualSharesTieException(left.Select(c => _profile.ProjectIds[c]).ToList());
        }
        return left[0];
    }

    private static void RankValues(List<Value> values, Value zero)
    {
        _ = zero;
        values.Sort(static (a, b) =>
        {
            if (ReferenceEquals(a, b))
            {
                return 0;
            }
            var scale = Math.Max(Math.Abs(a.Approx), Math.Abs(b.Approx));
            if (Math.Abs(a.Approx - b.Approx) > scale * 1e-12)
            {
                return a.Approx.CompareTo(b.Approx);
            }
            return a.Exact.CompareTo(b.Exact);
        });
        for (var i = 0; i < values.Count; i++)
        {
            values[i].Rank = i;
        }
    }

    private void CountByRank(int c, List<Value> groupValue, List<int[]> counts, long[] rankCount)
    {
        for (var g = 0; g < groupValue.Count; g++)
        {
            var k = counts[g][c];
            if (k > 0)
            {
                rankCount[groupValue[g].Rank] += k;
            }
        }
    }

    /// <summary>Effective vote count of <paramref name="c"/> in doubles, or exact when a comparison is too close to call.</summary>
    private double EvaluateApprox(int c, List<Value> groupValue, List<int[]> counts, List<Value> values, long[] rankCount, out bool affordable)
    {
        var cost = _profile.CostApprox[c];
        CountByRank(c, groupValue, counts, rankCount);
        double money = 0;
        long d = 0;
        for (var r = 0; r < values.Count; r++)
        {
            money += rankCount[r] * values[r].Approx;
            d += rankCount[r];
        }
        var ambiguous = Math.Abs(money - cost) <= Tolerance * cost;
        double ev = 0;
        affordable = money >= cost;
        if (!ambiguous && affordable)
        {
            double paid = 0;
            for (var r = 0; r < values.Count; r++)
            {
                var k = rankCount[r];
                if (k == 0)
                {
                    continue;
                }
                var mp = (cost - paid) / d;
                var b = values[r].Approx;
                if (Math.Abs(mp - b) <= Tolerance * Math.Max(mp, b))
                {
                    ambiguous = true;
                    break;
                }
                if (mp > b)
                {
                    paid += k * b;
                    d -= k;
                }
                else
                {
                    ev = cost / mp;
                    break;
                }
            }
        }
        Array.Clear(rankCount, 0, values.Count);
        if (!ambiguous)
        {
            return ev;
        }
        var exact = WaterFillExact(c, groupValue, counts, values, rankCount);
        affordable = exact.Affordable;
        return affordable ? exact.Ev.ToDouble() : 0;
    }

    private (bool Affordable, Fraction Ev, Fraction Price, int CappedRanks) WaterFillExact(int c, List<Value> groupValue, List<int[]> counts, List<Value> values, long[] rankCount)
    {
        var cost = _profile.Costs[c];
        CountByRank(c, groupValue, counts, rankCount);
        try
        {
            var money = Fraction.Zero;
            long d = 0;
            for (var r = 0; r < values.Count; r++)
            {
                if (rankCount[r] > 0)
                {
                    money += Fraction.FromInt64(rankCount[r]) * values[r].Exact;
                    d += rankCount[r];
                }
            }
            if (money < cost)
            {
                return (false, Fraction.Zero, Fraction.Zero, 0);
            }
            var paid = Fraction.Zero;
            for (var r = 0; r < values.Count; r++)
            {
                var k = rankCount[r];
                if (k == 0)
                {
                    continue;
                }
                var mp = (cost - paid) / Fraction.FromInt64(d);
                if (mp > values[r].Exact)
                {
                    paid += Fraction.FromInt64(k) * values[r].Exact;
                    d -= k;
                }
                else
                {
                    return (true, cost / mp, mp, r);
                }
            }
            throw new InvalidOperationException("An affordable project found no payer; this cannot happen.");
        }
        finally
        {
            Array.Clear(rankCount, 0, values.Count);
        }
    }
}

/// <summary>The tie-breaking steps left more than one project tied.</summary>
public sealed class EqualSharesTieException : Exception
{
    public EqualSharesTieException(IReadOnlyList<string> tiedProjects)
        : base($"Tie-breaking failed: tie between projects {string.Join(", ", tiedProjects ?? [])} could not be resolved. Another tie-breaking needs to be added.")
    {
        TiedProjects = tiedProjects ?? [];
    }

    public EqualSharesTieException()
        : this([])
    {
    }

    public EqualSharesTieException(string message)
        : base(message)
    {
        TiedProjects = [];
    }

    public EqualSharesTieException(string message, Exception innerException)
        : base(message, innerException)
    {
        TiedProjects = [];
    }

    public IReadOnlyList<string> TiedProjects { get; }
}
