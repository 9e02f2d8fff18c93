using CivicGrid.Water.Energy;
using CivicGrid.Water.Model;

namespace CivicGrid.Water.Hydraulics;

/// <summary>A structured warning, with EPANET's warning code (1 unbalanced, 2 unstable, 3 disconnected,
/// 4 pump cannot deliver, 5 valve cannot deliver, 6 negative pressures).</summary>
public sealed record HydraulicWarning(long TimeSeconds, int Code, string Message, IReadOnlyList<string> ElementIds);

/// <summary>Summary of one hydraulic time step.</summary>
public sealed record HydraulicStepInfo(long TimeSeconds, int Iterations, double RelativeError, bool Converged);

/// <summary>
/// Extended-period hydraulic simulation with EPANET's time-step logic: steps end at the next hydraulic, pattern or
/// reporting time, or earlier when a tank fills or empties or a control or rule fires. Built once per network; the
/// symbolic factorisation is reused by every step and by repeated runs (<see cref="Reset"/>) after demand, status or
/// setting changes, which is what fire-flow and criticality studies need.
/// </summary>
public sealed class HydraulicSimulation
{
    private const double Qzero = 1.0e-6;
    private readonly HydraulicNetwork _net;
    private readonly GradientSolver _solver;
    private readonly double[] _tankVolume;
    private readonly double[] _demandScale;
    private readonly LinkStatus?[] _statusOverride;
    private readonly double?[] _settingOverride;
    private long _time;
    private long _reportTime;
    private bool _halted;
    private bool _initialized;

    public HydraulicSimulation(WaterNetwork model)
    {
        ArgumentNullException.ThrowIfNull(model);
        _net = new HydraulicNetwork(model);
        _solver = new GradientSolver(_net);
        _tankVolume = new double[_net.NodeCount - _net.JunctionCount];
        _demandScale = new double[_net.JunctionCount];
        Array.Fill(_demandScale, 1.0);
        _statusOverride = new LinkStatus?[_net.LinkCount];
        _settingOverride = new double?[_net.LinkCount];
        _energy = new PumpEnergyAccumulator(_net);
    }

    private readonly PumpEnergyAccumulator _energy;

    /// <summary>EPANET's pump energy report for the run so far (energy is accumulated at every hydraulic step, as
    /// EPANET's <c>addenergy</c> does; call after <see cref="Run"/> for the whole period).</summary>
    public PumpEnergyReport EnergyReport() => _energy.Report(_net.Duration);

    public HydraulicNetwork Network => _net;

    internal GradientSolver Solver => _solver;

    /// <summary>Current simulation time in seconds.</summary>
    public long TimeSeconds => _time;

    public long DurationSeconds => _net.Duration;

    public List<HydraulicWarning> Warnings { get; } = [];

    public int TotalIterations { get; private set; }

    public int StepCount { get; private set; }

    /// <summary>Non-zeros in the Cholesky factor (fill included) — a measure of the linear-algebra work per iteration.</summary>
    public int FactorNonZeros => _solver.FactorNonZeros;

    // ---- what-if API (SI in, applied at the next Reset) ----------------------------------------

    /// <summary>Scales all demands of a junction (1 = as in the file).</summary>
    public void SetJunctionDemandFactor(string junctionId, double factor)
    {
        var n = NodeIndexOf(junctionId);
        if (n >= _net.JunctionCount)
        {
            throw new ArgumentException($"{junctionId} is not a junction.", nameof(junctionId));
        }
        _demandScale[n] = factor;
    }

    /// <summary>Adds a constant extra demand (m³/s) at a junction, e.g. a fire flow.</summary>
    public void SetExtraDemand(string junctionId, double cubicMetersPerSecond)
    {
        var n = NodeIndexOf(junctionId);
        _extraDemand ??= new double[_net.JunctionCount];
        _extraDemand[n] = cubicMetersPerSecond / UnitSystem.CubicMetersPerCubicFoot;
    }

    private double[]? _extraDemand;
    private Func<bool>? _pressureSwitch;

    public void SetDemandMultiplier(double multiplier) => _net.DemandMultiplier = multiplier;

