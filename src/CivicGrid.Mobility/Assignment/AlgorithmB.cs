using System.Diagnostics;

namespace CivicGrid.Mobility.Assignment;

/// <summary>
/// Static user equilibrium by Algorithm B (Dial 2006): one acyclic bush per origin, shortest and longest used
/// paths found by a sweep in the bush's topological order, and Newton flow shifts from the longest to the
/// shortest path segment below each node. Origins are processed in a fixed order, so results are deterministic.
/// </summary>
public sealed class AlgorithmB
{
    private readonly AssignmentNetwork _net;
    private readonly int _n;
    private readonly int _m;
    private readonly int[] _origins;
    private readonly double[] _originFlow;  // [originIndex * m + link]
    private readonly bool[] _inBush;        // [originIndex * m + link]
    private readonly int[] _order;          // [originIndex * n + k], reachable nodes in topological order
    private readonly int[] _orderCount;
    private readonly double[] _flow;
    private readonly double[] _cost;
    private readonly double[] _deriv;
    private readonly double[] _minLabel;
    private readonly double[] _maxLabel;
    private readonly int[] _minPred;
    private readonly int[] _maxPred;
    private readonly int[] _position;
    private readonly int[] _indegree;
    private readonly double[] _nodeFlow;
    private readonly List<int> _added = [];
    private readonly int[] _queue;
    private readonly int[] _visited;
    private readonly bool[] _active;
    private int _visitStamp;

    public AlgorithmB(AssignmentNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        _net = network;
        _n = network.NodeCount;
        _m = network.LinkCount;
        _origins = GapEvaluator.OriginsWithDemand(network);
        _originFlow = new double[_origins.Length * _m];
        _inBush = new bool[_origins.Length * _m];
        _order = new int[_origins.Length * _n];
        _orderCount = new int[_origins.Length];
        _flow = new double[_m];
        _cost = new double[_m];
        _deriv = new double[_m];
        _minLabel = new double[_n];
        _maxLabel = new double[_n];
        _minPred = new int[_n];
        _maxPred = new int[_n];
        _position = new int[_n];
        _indegree = new int[_n];
        _nodeFlow = new double[_n];
        _queue = new int[_n];
        _visited = new int[_n];
        _active = new bool[_origins.Length];
    }

    /// <summary>Flow shifting sweeps over all bushes after each bush update (without changing bush structure).</summary>
    public int InnerSweeps { get; init; } = 10;

    /// <summary>In the extra sweeps, skip a bush whose largest node gap is below this fraction of the average excess cost.</summary>
    public double SkipFraction { get; init; } = 0.1;

    public AssignmentResult Solve(AssignmentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var clock = Stopwatch.StartNew();
        var gapEval = new GapEvaluator(_net);
        var history = new List<AssignmentIteration>();
        Initialise();
        double gap = double.PositiveInfinity, aec = double.PositiveInfinity;
        var iteration = 0;
        var converged = false;
        while (iteration < options.MaxIterations)
        {
            iteration++;
            // Bushes whose largest node gap is far below the current average excess cost are left alone
            // in this iteration's extra sweeps, so the work goes where the gap is.
            var threshold = double.IsFinite(aec) ? aec * SkipFraction : 0;
            for (var oi = 0; oi < _origins.Length; oi++)
            {
                UpdateBush(oi);
                _active[oi] = ShiftFlows(oi, 0);
            }
            for (var s = 0; s < InnerSweeps; s++)
            {
                var any = false;
                for (var oi = 0; oi < _origins.Length; oi++)
                {
                    if (_active[oi])
                    {
                        _active[oi] = ShiftFlows(oi, threshold);
                        any |= _active[oi];
                    }
                }
                if (!any)
                {
                    break;
                }
            }
            RecomputeLinkFlows();
            (gap, aec, _, _) = gapEval.Evaluate(_flow, _cost);
            var objective = _net.Objective(_flow);
            var it = new AssignmentIteration(iteration, gap, aec, objective, clock.Elapsed.TotalMilliseconds);
            history.Add(it);
            options.Progress?.Invoke(it);
            if (gap <= options.TargetRelativeGap)
            {
                converged = true;
                break;
            }
        }
        return new AssignmentResult((double[])_flow.Clone(), (double[])_cost.Clone(), _net.Objective(_flow), gap, aec, iteration, converged, history);
    }

