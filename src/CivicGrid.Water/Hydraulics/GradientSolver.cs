using CivicGrid.Numerics.Cholesky;
using CivicGrid.Numerics.Sparse;
using CivicGrid.Water.Model;

namespace CivicGrid.Water.Hydraulics;

/// <summary>Outcome of one hydraulic solution (one time step).</summary>
public readonly record struct SolveOutcome(int Iterations, double RelativeError, bool Converged, int IllConditionedNode);

/// <summary>
/// Todini's global gradient algorithm with EPANET's coefficients, status checks and convergence tests. The matrix
/// pattern (junction-to-junction incidences) and its symbolic Cholesky analysis are built once per network and
/// reused by every iteration, time step and scenario.
/// </summary>
internal sealed class GradientSolver
{
    private const double Cbig = 1.0e8;
    private const double Csmall = 1.0e-6;
    private const double RqTol = 1.0e-7;
    private const double Qzero = 1.0e-6;
    internal const double Htol = 0.0005;
    internal const double Qtol = 0.0001;
    private const double Tiny = 1.0e-6;

    private readonly HydraulicNetwork _net;
    private readonly CompressedColumnMatrix _a;
    private readonly SparseCholesky _cholesky;
    private readonly int[] _diagonal;
    private readonly int[] _offDiagonal; // per link; −1 when the link does not join two junctions
    private readonly double[] _f;
    private readonly double[] _p;
    private readonly double[] _y;
    private readonly double[] _xflow;
    private readonly int[] _controlValves; // PRV, PSV and FCV links, in link order

    public GradientSolver(HydraulicNetwork net)
    {
        _net = net;
        var nj = net.JunctionCount;
        var rows = new List<int>();
        var cols = new List<int>();
        for (var i = 0; i < nj; i++)
        {
            rows.Add(i);
            cols.Add(i);
        }
        for (var k = 0; k < net.LinkCount; k++)
        {
            int n1 = net.From[k], n2 = net.To[k];
            if (n1 < nj && n2 < nj)
            {
                rows.Add(Math.Min(n1, n2));
                cols.Add(Math.Max(n1, n2));
            }
        }
        _a = CompressedColumnMatrix.FromTriplets(nj, nj, rows.ToArray(), cols.ToArray(), new double[rows.Count]);
        _diagonal = new int[nj];
        for (var i = 0; i < nj; i++)
        {
            _diagonal[i] = _a.IndexOf(i, i);
        }
        _offDiagonal = new int[net.LinkCount];
        for (var k = 0; k < net.LinkCount; k++)
        {
            int n1 = net.From[k], n2 = net.To[k];
            _offDiagonal[k] = n1 < nj && n2 < nj ? _a.IndexOf(Math.Min(n1, n2), Math.Max(n1, n2)) : -1;
        }
        _cholesky = new SparseCholesky(_a);
        var valves = new List<int>();
        for (var k = 0; k < net.LinkCount; k++)
        {
            if (net.Type[k] is HydraulicLinkType.Prv or HydraulicLinkType.Psv or HydraulicLinkType.Fcv)
            {
                valves.Add(k);
            }
        }
        _controlValves = [.. valves];
        _f = new double[nj];
        _p = new double[net.LinkCount];
        _y = new double[net.LinkCount];
        _xflow = new double[net.NodeCount];
        Head = new double[net.NodeCount];
        Flow = new double[net.LinkCount];
        Status = new LinkStatus[net.LinkCount];
        Setting = new double[net.LinkCount];
        FullDemand = new double[net.NodeCount];
        DemandFlow = new double[nj];
        EmitterFlow = new double[nj];
        LeakageFlow = new double[nj];
        NodeDemand = new double[net.NodeCount];
        LeakCoefficients = BuildLeakage();
    }

    public double[] Head { get; }
    public double[] Flow { get; }
    public LinkStatus[] Status { get; }
    public double[] Setting { get; }
    /// <summary>Required demand of junctions during a solve.</summary>
    public double[] FullDemand { get; }
    public double[] DemandFlow { get; }
    public double[] EmitterFlow { get; }
    public double[] LeakageFlow { get; }
    /// <summary>Junctions: delivered demand + emitter + leakage after a solve; fixed-grade nodes: net inflow.</summary>
    public double[] NodeDemand { get; }
    public int DeficientNodes { get; private set; }
    public double DemandReductionPercent { get; private set; }
    public double MaxHeadError { get; private set; }
    public double MaxFlowChange { get; private set; }
    public int FactorNonZeros => _cholesky.FactorNonZeroCount;

    /// <summary>Solves A·x = b in place with the junction matrix factored at the last iteration (the Jacobian of the
    /// head equations): x is the head change (ft) per unit of nodal inflow (cfs). Used for leak sensitivity analysis.</summary>
    internal void SolveWithLastFactor(Span<double> b) => _cholesky.Solve(b);
    private (double Cfa, double Cva)[] LeakCoefficients { get; }
    private double _relax = 1.0;

