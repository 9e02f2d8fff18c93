using System.Diagnostics;

namespace CivicGrid.Mobility.Assignment;

/// <summary>Which Frank–Wolfe search direction to use.</summary>
public enum FrankWolfeVariant
{
    /// <summary>Classic Frank–Wolfe: move towards the all-or-nothing solution.</summary>
    Plain,

    /// <summary>Bi-conjugate Frank–Wolfe (Mitradjieva and Lindberg 2013): the target is kept conjugate to the two previous directions.</summary>
    Biconjugate,
}

/// <summary>
/// Link-based equilibrium assignment by (bi-conjugate) Frank–Wolfe with an exact line search on the Beckmann
/// objective. All-or-nothing loads are computed per origin in parallel and summed in origin order (deterministic).
/// </summary>
public sealed class FrankWolfe
{
    private readonly AssignmentNetwork _net;
    private readonly int[] _origins;
    private readonly double[] _perOrigin; // [originIndex * m + link] all-or-nothing loads
    private readonly double[] _spttPerOrigin;
    private readonly ThreadLocal<(ShortestPathTree Tree, double[] NodeFlow)> _work;

    public FrankWolfe(AssignmentNetwork network, FrankWolfeVariant variant = FrankWolfeVariant.Biconjugate)
    {
        ArgumentNullException.ThrowIfNull(network);
        _net = network;
        Variant = variant;
        _origins = GapEvaluator.OriginsWithDemand(network);
        _perOrigin = new double[_origins.Length * network.LinkCount];
        _spttPerOrigin = new double[_origins.Length];
        _work = new ThreadLocal<(ShortestPathTree, double[])>(() => (new ShortestPathTree(network), new double[network.NodeCount]));
    }

    public FrankWolfeVariant Variant { get; }

    public AssignmentResult Solve(AssignmentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var clock = Stopwatch.StartNew();
        var m = _net.LinkCount;
        var x = new double[m];
        var cost = new double[m];
        var y = new double[m];
        var target = new double[m];
        var prev = new double[m];
        var prevPrev = new double[m];
        var history = new List<AssignmentIteration>();
        var total = _net.TotalDemand;
        UpdateCosts(x, cost);
        AllOrNothing(cost, x);
        UpdateCosts(x, cost);
        double gap = double.PositiveInfinity, aec = double.PositiveInfinity;
        double stepPrev = 1, stepPrevPrev = 1;
        var iteration = 0;
        var converged = false;
        while (iteration < options.MaxIterations)
        {
            iteration++;
            var sptt = AllOrNothing(cost, y);
            var tstt = 0.0;
            for (var a = 0; a < m; a++)
            {
                tstt += x[a] * cost[a];
            }
            gap = (tstt - sptt) / sptt;
            aec = total > 0 ? (tstt - sptt) / total : 0;
            var it = new AssignmentIteration(iteration, gap, aec, _net.Objective(x), clock.Elapsed.TotalMilliseconds);
            history.Add(it);
            options.Progress?.Invoke(it);
            if (gap <= options.TargetRelativeGap)
            {
                converged = true;
                break;
            }
            if (Variant == FrankWolfeVariant.Biconjugate && iteration > 2 && stepPrev < 1 && stepPrevPrev < 1)
            {
                BiconjugateTarget(x, y, prev, prevPrev, stepPrev, target);
            }
            else
            {
                Array.Copy(y, target, m);
            }
            var step = LineSearch(x, target);
            for (var a = 0; a < m; a++)
            {
                x[a] += step * (target[a] - x[a]);
            }
            UpdateCosts(x, cost);
            Array.Copy(prev, prevPrev, m);
            Array.Copy(target, prev, m);
            stepPrevPrev = stepPrev;
            stepPrev = step;
        }
        return new AssignmentResult(x, cost, _net.Objective(x), gap, aec, iteration, converged, history);
    }

    private void UpdateCosts(double[] x, double[] cost)
    {
        for (var a = 0; a < x.Length; a++)
        {
            cost[a] = _net.Cost(a, x[a]);
        }
    }

