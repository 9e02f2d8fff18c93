using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CivicGrid.Mobility.Assignment;

/// <summary>
/// Static user equilibrium by Algorithm B (Dial 2006): one acyclic bush per origin, shortest and longest used
/// paths found by a sweep in the bush's topological order, and Newton flow shifts from the longest to the
/// shortest path segment below each node. Origins are processed in a fixed order, so results are deterministic.
/// With several <see cref="VehicleClass"/>es there is one bush per class and origin, flows are in passenger-car
/// equivalents (PCE), and each class sees the shared BPR time plus its own toll/distance weights, with its
/// prohibited links closed: the Beckmann program <c>Σ∫t(x) + Σ_k Σ_a fixed_ka·y_ka</c> over PCE flows
/// <c>y_ka</c> has exactly the per-class user equilibrium as its optimum.
/// </summary>
public sealed class AlgorithmB
{
    private readonly AssignmentNetwork _net;
    private readonly int _n;
    private readonly int _m;
    private readonly int[] _origins;        // per bush: origin zone
    private readonly int[] _bushClass;      // per bush: vehicle class
    private readonly int _classCount;
    private readonly double[][] _classDemand; // per class: PCE demand, zone × zone
    private readonly double[] _pce;
    private readonly double[]? _extra;      // [class * m + link]: class cost minus network cost (+∞ when prohibited)
    private readonly double[] _classCost;   // [class * m + link]; the same array as _cost without classes
    private readonly double[] _classFlow;   // [class * m + link], PCE
    private readonly double[] _originFlow;  // [originIndex * m + link]
    private readonly bool[] _inBush;        // [originIndex * m + link]
    private readonly int[] _order;          // [originIndex * n + k], reachable nodes in topological order
    private readonly int[] _orderCount;
    private readonly int[] _bushIn;         // [originIndex * m + e], in-bush links grouped by head in topological order
    private readonly int[] _bushInTail;     // [originIndex * m + e], tail node of _bushIn[e]
    private readonly int[] _bushInStart;    // [originIndex * (n + 1) + k], start of the k-th node's group in _bushIn
    private readonly double[] _flow;
    private readonly double[] _cost;
    private readonly double[] _deriv;
    private readonly double[] _nodeFlow;
    private readonly bool[] _active;
    private readonly Workspace _main;
    private readonly ConcurrentBag<Workspace> _pool = [];

    public AlgorithmB(AssignmentNetwork network)
        : this(network, null)
    {
    }