    // FAVAD leakage, Q = Co·L·(Ao + m·H)·sqrt(H): each pipe's leak is split between its end junctions and modelled
    // there as two equivalent emitters, H = Cfa·Qfa² (fixed area) and H = Cva·Qva^(2/3) (variable area).
    // Ao is in mm² per 100 length units of pipe and m in mm² per metre of pressure head per 100 length units, the
    // convention of EPANET 2.3.5 (checked against its Net1 leakage test).
    private (double Cfa, double Cva)[] BuildLeakage()
    {
        var nj = _net.JunctionCount;
        var coeff = new (double Cfa, double Cva)[nj];
        if (!_net.HasLeakage)
        {
            return coeff;
        }
        const double orifice = 4.8149866e-6; // 0.6·sqrt(2g) with mm² → ft² folded in below
        for (var k = 0; k < _net.LinkCount; k++)
        {
            int n1 = _net.From[k], n2 = _net.To[k];
            if (n1 >= nj && n2 >= nj || (_net.LeakArea[k] == 0 && _net.LeakExpansion[k] == 0))
            {
                continue;
            }
            var area = orifice * _net.LeakArea[k] / (UnitSystem.MetersPerFoot * UnitSystem.MetersPerFoot);
            var expansion = orifice * _net.LeakExpansion[k] / UnitSystem.MetersPerFoot;
            var len = _net.Length[k] * _net.Units.Length / 100.0;
            if (n1 < nj && n2 < nj)
            {
                len *= 0.5;
            }
            foreach (var n in new[] { n1, n2 })
            {
                if (n < nj)
                {
                    coeff[n].Cfa += area * len;
                    coeff[n].Cva += expansion * len;
                }
            }
        }
        for (var i = 0; i < nj; i++)
        {
            var (a, m) = coeff[i];
            coeff[i] = (a > 0 ? 1.0 / (a * a) : 0.0, m > 0 ? 1.0 / Math.Pow(m, 2.0 / 3.0) : 0.0);
        }
        return coeff;
    }

    private double[] _leakFixed = [];
    private double[] _leakVariable = [];

    private static void LeakHead(double q, double c, double n, out double h, out double g)
    {
        n = 1.0 / n;
        g = n * c * Math.Pow(Math.Abs(q), n - 1.0);
        if (g < RqTol)
        {
            g = RqTol / n;
            h = g * q;
        }
        else
        {
            h = g * q / n;
        }
        AddLowerBarrier(q, ref h, ref g);
    }

    /// <summary>Initial link flows as EPANET sets them (1 ft/s in pipes, design flow in pumps).</summary>
    public void InitializeFlow(int k)
    {
        if (Status[k] <= LinkStatus.Closed)
        {
            Flow[k] = Qzero;
        }
        else if (_net.Type[k] == HydraulicLinkType.Pump)
        {
            Flow[k] = Setting[k] * _net.PumpQ0[_net.PumpOfLink[k]];
        }
        else
        {
            Flow[k] = Math.PI * _net.Diameter[k] * _net.Diameter[k] / 4.0;
        }
    }

    public void InitializeEmitters()
    {
        for (var i = 0; i < _net.JunctionCount; i++)
        {
            EmitterFlow[i] = _net.EmitterCoefficient[i] > 0 ? 1.0 : 0.0;
            if (_leakFixed.Length == 0)
            {
                _leakFixed = new double[_net.JunctionCount];
                _leakVariable = new double[_net.JunctionCount];
            }
            _leakFixed[i] = LeakCoefficients[i].Cfa > 0 ? 0.001 : 0.0;
            _leakVariable[i] = LeakCoefficients[i].Cva > 0 ? 0.001 : 0.0;
            LeakageFlow[i] = _leakFixed[i] + _leakVariable[i];
        }
    }

    public SolveOutcome Solve(Func<bool> pressureSwitch)
    {
        var net = _net;
        var nj = net.JunctionCount;
        var nextCheck = net.CheckFrequency;
        _relax = 1.0;
        MaxHeadError = 0;
        MaxFlowChange = 0;
        DeficientNodes = 0;
        DemandReductionPercent = 0;
        var maxTrials = net.Trials + Math.Max(0, net.ExtraTrials);
        var iter = 1;
        double relErr = 0;
        var illNode = -1;
        var converged = false;
        for (var i = 0; i < nj; i++)
        {
            DemandFlow[i] = FullDemand[i];
        }
        while (iter <= maxTrials)
        {
            HeadlossCoefficients();
            MatrixCoefficients();
            var bad = _cholesky.Factorize(_a);
            if (bad >= 0)
            {
                if (BadValve(bad))
                {
                    continue;
                }
                illNode = bad;
                break;
            }
            _cholesky.Solve(_f);
            for (var i = 0; i < nj; i++)
            {
                Head[i] = _f[i];
            }
            relErr = NewFlows();
            _relax = 1.0;
            var valveChange = false;
            if (net.DampLimit > 0)
            {
                if (relErr <= net.DampLimit)
                {
                    _relax = 0.6;
                    valveChange = ValveStatus();
                }
            }
            else
            {
                valveChange = ValveStatus();
            }
            if (HasConverged(relErr))
            {
                converged = true;
                if (iter > net.Trials)
                {
                    break;
                }
                var statusChange = valveChange;
                if (LinkStatusCheck())
                {
                    statusChange = true;
                }
                if (pressureSwitch())
                {
                    statusChange = true;
                }
                if (!statusChange)
                {
                    break;
                }
                converged = false;
                nextCheck = iter + net.CheckFrequency;
            }
            else if (iter <= net.MaxCheck && iter == nextCheck)
            {
                LinkStatusCheck();
                nextCheck += net.CheckFrequency;
            }
            iter++;
        }
        if (iter > maxTrials)
        {
            iter = maxTrials;
        }
        for (var i = 0; i < nj; i++)
        {
            NodeDemand[i] = DemandFlow[i] + EmitterFlow[i] + LeakageFlow[i];
        }
        return new SolveOutcome(iter, relErr, converged && illNode < 0, illNode);
    }