    // Combines the new all-or-nothing point with the two previous targets so the direction is conjugate
    // (with respect to the diagonal Hessian of the objective) to the two previous search directions.
    private void BiconjugateTarget(double[] x, double[] y, double[] prev, double[] prevPrev, double stepPrev, double[] target)
    {
        double n1 = 0, d1 = 0, n2 = 0, d2 = 0;
        for (var a = 0; a < x.Length; a++)
        {
            var h = _net.Derivative(a, x[a]);
            var w1 = h * ((stepPrev * prev[a]) - x[a] + ((1 - stepPrev) * prevPrev[a]));
            n1 += w1 * (y[a] - x[a]);
            d1 += w1 * (prevPrev[a] - prev[a]);
            var w2 = h * (prev[a] - x[a]);
            n2 += w2 * (y[a] - x[a]);
            d2 += w2 * (prev[a] - x[a]);
        }
        if (d1 == 0 || d2 == 0)
        {
            Array.Copy(y, target, x.Length);
            return;
        }
        var mu = Math.Max(0, -n1 / d1);
        var nu = Math.Max(0, (mu * stepPrev / (1 - stepPrev)) - (n2 / d2));
        var b0 = 1 / (1 + mu + nu);
        var b1 = nu * b0;
        var b2 = mu * b0;
        for (var a = 0; a < x.Length; a++)
        {
            target[a] = (b0 * y[a]) + (b1 * prev[a]) + (b2 * prevPrev[a]);
        }
    }

    // Exact line search: the root in [0, 1] of the directional derivative of the Beckmann objective, by bisection.
    private double LineSearch(double[] x, double[] target)
    {
        double Slope(double s)
        {
            var g = 0.0;
            for (var a = 0; a < x.Length; a++)
            {
                var d = target[a] - x[a];
                if (d != 0)
                {
                    g += _net.Cost(a, x[a] + (s * d)) * d;
                }
            }
            return g;
        }

        if (Slope(1) <= 0)
        {
            return 1;
        }
        if (Slope(0) >= 0)
        {
            return 0;
        }
        double lo = 0, hi = 1;
        for (var k = 0; k < 60 && hi - lo > 1e-16; k++)
        {
            var mid = 0.5 * (lo + hi);
            if (Slope(mid) < 0)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }
        return 0.5 * (lo + hi);
    }

    // Loads every origin's demand on its shortest-path tree; returns the shortest-path total cost (SPTT).
    private double AllOrNothing(double[] cost, double[] load)
    {
        var m = _net.LinkCount;
        var z = _net.ZoneCount;
        Parallel.For(0, _origins.Length, oi =>
        {
            var (tree, nodeFlow) = _work.Value;
            var o = _origins[oi];
            tree.Run(o, cost);
            var span = _perOrigin.AsSpan(oi * m, m);
            span.Clear();
            Array.Clear(nodeFlow);
            var s = 0.0;
            for (var d = 0; d < z; d++)
            {
                var q = _net.Demand[(o * z) + d];
                if (q > 0 && d != o)
                {
                    if (double.IsPositiveInfinity(tree.Distance[d]))
                    {
                        throw new AssignmentException($"zone {d + 1} cannot be reached from zone {o + 1}");
                    }
                    nodeFlow[d] += q;
                    s += q * tree.Distance[d];
                }
            }
            for (var k = tree.SettledCount - 1; k > 0; k--)
            {
                var v = tree.SettleOrder[k];
                var f = nodeFlow[v];
                if (f > 0)
                {
                    var a = tree.PredecessorLink[v];
                    span[a] += f;
                    nodeFlow[_net.Tail[a]] += f;
                }
            }
            _spttPerOrigin[oi] = s;
        });
        Array.Clear(load);
        var sptt = 0.0;
        for (var oi = 0; oi < _origins.Length; oi++)
        {
            var span = _perOrigin.AsSpan(oi * m, m);
            for (var a = 0; a < m; a++)
            {
                load[a] += span[a];
            }
            sptt += _spttPerOrigin[oi];
        }
        return sptt;
    }
}