    /// <summary>
    /// Multi-class assignment: <paramref name="classes"/> replace the network's own demand. Each class's cost on a
    /// link is the BPR time of the total PCE flow plus its own toll and distance weights (the network's weights
    /// when the class gives none).
    /// </summary>
    public AlgorithmB(AssignmentNetwork network, IReadOnlyList<VehicleClass>? classes)
    {
        ArgumentNullException.ThrowIfNull(network);
        _net = network;
        _n = network.NodeCount;
        _m = network.LinkCount;
        var z = network.ZoneCount;
        _cost = new double[_m];
        if (classes is null)
        {
            _classCount = 1;
            _classDemand = [network.Demand];
            _pce = [1];
            _classCost = _cost;
        }
        else
        {
            if (classes.Count == 0)
            {
                throw new ArgumentException("at least one vehicle class is needed", nameof(classes));
            }
            _classCount = classes.Count;
            _classDemand = new double[_classCount][];
            _pce = new double[_classCount];
            _extra = new double[_classCount * _m];
            _classCost = new double[_classCount * _m];
            for (var k = 0; k < _classCount; k++)
            {
                var c = classes[k];
                ArgumentNullException.ThrowIfNull(c);
                if (c.Demand.Length != z * z)
                {
                    throw new ArgumentException($"class '{c.Name}' has {c.Demand.Length} demand entries; {z * z} (zones²) expected", nameof(classes));
                }
                if (!(c.PassengerCarEquivalent > 0 && double.IsFinite(c.PassengerCarEquivalent)))
                {
                    throw new ArgumentException($"class '{c.Name}' has passenger-car equivalent {c.PassengerCarEquivalent}; it must be positive", nameof(classes));
                }
                _pce[k] = c.PassengerCarEquivalent;
                _classDemand[k] = new double[z * z];
                for (var i = 0; i < z * z; i++)
                {
                    _classDemand[k][i] = c.Demand[i] * c.PassengerCarEquivalent;
                }
                var w = c.Weights ?? network.Weights;
                for (var a = 0; a < _m; a++)
                {
                    _extra[(k * _m) + a] = (w.TollFactor * network.Toll[a]) + (w.DistanceFactor * network.Length[a]) - network.WeightedFixedCost(a);
                }
                foreach (var a in c.ProhibitedLinks ?? [])
                {
                    ArgumentOutOfRangeException.ThrowIfNegative(a);
                    ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(a, _m);
                    _extra[(k * _m) + a] = double.PositiveInfinity;
                }
            }
        }
        _classFlow = _classCount == 1 ? new double[_m] : new double[_classCount * _m];
        var origins = new List<int>();
        var bushClass = new List<int>();
        for (var k = 0; k < _classCount; k++)
        {
            foreach (var o in GapEvaluator.OriginsWithDemand(_classDemand[k], z))
            {
                origins.Add(o);
                bushClass.Add(k);
            }
        }
        _origins = [.. origins];
        _bushClass = [.. bushClass];
        _originFlow = new double[_origins.Length * _m];
        _inBush = new bool[_origins.Length * _m];
        _order = new int[_origins.Length * _n];
        _orderCount = new int[_origins.Length];
        _bushIn = new int[_origins.Length * _m];
        _bushInTail = new int[_origins.Length * _m];
        _bushInStart = new int[_origins.Length * (_n + 1)];
        _flow = new double[_m];
        _deriv = new double[_m];
        _nodeFlow = new double[_n];
        _main = new Workspace(_n);
        _active = new bool[_origins.Length];
    }

    /// <summary>Flow shifting sweeps over all bushes after each bush update (without changing bush structure).</summary>
    public int InnerSweeps { get; init; } = 40;