    private bool BadValve(int n)
    {
        var net = _net;
        for (var k = 0; k < net.LinkCount; k++)
        {
            var t = net.Type[k];
            if (t < HydraulicLinkType.Prv)
            {
                continue;
            }
            if (net.From[k] == n || net.To[k] == n)
            {
                if (t is HydraulicLinkType.Prv or HydraulicLinkType.Psv or HydraulicLinkType.Fcv && Status[k] == LinkStatus.Active)
                {
                    Status[k] = t == HydraulicLinkType.Fcv ? LinkStatus.XFcv : LinkStatus.XPressure;
                    return true;
                }
                return false;
            }
        }
        return false;
    }

    // ---- coefficients -------------------------------------------------------------------------------

    private void HeadlossCoefficients()
    {
        var net = _net;
        var type = net.Type;
        var status = Status;
        var flow = Flow;
        var pk = _p;
        var yk = _y;
        var resistance = net.Resistance;
        var minorLoss = net.MinorLoss;
        var darcy = net.Formula == HeadlossFormula.DarcyWeisbach;
        var hexp = net.HeadExponent;
        for (var k = 0; k < net.LinkCount; k++)
        {
            var t = type[k];
            if (t <= HydraulicLinkType.Pipe)
            {
                // Pipes (Hazen–Williams, Chezy–Manning inline; Darcy–Weisbach aside): this runs for every pipe in every trial.
                var f = flow[k];
                if (status[k] <= LinkStatus.Closed)
                {
                    pk[k] = 1.0 / Cbig;
                    yk[k] = f;
                    continue;
                }
                if (darcy)
                {
                    DarcyWeisbachCoefficient(k);
                    continue;
                }
                var q = Math.Abs(f);
                var ml = minorLoss[k];
                var hgrad = hexp * resistance[k] * Math.Pow(q, hexp - 1.0);
                double hloss;
                if (hgrad < RqTol)
                {
                    hgrad = RqTol / hexp;
                    hloss = hgrad * q;
                }
                else
                {
                    hloss = hgrad * q / hexp;
                }
                if (ml > 0.0)
                {
                    hloss += ml * q * q;
                    hgrad += 2.0 * ml * q;
                }
                hloss = f > 0.0 ? hloss : f < 0.0 ? -hloss : hloss * f;
                pk[k] = 1.0 / hgrad;
                yk[k] = hloss / hgrad;
                continue;
            }
            switch (t)
            {
                case HydraulicLinkType.Pump:
                    PumpCoefficient(k);
                    break;
                case HydraulicLinkType.Pbv:
                    if (Setting[k] == HydraulicNetwork.Missing || Setting[k] == 0.0 || net.MinorLoss[k] * Flow[k] * Flow[k] > Setting[k])
                    {
                        ValveCoefficient(k, net.MinorLoss[k]);
                    }
                    else
                    {
                        _p[k] = Cbig;
                        _y[k] = Setting[k] * Cbig;
                    }
                    break;
                case HydraulicLinkType.Tcv:
                    var km = Setting[k] != HydraulicNetwork.Missing ? 0.02517 * Setting[k] / Math.Pow(net.Diameter[k], 4) : net.MinorLoss[k];
                    ValveCoefficient(k, km);
                    break;
                case HydraulicLinkType.Pcv:
                    ValveCoefficient(k, Setting[k] != HydraulicNetwork.Missing ? net.PcvLossCoefficient(k, Setting[k]) : net.MinorLoss[k]);
                    break;
                case HydraulicLinkType.Gpv:
                    GpvCoefficient(k);
                    break;
                default: // PRV, PSV, FCV
                    if (Setting[k] == HydraulicNetwork.Missing)
                    {
                        ValveCoefficient(k, net.MinorLoss[k]);
                    }
                    else
                    {
                        _p[k] = 0.0;
                    }
                    break;
            }
        }
    }

    private void DarcyWeisbachCoefficient(int k)
    {
        const double a2 = 1.57079632679489661930e+03;
        var net = _net;
        var q = Math.Abs(Flow[k]);
        var r = net.Resistance[k];
        var ml = net.MinorLoss[k];
        var e = net.Roughness[k] / net.Diameter[k];
        var s = net.Viscosity * net.Diameter[k];
        double hloss, hgrad;
        if (q <= a2 * s)
        {
            r = 16.0 * Math.PI * s * r;
            hloss = Flow[k] * (r + (ml * q));
            hgrad = r + (2.0 * ml * q);
        }
        else
        {
            var f = FrictionFactor(q, e, s, out var dfdq);
            var r1 = (f * r) + ml;
            hloss = r1 * q * Flow[k];
            hgrad = (2.0 * r1 * q) + (dfdq * r * q * q);
        }
        _p[k] = 1.0 / hgrad;
        _y[k] = hloss / hgrad;
    }

