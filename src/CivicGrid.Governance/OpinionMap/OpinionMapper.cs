namespace CivicGrid.Governance.OpinionMap;

/// <summary>Options of the opinion map.</summary>
public sealed record OpinionMapOptions
{
    /// <summary>Participants to place; null means every participant with at least min(MinVotes, statements) votes.</summary>
    public IReadOnlySet<int>? Participants { get; init; }

    /// <summary>Statements left out (moderated out, or meta statements).</summary>
    public IReadOnlySet<int> ExcludedStatements { get; init; } = new HashSet<int>();

    public int MinVotes { get; init; } = 7;

    public int MaxGroups { get; init; } = 5;

    /// <summary>Seed of the k-means restarts (the map is deterministic for a given seed).</summary>
    public int Seed { get; init; } = 1;

    public int Restarts { get; init; } = 20;

    /// <summary>
    /// Group centres of the previous map. When given, k-means starts from them (k = their number) instead of
    /// choosing k by silhouette — as Polis carries its clusters from one update to the next, which keeps the
    /// groups stable as votes arrive.
    /// </summary>
    public IReadOnlyList<(double X, double Y)>? InitialCenters { get; init; }
}

/// <summary>A statement most participants of every group agree with.</summary>
public sealed record ConsensusStatement(int Statement, double AgreeShare);

/// <summary>The opinion map: a 2-D position per participant, groups, and consensus statements.</summary>
public sealed record OpinionMapResult(
    IReadOnlyList<int> Participants,
    IReadOnlyList<int> Statements,
    IReadOnlyList<(double X, double Y)> Coordinates,
    IReadOnlyList<IReadOnlyList<int>> Groups,
    double Silhouette,
    IReadOnlyList<ConsensusStatement> Consensus);

/// <summary>
/// Polis-style opinion map: vote matrix (agree −1, disagree 1, pass 0, missing = statement mean), principal
/// components by power iteration, projections scaled by √(statements ÷ votes cast) as Polis does for
/// sparse voters, then k-means for k = 2…MaxGroups with the k of best mean silhouette. Deterministic.
/// </summary>
public static class OpinionMapper
{
    public static OpinionMapResult Compute(PolisVotes votes, OpinionMapOptions options)
    {
        ArgumentNullException.ThrowIfNull(votes);
        ArgumentNullException.ThrowIfNull(options);
        var statements = votes.Votes.Select(v => v.Statement).Where(s => !options.ExcludedStatements.Contains(s)).Distinct().Order().ToList();
        var sIndex = statements.Select((s, i) => (s, i)).ToDictionary(x => x.s, x => x.i);
        var counts = votes.Votes.Where(v => sIndex.ContainsKey(v.Statement)).GroupBy(v => v.Participant).ToDictionary(g => g.Key, g => g.Count());
        var threshold = Math.Min(options.MinVotes, statements.Count);
        var participants = (options.Participants is null
            ? counts.Where(kv => kv.Value >= threshold).Select(kv => kv.Key)
            : options.Participants.Where(counts.ContainsKey)).Order().ToList();
        var pIndex = participants.Select((p, i) => (p, i)).ToDictionary(x => x.p, x => x.i);
        int n = participants.Count, m = statements.Count;
        var matrix = new double[n, m];
        var present = new bool[n, m];
        foreach (var v in votes.Votes)
        {
            if (pIndex.TryGetValue(v.Participant, out var i) && sIndex.TryGetValue(v.Statement, out var j))
            {
                matrix[i, j] = -v.Value; // Polis's matrix: agree +1, disagree −1
                present[i, j] = true;
            }
        }
        var x = new double[n, m];
        var voted = new int[n];
        for (var j = 0; j < m; j++)
        {
            double sum = 0;
            var c = 0;
            for (var i = 0; i < n; i++)
            {
                if (present[i, j])
                {
                    sum += matrix[i, j];
                    c++;
                }
            }
            var mean = c == 0 ? 0 : sum / c;
            for (var i = 0; i < n; i++)
            {
                x[i, j] = present[i, j] ? matrix[i, j] - mean : 0;
                if (present[i, j])
                {
                    voted[i]++;
                }
            }
        }
        var comps = PrincipalComponents(x, n, m, 2);
        var coords = new (double X, double Y)[n];
        for (var i = 0; i < n; i++)
        {
            double a = 0, b = 0;
            for (var j = 0; j < m; j++)
            {
                a += x[i, j] * comps[0][j];
                b += x[i, j] * comps[1][j];
            }
            var scale = voted[i] == 0 ? 0 : Math.Sqrt((double)m / voted[i]);
            coords[i] = (a * scale, b * scale);
        }
        var (labels, silhouette) = options.InitialCenters is { Count: > 0 } start
            ? WarmStart(coords, start)
            : ChooseGroups(coords, options);
        var k = labels.Length == 0 ? 0 : labels.Max() + 1;
        var groups = Enumerable.Range(0, k).Select(g => (IReadOnlyList<int>)Enumerable.Range(0, n).Where(i => labels[i] == g).Select(i => participants[i]).ToList()).ToList();
        var consensus = new List<ConsensusStatement>();
        if (k > 0)
        {
            for (var j = 0; j < m; j++)
            {
                var worst = double.MaxValue;
                for (var g = 0; g < k; g++)
                {
                    int agree = 0, total = 0;
                    for (var i = 0; i < n; i++)
                    {
                        if (labels[i] == g && present[i, j])
                        {
                            total++;
                            if (matrix[i, j] > 0)
                            {
                                agree++;
                            }
                        }
                    }
                    worst = Math.Min(worst, (agree + 1.0) / (total + 2.0));
                }
                if (worst >= 0.6)
                {
                    consensus.Add(new ConsensusStatement(statements[j], worst));
                }
            }
        }
        consensus.Sort((a, b) => b.AgreeShare.CompareTo(a.AgreeShare));
        return new OpinionMapResult(participants, statements, coords, groups, silhouette, consensus);
    }