    /// <summary>Fixes a link open or closed for the whole run (null removes the override).</summary>
    public void SetLinkOpen(string linkId, bool? open)
    {
        var k = LinkIndexOf(linkId);
        _statusOverride[k] = open is null ? null : open.Value ? LinkStatus.Open : LinkStatus.Closed;
    }

    /// <summary>Overrides a pump speed or valve setting, in the file's units (null removes the override).</summary>
    public void SetLinkSetting(string linkId, double? setting)
    {
        var k = LinkIndexOf(linkId);
        _settingOverride[k] = setting;
    }

    /// <summary>Sets a junction's emitter coefficient in SI units (flow m³/s = K · pressure(m)^exponent, the network's
    /// emitter exponent); 0 removes it. Takes effect at the next solve, so a leak can grow step by step.</summary>
    public void SetEmitterCoefficientSI(string junctionId, double cubicMetersPerSecondPerMeterPow)
    {
        var n = NodeIndexOf(junctionId);
        if (n >= _net.JunctionCount)
        {
            throw new ArgumentException($"{junctionId} is not a junction.", nameof(junctionId));
        }
        if (cubicMetersPerSecondPerMeterPow <= 0.0)
        {
            _net.EmitterCoefficient[n] = 0.0;
            _solver.EmitterFlow[n] = 0.0;
            return;
        }
        _net.EmitterCoefficient[n] = Math.Pow(UnitSystem.CubicMetersPerCubicFoot / cubicMetersPerSecondPerMeterPow, _net.EmitterExponent) / UnitSystem.MetersPerFoot;
    }

    /// <summary>Sets a tank's water level (m above its bottom, clamped to its minimum and maximum) from now on, e.g.
    /// a measured level that a state-estimation run follows; the volume follows from the tank's shape.</summary>
    public void SetTankLevel(string tankId, double levelMeters)
    {
        var n = NodeIndexOf(tankId);
        var t = n - _net.JunctionCount;
        if (t < 0 || _net.TankArea[t] == 0.0)
        {
            throw new ArgumentException($"{tankId} is not a tank.", nameof(tankId));
        }
        var head = Math.Clamp(_net.Elevation[n] + (levelMeters / UnitSystem.MetersPerFoot), _net.TankHmin[t], _net.TankHmax[t]);
        _solver.Head[n] = head;
        _tankVolume[t] = _net.TankVolumeAt(t, head);
    }

    /// <summary>
    /// Linearised sensitivity at the last solution: the head drop (m) at every node per m³/s withdrawn at
    /// <paramref name="junction"/>, from the Jacobian the solver factored in its last iteration (one triangular solve;
    /// fixed-grade nodes get 0). The matrix is symmetric, so this column is also the row: the drop at
    /// <paramref name="junction"/> per m³/s withdrawn at every other node.
    /// </summary>
    public double[] HeadDropPerWithdrawal(int junction)
    {
        var nj = _net.JunctionCount;
        if (junction < 0 || junction >= nj)
        {
            throw new ArgumentOutOfRangeException(nameof(junction), "not a junction index");
        }
        var b = new double[nj];
        b[junction] = 1.0;
        _solver.SolveWithLastFactor(b);
        var result = new double[_net.NodeCount];
        const double scale = UnitSystem.MetersPerFoot / UnitSystem.CubicMetersPerCubicFoot;
        for (var i = 0; i < nj; i++)
        {
            result[i] = b[i] * scale;
        }
        return result;
    }

    public int NodeIndexOf(string id) => _net.NodeIndex.TryGetValue(id, out var n) ? n : throw new KeyNotFoundException($"No node '{id}'.");

    public int LinkIndexOf(string id) => _net.LinkIndex.TryGetValue(id, out var k) ? k : throw new KeyNotFoundException($"No link '{id}'.");

    // ---- results -------------------------------------------------------------------------------

    public double HeadMeters(int node) => _solver.Head[node] * UnitSystem.MetersPerFoot;

    public double PressureMeters(int node) => (_solver.Head[node] - _net.Elevation[node]) * UnitSystem.MetersPerFoot;

    /// <summary>Pressure in the file's pressure units, as EPANET reports it.</summary>
    public double PressureFileUnits(int node) => (_solver.Head[node] - _net.Elevation[node]) * _net.Units.Pressure;

    public double FlowCubicMetersPerSecond(int link) => _solver.Flow[link] * UnitSystem.CubicMetersPerCubicFoot;