    private static double FrictionFactor(double q, double e, double s, out double dfdq)
    {
        const double a1 = 3.14159265358979323850e+03;
        const double a2 = 1.57079632679489661930e+03;
        const double a8 = 4.61841319859066668690e+00;
        const double a9 = -8.68588963806503655300e-01;
        const double ab = 3.28895476345399058690e-03;
        const double ac = -5.14214965799093883760e-03;
        var w = q / s;
        if (w >= a1)
        {
            var y1 = a8 / Math.Pow(w, 0.9);
            var y2 = (e / 3.7) + y1;
            var y3 = a9 * Math.Log(y2);
            var f = 1.0 / (y3 * y3);
            dfdq = 1.8 * f * y1 * a9 / y2 / y3 / q;
            return f;
        }
        else
        {
            var y2 = (e / 3.7) + ab;
            var y3 = a9 * Math.Log(y2);
            var fa = 1.0 / (y3 * y3);
            var fb = (2.0 + (ac / (y2 * y3))) * fa;
            var r = w / a2;
            var x1 = (7.0 * fa) - fb;
            var x2 = 0.128 - (17.0 * fa) + (2.5 * fb);
            var x3 = -0.128 + (13.0 * fa) - (fb + fb);
            var x4 = 0.032 - (3.0 * fa) + (0.5 * fb);
            dfdq = (x2 + (r * ((2.0 * x3) + (r * 3.0 * x4)))) / s / a2;
            return x1 + (r * (x2 + (r * (x3 + (r * x4)))));
        }
    }

    private void PumpCoefficient(int k)
    {
        var net = _net;
        var setting = Setting[k];
        if (Status[k] <= LinkStatus.Closed || setting == 0.0)
        {
            _p[k] = 1.0 / Cbig;
            _y[k] = Flow[k];
            return;
        }
        var q = Math.Abs(Flow[k]);
        var p = net.PumpOfLink[k];
        double hloss, hgrad;
        switch (net.PumpType[p])
        {
            case PumpCurveType.NoCurve:
                _p[k] = 1.0 / Csmall;
                _y[k] = Flow[k];
                return;
            case PumpCurveType.Custom:
                {
                    CurveSegment(net.PumpCurve[p]!, q / setting, out var h0, out var r);
                    // head loss = −(h0 + r·q): intercept and slope of the head gain, negated
                    hgrad = -r * setting;
                    hloss = (-h0 * setting * setting) + (hgrad * Flow[k]);
                    break;
                }
            case PumpCurveType.ConstantPower:
                {
                    // Constant power is a power curve with exponent −1, so speed scales r by s^(2−n) = s³.
                    var r = net.PumpR[p] * Math.Pow(setting, 3.0);
                    hgrad = -r / q / q;
                    if (hgrad > Cbig)
                    {
                        _p[k] = 1.0 / Cbig;
                        _y[k] = Flow[k];
                        return;
                    }
                    if (hgrad < Csmall)
                    {
                        _p[k] = 1.0 / Csmall;
                        _y[k] = Flow[k];
                        return;
                    }
                    hloss = r / Flow[k];
                    break;
                }
            default:
                {
                    var h0 = -setting * setting * net.PumpH0[p];
                    var n = net.PumpN[p];
                    if (Math.Abs(n - 1.0) < Tiny)
                    {
                        n = 1.0;
                    }
                    var r = net.PumpR[p] * Math.Pow(setting, 2.0 - n);
                    if (n != 1.0)
                    {
                        hgrad = n * r * Math.Pow(q, n - 1.0);
                        if (hgrad < RqTol)
                        {
                            hgrad = RqTol;
                            hloss = h0 + (hgrad * Flow[k]);
                        }
                        else
                        {
                            hloss = h0 + (hgrad * Flow[k] / n);
                        }
                    }
                    else
                    {
                        hgrad = r;
                        hloss = h0 + (hgrad * Flow[k]);
                    }
                    break;
                }
        }
        _p[k] = 1.0 / hgrad;
        _y[k] = hloss / hgrad;
    }

    private static void CurveSegment((double X, double Y)[] c, double q, out double h0, out double r)
    {
        var n = c.Length;
        var k2 = 0;
        while (k2 < n && c[k2].X < q)
        {
            k2++;
        }
        if (k2 == 0)
        {
            k2++;
        }
        else if (k2 == n)
        {
            k2--;
        }
        var k1 = k2 - 1;
        r = (c[k2].Y - c[k1].Y) / (c[k2].X - c[k1].X);
        h0 = c[k1].Y - (r * c[k1].X);
    }

    private void GpvCoefficient(int k)
    {
        if (Status[k] == LinkStatus.Closed)
        {
            ValveCoefficient(k, _net.MinorLoss[k]);
            return;
        }
        var q = Math.Max(Math.Abs(Flow[k]), Tiny);
        CurveSegment(_net.LinkCurve[k]!, q, out var h0, out var r);
        r = Math.Max(r, Tiny);
        _p[k] = 1.0 / r;
        _y[k] = ((h0 / r) + q) * Math.Sign(Flow[k]);
    }

    private void ValveCoefficient(int k, double km)
    {
        var flow = Flow[k];
        if (Status[k] <= LinkStatus.Closed)
        {
            _p[k] = 1.0 / Cbig;
            _y[k] = flow;
            return;
        }
        if (km > 0.0)
        {
            var hgrad = 2.0 * km * Math.Abs(flow);
            double hloss;
            if (hgrad < RqTol)
            {
                hgrad = RqTol / 2.0;
                hloss = flow * hgrad;
            }
            else
            {
                hloss = flow * hgrad / 2.0;
            }
            _p[k] = 1.0 / hgrad;
            _y[k] = hloss / hgrad;
        }
        else
        {
            _p[k] = 1.0 / Csmall;
            _y[k] = flow;
        }
    }

