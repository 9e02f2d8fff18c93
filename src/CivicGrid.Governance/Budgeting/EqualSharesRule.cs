using System.Numerics;

namespace CivicGrid.Governance.Budgeting;

/// <summary>Completion of the Method of Equal Shares, named as on equalshares.net.</summary>
public enum EqualSharesCompletion
{
    /// <summary>Plain MES with the real budget.</summary>
    None,

    /// <summary>Raise every voter's budget step by step while the outcome stays within the real budget.</summary>
    Add1,

    /// <summary>Add1, then spend what is left greedily by approval count.</summary>
    Add1Utilitarian,

    /// <summary>Plain MES, then spend what is left greedily by approval count.</summary>
    Utilitarian,
}

/// <summary>How a finished MES outcome may be compared with the greedy one (equalshares.net "comparison step").</summary>
public enum OutcomeComparison
{
    None,

    /// <summary>Count voters who approve more winners of one outcome than of the other.</summary>
    Satisfaction,

    /// <summary>Count voters who approve some winner of one outcome and none of the other.</summary>
    ExclusionRatio,
}

/// <summary>One tie-breaking step: most approvals, lowest cost, highest cost, or a priority list of project ids.</summary>
public sealed record TieBreakingStep(TieBreakingKind Kind, IReadOnlyList<string>? Priority = null)
{
    public static TieBreakingStep MaxVotes { get; } = new(TieBreakingKind.MaxVotes);

    public static TieBreakingStep MinCost { get; } = new(TieBreakingKind.MinCost);

    public static TieBreakingStep MaxCost { get; } = new(TieBreakingKind.MaxCost);

    public static TieBreakingStep Parse(string name) => name switch
    {
        "maxVotes" or "max-votes" => MaxVotes,
        "minCost" or "min-cost" => MinCost,
        "maxCost" or "max-cost" => MaxCost,
        _ => throw new ArgumentException($"unknown tie-breaking method '{name}' (maxVotes, minCost, maxCost)", nameof(name)),
    };
}

public enum TieBreakingKind
{
    MaxVotes,
    MinCost,
    MaxCost,
    PriorityList,
}

/// <summary>Options of the Method of Equal Shares as the equalshares.net tool names them.</summary>
public sealed record EqualSharesOptions
{
    public EqualSharesCompletion Completion { get; init; } = EqualSharesCompletion.None;

    /// <summary>Add1: stop as soon as the outcome is exhaustive (no further project fits the real budget).</summary>
    public bool Exhaustive { get; init; } = true;

    /// <summary>Add1: start from a whole-number budget per voter (floor of budget ÷ voters).</summary>
    public bool Integral { get; init; } = true;

    /// <summary>Add1: the amount added to each voter's budget per step.</summary>
    public Fraction Increment { get; init; } = Fraction.One;

    public IReadOnlyList<TieBreakingStep> TieBreaking { get; init; } = [];

    public OutcomeComparison Comparison { get; init; } = OutcomeComparison.None;
}

/// <summary>The outcome of a budgeting rule.</summary>
public sealed class BudgetOutcome
{
    internal BudgetOutcome(ApprovalProfile profile, IReadOnlyList<int> winners, Fraction? endowment, IReadOnlyDictionary<int, (int Voter, Fraction Payment)[]>? payments, string? note)
    {
        Profile = profile;
        WinnerIndices = winners;
        Endowment = endowment;
        _payments = payments;
        Note = note;
        TotalCost = winners.Aggregate(Fraction.Zero, (s, w) => s + profile.Costs[w]);
    }

    private readonly IReadOnlyDictionary<int, (int Voter, Fraction Payment)[]>? _payments;

    public ApprovalProfile Profile { get; }

    /// <summary>Winners in the order the rule selected them (indices into <see cref="ApprovalProfile.ProjectIds"/>).</summary>
    public IReadOnlyList<int> WinnerIndices { get; }

    public IReadOnlyList<string> Winners => WinnerIndices.Select(w => Profile.ProjectIds[w]).ToList();

    public Fraction TotalCost { get; }

    /// <summary>Budget per voter of the final MES run (null for rules without one).</summary>
    public Fraction? Endowment { get; }