    /// <summary>Flow in the file's flow units; closed links report zero as EPANET does.</summary>
    public double FlowFileUnits(int link) => _solver.Status[link] <= LinkStatus.Closed ? 0.0 : _solver.Flow[link] * _net.Units.Flow;

    /// <summary>Demand actually delivered at a node (junction: demand + emitter + leakage; tank: net inflow), file units.</summary>
    public double DemandFileUnits(int node) => _solver.NodeDemand[node] * _net.Units.Flow;

    public double EmitterFlowFileUnits(int junction) => _solver.EmitterFlow[junction] * _net.Units.Flow;

    public double LeakageFlowFileUnits(int junction) => _solver.LeakageFlow[junction] * _net.Units.Flow;

    /// <summary>FAVAD leakage from a pipe at the current solution, file flow units.</summary>
    public double PipeLeakageFileUnits(int link) => _solver.PipeLeakage(link) * _net.Units.Flow;

    public double RequiredDemandFileUnits(int junction) => _solver.FullDemand[junction] * _net.Units.Flow;

    public LinkStatus LinkStatusOf(int link) => _solver.Status[link];

    public int DeficientNodes => _solver.DeficientNodes;

    public double DemandReductionPercent => _solver.DemandReductionPercent;

    // ---- running -------------------------------------------------------------------------------

    /// <summary>Resets tanks, statuses, settings and flows to their initial values (EPANET's ENinitH).</summary>
    public void Reset()
    {
        var net = _net;
        var s = _solver;
        var nj = net.JunctionCount;
        for (var t = 0; t < _tankVolume.Length; t++)
        {
            _tankVolume[t] = net.TankV0[t];
            s.Head[nj + t] = net.TankH0[t];
            s.NodeDemand[nj + t] = 0.0;
        }
        s.InitializeEmitters();
        for (var k = 0; k < net.LinkCount; k++)
        {
            s.Status[k] = net.InitialStatus[k];
            s.Setting[k] = net.InitialSetting[k];
            if (_settingOverride[k] is double so)
            {
                s.Setting[k] = net.Type[k] switch
                {
                    HydraulicLinkType.Prv or HydraulicLinkType.Psv or HydraulicLinkType.Pbv => so / net.Units.Pressure,
                    HydraulicLinkType.Fcv => so / net.Units.Flow,
                    _ => so,
                };
                s.Status[k] = net.Type[k] == HydraulicLinkType.Pump ? (so > 0 ? LinkStatus.Open : LinkStatus.Closed) : LinkStatus.Active;
            }
            if (_statusOverride[k] is LinkStatus st)
            {
                s.Status[k] = st;
                if (net.Type[k] == HydraulicLinkType.Pump)
                {
                    s.Setting[k] = st == LinkStatus.Closed ? 0 : 1;
                }
                else if (net.Type[k] >= HydraulicLinkType.Prv && net.Type[k] != HydraulicLinkType.Gpv)
                {
                    s.Setting[k] = HydraulicNetwork.Missing;
                }
            }
            var t = net.Type[k];
            if (t is HydraulicLinkType.Prv or HydraulicLinkType.Psv or HydraulicLinkType.Fcv && s.Setting[k] != HydraulicNetwork.Missing)
            {
                s.Status[k] = LinkStatus.Active;
            }
            if (s.Status[k] <= LinkStatus.Closed)
            {
                s.Flow[k] = Qzero;
            }
            else
            {
                s.InitializeFlow(k);
            }
        }
        _time = 0;
        _reportTime = net.ReportStep;
        _halted = false;
        _energy.Reset();
        Warnings.Clear();
        TotalIterations = 0;
        StepCount = 0;
        _initialized = true;
    }