    private void MatrixCoefficients()
    {
        var net = _net;
        var nj = net.JunctionCount;
        var values = _a.Values;
        Array.Clear(values);
        Array.Clear(_f);
        Array.Clear(_xflow);
        // Links.
        var from = net.From;
        var to = net.To;
        var flow = Flow;
        var head = Head;
        var pk = _p;
        var yk = _y;
        var f = _f;
        var xflow = _xflow;
        var diagonal = _diagonal;
        var offDiagonal = _offDiagonal;
        for (var k = 0; k < net.LinkCount; k++)
        {
            var p = pk[k];
            if (p == 0.0)
            {
                continue;
            }
            int n1 = from[k], n2 = to[k];
            var q = flow[k];
            xflow[n1] -= q;
            xflow[n2] += q;
            var off = offDiagonal[k];
            if (off >= 0)
            {
                // Both ends are junctions (the common case).
                values[off] -= p;
                values[diagonal[n1]] += p;
                values[diagonal[n2]] += p;
                f[n1] += yk[k];
                f[n2] -= yk[k];
                continue;
            }
            if (n1 < nj)
            {
                values[diagonal[n1]] += p;
                f[n1] += yk[k];
            }
            else if (n2 < nj)
            {
                f[n2] += p * head[n1];
            }
            if (n2 < nj)
            {
                values[diagonal[n2]] += p;
                f[n2] -= yk[k];
            }
            else if (n1 < nj)
            {
                f[n1] += p * head[n2];
            }
        }
        // Emitters.
        for (var i = 0; i < nj; i++)
        {
            if (net.EmitterCoefficient[i] == 0.0)
            {
                continue;
            }
            EmitterHeadloss(i, out var hloss, out var hgrad);
            values[_diagonal[i]] += 1.0 / hgrad;
            _f[i] += (hloss + net.Elevation[i]) / hgrad;
            _xflow[i] -= EmitterFlow[i];
        }
        // Leakage (FAVAD), two equivalent emitters per leaking junction.
        if (net.HasLeakage)
        {
            for (var i = 0; i < nj; i++)
            {
                var (cfa, cva) = LeakCoefficients[i];
                if (cfa > 0)
                {
                    LeakHead(_leakFixed[i], cfa, 0.5, out var h, out var g);
                    values[_diagonal[i]] += 1.0 / g;
                    _f[i] += (h + net.Elevation[i]) / g;
                }
                if (cva > 0)
                {
                    LeakHead(_leakVariable[i], cva, 1.5, out var h, out var g);
                    values[_diagonal[i]] += 1.0 / g;
                    _f[i] += (h + net.Elevation[i]) / g;
                }
                if (cfa > 0 || cva > 0)
                {
                    _xflow[i] -= _leakFixed[i] + _leakVariable[i];
                }
            }
        }
        // Pressure-driven demands.
        if (net.PressureDriven)
        {
            var dp = net.RequiredPressure - net.MinimumPressure;
            var n = 1.0 / net.PressureExponent;
            for (var i = 0; i < nj; i++)
            {
                if (FullDemand[i] <= 0.0)
                {
                    continue;
                }
                DemandHeadloss(i, dp, n, out var hloss, out var hgrad);
                if (hgrad > 0.0)
                {
                    values[_diagonal[i]] += 1.0 / hgrad;
                    _f[i] += (hloss + net.Elevation[i] + net.MinimumPressure) / hgrad;
                }
            }
        }
        // Node balances.
        for (var i = 0; i < nj; i++)
        {
            _xflow[i] -= DemandFlow[i];
            _f[i] += _xflow[i];
        }
        // Pressure and flow control valves whose status is not fixed.
        foreach (var k in _controlValves)
        {
            var t = net.Type[k];
            if (Setting[k] == HydraulicNetwork.Missing)
            {
                continue;
            }
            int n1 = net.From[k], n2 = net.To[k];
            switch (t)
            {
                case HydraulicLinkType.Prv:
                    if (Status[k] == LinkStatus.Active)
                    {
                        var hset = net.Elevation[n2] + Setting[k];
                        _p[k] = 0.0;
                        _y[k] = Flow[k] + _xflow[n2];
                        _f[n2] += hset * Cbig;
                        values[_diagonal[n2]] += Cbig;
                        if (_xflow[n2] < 0.0)
                        {
                            _f[n1] += _xflow[n2];
                        }
                        continue;
                    }
                    break;
                case HydraulicLinkType.Psv:
                    if (Status[k] == LinkStatus.Active)
                    {
                        var hset = net.Elevation[n1] + Setting[k];
                        _p[k] = 0.0;
                        _y[k] = Flow[k] - _xflow[n1];
                        _f[n1] += hset * Cbig;
                        values[_diagonal[n1]] += Cbig;
                        if (_xflow[n1] > 0.0)
                        {
                            _f[n2] += _xflow[n1];
                        }
                        values[_offDiagonal[k]] -= 1.0 / Cbig;
                        values[_diagonal[n2]] += 1.0 / Cbig;
                        continue;
                    }
                    break;
                default:
                    if (Status[k] == LinkStatus.Active)
                    {
                        var q = Setting[k];
                        _xflow[n1] -= q;
                        _xflow[n2] += q;
                        _y[k] = Flow[k] - q;
                        _f[n1] -= q;
                        _f[n2] += q;
                        _p[k] = 1.0 / Cbig;
                        values[_offDiagonal[k]] -= _p[k];
                        values[_diagonal[n1]] += _p[k];
                        values[_diagonal[n2]] += _p[k];
                        continue;
                    }
                    break;
            }
            ValveCoefficient(k, net.MinorLoss[k]);
            values[_offDiagonal[k]] -= _p[k];
            values[_diagonal[n1]] += _p[k];
            values[_diagonal[n2]] += _p[k];
            _f[n1] += _y[k] - Flow[k];
            _f[n2] -= _y[k] - Flow[k];
        }
    }