    /// <summary>Leading principal directions of the centred matrix by power iteration with deflation.</summary>
    internal static double[][] PrincipalComponents(double[,] x, int n, int m, int count)
    {
        var result = new double[count][];
        for (var c = 0; c < count; c++)
        {
            var v = new double[m];
            for (var j = 0; j < m; j++)
            {
                v[j] = 1.0 + (0.01 * j); // fixed start: deterministic
            }
            Normalize(v);
            var xv = new double[n];
            for (var iter = 0; iter < 1000; iter++)
            {
                for (var i = 0; i < n; i++)
                {
                    double s = 0;
                    for (var j = 0; j < m; j++)
                    {
                        s += x[i, j] * v[j];
                    }
                    xv[i] = s;
                }
                var next = new double[m];
                for (var i = 0; i < n; i++)
                {
                    for (var j = 0; j < m; j++)
                    {
                        next[j] += x[i, j] * xv[i];
                    }
                }
                for (var p = 0; p < c; p++)
                {
                    var dot = Dot(next, result[p]);
                    for (var j = 0; j < m; j++)
                    {
                        next[j] -= dot * result[p][j];
                    }
                }
                if (Normalize(next) == 0)
                {
                    break;
                }
                var change = 0.0;
                for (var j = 0; j < m; j++)
                {
                    change = Math.Max(change, Math.Abs(next[j] - v[j]));
                }
                v = next;
                if (change < 1e-12)
                {
                    break;
                }
            }
            result[c] = v;
        }
        return result;
    }