    /// <summary>
    /// Select-link analysis after <see cref="Solve"/>: the demand of each origin–destination pair that uses
    /// <paramref name="link"/>, splitting flow at every bush merge in proportion to the origin's approach flows.
    /// Returns a dense zone-by-zone matrix like <see cref="AssignmentNetwork.Demand"/>.
    /// </summary>
    public double[] SelectLink(int link)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(link);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(link, _m);
        var z = _net.ZoneCount;
        var result = new double[z * z];
        var share = _minLabel; // scratch: share of the flow arriving at a node that used the link
        for (var oi = 0; oi < _origins.Length; oi++)
        {
            var baseLink = oi * _m;
            var baseNode = oi * _n;
            var origin = _origins[oi];
            if (_originFlow[baseLink + link] <= 0)
            {
                continue;
            }
            share[origin] = 0;
            for (var k = 1; k < _orderCount[oi]; k++)
            {
                var j = _order[baseNode + k];
                double inflow = 0, through = 0;
                for (var e = _net.InStart[j]; e < _net.InStart[j + 1]; e++)
                {
                    var a = _net.InLinks[e];
                    var f = _originFlow[baseLink + a];
                    if (f > 0)
                    {
                        inflow += f;
                        through += a == link ? f : f * share[_net.Tail[a]];
                    }
                }
                share[j] = inflow > 0 ? through / inflow : 0;
            }
            for (var d = 0; d < z; d++)
            {
                var q = _net.Demand[(origin * z) + d];
                if (q > 0 && d != origin)
                {
                    result[(origin * z) + d] = q * share[d];
                }
            }
        }
        return result;
    }

    private void SetFlow(int a, double x)
    {
        _flow[a] = x;
        _cost[a] = _net.Cost(a, x);
        _deriv[a] = _net.Derivative(a, x);
    }

    private void Initialise()
    {
        for (var a = 0; a < _m; a++)
        {
            SetFlow(a, 0);
        }
        var tree = new ShortestPathTree(_net);
        var z = _net.ZoneCount;
        for (var oi = 0; oi < _origins.Length; oi++)
        {
            var o = _origins[oi];
            tree.Run(o, _cost);
            var baseLink = oi * _m;
            var baseNode = oi * _n;
            Array.Clear(_nodeFlow);
            for (var d = 0; d < z; d++)
            {
                var q = _net.Demand[(o * z) + d];
                if (q > 0 && d != o)
                {
                    if (double.IsPositiveInfinity(tree.Distance[d]))
                    {
                        throw new AssignmentException($"zone {d + 1} cannot be reached from zone {o + 1}");
                    }
                    _nodeFlow[d] += q;
                }
            }
            for (var k = 0; k < tree.SettledCount; k++)
            {
                var v = tree.SettleOrder[k];
                _order[baseNode + k] = v;
                if (tree.PredecessorLink[v] >= 0)
                {
                    _inBush[baseLink + tree.PredecessorLink[v]] = true;
                }
            }
            _orderCount[oi] = tree.SettledCount;
            for (var k = tree.SettledCount - 1; k > 0; k--)
            {
                var v = tree.SettleOrder[k];
                var f = _nodeFlow[v];
                if (f > 0)
                {
                    var a = tree.PredecessorLink[v];
                    _originFlow[baseLink + a] = f;
                    _nodeFlow[_net.Tail[a]] += f;
                    SetFlow(a, _flow[a] + f);
                }
            }
        }
        RecomputeLinkFlows();
    }

    private void RecomputeLinkFlows()
    {
        Array.Clear(_flow);
        for (var oi = 0; oi < _origins.Length; oi++)
        {
            var span = _originFlow.AsSpan(oi * _m, _m);
            for (var a = 0; a < _m; a++)
            {
                _flow[a] += span[a];
            }
        }
        for (var a = 0; a < _m; a++)
        {
            SetFlow(a, _flow[a]);
        }
    }

    // Shortest (over all bush links) and longest (over used bush links) path labels in topological order.
    // Returns the largest difference between longest used and shortest path cost over the bush's nodes.
    private double ComputeLabels(int oi)
    {
        var gap = 0.0;
        var baseLink = oi * _m;
        var baseNode = oi * _n;
        var count = _orderCount[oi];
        var inStart = _net.InStart;
        var inLinks = _net.InLinks;
        var tail = _net.Tail;
        var origin = _order[baseNode];
        _minLabel[origin] = 0;
        _maxLabel[origin] = 0;
        _minPred[origin] = -1;
        _maxPred[origin] = -1;
        _position[origin] = 0;
        for (var k = 1; k < count; k++)
        {
            var j = _order[baseNode + k];
            _position[j] = k;
            var lo = double.PositiveInfinity;
            var hi = double.NegativeInfinity;
            int loPred = -1, hiPred = -1;
            for (var e = inStart[j]; e < inStart[j + 1]; e++)
            {
                var a = inLinks[e];
                if (!_inBush[baseLink + a])
                {
                    continue;
                }
                var i = tail[a];
                var c = _cost[a];
                var viaMin = _minLabel[i] + c;
                if (viaMin < lo)
                {
                    lo = viaMin;
                    loPred = a;
                }
                if (_originFlow[baseLink + a] > 0)
                {
                    var viaMax = _maxLabel[i] + c;
                    if (_maxPred[i] >= 0 || i == origin)
                    {
                        if (viaMax > hi)
                        {
                            hi = viaMax;
                            hiPred = a;
                        }
                    }
                }
            }
            _minLabel[j] = lo;
            _minPred[j] = loPred;
            _maxLabel[j] = hi;
            _maxPred[j] = hiPred;
            if (hiPred >= 0 && hi - lo > gap)
            {
                gap = hi - lo;
            }
        }
        return gap;
    }

    private void UpdateBush(int oi)
    {
        var baseLink = oi * _m;
        var baseNode = oi * _n;
        var origin = _order[baseNode];
        var count = _orderCount[oi];
        ComputeLabels(oi);
        // Drop unused links, keeping the shortest-path tree so every node stays reachable.
        for (var k = 1; k < count; k++)
        {
            var j = _order[baseNode + k];
            for (var e = _net.InStart[j]; e < _net.InStart[j + 1]; e++)
            {
                var a = _net.InLinks[e];
                if (_inBush[baseLink + a] && _originFlow[baseLink + a] <= 0 && a != _minPred[j])
                {
                    _inBush[baseLink + a] = false;
                    _originFlow[baseLink + a] = 0;
                }
            }
        }
        // Longest used path, or the shortest path where a node carries no flow (Nie 2009's labels).
        for (var k = 0; k < count; k++)
        {
            var j = _order[baseNode + k];
            if (_maxPred[j] < 0)
            {
                _maxLabel[j] = _minLabel[j];
            }
        }
        _added.Clear();
        // Strict criterion: a shortcut for shortest paths that also goes forward in longest-path labels.
        AddShortcuts(oi, origin, count, strict: true);
        if (_added.Count == 0)
        {
            AddShortcuts(oi, origin, count, strict: false);
        }
        if (_added.Count > 0 && !TopologicalSort(oi))
        {
            // The mixed labels can close a cycle: re-add the candidates one by one, each only when its tail
            // cannot be reached from its head inside the bush.
            foreach (var a in _added)
            {
                _inBush[baseLink + a] = false;
            }
            foreach (var a in _added)
            {
                if (!Reaches(oi, _net.Head[a], _net.Tail[a]))
                {
                    _inBush[baseLink + a] = true;
                }
            }
            if (!TopologicalSort(oi))
            {
                throw new InvalidOperationException($"bush of zone {origin + 1} lost its topological order");
            }
        }
    }

    private bool Reaches(int oi, int from, int to)
    {
        var baseLink = oi * _m;
        _visitStamp++;
        var top = 0;
        _queue[top++] = from;
        _visited[from] = _visitStamp;
        while (top > 0)
        {
            var i = _queue[--top];
            if (i == to)
            {
                return true;
            }
            for (var e = _net.OutStart[i]; e < _net.OutStart[i + 1]; e++)
            {
                var a = _net.OutLinks[e];
                var j = _net.Head[a];
                if (_inBush[baseLink + a] && _visited[j] != _visitStamp)
                {
                    _visited[j] = _visitStamp;
                    _queue[top++] = j;
                }
            }
        }
        return false;
    }

    private void AddShortcuts(int oi, int origin, int count, bool strict)
    {
        var baseLink = oi * _m;
        var baseNode = oi * _n;
        for (var k = 0; k < count; k++)
        {
            var i = _order[baseNode + k];
            if (_net.IsBlocked(i, origin))
            {
                continue;
            }
            var ui = _maxLabel[i];
            var li = _minLabel[i];
            for (var e = _net.OutStart[i]; e < _net.OutStart[i + 1]; e++)
            {
                var a = _net.OutLinks[e];
                if (_inBush[baseLink + a])
                {
                    continue;
                }
                var j = _net.Head[a];
                if (j == origin || double.IsPositiveInfinity(_minLabel[j]))
                {
                    continue;
                }
                if (ui < _maxLabel[j] && (!strict || li + _cost[a] < _minLabel[j]))
                {
                    _inBush[baseLink + a] = true;
                    _added.Add(a);
                }
            }
        }
    }

    private bool TopologicalSort(int oi)
    {
        var baseLink = oi * _m;
        var baseNode = oi * _n;
        var count = _orderCount[oi];
        for (var k = 0; k < count; k++)
        {
            var j = _order[baseNode + k];
            var deg = 0;
            for (var e = _net.InStart[j]; e < _net.InStart[j + 1]; e++)
            {
                if (_inBush[baseLink + _net.InLinks[e]])
                {
                    deg++;
                }
            }
            _indegree[j] = deg;
        }
        // Kahn's algorithm; the order is replaced only when every reachable node got a place.
        var origin = _order[baseNode];
        var head = 0;
        var tailQ = 0;
        _queue[tailQ++] = origin;
        while (head < tailQ)
        {
            var i = _queue[head++];
            for (var e = _net.OutStart[i]; e < _net.OutStart[i + 1]; e++)
            {
                var a = _net.OutLinks[e];
                if (_inBush[baseLink + a])
                {
                    var j = _net.Head[a];
                    if (--_indegree[j] == 0)
                    {
                        _queue[tailQ++] = j;
                    }
                }
            }
        }
        if (tailQ != count)
        {
            return false;
        }
        Array.Copy(_queue, 0, _order, baseNode, count);
        return true;
    }

    // One pass of Newton shifts in descending topological order; returns false when the bush's largest
    // node gap is already below the threshold and nothing was done.
    private bool ShiftFlows(int oi, double threshold)
    {
        var baseLink = oi * _m;
        var baseNode = oi * _n;
        var count = _orderCount[oi];
        var tail = _net.Tail;
        if (ComputeLabels(oi) <= threshold)
        {
            return false;
        }
        for (var k = count - 1; k > 0; k--)
        {
            var j = _order[baseNode + k];
            if (_maxPred[j] < 0 || _maxPred[j] == _minPred[j] && _maxLabel[j] - _minLabel[j] <= 0)
            {
                continue;
            }
            // Divergence node: walk both trees back, always stepping the node later in topological order.
            var p = tail[_minPred[j]];
            var q = tail[_maxPred[j]];
            while (p != q)
            {
                if (_position[p] > _position[q])
                {
                    p = tail[_minPred[p]];
                }
                else
                {
                    q = tail[_maxPred[q]];
                }
            }
            var div = p;
            double cMin = 0, dMin = 0, cMax = 0, dMax = 0;
            var maxShift = double.PositiveInfinity;
            for (var v = j; v != div;)
            {
                var a = _minPred[v];
                cMin += _cost[a];
                dMin += _deriv[a];
                v = tail[a];
            }
            for (var v = j; v != div;)
            {
                var a = _maxPred[v];
                cMax += _cost[a];
                dMax += _deriv[a];
                var f = _originFlow[baseLink + a];
                if (f < maxShift)
                {
                    maxShift = f;
                }
                v = tail[a];
            }
            var diff = cMax - cMin;
            if (!(diff > 0) || !(maxShift > 0))
            {
                continue;
            }
            var den = dMax + dMin;
            var dx = den > 0 ? Math.Min(diff / den, maxShift) : maxShift;
            var all = dx >= maxShift;
            for (var v = j; v != div;)
            {
                var a = _maxPred[v];
                var f = _originFlow[baseLink + a];
                var nf = all && f <= maxShift ? 0 : f - dx;
                _originFlow[baseLink + a] = nf;
                SetFlow(a, Math.Max(_flow[a] - (f - nf), 0));
                v = tail[a];
            }
            for (var v = j; v != div;)
            {
                var a = _minPred[v];
                _originFlow[baseLink + a] += dx;
                SetFlow(a, _flow[a] + dx);
                v = tail[a];
            }
        }
        return true;
    }
}