    private static void AddLowerBarrier(double dq, ref double hloss, ref double hgrad)
    {
        var a = 1e9 * dq;
        var b = Math.Sqrt((a * a) + 1e-6);
        hloss += (a - b) / 2.0;
        hgrad += 1e9 / 2.0 * (1.0 - (a / b));
    }

    private static void AddUpperBarrier(double dq, ref double hloss, ref double hgrad)
    {
        var a = 1e9 * dq;
        var b = Math.Sqrt((a * a) + 1e-6);
        hloss += (a + b) / 2.0;
        hgrad += 1e9 / 2.0 * (1.0 + (a / b));
    }

    private void EmitterHeadloss(int i, out double hloss, out double hgrad)
    {
        var net = _net;
        var ke = Math.Max(Csmall, net.EmitterCoefficient[i]);
        var q = EmitterFlow[i];
        var qexp = net.EmitterExponent;
        hgrad = qexp * ke * Math.Pow(Math.Abs(q), qexp - 1.0);
        if (hgrad < RqTol)
        {
            hgrad = RqTol / qexp;
            hloss = hgrad * q;
        }
        else
        {
            hloss = hgrad * q / qexp;
        }
        if (!net.EmitterBackflow)
        {
            AddLowerBarrier(q, ref hloss, ref hgrad);
        }
    }

    private void DemandHeadloss(int i, double dp, double n, out double hloss, out double hgrad)
    {
        var d = DemandFlow[i];
        var dfull = FullDemand[i];
        var r = Math.Abs(d) / dfull;
        hgrad = n * dp * Math.Pow(r, n - 1.0) / dfull;
        hloss = hgrad * d / n;
        AddLowerBarrier(d, ref hloss, ref hgrad);
        AddUpperBarrier(d - dfull, ref hloss, ref hgrad);
    }

    // ---- flow updates and convergence -------------------------------------------------------------

    private double NewFlows()
    {
        var net = _net;
        var nj = net.JunctionCount;
        double qsum = 0, dqsum = 0;
        MaxFlowChange = 0;
        for (var n = nj; n < net.NodeCount; n++)
        {
            NodeDemand[n] = 0.0;
        }
        for (var k = 0; k < net.LinkCount; k++)
        {
            int n1 = net.From[k], n2 = net.To[k];
            var dh = Head[n1] - Head[n2];
            var dq = _y[k] - (_p[k] * dh);
            dq *= _relax;
            if (net.Type[k] == HydraulicLinkType.Pump && net.PumpType[net.PumpOfLink[k]] == PumpCurveType.ConstantPower && dq > Flow[k])
            {
                dq = Flow[k] / 2.0;
            }
            Flow[k] -= dq;
            qsum += Math.Abs(Flow[k]);
            dqsum += Math.Abs(dq);
            MaxFlowChange = Math.Max(MaxFlowChange, Math.Abs(dq));
            if (Status[k] > LinkStatus.Closed)
            {
                if (n1 >= nj)
                {
                    NodeDemand[n1] -= Flow[k];
                }
                if (n2 >= nj)
                {
                    NodeDemand[n2] += Flow[k];
                }
            }
        }
        for (var i = 0; i < nj; i++)
        {
            if (net.EmitterCoefficient[i] == 0.0)
            {
                continue;
            }
            EmitterHeadloss(i, out var hloss, out var hgrad);
            var dq = (hloss - (Head[i] - net.Elevation[i])) / hgrad * _relax;
            EmitterFlow[i] -= dq;
            qsum += Math.Abs(EmitterFlow[i]);
            dqsum += Math.Abs(dq);
            MaxFlowChange = Math.Max(MaxFlowChange, Math.Abs(dq));
        }
        if (net.HasLeakage)
        {
            for (var i = 0; i < nj; i++)
            {
                var (cfa, cva) = LeakCoefficients[i];
                if (cfa == 0 && cva == 0)
                {
                    continue;
                }
                var dh = Head[i] - net.Elevation[i];
                double dq = 0;
                if (cfa > 0)
                {
                    LeakHead(_leakFixed[i], cfa, 0.5, out var h, out var g);
                    var d = (h - dh) / g * _relax;
                    _leakFixed[i] -= d;
                    dq += d;
                }
                if (cva > 0)
                {
                    LeakHead(_leakVariable[i], cva, 1.5, out var h, out var g);
                    var d = (h - dh) / g * _relax;
                    _leakVariable[i] -= d;
                    dq += d;
                }
                LeakageFlow[i] = _leakFixed[i] + _leakVariable[i];
                qsum += Math.Abs(LeakageFlow[i]);
                dqsum += Math.Abs(dq);
                MaxFlowChange = Math.Max(MaxFlowChange, Math.Abs(dq));
            }
        }
        if (net.PressureDriven)
        {
            var dp = Math.Max(net.RequiredPressure - net.MinimumPressure, 0.1);
            var n = 1.0 / net.PressureExponent;
            for (var i = 0; i < nj; i++)
            {
                if (FullDemand[i] <= 0.0)
                {
                    continue;
                }
                DemandHeadloss(i, dp, n, out var hloss, out var hgrad);
                var dh = Head[i] - net.Elevation[i] - net.MinimumPressure;
                var dq = (hloss - dh) / hgrad * _relax;
                if (Math.Abs(dq) > 0.4 * FullDemand[i])
                {
                    dq = 0.4 * Math.Sign(dq) * FullDemand[i];
                }
                DemandFlow[i] -= dq;
                qsum += Math.Abs(DemandFlow[i]);
                dqsum += Math.Abs(dq);
                MaxFlowChange = Math.Max(MaxFlowChange, Math.Abs(dq));
            }
        }
        return qsum > net.Accuracy ? dqsum / qsum : dqsum;
    }