    /// <summary>Why the outcome is not the plain MES one, when the comparison step replaced it.</summary>
    public string? Note { get; }

    /// <summary>Number of winners each voter approves.</summary>
    public int[] VoterUtilities()
    {
        var u = new int[Profile.VoterCount];
        foreach (var w in WinnerIndices)
        {
            foreach (var v in Profile.Approvers[w])
            {
                u[v]++;
            }
        }
        return u;
    }

    /// <summary>For r = 0…|winners|, how many voters approve exactly r winners.</summary>
    public int[] UtilityDistribution()
    {
        var dist = new int[WinnerIndices.Count + 1];
        foreach (var u in VoterUtilities())
        {
            dist[u]++;
        }
        return dist;
    }

    /// <summary>Average number of winners a voter approves.</summary>
    public double AverageApprovedWinners => WinnerIndices.Sum(w => (double)Profile.Approvers[w].Length) / Profile.VoterCount;

    /// <summary>
    /// The money each voter paid towards a winning project selected by MES (exact); empty for projects
    /// added by a completion or by a rule without payments.
    /// </summary>
    public IReadOnlyList<(string VoterId, Fraction Payment)> PaymentsFor(string projectId)
    {
        var index = Profile.IndexOf(projectId);
        if (_payments is null || index < 0 || !_payments.TryGetValue(index, out var list))
        {
            return [];
        }
        return list.Select(x => (Profile.VoterIds[x.Voter], x.Payment)).ToList();
    }
}

/// <summary>
/// The Method of Equal Shares for approval ballots with cost utilities, with the completions and options of
/// the equalshares.net computation tool (add1, add1u, utilitarian; exhaustive; integral; tie-breaking;
/// comparison step), computed exactly.
/// </summary>
public static class EqualSharesRule
{
    public static BudgetOutcome Compute(PbElection election, EqualSharesOptions options) =>
        Compute(ApprovalProfile.FromElection(election), options);