    /// <summary>Solves the network at the current time (EPANET's ENrunH).</summary>
    public HydraulicStepInfo SolveCurrent()
    {
        if (!_initialized)
        {
            Reset();
        }
        ComputeDemands();
        ApplyControls();
        var outcome = _solver.Solve(_pressureSwitch ??= PressureSwitch);
        TotalIterations += outcome.Iterations;
        StepCount++;
        if (outcome.IllConditionedNode >= 0)
        {
            Warnings.Add(new HydraulicWarning(_time, 110, $"ill-conditioned equations at node {_net.NodeIds[outcome.IllConditionedNode]}: it is probably isolated or fed only through closed links", [_net.NodeIds[outcome.IllConditionedNode]]));
            _halted = true;
        }
        else if (!outcome.Converged)
        {
            Warnings.Add(new HydraulicWarning(_time, 1, $"system unbalanced after {outcome.Iterations} trials (relative flow change {outcome.RelativeError:G3})", []));
            if (_net.ExtraTrials < 0)
            {
                _halted = true;
            }
        }
        CollectWarnings();
        return new HydraulicStepInfo(_time, outcome.Iterations, outcome.RelativeError, outcome.Converged && outcome.IllConditionedNode < 0);
    }

    /// <summary>Advances to the next hydraulic time (EPANET's ENnextH); returns the step length, 0 at the end.</summary>
    public long Advance()
    {
        if (_halted)
        {
            _time = _net.Duration;
        }
        if (_time >= _net.Duration)
        {
            if (_net.Duration == 0)
            {
                _energy.Add(_solver, _time, 1.0);
            }
            _time = _net.Duration + 1;
            return 0;
        }
        var step = TimeStep();
        _energy.Add(_solver, _time, step / 3600.0);
        _time += step;
        if (_time >= _reportTime)
        {
            _reportTime += _net.ReportStep;
        }
        return step;
    }

    /// <summary>Runs the whole extended period, calling <paramref name="onStep"/> after each solved step.</summary>
    public IReadOnlyList<HydraulicStepInfo> Run(Action<HydraulicStepInfo>? onStep = null)
    {
        Reset();
        var steps = new List<HydraulicStepInfo>();
        do
        {
            var info = SolveCurrent();
            steps.Add(info);
            onStep?.Invoke(info);
        }
        while (Advance() > 0);
        return steps;
    }

    private void ComputeDemands()
    {
        var net = _net;
        var s = _solver;
        var period = (_time + net.PatternStart) / net.PatternStep;
        for (var i = 0; i < net.JunctionCount; i++)
        {
            var sum = 0.0;
            for (var d = net.DemandStart[i]; d < net.DemandStart[i + 1]; d++)
            {
                var p = net.DemandPattern[d];
                var f = p < 0 ? 1.0 : net.Patterns[p][(int)(period % net.Patterns[p].Length)];
                sum += net.DemandBase[d] * f * net.DemandMultiplier;
            }
            sum *= _demandScale[i];
            if (_extraDemand is not null)
            {
                sum += _extraDemand[i];
            }
            s.FullDemand[i] = sum;
        }
        for (var t = 0; t < _tankVolume.Length; t++)
        {
            if (net.TankArea[t] == 0.0 && net.TankPattern[t] >= 0)
            {
                var pat = net.Patterns[net.TankPattern[t]];
                var n = net.JunctionCount + t;
                s.Head[n] = net.Elevation[n] * pat[(int)(period % pat.Length)];
            }
        }
        for (var p = 0; p < net.PumpLinks.Length; p++)
        {
            var pat = net.PumpSpeedPattern[p];
            if (pat < 0)
            {
                continue;
            }
            var k = net.PumpLinks[p];
            var value = net.Patterns[pat][(int)(period % net.Patterns[pat].Length)];
            s.Setting[k] = value;
            if (value > 0 && s.Status[k] <= LinkStatus.Closed)
            {
                s.Status[k] = LinkStatus.Open;
            }
            if (value == 0 && s.Status[k] > LinkStatus.Closed)
            {
                s.Status[k] = LinkStatus.Closed;
            }
        }
    }

    private void ApplyControls()
    {
        var net = _net;
        var s = _solver;
        foreach (var c in net.Controls)
        {
            var reset = false;
            var n = c.Node;
            if (n >= net.JunctionCount)
            {
                var t = n - net.JunctionCount;
                var vplus = Math.Abs(s.NodeDemand[n]);
                var v1 = net.TankVolumeAt(t, s.Head[n]);
                var v2 = net.TankVolumeAt(t, c.Grade);
                if (c.Type == ControlType.LowLevel && v1 <= v2 + vplus)
                {
                    reset = true;
                }
                if (c.Type == ControlType.HighLevel && v1 >= v2 - vplus)
                {
                    reset = true;
                }
            }
            if (c.Type == ControlType.Timer && c.Time == _time)
            {
                reset = true;
            }
            if (c.Type == ControlType.TimeOfDay && (_time + net.StartClock) % 86400 == c.Time)
            {
                reset = true;
            }
            if (reset)
            {
                Apply(c);
            }
        }
    }

