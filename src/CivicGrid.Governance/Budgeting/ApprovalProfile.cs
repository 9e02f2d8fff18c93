namespace CivicGrid.Governance.Budgeting;

/// <summary>
/// An approval election compiled for the budgeting rules: projects in a canonical order, exact costs,
/// approvers per project and ballots per voter as indices.
/// </summary>
/// <remarks>
/// The canonical project order is the one the equalshares.net tool sees (JavaScript object key order):
/// identifiers that are array indices (canonical non-negative integers below 2^32 − 1) first in ascending
/// numeric order, then every other identifier in file order. It decides ties that the rules leave to
/// "the order of the projects", such as the greedy completion among projects with equal approval counts.
/// </remarks>
public sealed class ApprovalProfile
{
    private ApprovalProfile(string[] projectIds, Fraction[] costs, int[][] approvers, int[][] ballots, string[] voterIds, Fraction budget)
    {
        ProjectIds = projectIds;
        Costs = costs;
        Approvers = approvers;
        Ballots = ballots;
        VoterIds = voterIds;
        Budget = budget;
        CostApprox = costs.Select(c => c.ToDouble()).ToArray();
    }

    public IReadOnlyList<string> ProjectIds { get; }

    public IReadOnlyList<string> VoterIds { get; }

    public Fraction[] Costs { get; }

    internal double[] CostApprox { get; }

    /// <summary>Voter indices approving each project.</summary>
    public int[][] Approvers { get; }

    /// <summary>Project indices each voter approves.</summary>
    public int[][] Ballots { get; }

    public Fraction Budget { get; }

    public int VoterCount => Ballots.Length;

    public int ProjectCount => Costs.Length;

    /// <summary>Compiles an election; every project named on a ballot counts as approved (points are ignored).</summary>
    public static ApprovalProfile FromElection(PbElection election)
    {
        ArgumentNullException.ThrowIfNull(election);
        var order = CanonicalOrder(election.Projects.Select(p => p.Id).ToList());
        var projects = order.Select(i => election.Projects[i]).ToArray();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < projects.Length; i++)
        {
            index[projects[i].Id] = i;
        }
        var approvers = new List<int>[projects.Length];
        for (var i = 0; i < approvers.Length; i++)
        {
            approvers[i] = [];
        }
        var ballots = new int[election.Votes.Count][];
        for (var v = 0; v < ballots.Length; v++)
        {
            var vote = election.Votes[v];
            var b = new int[vote.Projects.Count];
            for (var k = 0; k < b.Length; k++)
            {
                b[k] = index[vote.Projects[k]];
                approvers[b[k]].Add(v);
            }
            ballots[v] = b;
        }
        return new ApprovalProfile(
            projects.Select(p => p.Id).ToArray(),
            projects.Select(p => p.Cost).ToArray(),
            approvers.Select(a => a.ToArray()).ToArray(),
            ballots,
            election.Votes.Select(v => v.VoterId).ToArray(),
            election.Budget);
    }

    /// <summary>Builds a profile directly (projects are taken in the given order).</summary>
    public static ApprovalProfile Create(IReadOnlyList<string> projectIds, IReadOnlyList<Fraction> costs, IReadOnlyList<IReadOnlyList<int>> ballots, Fraction budget)
    {
        ArgumentNullException.ThrowIfNull(projectIds);
        ArgumentNullException.ThrowIfNull(costs);
        ArgumentNullException.ThrowIfNull(ballots);
        var approvers = projectIds.Select(_ => new List<int>()).ToArray();
        for (var v = 0; v < ballots.Count; v++)
        {
            foreach (var p in ballots[v])
            {
                approvers[p].Add(v);
            }
        }
        return new ApprovalProfile(
            projectIds.ToArray(), costs.ToArray(), approvers.Select(a => a.ToArray()).ToArray(),
            ballots.Select(b => b.ToArray()).ToArray(),
            Enumerable.Range(1, ballots.Count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray(), budget);
    }

    public int IndexOf(string projectId)
    {
        for (var i = 0; i < ProjectIds.Count; i++)
        {
            if (ProjectIds[i] == projectId)
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>JavaScript own-property order of the identifiers (see remarks), as indices into <paramref name="ids"/>.</summary>
    public static int[] CanonicalOrder(IReadOnlyList<string> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var numeric = new List<(uint Value, int Index)>();
        var other = new List<int>();
        for (var i = 0; i < ids.Count; i++)
        {
            if (IsArrayIndex(ids[i], out var value))
            {
                numeric.Add((value, i));
            }
            else
            {
                other.Add(i);
            }
        }
        numeric.Sort((a, b) => a.Value.CompareTo(b.Value));
        return numeric.Select(n => n.Index).Concat(other).ToArray();
    }

    private static bool IsArrayIndex(string s, out uint value)
    {
        value = 0;
        if (s.Length == 0 || s.Length > 10 || (s.Length > 1 && s[0] == '0') || !s.All(char.IsAsciiDigit))
        {
            return false;
        }
        var v = ulong.Parse(s, System.Globalization.CultureInfo.InvariantCulture);
        if (v >= uint.MaxValue)
        {
            return false;
        }
        value = (uint)v;
        return true;
    }
}