    private bool HasConverged(double relErr)
    {
        var net = _net;
        if (relErr > net.Accuracy)
        {
            return false;
        }
        if (net.HeadErrorLimit > 0 || net.FlowChangeLimit > 0)
        {
            HeadlossCoefficients();
            MaxHeadError = 0;
            for (var k = 0; k < net.LinkCount; k++)
            {
                if (Status[k] <= LinkStatus.Closed || _p[k] == 0.0)
                {
                    continue;
                }
                var dh = Head[net.From[k]] - Head[net.To[k]];
                MaxHeadError = Math.Max(MaxHeadError, Math.Abs(dh - (_y[k] / _p[k])));
            }
            if (net.HeadErrorLimit > 0 && MaxHeadError > net.HeadErrorLimit)
            {
                return false;
            }
            if (net.FlowChangeLimit > 0 && MaxFlowChange > net.FlowChangeLimit)
            {
                return false;
            }
        }
        if (net.HasLeakage && !LeakageConverged())
        {
            return false;
        }
        return !net.PressureDriven || PdaConverged();
    }

    private bool LeakageConverged()
    {
        for (var i = 0; i < _net.JunctionCount; i++)
        {
            var (cfa, cva) = LeakCoefficients[i];
            if (cfa == 0 && cva == 0)
            {
                continue;
            }
            var h = Head[i] - _net.Elevation[i];
            var qref = 0.0;
            if (cfa > 0)
            {
                qref = Math.Sqrt(Math.Max(h, 0) / cfa);
            }
            if (cva > 0)
            {
                qref += Math.Pow(Math.Max(h, 0) / cva, 1.5);
            }
            if (Math.Abs(qref - LeakageFlow[i]) > 0.0001 + (0.001 * qref))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>FAVAD leakage of one pipe at the current heads (cfs), as EPANET computes it.</summary>
    public double PipeLeakage(int k)
    {
        var net = _net;
        var nj = net.JunctionCount;
        if (net.Type[k] > HydraulicLinkType.Pipe || (net.LeakArea[k] == 0 && net.LeakExpansion[k] == 0))
        {
            return 0;
        }
        int n1 = net.From[k], n2 = net.To[k];
        if (n1 >= nj && n2 >= nj)
        {
            return 0;
        }
        var h1 = Math.Max(Head[n1] - net.Elevation[n1], 0);
        var h2 = Math.Max(Head[n2] - net.Elevation[n2], 0);
        var a = net.LeakArea[k] / (UnitSystem.MetersPerFoot * UnitSystem.MetersPerFoot);
        var m = net.LeakExpansion[k] / UnitSystem.MetersPerFoot;
        var c = 4.8149866 * (net.Length[k] * net.Units.Length / 100.0) / 2.0 * 1e-6;
        var q1 = n1 < nj ? c * (a + (m * h1)) * Math.Sqrt(h1) : 0;
        var q2 = n2 < nj ? c * (a + (m * h2)) * Math.Sqrt(h2) : 0;
        if (q2 == 0)
        {
            q1 *= 2;
        }
        if (q1 == 0)
        {
            q2 *= 2;
        }
        return q1 + q2;
    }

    private bool PdaConverged()
    {
        var net = _net;
        const double qtol = 0.0001;
        var converged = true;
        double total = 0, reduction = 0;
        var dp = net.RequiredPressure - net.MinimumPressure;
        DeficientNodes = 0;
        DemandReductionPercent = 0;
        for (var i = 0; i < net.JunctionCount; i++)
        {
            if (FullDemand[i] <= 0.0)
            {
                continue;
            }
            var p = Head[i] - net.Elevation[i];
            double q;
            if (p <= net.MinimumPressure)
            {
                q = 0.0;
            }
            else if (p >= net.RequiredPressure)
            {
                q = FullDemand[i];
            }
            else
            {
                q = FullDemand[i] * Math.Pow((p - net.MinimumPressure) / dp, net.PressureExponent);
            }
            if (Math.Abs(q - DemandFlow[i]) > qtol)
            {
                converged = false;
            }
            if (DemandFlow[i] + qtol < FullDemand[i])
            {
                DeficientNodes++;
                total += FullDemand[i];
                reduction += FullDemand[i] - DemandFlow[i];
            }
        }
        if (total > 0)
        {
            DemandReductionPercent = reduction / total * 100.0;
        }
        return converged;
    }

    // ---- status checks ------------------------------------------------------------------------------

    private bool ValveStatus()
    {
        var net = _net;
        var change = false;
        foreach (var k in _controlValves)
        {
            var t = net.Type[k];
            if (t == HydraulicLinkType.Fcv || Setting[k] == HydraulicNetwork.Missing)
            {
                continue;
            }
            int n1 = net.From[k], n2 = net.To[k];
            var s = Status[k];
            Status[k] = t == HydraulicLinkType.Prv
                ? PrvStatus(k, s, net.Elevation[n2] + Setting[k], Head[n1], Head[n2])
                : PsvStatus(k, s, net.Elevation[n1] + Setting[k], Head[n1], Head[n2]);
            if (s != Status[k])
            {
                change = true;
            }
        }
        return change;
    }

    private LinkStatus PrvStatus(int k, LinkStatus s, double hset, double h1, double h2)
    {
        var q = Flow[k];
        var hml = _net.MinorLoss[k] * q * q;
        return s switch
        {
            LinkStatus.Active => q < -Qtol ? LinkStatus.Closed : h1 - hml < hset - Htol ? LinkStatus.Open : LinkStatus.Active,
            LinkStatus.Open => q < -Qtol ? LinkStatus.Closed : h2 >= hset + Htol ? LinkStatus.Active : LinkStatus.Open,
            LinkStatus.Closed => h1 >= hset + Htol && h2 < hset - Htol ? LinkStatus.Active
                : h1 < hset - Htol && h1 > h2 + Htol ? LinkStatus.Open : LinkStatus.Closed,
            LinkStatus.XPressure => q < -Qtol ? LinkStatus.Closed : s,
            _ => s,
        };
    }

    private LinkStatus PsvStatus(int k, LinkStatus s, double hset, double h1, double h2)
    {
        var q = Flow[k];
        var hml = _net.MinorLoss[k] * q * q;
        return s switch
        {
            LinkStatus.Active => q < -Qtol ? LinkStatus.Closed : h2 + hml > hset + Htol ? LinkStatus.Open : LinkStatus.Active,
            LinkStatus.Open => q < -Qtol ? LinkStatus.Closed : h1 < hset - Htol ? LinkStatus.Active : LinkStatus.Open,
            LinkStatus.Closed => h2 > hset + Htol && h1 > h2 + Htol ? LinkStatus.Open
                : h1 >= hset + Htol && h1 > h2 + Htol ? LinkStatus.Active : LinkStatus.Closed,
            LinkStatus.XPressure => q < -Qtol ? LinkStatus.Closed : s,
            _ => s,
        };
    }

    private static LinkStatus CheckValveStatus(LinkStatus s, double dh, double q)
    {
        if (Math.Abs(dh) > Htol)
        {
            return dh < -Htol || q < -Qtol ? LinkStatus.Closed : LinkStatus.Open;
        }
        return q < -Qtol ? LinkStatus.Closed : s;
    }

    internal bool LinkStatusCheck()
    {
        var net = _net;
        var nj = net.JunctionCount;
        var change = false;
        for (var k = 0; k < net.LinkCount; k++)
        {
            int n1 = net.From[k], n2 = net.To[k];
            var dh = Head[n1] - Head[n2];
            var status = Status[k];
            if (status is LinkStatus.XHead or LinkStatus.TempClosed)
            {
                Status[k] = LinkStatus.Open;
            }
            var type = net.Type[k];
            if (type == HydraulicLinkType.CheckValvePipe)
            {
                Status[k] = CheckValveStatus(Status[k], dh, Flow[k]);
            }
            if (type == HydraulicLinkType.Pump && Status[k] >= LinkStatus.Open && Setting[k] > 0.0)
            {
                var p = net.PumpOfLink[k];
                var hmax = net.PumpType[p] == PumpCurveType.ConstantPower ? 1e10 : Setting[k] * Setting[k] * net.PumpHmax[p];
                if (-dh > hmax + Htol)
                {
                    Status[k] = LinkStatus.XHead;
                }
            }
            if (type == HydraulicLinkType.Fcv && Setting[k] != HydraulicNetwork.Missing)
            {
                if (Head[n1] - Head[n2] < -Htol || Flow[k] < -Qtol)
                {
                    Status[k] = LinkStatus.XFcv;
                }
                else if (status == LinkStatus.XFcv && Flow[k] >= Setting[k])
                {
                    Status[k] = LinkStatus.Active;
                }
            }
            if (n1 >= nj || n2 >= nj)
            {
                TankStatus(k, n1, n2);
            }
            if (status != Status[k])
            {
                change = true;
            }
        }
        return change;
    }

    // EPANET 2.3's test for links at full or empty tanks: a link whose flow leaves a tank at (or below) its minimum
    // level, or enters a tank at (or above) its maximum level that cannot overflow, is closed temporarily. The test
    // is on the flow's direction and the exact level (no head tolerance): a tank 0.2 mm above its minimum keeps its
    // outlet open, and a pipe with no head loss still closes when the tank is empty.
    private void TankStatus(int k, int n1, int n2)
    {
        var net = _net;
        var nj = net.JunctionCount;
        if (Status[k] <= LinkStatus.Closed)
        {
            return;
        }
        var q = Flow[k];
        var t = n1 - nj;
        if (t >= 0 && net.TankArea[t] != 0.0
            && ((q < 0.0 && Head[n1] >= net.TankHmax[t] && !net.TankCanOverflow[t]) || (q > 0.0 && Head[n1] <= net.TankHmin[t])))
        {
            Status[k] = LinkStatus.TempClosed;
            return;
        }
        t = n2 - nj;
        if (t >= 0 && net.TankArea[t] != 0.0
            && ((q > 0.0 && Head[n2] >= net.TankHmax[t] && !net.TankCanOverflow[t]) || (q < 0.0 && Head[n2] <= net.TankHmin[t])))
        {
            Status[k] = LinkStatus.TempClosed;
        }
    }
}
