using CivicGrid.Water.Hydraulics;
using CivicGrid.Water.Inp;
using CivicGrid.Water.Model;

namespace CivicGrid.Water.Quality;

/// <summary>Overall mass balance of the simulated constituent (EPANET's mass balance report). Masses are in the
/// constituent's mass unit (mg for mg/L), or in hour·ft³ / percent·ft³ for age and trace.</summary>
public sealed record QualityMassBalance(double Initial, double Inflow, double Outflow, double Reacted, double Final, double Ratio);

/// <summary>
/// EPANET 2.2/2.3 water quality: water age, a chemical with bulk and wall reactions (order, limiting concentration,
/// per-pipe and per-tank coefficients, roughness correlation), source tracing, sources (CONCEN, MASS, SETPOINT,
/// FLOWPACED) and the four tank mixing models, by Lagrangian transport of volume segments. Hydraulics run alongside
/// (one <see cref="HydraulicSimulation"/> step, then transport over that step in quality time steps), which is what
/// EPANET does when it reads its hydraulics file back. Internally the engine works in EPANET's units (ft³, s, mass per
/// ft³, hours for age, percent for trace) so that its tolerances act identically; results are in the file's units.
/// </summary>
public sealed partial class WaterQualitySimulation
{
    private const double LitersPerCubicFoot = 28.317;
    private const double GpmPerCfs = 448.831;
    private const double StagnantFlow = 0.005 / GpmPerCfs;
    private const double SecondsPerDay = 86400.0;
    private const double Tiny = 1.0e-6;
    private const double Big = 1.0e10;
    private const double DefaultDiffusivity = 1.3e-8;
    private const double Pi = 3.141592654;

    private readonly HydraulicSimulation _hyd;
    private readonly HydraulicNetwork _net;
    private readonly WaterNetwork _model;
    private readonly int _nodeCount;
    private readonly int _junctionCount;
    private readonly int _linkCount;

    // Compiled quality data (EPANET's internal units).
    private readonly QualityType _kind;
    private readonly double _qualityFactor;   // internal concentration → reported (EPANET's Ucf[QUALITY])
    private readonly double _lengthFactor;    // file length units per foot
    private readonly int _traceNode = -1;
    private readonly double[] _initialQuality;
    private readonly double[] _bulk;          // per link, 1/s (first order)
    private readonly double[] _wall;          // per link
    private readonly double[] _wallRate;      // per link, apparent rate (EPANET's Rc)
    private readonly bool[] _isPipe;          // a plain pipe (check-valve pipes, pumps and valves carry no initial volume)
    private readonly double[] _linkVolume;
    private readonly double[] _tankBulk;
    private readonly MixingModel[] _mixModel;
    private readonly double[] _mixVolume;     // 2-compartment mixing-zone volume
    private readonly SourceType[] _sourceType;
    private readonly double[] _sourceStrength;
    private readonly int[] _sourcePattern;
    private readonly bool[] _hasSource;
    private readonly double[] _sourceMass;
    private readonly double _bulkOrder;
    private readonly double _wallOrder;
    private readonly double _tankOrder;
    private readonly double _limit;
    private readonly double _tolerance;
    private readonly double _diffusivity;
    private readonly double _schmidt;
    private readonly double _bulkUnits;
    private readonly double _tankUnits;
    private readonly bool _reactive;

    // Node-link adjacency in EPANET's order (each node's links, last declared first).
    private readonly int[] _adjStart;
    private readonly int[] _adjLink;
    private readonly int[] _adjNode;

    // State.
    private readonly double[] _nodeQuality;
    private readonly double[] _tankQuality;
    private readonly double[] _flow;           // hydraulic flow of the current step, 0 when closed (as EPANET saves it)
    private readonly double[] _demand;
    private readonly sbyte[] _flowDir;
    private readonly int[] _sorted;
    private readonly int[] _indegree;
    private readonly int[] _stack;
    private readonly int[] _first;
    private readonly int[] _last;
    private double[] _segV = new double[1024];
    private double[] _segC = new double[1024];
    private int[] _segPrev = new int[1024];
    private int _segCount;
    private int _free = -1;
    private double _sourceQual;
    private double _massInitial;
    private double _massIn;
    private double _massOut;
    private double _massReacted;