    private bool Apply(CompiledControl c)
    {
        var s = _solver;
        var k = c.Link;
        var s1 = s.Status[k] <= LinkStatus.Closed ? LinkStatus.Closed : LinkStatus.Open;
        var s2 = c.Status;
        var k1 = s.Setting[k];
        var k2 = _net.Type[k] > HydraulicLinkType.Pipe ? c.Setting : k1;
        var s2n = s2 <= LinkStatus.Closed ? LinkStatus.Closed : LinkStatus.Open;
        if (s1 != s2n || k1 != k2 || (s2 == LinkStatus.Active && s.Status[k] != LinkStatus.Active && _net.Type[k] >= HydraulicLinkType.Prv))
        {
            s.Status[k] = s2;
            s.Setting[k] = k2;
            return true;
        }
        return false;
    }

    // Controls on junction pressures are checked after each converged solution (EPANET's pswitch).
    private bool PressureSwitch()
    {
        var net = _net;
        var s = _solver;
        var any = false;
        foreach (var c in net.Controls)
        {
            var n = c.Node;
            if (n < 0 || n >= net.JunctionCount)
            {
                continue;
            }
            var reset = (c.Type == ControlType.LowLevel && s.Head[n] <= c.Grade + GradientSolver.Htol)
                || (c.Type == ControlType.HighLevel && s.Head[n] >= c.Grade - GradientSolver.Htol);
            if (!reset)
            {
                continue;
            }
            var k = c.Link;
            var type = net.Type[k];
            var change = false;
            if (type is HydraulicLinkType.Pipe or HydraulicLinkType.CheckValvePipe)
            {
                change = s.Status[k] != c.Status;
            }
            else if (type == HydraulicLinkType.Pump)
            {
                change = s.Setting[k] != c.Setting;
            }
            else
            {
                change = s.Setting[k] != c.Setting || (s.Setting[k] == HydraulicNetwork.Missing && s.Status[k] != c.Status);
            }
            if (change)
            {
                s.Status[k] = c.Status;
                if (type > HydraulicLinkType.Pipe)
                {
                    s.Setting[k] = c.Setting;
                }
                any = true;
            }
        }
        return any;
    }

    private long TimeStep()
    {
        var net = _net;
        var tstep = net.HydraulicStep;
        var n = ((_time + net.PatternStart) / net.PatternStep) + 1;
        var t = (n * net.PatternStep) - _time;
        if (t > 0 && t < tstep)
        {
            tstep = t;
        }
        t = _reportTime - _time;
        if (t > 0 && t < tstep)
        {
            tstep = t;
        }
        TankTimeStep(ref tstep);
        ControlTimeStep(ref tstep);
        if (net.Rules.Count > 0)
        {
            RuleTimeStep(ref tstep);
        }
        else
        {
            TankLevels(tstep);
        }
        return tstep;
    }

    private static long Round(double x) => (long)(x >= 0 ? x + 0.5 : x - 0.5);

    private void TankTimeStep(ref long tstep)
    {
        var net = _net;
        var s = _solver;
        for (var i = 0; i < _tankVolume.Length; i++)
        {
            if (net.TankArea[i] == 0.0)
            {
                continue;
            }
            var n = net.JunctionCount + i;
            var h = s.Head[n];
            var q = s.NodeDemand[n];
            if (Math.Abs(q) <= Qzero)
            {
                continue;
            }
            double v;
            if (q > 0.0 && h < net.TankHmax[i])
            {
                v = net.TankVmax[i] - _tankVolume[i];
            }
            else if (q < 0.0 && h > net.TankHmin[i])
            {
                v = net.TankVmin[i] - _tankVolume[i];
            }
            else
            {
                continue;
            }
            var t = Round(v / q);
            if (t > 0 && t < tstep)
            {
                tstep = t;
            }
        }
    }