    /// <summary>In the extra sweeps, skip a bush whose largest node gap is below this fraction of the average excess cost.</summary>
    public double SkipFraction { get; init; } = 0.5;

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
            // Bush structure depends only on the costs at the start of the iteration and each origin's own
            // arrays, so it is updated in parallel; flow shifts change shared link costs and stay sequential
            // in origin order, which keeps the result bit-for-bit deterministic.
            Parallel.For(0, _origins.Length, RentWorkspace, (oi, _, w) =>
            {
                UpdateBush(oi, w);
                return w;
            }, _pool.Add);
            for (var oi = 0; oi < _origins.Length; oi++)
            {
                _active[oi] = ShiftFlows(oi, 0, _main);
            }
            for (var s = 0; s < InnerSweeps; s++)
            {
                var any = false;
                for (var oi = 0; oi < _origins.Length; oi++)
                {
                    if (_active[oi])
                    {
                        _active[oi] = ShiftFlows(oi, threshold, _main);
                        any |= _active[oi];
                    }
                }
                if (!any)
                {
                    break;
                }
            }
            RecomputeLinkFlows();
            (gap, aec) = EvaluateGap(gapEval);
            var objective = Objective();
            var it = new AssignmentIteration(iteration, gap, aec, objective, clock.Elapsed.TotalMilliseconds);
            history.Add(it);
            options.Progress?.Invoke(it);
            if (gap <= options.TargetRelativeGap)
            {
                converged = true;
                break;
            }
        }
        var result = new AssignmentResult((double[])_flow.Clone(), (double[])_cost.Clone(), Objective(), gap, aec, iteration, converged, history);
        if (_extra is null)
        {
            return result;
        }
        var classFlows = new double[_classCount][];
        var classCosts = new double[_classCount][];
        for (var k = 0; k < _classCount; k++)
        {
            classFlows[k] = new double[_m];
            for (var a = 0; a < _m; a++)
            {
                classFlows[k][a] = _classFlow[(k * _m) + a] / _pce[k];
            }
            classCosts[k] = _classCost.AsSpan(k * _m, _m).ToArray();
        }
        return result with { ClassLinkFlows = classFlows, ClassLinkCosts = classCosts };
    }

    private (double Gap, double Aec) EvaluateGap(GapEvaluator gapEval)
    {
        if (_extra is null)
        {
            var (g, e, _, _) = gapEval.Evaluate(_flow, _cost);
            return (g, e);
        }
        // Per class: flows on prohibited links are zero, so their infinite cost is left out of the total.
        double tstt = 0, sptt = 0, demand = 0;
        for (var k = 0; k < _classCount; k++)
        {
            for (var a = 0; a < _m; a++)
            {
                var y = _classFlow[(k * _m) + a];
                if (y > 0)
                {
                    tstt += y * _classCost[(k * _m) + a];
                }
            }
            sptt += gapEval.ShortestPathCost(_classCost.AsSpan(k * _m, _m).ToArray(), _classDemand[k]);
            foreach (var q in _classDemand[k])
            {
                demand += q;
            }
        }
        return ((tstt - sptt) / sptt, demand > 0 ? (tstt - sptt) / demand : 0);
    }

    private double Objective()
    {
        var z = _net.Objective(_flow);
        if (_extra is not null)
        {
            for (var i = 0; i < _classFlow.Length; i++)
            {
                if (_classFlow[i] > 0)
                {
                    z += _extra[i] * _classFlow[i];
                }
            }
        }
        return z;
    }

    /// <summary>
    /// Select-link analysis after <see cref="Solve"/>: the demand of each origin–destination pair that uses
    /// <paramref name="link"/>, splitting flow at every bush merge in proportion to the origin's approach flows.
    /// Returns a dense zone-by-zone matrix like <see cref="AssignmentNetwork.Demand"/>, in vehicles of
    /// <paramref name="vehicleClass"/> (the index in the class list; 0 without classes).
    /// </summary>
    public double[] SelectLink(int link, int vehicleClass = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(vehicleClass);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(vehicleClass, _classCount);
        ArgumentOutOfRangeException.ThrowIfNegative(link);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(link, _m);
        var z = _net.ZoneCount;
        var result = new double[z * z];
        var share = _main.MinLabel; // scratch: share of the flow arriving at a node that used the link
        for (var oi = 0; oi < _origins.Length; oi++)
        {
            var baseLink = oi * _m;
            var baseNode = oi * _n;
            var origin = _origins[oi];
            if (_bushClass[oi] != vehicleClass || _originFlow[baseLink + link] <= 0)
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
                var q = _classDemand[vehicleClass][(origin * z) + d] / _pce[vehicleClass];
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
        if (_extra is not null)
        {
            for (var k = 0; k < _classCount; k++)
            {
                _classCost[(k * _m) + a] = _cost[a] + _extra[(k * _m) + a];
            }
        }
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
            var cls = _bushClass[oi];
            tree.Run(o, _classCost.AsSpan(cls * _m, _m));
            var baseLink = oi * _m;
            var baseNode = oi * _n;
            Array.Clear(_nodeFlow);
            for (var d = 0; d < z; d++)
            {
                var q = _classDemand[cls][(o * z) + d];
                if (q > 0 && d != o)
                {
                    if (double.IsPositiveInfinity(tree.Distance[d]))
                    {
                        throw new AssignmentException(_extra is null
                            ? $"zone {d + 1} cannot be reached from zone {o + 1}"
                            : $"zone {d + 1} cannot be reached from zone {o + 1} by vehicle class {cls}");
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
            BuildBushInLists(oi);
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
        Array.Clear(_classFlow);
        for (var oi = 0; oi < _origins.Length; oi++)
        {
            var span = _originFlow.AsSpan(oi * _m, _m);
            var target = _classFlow.AsSpan(_bushClass[oi] * _m, _m);
            for (var a = 0; a < _m; a++)
            {
                target[a] += span[a];
            }
        }
        for (var k = 0; k < _classCount; k++)
        {
            var span = _classFlow.AsSpan(k * _m, _m);
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
    // This sweep is most of the solver's time, so it reads the bush's compact in-link lists (link and tail side by
    // side) through refs without bounds checks. A node without a used path keeps the longest label −∞, so no
    // separate "has a used path" test is needed: −∞ plus a finite cost never wins the maximum.
    private double ComputeLabels(int oi, Workspace w)
    {
        var gap = 0.0;
        var baseLink = oi * _m;
        var baseNode = oi * _n;
        var count = _orderCount[oi];
        ref var order = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_order), baseNode);
        ref var minLabel = ref MemoryMarshal.GetArrayDataReference(w.MinLabel);
        ref var maxLabel = ref MemoryMarshal.GetArrayDataReference(w.MaxLabel);
        ref var minPred = ref MemoryMarshal.GetArrayDataReference(w.MinPred);
        ref var maxPred = ref MemoryMarshal.GetArrayDataReference(w.MaxPred);
        ref var position = ref MemoryMarshal.GetArrayDataReference(w.Position);
        ref var bushIn = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_bushIn), baseLink);
        ref var bushTail = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_bushInTail), baseLink);
        ref var start = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_bushInStart), oi * (_n + 1));
        ref var cost = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_classCost), _bushClass[oi] * _m);
        ref var flow = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_originFlow), baseLink);
        var origin = order;
        Unsafe.Add(ref minLabel, origin) = 0;
        Unsafe.Add(ref maxLabel, origin) = 0;
        Unsafe.Add(ref minPred, origin) = -1;
        Unsafe.Add(ref maxPred, origin) = -1;
        Unsafe.Add(ref position, origin) = 0;
        var e = Unsafe.Add(ref start, 1);
        for (var k = 1; k < count; k++)
        {
            var j = Unsafe.Add(ref order, k);
            Unsafe.Add(ref position, j) = k;
            var lo = double.PositiveInfinity;
            var hi = double.NegativeInfinity;
            int loPred = -1, hiPred = -1;
            var end = Unsafe.Add(ref start, k + 1);
            for (; e < end; e++)
            {
                var a = Unsafe.Add(ref bushIn, e);
                var i = Unsafe.Add(ref bushTail, e);
                var c = Unsafe.Add(ref cost, a);
                var viaMin = Unsafe.Add(ref minLabel, i) + c;
                if (viaMin < lo)
                {
                    lo = viaMin;
                    loPred = a;
                }
                if (Unsafe.Add(ref flow, a) > 0)
                {
                    var viaMax = Unsafe.Add(ref maxLabel, i) + c;
                    if (viaMax > hi)
                    {
                        hi = viaMax;
                        hiPred = a;
                    }
                }
            }
            Unsafe.Add(ref minLabel, j) = lo;
            Unsafe.Add(ref minPred, j) = loPred;
            Unsafe.Add(ref maxLabel, j) = hi;
            Unsafe.Add(ref maxPred, j) = hiPred;
            if (hi - lo > gap)
            {
                gap = hi - lo;
            }
        }
        return gap;
    }

    private void UpdateBush(int oi, Workspace w)
    {
        var baseLink = oi * _m;
        var baseNode = oi * _n;
        var origin = _order[baseNode];
        var count = _orderCount[oi];
        ComputeLabels(oi, w);
        // Drop unused links, keeping the shortest-path tree so every node stays reachable.
        var startBase = oi * (_n + 1);
        var dropped = false;
        for (var k = 1; k < count; k++)
        {
            var j = _order[baseNode + k];
            var keep = w.MinPred[j];
            var end = baseLink + _bushInStart[startBase + k + 1];
            for (var e = baseLink + _bushInStart[startBase + k]; e < end; e++)
            {
                var a = _bushIn[e];
                if (_originFlow[baseLink + a] <= 0 && a != keep)
                {
                    _inBush[baseLink + a] = false;
                    _originFlow[baseLink + a] = 0;
                    dropped = true;
                }
            }
        }
        // Longest used path, or the shortest path where a node carries no flow (Nie 2009's labels).
        for (var k = 0; k < count; k++)
        {
            var j = _order[baseNode + k];
            if (w.MaxPred[j] < 0)
            {
                w.MaxLabel[j] = w.MinLabel[j];
            }
        }
        w.Added.Clear();
        // Strict criterion: a shortcut for shortest paths that also goes forward in longest-path labels.
        AddShortcuts(oi, origin, count, strict: true, w);
        if (w.Added.Count == 0)
        {
            AddShortcuts(oi, origin, count, strict: false, w);
        }
        if (w.Added.Count > 0 && !TopologicalSort(oi, w))
        {
            // The mixed labels can close a cycle: re-add the candidates one by one, each only when its tail
            // cannot be reached from its head inside the bush.
            foreach (var a in w.Added)
            {
                _inBush[baseLink + a] = false;
            }
            foreach (var a in w.Added)
            {
                if (!Reaches(oi, _net.Head[a], _net.Tail[a], w))
                {
                    _inBush[baseLink + a] = true;
                }
            }
            if (!TopologicalSort(oi, w))
            {
                throw new InvalidOperationException($"bush of zone {origin + 1} lost its topological order");
            }
        }
        if (dropped || w.Added.Count > 0)
        {
            BuildBushInLists(oi);
        }
    }

    // The label sweeps visit only bush links; grouping them by head in topological order once per bush update
    // keeps the eleven sweeps per iteration off the full backward star and the membership flags.
    private void BuildBushInLists(int oi)
    {
        var baseLink = oi * _m;
        var baseNode = oi * _n;
        var startBase = oi * (_n + 1);
        var count = _orderCount[oi];
        var idx = 0;
        for (var k = 0; k < count; k++)
        {
            var j = _order[baseNode + k];
            _bushInStart[startBase + k] = idx;
            for (var e = _net.InStart[j]; e < _net.InStart[j + 1]; e++)
            {
                var a = _net.InLinks[e];
                if (_inBush[baseLink + a])
                {
                    _bushInTail[baseLink + idx] = _net.Tail[a];
                    _bushIn[baseLink + idx++] = a;
                }
            }
        }
        _bushInStart[startBase + count] = idx;
    }

    private bool Reaches(int oi, int from, int to, Workspace w)
    {
        var baseLink = oi * _m;
        w.VisitStamp++;
        var top = 0;
        w.Queue[top++] = from;
        w.Visited[from] = w.VisitStamp;
        while (top > 0)
        {
            var i = w.Queue[--top];
            if (i == to)
            {
                return true;
            }
            for (var e = _net.OutStart[i]; e < _net.OutStart[i + 1]; e++)
            {
                var a = _net.OutLinks[e];
                var j = _net.Head[a];
                if (_inBush[baseLink + a] && w.Visited[j] != w.VisitStamp)
                {
                    w.Visited[j] = w.VisitStamp;
                    w.Queue[top++] = j;
                }
            }
        }
        return false;
    }

    private void AddShortcuts(int oi, int origin, int count, bool strict, Workspace w)
    {
        var baseLink = oi * _m;
        var cb = _bushClass[oi] * _m;
        var baseNode = oi * _n;
        for (var k = 0; k < count; k++)
        {
            var i = _order[baseNode + k];
            if (_net.IsBlocked(i, origin))
            {
                continue;
            }
            var ui = w.MaxLabel[i];
            var li = w.MinLabel[i];
            for (var e = _net.OutStart[i]; e < _net.OutStart[i + 1]; e++)
            {
                var a = _net.OutLinks[e];
                if (_inBush[baseLink + a])
                {
                    continue;
                }
                var j = _net.Head[a];
                if (j == origin || double.IsPositiveInfinity(w.MinLabel[j]))
                {
                    continue;
                }
                var c = _classCost[cb + a];
                if (ui < w.MaxLabel[j] && double.IsFinite(c) && (!strict || li + c < w.MinLabel[j]))
                {
                    _inBush[baseLink + a] = true;
                    w.Added.Add(a);
                }
            }
        }
    }

    private bool TopologicalSort(int oi, Workspace w)
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
            w.Indegree[j] = deg;
        }
        // Kahn's algorithm; the order is replaced only when every reachable node got a place.
        var origin = _order[baseNode];
        var head = 0;
        var tailQ = 0;
        w.Queue[tailQ++] = origin;
        while (head < tailQ)
        {
            var i = w.Queue[head++];
            for (var e = _net.OutStart[i]; e < _net.OutStart[i + 1]; e++)
            {
                var a = _net.OutLinks[e];
                if (_inBush[baseLink + a])
                {
                    var j = _net.Head[a];
                    if (--w.Indegree[j] == 0)
                    {
                        w.Queue[tailQ++] = j;
                    }
                }
            }
        }
        if (tailQ != count)
        {
            return false;
        }
        Array.Copy(w.Queue, 0, _order, baseNode, count);
        return true;
    }

    // One pass of Newton shifts in descending topological order; returns false when the bush's largest
    // node gap is already below the threshold and nothing was done.
    private bool ShiftFlows(int oi, double threshold, Workspace w)
    {
        var baseLink = oi * _m;
        var cb = _bushClass[oi] * _m;
        var baseNode = oi * _n;
        var count = _orderCount[oi];
        var tail = _net.Tail;
        if (ComputeLabels(oi, w) <= threshold)
        {
            return false;
        }
        for (var k = count - 1; k > 0; k--)
        {
            var j = _order[baseNode + k];
            if (w.MaxPred[j] < 0 || w.MaxPred[j] == w.MinPred[j] && w.MaxLabel[j] - w.MinLabel[j] <= 0)
            {
                continue;
            }
            // Divergence node: walk both trees back, always stepping the node later in topological order.
            var p = tail[w.MinPred[j]];
            var q = tail[w.MaxPred[j]];
            while (p != q)
            {
                if (w.Position[p] > w.Position[q])
                {
                    p = tail[w.MinPred[p]];
                }
                else
                {
                    q = tail[w.MaxPred[q]];
                }
            }
            var div = p;
            double cMin = 0, dMin = 0, cMax = 0, dMax = 0;
            var maxShift = double.PositiveInfinity;
            for (var v = j; v != div;)
            {
                var a = w.MinPred[v];
                cMin += _classCost[cb + a];
                dMin += _deriv[a];
                v = tail[a];
            }
            for (var v = j; v != div;)
            {
                var a = w.MaxPred[v];
                cMax += _classCost[cb + a];
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
                var a = w.MaxPred[v];
                var f = _originFlow[baseLink + a];
                var nf = all && f <= maxShift ? 0 : f - dx;
                _originFlow[baseLink + a] = nf;
                SetFlow(a, Math.Max(_flow[a] - (f - nf), 0));
                v = tail[a];
            }
            for (var v = j; v != div;)
            {
                var a = w.MinPred[v];
                _originFlow[baseLink + a] += dx;
                SetFlow(a, _flow[a] + dx);
                v = tail[a];
            }
        }
        return true;
    }

    private Workspace RentWorkspace() => _pool.TryTake(out var w) ? w : new Workspace(_n);

    /// <summary>Per-thread node labels and scratch for one bush at a time.</summary>
    private sealed class Workspace(int nodes)
    {
        public readonly double[] MinLabel = new double[nodes];

        public readonly double[] MaxLabel = new double[nodes];

        public readonly int[] MinPred = new int[nodes];

        public readonly int[] MaxPred = new int[nodes];

        public readonly int[] Position = new int[nodes];

        public readonly int[] Indegree = new int[nodes];

        public readonly int[] Queue = new int[nodes];

        public readonly int[] Visited = new int[nodes];

        public readonly List<int> Added = [];

        public int VisitStamp;
    }
}