    private static double Dot(double[] a, double[] b)
    {
        double s = 0;
        for (var i = 0; i < a.Length; i++)
        {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double Normalize(double[] v)
    {
        var norm = Math.Sqrt(Dot(v, v));
        if (norm > 0)
        {
            for (var i = 0; i < v.Length; i++)
            {
                v[i] /= norm;
            }
        }
        return norm;
    }

    private static (int[] Labels, double Silhouette) WarmStart((double X, double Y)[] pts, IReadOnlyList<(double X, double Y)> start)
    {
        var labels = Lloyd(pts, start.ToList());
        var k = start.Count;
        var used = labels.Distinct().Order().ToList();
        var map = used.Select((l, i) => (l, i)).ToDictionary(x => x.l, x => x.i);
        labels = labels.Select(l => map[l]).ToArray();
        return (labels, used.Count > 1 ? Silhouette(pts, labels, used.Count) : 0);
    }

    private static int[] Lloyd((double X, double Y)[] pts, List<(double X, double Y)> centers)
    {
        var k = centers.Count;
        var labels = new int[pts.Length];
        for (var iter = 0; iter < 300; iter++)
        {
            var changed = iter == 0;
            for (var i = 0; i < pts.Length; i++)
            {
                var l = 0;
                for (var c = 1; c < k; c++)
                {
                    if (Sq(pts[i], centers[c]) < Sq(pts[i], centers[l]))
                    {
                        l = c;
                    }
                }
                changed |= l != labels[i];
                labels[i] = l;
            }
            if (!changed)
            {
                break;
            }
            for (var c = 0; c < k; c++)
            {
                var members = Enumerable.Range(0, pts.Length).Where(i => labels[i] == c).ToList();
                if (members.Count > 0)
                {
                    centers[c] = (members.Average(i => pts[i].X), members.Average(i => pts[i].Y));
                }
            }
        }
        return labels;
    }

    private static (int[] Labels, double Silhouette) ChooseGroups((double X, double Y)[] pts, OpinionMapOptions options)
    {
        if (pts.Length < 3)
        {
            return (new int[pts.Length], 0);
        }
        int[]? best = null;
        var bestScore = double.NegativeInfinity;
        for (var k = 2; k <= Math.Min(options.MaxGroups, pts.Length - 1); k++)
        {
            var labels = KMeans(pts, k, options.Seed, options.Restarts);
            var score = Silhouette(pts, labels, k);
            if (score > bestScore + 1e-12)
            {
                bestScore = score;
                best = labels;
            }
        }
        return (best!, bestScore);
    }

    /// <summary>k-means++ seeding from a fixed seed, Lloyd iterations, best inertia of several restarts; labels renumbered by first appearance.</summary>
    internal static int[] KMeans((double X, double Y)[] pts, int k, int seed, int restarts)
    {
        var rng = new Random(seed);
        int[]? best = null;
        var bestInertia = double.PositiveInfinity;
        for (var r = 0; r < restarts; r++)
        {
            var centers = new List<(double X, double Y)> { pts[rng.Next(pts.Length)] };
            var d2 = new double[pts.Length];
            while (centers.Count < k)
            {
                double total = 0;
                for (var i = 0; i < pts.Length; i++)
                {
                    d2[i] = centers.Min(c => Sq(pts[i], c));
                    total += d2[i];
                }
                var target = rng.NextDouble() * total;
                var pick = pts.Length - 1;
                for (var i = 0; i < pts.Length; i++)
                {
                    target -= d2[i];
                    if (target <= 0)
                    {
                        pick = i;
                        break;
                    }
                }
                centers.Add(pts[pick]);
            }
            var labels = new int[pts.Length];
            for (var iter = 0; iter < 300; iter++)
            {
                var changed = false;
                for (var i = 0; i < pts.Length; i++)
                {
                    var l = 0;
                    for (var c = 1; c < k; c++)
                    {
                        if (Sq(pts[i], centers[c]) < Sq(pts[i], centers[l]))
                        {
                            l = c;
                        }
                    }
                    if (l != labels[i] || iter == 0)
                    {
                        changed |= l != labels[i];
                        labels[i] = l;
                    }
                }
                for (var c = 0; c < k; c++)
                {
                    var members = Enumerable.Range(0, pts.Length).Where(i => labels[i] == c).ToList();
                    if (members.Count > 0)
                    {
                        centers[c] = (members.Average(i => pts[i].X), members.Average(i => pts[i].Y));
                    }
                }
                if (!changed && iter > 0)
                {
                    break;
                }
            }
            if (labels.Distinct().Count() < k)
            {
                continue;
            }
            var inertia = pts.Select((p, i) => Sq(p, centers[labels[i]])).Sum();
            if (inertia < bestInertia - 1e-9)
            {
                bestInertia = inertia;
                best = labels;
            }
        }
        best ??= pts.Select((_, i) => i % k).ToArray();
        var map = new Dictionary<int, int>();
        return best.Select(l => map.TryGetValue(l, out var x) ? x : map[l] = map.Count).ToArray();
    }

    internal static double Silhouette((double X, double Y)[] pts, int[] labels, int k)
    {
        double total = 0;
        for (var i = 0; i < pts.Length; i++)
        {
            var sums = new double[k];
            var sizes = new int[k];
            for (var j = 0; j < pts.Length; j++)
            {
                if (j != i)
                {
                    sums[labels[j]] += Math.Sqrt(Sq(pts[i], pts[j]));
                    sizes[labels[j]]++;
                }
            }
            var own = labels[i];
            if (sizes[own] == 0)
            {
                continue; // singleton: silhouette 0
            }
            var a = sums[own] / sizes[own];
            var b = double.PositiveInfinity;
            for (var c = 0; c < k; c++)
            {
                if (c != own && sizes[c] > 0)
                {
                    b = Math.Min(b, sums[c] / sizes[c]);
                }
            }
            total += (b - a) / Math.Max(a, b);
        }
        return total / pts.Length;
    }

    private static double Sq((double X, double Y) a, (double X, double Y) b) => ((a.X - b.X) * (a.X - b.X)) + ((a.Y - b.Y) * (a.Y - b.Y));
}