    private void ControlTimeStep(ref long tstep)
    {
        var net = _net;
        var s = _solver;
        foreach (var c in net.Controls)
        {
            long t = 0;
            var n = c.Node;
            if (n >= 0)
            {
                var j = n - net.JunctionCount;
                if (j < 0)
                {
                    continue;
                }
                var h = s.Head[n];
                var q = s.NodeDemand[n];
                if (Math.Abs(q) <= Qzero)
                {
                    continue;
                }
                if ((h < c.Grade && c.Type == ControlType.HighLevel && q > 0.0) || (h > c.Grade && c.Type == ControlType.LowLevel && q < 0.0))
                {
                    var v = net.TankVolumeAt(j, c.Grade) - _tankVolume[j];
                    t = Round(v / q);
                }
            }
            if (c.Type == ControlType.Timer && c.Time > _time)
            {
                t = c.Time - _time;
            }
            if (c.Type == ControlType.TimeOfDay)
            {
                var t1 = (_time + net.StartClock) % 86400;
                var t2 = c.Time;
                t = t2 >= t1 ? t2 - t1 : 86400 - t1 + t2;
            }
            if (t > 0 && t < tstep)
            {
                var k = c.Link;
                if ((net.Type[k] > HydraulicLinkType.Pipe && s.Setting[k] != c.Setting) || s.Status[k] != c.Status)
                {
                    tstep = t;
                }
            }
        }
    }

    private void RuleTimeStep(ref long tstep)
    {
        var net = _net;
        var tnow = _time;
        var tmax = tnow + tstep;
        var dt = net.RuleStep;
        var dt1 = net.RuleStep - (tnow % net.RuleStep);
        dt = Math.Min(dt, tstep);
        dt1 = Math.Min(dt1, tstep);
        if (dt1 == 0)
        {
            dt1 = dt;
        }
        var time = tnow;
        do
        {
            time += dt1;
            TankLevels(dt1);
            if (net.Rules.Check(time, dt1, _solver, _tankVolume) > 0)
            {
                break;
            }
            dt = Math.Min(dt, tmax - time);
            dt1 = dt;
        }
        while (dt > 0);
        tstep = time - tnow;
    }

    private void TankLevels(long tstep)
    {
        var net = _net;
        var s = _solver;
        for (var i = 0; i < _tankVolume.Length; i++)
        {
            if (net.TankArea[i] == 0.0)
            {
                continue;
            }
            var n = net.JunctionCount + i;
            var q = s.NodeDemand[n];
            _tankVolume[i] += q * tstep;
            if (_tankVolume[i] + q >= net.TankVmax[i] && !net.TankCanOverflow[i])
            {
                _tankVolume[i] = net.TankVmax[i];
            }
            if (_tankVolume[i] - q <= net.TankVmin[i])
            {
                _tankVolume[i] = net.TankVmin[i];
            }
            s.Head[n] = net.TankGradeAt(i, _tankVolume[i]);
        }
    }

    // Warnings are checked after every step, as EPANET does; nothing is allocated unless there is something to report.
    private void CollectWarnings()
    {
        var net = _net;
        var s = _solver;
        var negative = 0;
        for (var i = 0; i < net.JunctionCount; i++)
        {
            if (s.FullDemand[i] > 0 && s.Head[i] < net.Elevation[i])
            {
                negative++;
            }
        }
        if (negative > 0)
        {
            var ids = new List<string>(negative);
            for (var i = 0; i < net.JunctionCount; i++)
            {
                if (s.FullDemand[i] > 0 && s.Head[i] < net.Elevation[i])
                {
                    ids.Add(net.NodeIds[i]);
                }
            }
            Warnings.Add(new HydraulicWarning(_time, 6, $"{negative} junction(s) with demand have negative pressure", ids));
        }
        int pumps = 0, valves = 0;
        for (var k = 0; k < net.LinkCount; k++)
        {
            if (s.Status[k] == LinkStatus.XHead)
            {
                pumps++;
            }
            else if (s.Status[k] is LinkStatus.XFcv or LinkStatus.XPressure)
            {
                valves++;
            }
        }
        if (pumps > 0)
        {
            Warnings.Add(new HydraulicWarning(_time, 4, "pump(s) cannot deliver the head required and were closed", LinksWithStatus(LinkStatus.XHead, LinkStatus.XHead)));
        }
        if (valves > 0)
        {
            Warnings.Add(new HydraulicWarning(_time, 5, "valve(s) cannot deliver their flow or pressure setting", LinksWithStatus(LinkStatus.XFcv, LinkStatus.XPressure)));
        }
        var reachable = ReachableFromSources();
        var disconnected = 0;
        for (var i = 0; i < net.JunctionCount; i++)
        {
            if (!reachable[i] && s.FullDemand[i] > 0)
            {
                disconnected++;
            }
        }
        if (disconnected > 0)
        {
            Warnings.Add(new HydraulicWarning(_time, 3, $"{disconnected} junction(s) with demand are disconnected from every tank and reservoir", DisconnectedNodes()));
        }
    }