    public static BudgetOutcome Compute(ApprovalProfile profile, EqualSharesOptions options)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(options);
        var n = profile.VoterCount;
        if (n == 0)
        {
            return new BudgetOutcome(profile, [], null, null, null);
        }
        var core = new EqualSharesCore(profile, tied => BreakTies(profile, options.TieBreaking, tied));
        var budget = profile.Budget;
        var everythingAffordable = profile.Costs.Aggregate(Fraction.Zero, (s, c) => s + c) <= budget;
        Fraction used;
        EqualSharesCore.RunResult result;
        if (options.Completion is EqualSharesCompletion.None or EqualSharesCompletion.Utilitarian || everythingAffordable)
        {
            used = budget;
            result = core.Run(budget, reportPayments: true);
        }
        else
        {
            used = Add1Budget(profile, core, options);
            result = core.Run(used, reportPayments: true);
        }
        var winners = result.Winners.ToList();
        var payments = new Dictionary<int, (int, Fraction)[]>();
        for (var i = 0; i < winners.Count; i++)
        {
            payments[winners[i]] = result.Payments![i];
        }
        if (options.Completion is EqualSharesCompletion.Utilitarian or EqualSharesCompletion.Add1Utilitarian)
        {
            winners = GreedyRule.Complete(profile, winners, budget);
        }
        string? note = null;
        if (options.Comparison != OutcomeComparison.None)
        {
            var greedy = GreedyRule.Complete(profile, [], budget);
            var (prefersMes, prefersGreedy) = Compare(profile, winners, greedy, options.Comparison);
            if (prefersGreedy > prefersMes)
            {
                note = $"The committee chosen by the greedy algorithm is preferred by {prefersGreedy} voters, while the committee chosen by the method of equal shares is preferred by {prefersMes} voters.";
                winners = greedy;
                payments.Clear();
            }
        }
        return new BudgetOutcome(profile, winners, used / Fraction.FromInt64(n), payments, note);
    }

    private static Fraction Add1Budget(ApprovalProfile profile, EqualSharesCore core, EqualSharesOptions options)
    {
        var n = Fraction.FromInt64(profile.VoterCount);
        var budget = profile.Budget;
        var start = budget;
        if (options.Integral)
        {
            var perVoter = BigInteger.Divide(budget.Numerator, budget.Denominator * profile.VoterCount);
            start = Fraction.FromInteger(perVoter) * n;
        }
        var eligible = Enumerable.Range(0, profile.ProjectCount).Count(c => profile.Costs[c].Sign > 0 && profile.Approvers[c].Length > 0);
        var mes = core.Run(start, false).Winners;
        var currentCost = Cost(profile, mes);
        var current = start;
        var step = n * options.Increment;
        if (step.Sign <= 0)
        {
            throw new ArgumentException("The add1 increment must be positive.", nameof(options));
        }
        while (true)
        {
            if (options.Exhaustive && IsExhaustive(profile, mes, currentCost, budget))
            {
                break;
            }
            var next = current + step;
            var nextMes = core.Run(next, false).Winners;
            currentCost = Cost(profile, nextMes);
            if (currentCost > budget)
            {
                break;
            }
            current = next;
            mes = nextMes;
            if (mes.Count == eligible)
            {
                // Every project MES can ever select is selected: more money changes nothing (the web tool would loop forever here).
                break;
            }
        }
        return current;
    }

    private static bool IsExhaustive(ApprovalProfile profile, List<int> selected, Fraction cost, Fraction budget)
    {
        var chosen = new HashSet<int>(selected);
        for (var c = 0; c < profile.ProjectCount; c++)
        {
            if (!chosen.Contains(c) && cost + profile.Costs[c] <= budget)
            {
                return false;
            }
        }
        return true;
    }

    internal static Fraction Cost(ApprovalProfile profile, IEnumerable<int> projects) =>
        projects.Aggregate(Fraction.Zero, (s, c) => s + profile.Costs[c]);

    internal static IReadOnlyList<int> BreakTies(ApprovalProfile profile, IReadOnlyList<TieBreakingStep> steps, IReadOnlyList<int> tied)
    {
        var left = tied.ToList();
        foreach (var step in steps)
        {
            switch (step.Kind)
            {
                case TieBreakingKind.MaxVotes:
                    var most = left.Max(c => profile.Approvers[c].Length);
                    left = left.Where(c => profile.Approvers[c].Length == most).ToList();
                    break;
                case TieBreakingKind.MinCost:
                    var low = left.Min(c => profile.Costs[c]);
                    left = left.Where(c => profile.Costs[c] == low).ToList();
                    break;
                case TieBreakingKind.MaxCost:
                    var high = left.Max(c => profile.Costs[c]);
                    left = left.Where(c => profile.Costs[c] == high).ToList();
                    break;
                default:
                    var priority = step.Priority ?? [];
                    var ranked = left.Where(c => priority.Contains(profile.ProjectIds[c]))
                        .OrderBy(c => priority.ToList().IndexOf(profile.ProjectIds[c])).ToList();
                    if (ranked.Count > 0)
                    {
                        left = [ranked[0]];
                    }
                    break;
            }
            if (left.Count == 1)
            {
                break;
            }
        }
        return left;
    }

    private static (int PrefersMes, int PrefersGreedy) Compare(ApprovalProfile profile, List<int> mes, List<int> greedy, OutcomeComparison comparison)
    {
        var a = new int[profile.VoterCount];
        var b = new int[profile.VoterCount];
        foreach (var c in mes)
        {
            foreach (var v in profile.Approvers[c])
            {
                a[v]++;
            }
        }
        foreach (var c in greedy)
        {
            foreach (var v in profile.Approvers[c])
            {
                b[v]++;
            }
        }
        int prefersMes = 0, prefersGreedy = 0;
        for (var v = 0; v < profile.VoterCount; v++)
        {
            if (comparison == OutcomeComparison.Satisfaction)
            {
                // As the web tool counts: a voter approving no winner of one outcome is not compared (undefined > x is false in JS).
                if (a[v] == 0 || b[v] == 0)
                {
                    continue;
                }
                if (a[v] > b[v])
                {
                    prefersMes++;
                }
                else if (b[v] > a[v])
                {
                    prefersGreedy++;
                }
            }
            else
            {
                if (a[v] > 0 && b[v] == 0)
                {
                    prefersMes++;
                }
                else if (b[v] > 0 && a[v] == 0)
                {
                    prefersGreedy++;
                }
            }
        }
        return (prefersMes, prefersGreedy);
    }
}