    /// <summary>Compiles the network for hydraulics and water quality.</summary>
    /// <exception cref="InpFormatException">The trace node is not in the network.</exception>
    public WaterQualitySimulation(WaterNetwork model)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;
        _hyd = new HydraulicSimulation(model);
        _net = _hyd.Network;
        _nodeCount = _net.NodeCount;
        _junctionCount = _net.JunctionCount;
        _linkCount = _net.LinkCount;
        var o = model.Options;
        var r = model.Reactions;
        _kind = _net.Duration == 0 ? QualityType.None : o.Quality;
        _qualityFactor = _kind == QualityType.Chemical ? 1.0 / LitersPerCubicFoot : 1.0;
        _lengthFactor = _net.Units.Length;
        if (_kind == QualityType.Trace)
        {
            if (o.TraceNode is null || !_net.NodeIndex.TryGetValue(o.TraceNode, out _traceNode))
            {
                throw new InpFormatException("", 0, 0, 212, $"trace node '{o.TraceNode}' is not in the network");
            }
        }
        var nt = _nodeCount - _junctionCount;
        _initialQuality = new double[_nodeCount];
        var nodes = model.Nodes.ToArray();
        for (var n = 0; n < _nodeCount; n++)
        {
            _initialQuality[n] = nodes[n].InitialQuality / _qualityFactor;
        }

