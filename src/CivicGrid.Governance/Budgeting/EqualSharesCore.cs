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

    /// <summary>
    /// A budget level shared by groups of voters. Exact value is kept lazily as parent − price (materialised on
    /// demand, memoised); the double carries a bound on its rounding error.
    /// </summary>
    private sealed class Value
    {
        private Fraction? _exact;
        private Value? _parent;
        private readonly Fraction _price;

        public Value(Fraction exact)
        {
            _exact = exact;
            Approx = exact.ToDouble();
            Error = Math.Abs(Approx) * 2.3e-16;
        }

        public Value(Value parent, Fraction price, double priceApprox)
        {
            _parent = parent;
            _price = price;
            Approx = parent.Approx - priceApprox;
            Error = parent.Error + ((Math.Abs(parent.Approx) + Math.Abs(priceApprox)) * 4.5e-16);
        }

        public double Approx { get; }

        public double Error { get; }

        public int Rank { get; set; }

        public Fraction Exact
        {
            get
            {
                if (_exact is null)
                {
                    _exact = _parent!.Exact - _price;
                    _parent = null;
                }
                return _exact.Value;
            }
        }
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
        RankValues(values);

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
        var evaluated = new List<(int Project, double Ev)>();
        var removed = new List<int>();
        var state = new State(groupValue, counts, values);
        var projectGroups = new List<int>[m];
        for (var c = 0; c < m; c++)
        {
            projectGroups[c] = p.Approvers[c].Length > 0 ? [0] : [];
        }
        state.ProjectGroups = projectGroups;

        while (remaining.Count > 0)
        {
            state.Values = values;
            state.EnsureCapacity();
            remaining.Sort((a, b) => stale[b].CompareTo(stale[a]));
            evaluated.Clear();
            removed.Clear();
            var bestApprox = 0.0;
            foreach (var c in remaining)
            {
                if (stale[c] < bestApprox * (1 - Tolerance))
                {
                    break;
                }
                var fill = Fill(c, state);
                if (!fill.Affordable)
                {
                    removed.Add(c);
                    continue;
                }
                stale[c] = fill.Ev;
                evaluated.Add((c, fill.Ev));
                bestApprox = Math.Max(bestApprox, fill.Ev);
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
                var exact = contenders.Select(c => (Project: c, Ev: ExactPrice(c, state).Ev)).ToList();
                var max = exact.Max(e => e.Ev);
                var tied = exact.Where(e => e.Ev == max).Select(e => e.Project).ToList();
                tied.Sort();
                winner = tied.Count == 1 ? tied[0] : BreakTies(tied);
            }
            var (_, price, cappedRanks) = ExactPrice(winner, state);
            var priceApprox = price.ToDouble();
            winners.Add(winner);
            prices.Add(price);
            remaining.Remove(winner);

            // New budgets of the winner's supporters: capped levels drop to zero, the others pay the price.
            var newValue = new Dictionary<Value, Value>(ReferenceEqualityComparer.Instance);
            Value Next(Value v)
            {
                if (newValue.TryGetValue(v, out var nv))
                {
                    return nv;
                }
                if (v.Rank < cappedRanks || ReferenceEquals(v, zero))
                {
                    nv = zero;
                }
                else
                {
                    nv = new Value(v, price, priceApprox);
                    if (nv.Approx <= (nv.Error * 4) + (Math.Abs(v.Approx) * 1e-12))
                    {
                        var rest = v.Exact - price;
                        nv = rest.Sign <= 0 ? zero : new Value(rest);
                    }
                }
                newValue[v] = nv;
                return nv;
            }
            if (payments is not null)
            {
                var list = new (int, Fraction)[p.Approvers[winner].Length];
                var k = 0;
                foreach (var voter in p.Approvers[winner])
                {
                    var v = groupValue[voterGroup[voter]];
                    list[k++] = (voter, v.Rank < cappedRanks ? v.Exact : price);
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
                    groupValue.Add(Next(groupValue[g]));
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
                    if (to[c]++ == 0)
                    {
                        projectGroups[c].Add(ng);
                    }
                }
            }
            for (var g = 0; g < groups; g++)
            {
                if (full[g] && groupSize[g] > 0)
                {
                    groupValue[g] = Next(groupValue[g]);
                }
            }
            var distinct = new HashSet<Value>(ReferenceEqualityComparer.Instance);
            values = [];
            for (var g = 0; g < groupValue.Count; g++)
            {
                if (groupSize[g] > 0 && distinct.Add(groupValue[g]))
                {
                    values.Add(groupValue[g]);
                }
            }
            RankValues(values);
        }
        return new RunResult(winners, prices, payments);
    }

    private sealed class State(List<Value> groupValue, List<int[]> counts, List<Value> values)
    {
        public List<Value> GroupValue { get; } = groupValue;

        public List<int[]> Counts { get; } = counts;

        public List<Value> Values { get; set; } = values;

        /// <summary>Per project, the groups that may hold approvers of it (a superset: counts can drop to zero).</summary>
        public List<int>[] ProjectGroups { get; set; } = [];

        public long[] RankCount { get; private set; } = new long[16];

        public void EnsureCapacity()
        {
            if (RankCount.Length < Values.Count)
            {
                RankCount = new long[Values.Count * 2];
            }
        }
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

    private static void RankValues(List<Value> values)
    {
        values.Sort(static (a, b) =>
        {
            if (ReferenceEquals(a, b))
            {
                return 0;
            }
            var margin = Math.Max(Math.Abs(a.Approx), Math.Abs(b.Approx)) * 1e-12 + a.Error + b.Error;
            if (Math.Abs(a.Approx - b.Approx) > margin)
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

    private static void CountByRank(int c, State s)
    {
        var rankCount = s.RankCount;
        var gv = s.GroupValue;
        var counts = s.Counts;
        var list = s.ProjectGroups[c];
        var keep = 0;
        for (var i = 0; i < list.Count; i++)
        {
            var g = list[i];
            var k = counts[g][c];
            if (k > 0)
            {
                rankCount[gv[g].Rank] += k;
                list[keep++] = g;
            }
        }
        list.RemoveRange(keep, list.Count - keep);
    }

    private readonly record struct FillResult(bool Affordable, bool Ambiguous, double Ev, int CappedRanks);

    /// <summary>Water-filling of <paramref name="c"/>'s cost in doubles; flags any comparison too close to call.</summary>
    private FillResult FillApprox(int c, State s)
    {
        var cost = _profile.CostApprox[c];
        var values = s.Values;
        var rankCount = s.RankCount;
        CountByRank(c, s);
        try
        {
            double money = 0, moneyError = 0;
            long d = 0;
            for (var r = 0; r < values.Count; r++)
            {
                var k = rankCount[r];
                if (k > 0)
                {
                    money += k * values[r].Approx;
                    moneyError += k * values[r].Error;
                    d += k;
                }
            }
            moneyError += Math.Abs(money) * d * 2.3e-16;
            if (Math.Abs(money - cost) <= (Tolerance * cost) + moneyError)
            {
                return new FillResult(false, true, 0, 0);
            }
            if (money < cost)
            {
                return new FillResult(false, false, 0, 0);
            }
            double paid = 0, paidError = 0;
            for (var r = 0; r < values.Count; r++)
            {
                var k = rankCount[r];
                if (k == 0)
                {
                    continue;
                }
                var mp = (cost - paid) / d;
                var b = values[r].Approx;
                var margin = (Tolerance * Math.Max(mp, Math.Abs(b))) + values[r].Error + ((paidError + (Math.Abs(paid) * d * 2.3e-16)) / d);
                if (Math.Abs(mp - b) <= margin)
                {
                    return new FillResult(true, true, 0, 0);
                }
                if (mp > b)
                {
                    paid += k * b;
                    paidError += k * values[r].Error;
                    d -= k;
                }
                else
                {
                    return new FillResult(true, false, cost / mp, r);
                }
            }
            return new FillResult(true, true, 0, 0);
        }
        finally
        {
            Array.Clear(rankCount, 0, values.Count);
        }
    }

    private FillResult Fill(int c, State s)
    {
        var approx = FillApprox(c, s);
        if (!approx.Ambiguous)
        {
            return approx;
        }
        var exact = FullExact(c, s);
        return new FillResult(exact.Affordable, false, exact.Affordable ? exact.Ev.ToDouble() : 0, exact.CappedRanks);
    }

    /// <summary>Exact effective vote count and price of an affordable project: the cut comes from the double pass when it is certain.</summary>
    private (Fraction Ev, Fraction Price, int CappedRanks) ExactPrice(int c, State s)
    {
        var approx = FillApprox(c, s);
        if (approx.Ambiguous || !approx.Affordable)
        {
            var full = FullExact(c, s);
            return (full.Ev, full.Price, full.CappedRanks);
        }
        var cost = _profile.Costs[c];
        var values = s.Values;
        var rankCount = s.RankCount;
        CountByRank(c, s);
        try
        {
            var paid = Fraction.Zero;
            long d = 0;
            for (var r = 0; r < values.Count; r++)
            {
                var k = rankCount[r];
                if (k == 0)
                {
                    continue;
                }
                d += k;
                if (r < approx.CappedRanks)
                {
                    paid += Fraction.FromInt64(k) * values[r].Exact;
                    d -= k;
                }
            }
            var price = (cost - paid) / Fraction.FromInt64(d);
            return (cost / price, price, approx.CappedRanks);
        }
        finally
        {
            Array.Clear(rankCount, 0, values.Count);
        }
    }

    private (bool Affordable, Fraction Ev, Fraction Price, int CappedRanks) FullExact(int c, State s)
    {
        var cost = _profile.Costs[c];
        var values = s.Values;
        var rankCount = s.RankCount;
        CountByRank(c, s);
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