    private List<string> LinksWithStatus(LinkStatus a, LinkStatus b)
    {
        var ids = new List<string>();
        for (var k = 0; k < _net.LinkCount; k++)
        {
            if (_solver.Status[k] == a || _solver.Status[k] == b)
            {
                ids.Add(_net.LinkIds[k]);
            }
        }
        return ids;
    }

    /// <summary>Junctions with demand that no open path joins to a tank or reservoir.</summary>
    public List<string> DisconnectedNodes() => CutOffJunctions(onlyWithDemand: true);

    /// <summary>Junctions that no open path joins to a tank or reservoir (their head is undetermined).</summary>
    public List<string> CutOffJunctions(bool onlyWithDemand = false)
    {
        var net = _net;
        var s = _solver;
        var reachable = ReachableFromSources();
        var result = new List<string>();
        for (var i = 0; i < net.JunctionCount; i++)
        {
            if (!reachable[i] && (!onlyWithDemand || s.FullDemand[i] > 0))
            {
                result.Add(net.NodeIds[i]);
            }
        }
        return result;
    }

    // Connectivity through open links, from every tank and reservoir. The node-link graph is built once; the search
    // runs again only when some link has opened or closed since the last one (most steps change no status).
    private bool[] ReachableFromSources()
    {
        var net = _net;
        var status = _solver.Status;
        if (_reachable is null)
        {
            _reachable = new bool[net.NodeCount];
            _openAtLastSearch = new bool[net.LinkCount];
            _searchStack = new int[net.NodeCount];
            _incidenceStart = new int[net.NodeCount + 1];
            for (var k = 0; k < net.LinkCount; k++)
            {
                _incidenceStart[net.From[k] + 1]++;
                _incidenceStart[net.To[k] + 1]++;
            }
            for (var i = 0; i < net.NodeCount; i++)
            {
                _incidenceStart[i + 1] += _incidenceStart[i];
            }
            _incidentLink = new int[_incidenceStart[net.NodeCount]];
            var next = (int[])_incidenceStart.Clone();
            for (var k = 0; k < net.LinkCount; k++)
            {
                _incidentLink[next[net.From[k]]++] = k;
                _incidentLink[next[net.To[k]]++] = k;
            }
        }
        else
        {
            var changed = false;
            for (var k = 0; k < net.LinkCount; k++)
            {
                if (_openAtLastSearch![k] != status[k] > LinkStatus.Closed)
                {
                    changed = true;
                    break;
                }
            }
            if (!changed)
            {
                return _reachable;
            }
        }
        var open = _openAtLastSearch!;
        for (var k = 0; k < net.LinkCount; k++)
        {
            open[k] = status[k] > LinkStatus.Closed;
        }
        var seen = _reachable;
        Array.Clear(seen);
        var stack = _searchStack!;
        var top = 0;
        for (var n = net.JunctionCount; n < net.NodeCount; n++)
        {
            seen[n] = true;
            stack[top++] = n;
        }
        var start = _incidenceStart!;
        var links = _incidentLink!;
        while (top > 0)
        {
            var n = stack[--top];
            for (var p = start[n]; p < start[n + 1]; p++)
            {
                var k = links[p];
                if (!open[k])
                {
                    continue;
                }
                var m = net.From[k] == n ? net.To[k] : net.From[k];
                if (!seen[m])
                {
                    seen[m] = true;
                    stack[top++] = m;
                }
            }
        }
        return seen;
    }

    private bool[]? _reachable;
    private bool[]? _openAtLastSearch;
    private int[]? _searchStack;
    private int[]? _incidenceStart;
    private int[]? _incidentLink;
}