        // Reaction coefficients, with EPANET's defaults (global values, roughness correlation).
        _bulk = new double[_linkCount];
        _wall = new double[_linkCount];
        _wallRate = new double[_linkCount];
        _isPipe = new bool[_linkCount];
        _linkVolume = new double[_linkCount];
        for (var k = 0; k < _linkCount; k++)
        {
            if (model.Links[k] is not Pipe p)
            {
                continue;
            }
            _isPipe[k] = _net.Type[k] == HydraulicLinkType.Pipe;
            _linkVolume[k] = 0.785398 * _net.Length[k] * _net.Diameter[k] * _net.Diameter[k];
            _bulk[k] = (p.BulkCoefficient ?? r.GlobalBulk) / SecondsPerDay;
            double kw;
            if (p.WallCoefficient is double w)
            {
                kw = w;
            }
            else if (r.RoughnessCorrelation == 0.0)
            {
                kw = r.GlobalWall;
            }
            else if (p.Roughness > 0.0 && p.Diameter > 0.0)
            {
                kw = o.Headloss switch
                {
                    HeadlossFormula.HazenWilliams => r.RoughnessCorrelation / p.Roughness,
                    HeadlossFormula.DarcyWeisbach => r.RoughnessCorrelation / Math.Abs(Math.Log(p.Roughness / p.Diameter)),
                    _ => r.RoughnessCorrelation * p.Roughness,
                };
            }
            else
            {
                kw = 0.0;
            }
            _wall[k] = kw / SecondsPerDay;
        }
        _tankBulk = new double[nt];
        _mixModel = new MixingModel[nt];
        _mixVolume = new double[nt];
        var mixing = model.Mixing.ToDictionary(m => m.TankId, StringComparer.OrdinalIgnoreCase);
        for (var t = 0; t < nt; t++)
        {
            var id = _net.NodeIds[_junctionCount + t];
            _tankBulk[t] = (r.TankBulk.TryGetValue(id, out var kb) ? kb : r.GlobalBulk) / SecondsPerDay;
            _mixModel[t] = MixingModel.Mixed;
            var fraction = 1.0;
            if (mixing.TryGetValue(id, out var m))
            {
                _mixModel[t] = m.Model;
                fraction = m.Fraction;
            }
            _mixVolume[t] = fraction * _net.TankVmax[t];
        }
        _sourceType = new SourceType[_nodeCount];
        _sourceStrength = new double[_nodeCount];
        _sourcePattern = new int[_nodeCount];
        _hasSource = new bool[_nodeCount];
        _sourceMass = new double[_nodeCount];
        Array.Fill(_sourcePattern, -1);
        var patternIndex = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var p = 0; p < model.Patterns.Count; p++)
        {
            patternIndex[model.Patterns[p].Id] = p;
        }
        foreach (var s in model.Sources)
        {
            var n = _net.NodeIndex[s.NodeId];
            _hasSource[n] = true;
            _sourceType[n] = s.Type;
            _sourceStrength[n] = s.Strength;
            _sourcePattern[n] = s.PatternId is not null && patternIndex.TryGetValue(s.PatternId, out var pi) ? pi : -1;
        }
        _bulkOrder = r.BulkOrder;
        _wallOrder = r.WallOrder;
        _tankOrder = r.TankOrder;
        _limit = r.LimitingPotential / _qualityFactor;
        _tolerance = o.QualityTolerance / _qualityFactor;
        _diffusivity = o.Diffusivity > 1.0e-4 ? o.Diffusivity * DefaultDiffusivity : o.Diffusivity / (_lengthFactor * _lengthFactor);
        _schmidt = _diffusivity > 0.0 ? _net.Viscosity / _diffusivity : 0.0;
        _bulkUnits = ReactionUnits(_bulkOrder);
        _tankUnits = ReactionUnits(_tankOrder);
        _reactive = _kind switch
        {
            QualityType.Age => true,
            QualityType.Chemical => Enumerable.Range(0, _linkCount).Any(k => model.Links[k] is Pipe && (_bulk[k] != 0.0 || _wall[k] != 0.0))
                || _tankBulk.Any(kb => kb != 0.0),
            _ => false,
        };
        var step = model.Times.QualityStepGiven && model.Times.QualityStep > 0 ? model.Times.QualityStep : _net.HydraulicStep / 10;
        QualityStepSeconds = Math.Max(1, Math.Min(step, _net.HydraulicStep));

        // Adjacency lists as EPANET builds them: each link is pushed on the front of both end nodes' lists.
        _adjStart = new int[_nodeCount + 1];
        for (var k = 0; k < _linkCount; k++)
        {
            _adjStart[_net.From[k] + 1]++;
            _adjStart[_net.To[k] + 1]++;
        }
        for (var n = 0; n < _nodeCount; n++)
        {
            _adjStart[n + 1] += _adjStart[n];
        }
        _adjLink = new int[_adjStart[_nodeCount]];
        _adjNode = new int[_adjStart[_nodeCount]];
        var fill = (int[])_adjStart.Clone();
        for (var k = _linkCount - 1; k >= 0; k--)
        {
            var a = _net.From[k];
            var b = _net.To[k];
            _adjLink[fill[a]] = k;
            _adjNode[fill[a]++] = b;
            _adjLink[fill[b]] = k;
            _adjNode[fill[b]++] = a;
        }

        _nodeQuality = new double[_nodeCount];
        _tankQuality = new double[nt];
        _flow = new double[_linkCount];
        _demand = new double[_nodeCount];
        _flowDir = new sbyte[_linkCount];
        _sorted = new int[_nodeCount];
        _indegree = new int[_nodeCount];
        _stack = new int[_nodeCount];
        _first = new int[_linkCount + nt];
        _last = new int[_linkCount + nt];
    }

    /// <summary>The hydraulic simulation that runs alongside (its results are those of the current step).</summary>
    public HydraulicSimulation Hydraulics => _hyd;

    /// <summary>What is simulated (None when the file asks for no quality or the run is a single period).</summary>
    public QualityType Kind => _kind;

    /// <summary>Quality routing time step in seconds (QUALITY TIMESTEP, or a tenth of the hydraulic step).</summary>
    public long QualityStepSeconds { get; }

    /// <summary>Units of the reported quality: the chemical's units, "hrs" for age, "%" for trace.</summary>
    public string Units => _kind switch
    {
        QualityType.Age => "hrs",
        QualityType.Trace => "%",
        QualityType.Chemical => _model.Options.ChemicalUnits ?? "mg/L",
        _ => "",
    };

    /// <summary>Quality at a node in reporting units (mg/L, hours, percent).</summary>
    public double NodeQuality(int node) => _nodeQuality[node] * _qualityFactor;

    /// <summary>Volume-weighted average quality in a link, reporting units.</summary>
    public double LinkQuality(int link)
    {
        double vsum = 0.0, msum = 0.0;
        for (var s = _first[link]; s >= 0; s = _segPrev[s])
        {
            vsum += _segV[s];
            msum += _segC[s] * _segV[s];
        }
        var c = vsum > 0.0 ? msum / vsum : (_nodeQuality[_net.From[link]] + _nodeQuality[_net.To[link]]) / 2.0;
        return c * _qualityFactor;
    }

    /// <summary>Mass a source node has added so far (internal mass units).</summary>
    public double SourceMassAdded(int node) => _sourceMass[node];

    /// <summary>Number of volume segments currently in use (pipes and tanks).</summary>
    public int SegmentCount
    {
        get
        {
            var count = 0;
            for (var i = 0; i < _first.Length; i++)
            {
                for (var s = _first[i]; s >= 0; s = _segPrev[s])
                {
                    count++;
                }
            }
            return count;
        }
    }

    /// <summary>The current mass balance (ratio 1 is perfect).</summary>
    public QualityMassBalance MassBalance
    {
        get
        {
            if (_kind == QualityType.None)
            {
                return new QualityMassBalance(0, 0, 0, 0, 0, 1.0);
            }
            var final = StoredMass();
            var massIn = _massInitial + _massIn;
            var massOut = _massOut + final;
            if (_massReacted > 0.0)
            {
                massOut += _massReacted;
            }
            else
            {
                massIn -= _massReacted;
            }
            return new QualityMassBalance(_massInitial, _massIn, _massOut, _massReacted, final, massIn == 0.0 ? 1.0 : massOut / massIn);
        }
    }

    /// <summary>
    /// Runs hydraulics and quality over the whole period. <paramref name="onStep"/> is called at every hydraulic time
    /// with the hydraulic results of that time and the quality reached at that time (as EPANET's ENrunQ reports it).
    /// </summary>
    public IReadOnlyList<HydraulicStepInfo> Run(Action<HydraulicStepInfo>? onStep = null)
    {
        _hyd.Reset();
        Initialize();
        var steps = new List<HydraulicStepInfo>();
        long dt;
        do
        {
            var info = _hyd.SolveCurrent();
            steps.Add(info);
            TakeHydraulics();
            if (_kind != QualityType.None && info.TimeSeconds < _net.Duration)
            {
                if (_reactive && _kind != QualityType.Age)
                {
                    RateCoefficients();
                }
                // The first step is always sorted: with every flow stagnant no direction "changes".
                if (FlowDirectionChanged() || info.TimeSeconds == 0)
                {
                    SortNodes();
                }
            }
            onStep?.Invoke(info);
            var time = info.TimeSeconds;
            dt = _hyd.Advance();
            if (_kind != QualityType.None && dt > 0)
            {
                for (long q = 0; q < dt;)
                {
                    var d = Math.Min(QualityStepSeconds, dt - q);
                    q += d;
                    Transport(time, d);
                }
            }
        }
        while (dt > 0);
        return steps;
    }

    private static double ReactionUnits(double order)
    {
        if (order < 0.0)
        {
            order = 0.0;
        }
        return order == 1.0 ? 1.0 : 1.0 / Math.Pow(LitersPerCubicFoot, order - 1.0);
    }

    private static double Sgn(double x) => x < 0 ? -1.0 : 1.0;

    private bool IsTank(int n) => n >= _junctionCount && _net.TankArea[n - _junctionCount] != 0.0;

    private bool IsReservoir(int n) => n >= _junctionCount && _net.TankArea[n - _junctionCount] == 0.0;

    // EPANET's initqual + initsegs.
    private void Initialize()
    {
        for (var n = 0; n < _nodeCount; n++)
        {
            _nodeQuality[n] = _kind == QualityType.Trace ? 0.0 : _initialQuality[n];
        }
        Array.Clear(_sourceMass);
        _segCount = 0;
        _free = -1;
        Array.Fill(_first, -1);
        Array.Fill(_last, -1);
        Array.Clear(_flowDir);
        _massIn = _massOut = _massReacted = 0.0;
        if (_kind == QualityType.None)
        {
            _massInitial = 0.0;
            return;
        }
        for (var t = 0; t < _tankQuality.Length; t++)
        {
            _tankQuality[t] = _nodeQuality[_junctionCount + t];
        }
        if (_kind == QualityType.Trace)
        {
            _nodeQuality[_traceNode] = 100.0;
        }
        for (var k = 0; k < _linkCount; k++)
        {
            if (_isPipe[k])
            {
                AddSegment(k, _linkVolume[k], _nodeQuality[_net.To[k]]);
            }
        }
        for (var t = 0; t < _tankQuality.Length; t++)
        {
            if (_net.TankArea[t] == 0.0)
            {
                continue;
            }
            var c = _initialQuality[_junctionCount + t];
            var v = _net.TankV0[t];
            var chain = _linkCount + t;
            AddSegment(chain, v, c);
            if (_mixModel[t] == MixingModel.TwoCompartment)
            {
                var v1 = Math.Max(0, v - _mixVolume[t]);
                _segV[_first[chain]] = v1;
                AddSegment(chain, v - v1, c);
            }
        }
        _massInitial = StoredMass();
    }

    // The hydraulic results quality reads, as EPANET stores them in its hydraulics file (single precision, closed = 0).
    private void TakeHydraulics()
    {
        var s = _hyd.Solver;
        for (var k = 0; k < _linkCount; k++)
        {
            _flow[k] = s.Status[k] <= LinkStatus.Closed ? 0.0 : (float)s.Flow[k];
        }
        for (var n = 0; n < _nodeCount; n++)
        {
            _demand[n] = (float)s.NodeDemand[n];
        }
    }

    private double StoredMass()
    {
        var total = 0.0;
        for (var i = 0; i < _first.Length; i++)
        {
            if (i >= _linkCount && _net.TankArea[i - _linkCount] == 0.0)
            {
                continue;
            }
            for (var s = _first[i]; s >= 0; s = _segPrev[s])
            {
                total += _segC[s] * _segV[s];
            }
        }
        return total;
    }

    private bool FlowDirectionChanged()
    {
        var changed = false;
        for (var k = 0; k < _linkCount; k++)
        {
            var old = _flowDir[k];
            var q = _flow[k];
            sbyte dir = q < 0 ? (sbyte)-1 : (sbyte)1;
            if (Math.Abs(q) < StagnantFlow)
            {
                dir = 0;
            }
            if (dir * old < 0)
            {
                ReverseSegments(k);
            }
            if (dir != old)
            {
                changed = true;
            }
            _flowDir[k] = dir;
        }
        return changed;
    }

    /// <summary>Topological sort of nodes from upstream to downstream, ignoring stagnant links; a cycle is broken at
    /// a node next to the most recently sorted ones (EPANET's sortnodes).</summary>
    private void SortNodes()
    {
        var indegree = _indegree;
        Array.Clear(indegree);
        for (var k = 0; k < _linkCount; k++)
        {
            var dir = _flowDir[k];
            if (dir == 0)
            {
                continue;
            }
            indegree[dir > 0 ? _net.To[k] : _net.From[k]]++;
        }
        var stackSize = 0;
        for (var i = 0; i < _nodeCount; i++)
        {
            if (indegree[i] == 0)
            {
                _stack[stackSize++] = i;
            }
        }
        var sorted = 0;
        while (sorted < _nodeCount)
        {
            if (stackSize == 0)
            {
                var j = SelectNonStackNode(sorted);
                if (j < 0)
                {
                    break;
                }
                indegree[j] = 0;
                _stack[stackSize++] = j;
            }
            var i = _stack[--stackSize];
            _sorted[sorted++] = i;
            for (var p = _adjStart[i]; p < _adjStart[i + 1]; p++)
            {
                var k = _adjLink[p];
                var dir = _flowDir[k];
                if (dir == 0)
                {
                    continue;
                }
                var n = dir < 0 ? _net.From[k] : _net.To[k];
                if (n != i && indegree[n] > 0)
                {
                    indegree[n]--;
                    if (indegree[n] == 0)
                    {
                        _stack[stackSize++] = n;
                    }
                }
            }
        }
        if (sorted < _nodeCount)
        {
            // Cannot happen for a consistent graph; keep every node in the sweep rather than drop any.
            var seen = new bool[_nodeCount];
            for (var i = 0; i < sorted; i++)
            {
                seen[_sorted[i]] = true;
            }
            for (var i = 0; i < _nodeCount; i++)
            {
                if (!seen[i])
                {
                    _sorted[sorted++] = i;
                }
            }
        }
    }

    private int SelectNonStackNode(int sorted)
    {
        for (var i = sorted - 1; i >= 0; i--)
        {
            var m = _sorted[i];
            for (var p = _adjStart[m]; p < _adjStart[m + 1]; p++)
            {
                if (_indegree[_adjNode[p]] > 0)
                {
                    return _adjNode[p];
                }
            }
        }
        for (var i = 0; i < _nodeCount; i++)
        {
            if (_indegree[i] > 0)
            {
                return i;
            }
        }
        return -1;
    }

    // ---- segments ------------------------------------------------------------------------------

    private void AddSegment(int chain, double v, double c)
    {
        int seg;
        if (_free >= 0)
        {
            seg = _free;
            _free = _segPrev[seg];
        }
        else
        {
            if (_segCount == _segV.Length)
            {
                Array.Resize(ref _segV, _segCount * 2);
                Array.Resize(ref _segC, _segCount * 2);
                Array.Resize(ref _segPrev, _segCount * 2);
            }
            seg = _segCount++;
        }
        _segV[seg] = v;
        _segC[seg] = c;
        _segPrev[seg] = -1;
        if (_first[chain] < 0)
        {
            _first[chain] = seg;
        }
        if (_last[chain] >= 0)
        {
            _segPrev[_last[chain]] = seg;
        }
        _last[chain] = seg;
    }

    private void FreeSegment(int seg)
    {
        _segPrev[seg] = _free;
        _free = seg;
    }

    private void ReverseSegments(int chain)
    {
        var seg = _first[chain];
        _first[chain] = _last[chain];
        _last[chain] = seg;
        var previous = -1;
        while (seg >= 0)
        {
            var next = _segPrev[seg];
            _segPrev[seg] = previous;
            previous = seg;
            seg = next;
        }
    }
}
