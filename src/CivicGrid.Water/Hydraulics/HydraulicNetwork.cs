using System.Globalization;
using CivicGrid.Water.Inp;
using CivicGrid.Water.Model;

namespace CivicGrid.Water.Hydraulics;

/// <summary>Link types in EPANET's order (valve checks rely on PRV and later being valves).</summary>
public enum HydraulicLinkType
{
    CheckValvePipe,
    Pipe,
    Pump,
    Prv,
    Psv,
    Pbv,
    Fcv,
    Tcv,
    Gpv,
    Pcv,
}

/// <summary>Link status during a solution, in EPANET's order: everything up to <see cref="Closed"/> is closed.</summary>
public enum LinkStatus : byte
{
    /// <summary>Pump closed because it cannot deliver the head required.</summary>
    XHead,
    /// <summary>Temporarily closed (check valve back-flow, full or empty tank).</summary>
    TempClosed,
    Closed,
    Open,
    Active,
    XFlow,
    /// <summary>FCV cannot supply its flow setting.</summary>
    XFcv,
    /// <summary>PRV/PSV cannot hold its pressure setting.</summary>
    XPressure,
}

internal enum PumpCurveType
{
    ConstantPower,
    PowerFunction,
    Custom,
    NoCurve,
}

internal sealed class CompiledControl
{
    public int Link;
    public int Node = -1;
    public ControlType Type;
    public double Grade;
    public long Time;
    public LinkStatus Status;
    public double Setting;
}

/// <summary>
/// A network compiled from a <see cref="WaterNetwork"/> into flat arrays in the solver's working units
/// (ft, cfs, s). Nodes are ordered junctions first, then reservoirs and tanks, as EPANET does.
/// </summary>
public sealed class HydraulicNetwork
{
    internal const double Missing = -1.0e10;
    internal const double DefaultViscosity = 1.1e-5; // ft²/s at 20 °C

    internal HydraulicNetwork(WaterNetwork model)
    {
        Model = model;
        var o = model.Options;
        Units = new UnitSystem(o);
        var u = Units;
        var junctions = model.Junctions;
        JunctionCount = junctions.Count;
        var fixedNodes = model.FixedGradeNodes;
        NodeCount = JunctionCount + fixedNodes.Count;
        NodeIds = new string[NodeCount];
        Elevation = new double[NodeCount];
        var nodeIndex = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var patternIndex = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        Patterns = new double[model.Patterns.Count][];
        for (var p = 0; p < model.Patterns.Count; p++)
        {
            patternIndex[model.Patterns[p].Id] = p;
            Patterns[p] = model.Patterns[p].Multipliers.Count > 0 ? [.. model.Patterns[p].Multipliers] : [1.0];
        }
        var curveIndex = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var c = 0; c < model.Curves.Count; c++)
        {
            curveIndex[model.Curves[c].Id] = c;
        }
        int Pat(string? id, string owner)
        {
            if (id is null)
            {
                return -1;
            }
            return patternIndex.TryGetValue(id, out var p) ? p
                : throw new InpFormatException("", 0, 0, 205, $"{owner} refers to undefined pattern '{id}'");
        }
        var defaultPattern = o.DefaultPatternId is not null ? (patternIndex.TryGetValue(o.DefaultPatternId, out var dp) ? dp : -1)
            : patternIndex.TryGetValue("1", out var p1) ? p1 : -1;

        // Junctions and demands.
        DemandStart = new int[JunctionCount + 1];
        var bases = new List<double>();
        var pats = new List<int>();
        EmitterCoefficient = new double[JunctionCount];
        EmitterExponent = 1.0 / o.EmitterExponent;
        for (var i = 0; i < JunctionCount; i++)
        {
            var j = junctions[i];
            NodeIds[i] = j.Id;
            nodeIndex[j.Id] = i;
            Elevation[i] = j.Elevation / u.Length;
            DemandStart[i] = bases.Count;
            foreach (var d in j.Demands)
            {
                bases.Add(d.BaseDemand / u.Flow);
                var pi = Pat(d.PatternId, $"junction {j.Id}");
                pats.Add(pi < 0 ? defaultPattern : pi);
            }
            if (j.EmitterCoefficient > 0)
            {
                EmitterCoefficient[i] = Math.Pow(u.Flow / j.EmitterCoefficient, EmitterExponent) / u.Pressure;
            }
        }
        DemandStart[JunctionCount] = bases.Count;
        DemandBase = [.. bases];
        DemandPattern = [.. pats];

        // Tanks and reservoirs.
        var nt = fixedNodes.Count;
        TankArea = new double[nt];
        TankHmin = new double[nt];
        TankHmax = new double[nt];
        TankH0 = new double[nt];
        TankVmin = new double[nt];
        TankVmax = new double[nt];
        TankV0 = new double[nt];
        TankPattern = new int[nt];
        TankCanOverflow = new bool[nt];
        TankVolumeCurve = new (double Depth, double Volume)[nt][];
        for (var t = 0; t < nt; t++)
        {
            var node = fixedNodes[t];
            var n = JunctionCount + t;
            NodeIds[n] = node.Id;
            nodeIndex[node.Id] = n;
            Elevation[n] = node.Elevation / u.Length;
            TankPattern[t] = -1;
            if (node is Reservoir r)
            {
                TankPattern[t] = Pat(r.HeadPatternId, $"reservoir {r.Id}");
                TankH0[t] = Elevation[n];
                TankHmin[t] = TankHmax[t] = Elevation[n];
                continue;
            }
            var tank = (Tank)node;
            TankCanOverflow[t] = tank.CanOverflow;
            TankH0[t] = Elevation[n] + (tank.InitialLevel / u.Length);
            TankHmin[t] = Elevation[n] + (tank.MinimumLevel / u.Length);
            TankHmax[t] = Elevation[n] + (tank.MaximumLevel / u.Length);
            var diameter = tank.Diameter / u.Length;
            TankArea[t] = Math.PI * diameter * diameter / 4.0;
            if (tank.VolumeCurveId is not null)
            {
                var curve = model.Curves[curveIndex[tank.VolumeCurveId]];
                TankVolumeCurve[t] = [.. curve.Points.Select(pt => (pt.X / u.Length, pt.Y / u.Volume))];
                TankVmin[t] = TankVolumeAt(t, TankHmin[t]);
                // A nominal area for a curve tank (EPANET uses the curve's mean area); only used as a marker here.
                var vc = TankVolumeCurve[t]!;
                var span = vc[^1].Depth - vc[0].Depth;
                TankArea[t] = span > 0 ? (vc[^1].Volume - vc[0].Volume) / span : 1.0;
                if (TankArea[t] <= 0)
                {
                    TankArea[t] = 1.0;
                }
            }
            else
            {
                TankVmin[t] = tank.MinimumVolume > 0 ? tank.MinimumVolume / u.Volume : TankArea[t] * (TankHmin[t] - Elevation[n]);
            }
            TankV0[t] = TankVolumeAt(t, TankH0[t]);
            TankVmax[t] = TankVolumeAt(t, TankHmax[t]);
        }

        // Links.
        var links = model.Links;
        LinkCount = links.Count;
        LinkIds = new string[LinkCount];
        From = new int[LinkCount];
        To = new int[LinkCount];
        Type = new HydraulicLinkType[LinkCount];
        Diameter = new double[LinkCount];
        Length = new double[LinkCount];
        Roughness = new double[LinkCount];
        MinorLoss = new double[LinkCount];
        Resistance = new double[LinkCount];
        InitialStatus = new LinkStatus[LinkCount];
        InitialSetting = new double[LinkCount];
        PumpOfLink = new int[LinkCount];
        LinkCurve = new (double X, double Y)[LinkCount][];
        Array.Fill(PumpOfLink, -1);
        var pumps = new List<int>();
        var linkIndex = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        HeadExponent = o.Headloss == HeadlossFormula.HazenWilliams ? 1.852 : 2.0;
        Formula = o.Headloss;
        for (var k = 0; k < LinkCount; k++)
        {
            var l = links[k];
            LinkIds[k] = l.Id;
            linkIndex[l.Id] = k;
            From[k] = nodeIndex[l.FromNode];
            To[k] = nodeIndex[l.ToNode];
            InitialStatus[k] = LinkStatus.Open;
            switch (l)
            {
                case Pipe p:
                    Type[k] = p.Status == InitialLinkStatus.CheckValve ? HydraulicLinkType.CheckValvePipe : HydraulicLinkType.Pipe;
                    Diameter[k] = p.Diameter / u.Diameter;
                    Length[k] = p.Length / u.Length;
                    Roughness[k] = o.Headloss == HeadlossFormula.DarcyWeisbach ? p.Roughness / (1000.0 * u.Length) : p.Roughness;
                    MinorLoss[k] = 0.02517 * p.MinorLoss / Math.Pow(Diameter[k], 4);
                    InitialStatus[k] = p.Status == InitialLinkStatus.Closed ? LinkStatus.Closed : LinkStatus.Open;
                    InitialSetting[k] = Roughness[k];
                    var d = Diameter[k];
                    var len = Length[k];
                    var e = Roughness[k];
                    Resistance[k] = o.Headloss switch
                    {
                        HeadlossFormula.HazenWilliams => 4.727 * len / Math.Pow(e, HeadExponent) / Math.Pow(d, 4.871),
                        HeadlossFormula.DarcyWeisbach => len / 2.0 / 32.2 / d / Math.Pow(Math.PI * d * d / 4.0, 2),
                        _ => Math.Pow(4.0 * e / (1.49 * Math.PI * d * d), 2) * Math.Pow(d / 4.0, -1.333) * len,
                    };
                    if (p.StatusOverride is InitialLinkStatus.Open or InitialLinkStatus.Closed && Type[k] == HydraulicLinkType.Pipe)
                    {
                        InitialStatus[k] = p.StatusOverride == InitialLinkStatus.Closed ? LinkStatus.Closed : LinkStatus.Open;
                    }
                    break;
                case Pump pu:
                    Type[k] = HydraulicLinkType.Pump;
                    PumpOfLink[k] = pumps.Count;
                    pumps.Add(k);
                    InitialSetting[k] = pu.Speed;
                    Resistance[k] = 1e8;
                    if (pu.StatusOverride == InitialLinkStatus.Closed)
                    {
                        // EPANET 2.3 sets a pump closed in [STATUS] to speed 0, so a later CLOSED control on it
                        // changes nothing and does not cut the time step.
                        InitialStatus[k] = LinkStatus.Closed;
                        InitialSetting[k] = 0.0;
                    }
                    else if (pu.StatusOverride == InitialLinkStatus.Open)
                    {
                        InitialSetting[k] = 1.0;
                    }
                    if (pu.SettingOverride is double sp)
                    {
                        InitialSetting[k] = sp;
                        InitialStatus[k] = sp == 0 ? LinkStatus.Closed : LinkStatus.Open;
                    }
                    break;
                case Valve v:
                    Type[k] = v.Type switch
                    {
                        ValveType.Prv => HydraulicLinkType.Prv,
                        ValveType.Psv => HydraulicLinkType.Psv,
                        ValveType.Pbv => HydraulicLinkType.Pbv,
                        ValveType.Fcv => HydraulicLinkType.Fcv,
                        ValveType.Tcv => HydraulicLinkType.Tcv,
                        ValveType.Gpv => HydraulicLinkType.Gpv,
                        _ => HydraulicLinkType.Pcv,
                    };
                    Diameter[k] = v.Diameter / u.Diameter;
                    MinorLoss[k] = 0.02517 * v.MinorLoss / Math.Pow(Diameter[k], 4);
                    InitialStatus[k] = LinkStatus.Active;
                    InitialSetting[k] = ConvertValveSetting(Type[k], v.Setting);
                    if (v.CurveId is not null)
                    {
                        var c = model.Curves[curveIndex[v.CurveId]];
                        LinkCurve[k] = Type[k] == HydraulicLinkType.Gpv
                            ? [.. c.Points.Select(pt => (pt.X / u.Flow, pt.Y / u.Length))]
                            : [.. c.Points];
                    }
                    if (Type[k] == HydraulicLinkType.Gpv)
                    {
                        InitialSetting[k] = 0; // GPVs carry their curve, not a numeric setting
                    }
                    if (v.StatusOverride is InitialLinkStatus.Open or InitialLinkStatus.Closed)
                    {
                        InitialStatus[k] = v.StatusOverride == InitialLinkStatus.Closed ? LinkStatus.Closed : LinkStatus.Open;
                        if (Type[k] != HydraulicLinkType.Gpv)
                        {
                            InitialSetting[k] = Missing;
                        }
                    }
                    else if (v.SettingOverride is double vs)
                    {
                        InitialSetting[k] = ConvertValveSetting(Type[k], vs);
                        InitialStatus[k] = LinkStatus.Active;
                    }
                    Resistance[k] = Type[k] == HydraulicLinkType.Pcv ? PcvLossCoefficient(k, InitialSetting[k]) : 1e-6;
                    break;
            }
        }

        // Pumps.
        PumpLinks = [.. pumps];
        var np = PumpLinks.Length;
        PumpType = new PumpCurveType[np];
        PumpH0 = new double[np];
        PumpR = new double[np];
        PumpN = new double[np];
        PumpHmax = new double[np];
        PumpQ0 = new double[np];
        PumpCurve = new (double X, double Y)[np][];
        PumpSpeedPattern = new int[np];
        for (var p = 0; p < np; p++)
        {
            var k = PumpLinks[p];
            var pu = (Pump)links[k];
            PumpSpeedPattern[p] = Pat(pu.PatternId, $"pump {pu.Id}");
            if (pu.HeadCurveId is null)
            {
                PumpType[p] = PumpCurveType.ConstantPower;
                var hp = (pu.Power ?? 0) / u.Power;
                PumpR[p] = -8.814 * hp;
                PumpN[p] = -1;
                PumpHmax[p] = 1e10;
                PumpQ0[p] = 1.0;
                continue;
            }
            var curve = model.Curves[curveIndex[pu.HeadCurveId]];
            var pts = curve.Points.Select(pt => (X: pt.X / u.Flow, Y: pt.Y / u.Length)).ToArray();
            double h0, h1, h2, q1, q2;
            if (pts.Length == 1)
            {
                h0 = 1.33334 * pts[0].Y;
                h1 = pts[0].Y;
                q1 = pts[0].X;
                h2 = 0.0;
                q2 = 2.0 * q1;
                FitPower(p, h0, h1, h2, q1, q2, pu.Id);
            }
            else if (pts.Length == 3 && pts[0].X == 0.0)
            {
                FitPower(p, pts[0].Y, pts[1].Y, pts[2].Y, pts[1].X, pts[2].X, pu.Id);
            }
            else
            {
                PumpType[p] = PumpCurveType.Custom;
                PumpCurve[p] = pts;
                for (var i = 1; i < pts.Length; i++)
                {
                    if (pts[i].Y >= pts[i - 1].Y)
                    {
                        throw new InpFormatException("", 0, 0, 227, $"pump {pu.Id} has a head curve whose head does not decrease with flow");
                    }
                }
                PumpHmax[p] = pts[0].Y;
                PumpQ0[p] = (pts[0].X + pts[^1].X) / 2.0;
            }
        }

        // Options.
        Trials = o.Trials;
        Accuracy = o.Accuracy;
        HeadErrorLimit = o.HeadError / u.Length;
        FlowChangeLimit = o.FlowChange / u.Flow;
        ExtraTrials = o.UnbalancedExtraTrials;
        CheckFrequency = Math.Max(1, o.CheckFrequency);
        MaxCheck = o.MaxCheck;
        DampLimit = o.DampLimit;
        DemandMultiplier = o.DemandMultiplier;
        Viscosity = o.Viscosity > 1e-3 || o.Viscosity == 1.0 ? o.Viscosity * DefaultViscosity : o.Viscosity / (u.Length * u.Length);
        PressureDriven = o.DemandModel == DemandModel.PressureDriven;
        MinimumPressure = o.MinimumPressure / u.Pressure;
        RequiredPressure = Math.Max(o.RequiredPressure / u.Pressure, MinimumPressure + 0.1);
        PressureExponent = o.PressureExponent;
        EmitterBackflow = o.EmitterBackflow;
        var times = model.Times;
        Duration = times.Duration;
        HydraulicStep = times.HydraulicStep > 0 ? times.HydraulicStep : 3600;
        PatternStep = times.PatternStep > 0 ? times.PatternStep : 3600;
        PatternStart = times.PatternStart;
        ReportStep = times.ReportStep > 0 ? times.ReportStep : 3600;
        ReportStart = times.ReportStart;
        RuleStep = times.RuleStepGiven ? Math.Max(1, times.RuleStep) : Math.Max(1, HydraulicStep / 10);
        StartClock = times.StartClockTime;
        if (HydraulicStep > PatternStep)
        {
            HydraulicStep = PatternStep;
        }
        if (HydraulicStep > ReportStep)
        {
            HydraulicStep = ReportStep;
        }
        RuleStep = Math.Min(RuleStep, HydraulicStep);

        // Leakage (FAVAD) per pipe, split equally between its end nodes.
        LeakArea = new double[LinkCount];
        LeakExpansion = new double[LinkCount];
        for (var k = 0; k < LinkCount; k++)
        {
            if (links[k] is Pipe { LeakArea: > 0 } or Pipe { LeakExpansion: > 0 })
            {
                var p = (Pipe)links[k];
                LeakArea[k] = p.LeakArea;
                LeakExpansion[k] = p.LeakExpansion;
                HasLeakage = true;
            }
        }

        // Controls.
        Controls = [];
        foreach (var c in model.Controls)
        {
            var k = linkIndex[c.LinkId];
            var cc = new CompiledControl { Link = k, Type = c.Type, Time = c.TimeSeconds };
            if (c.NodeId is not null)
            {
                var n = nodeIndex[c.NodeId];
                cc.Node = n;
                cc.Grade = Elevation[n] + (n < JunctionCount ? c.Value / u.Pressure : c.Value / u.Length);
            }
            var type = Type[k];
            if (c.Setting is double s)
            {
                cc.Setting = type switch
                {
                    HydraulicLinkType.Prv or HydraulicLinkType.Psv or HydraulicLinkType.Pbv => s / u.Pressure,
                    HydraulicLinkType.Fcv => s / u.Flow,
                    _ => s,
                };
                cc.Status = LinkStatus.Active;
                if (type == HydraulicLinkType.Pump)
                {
                    cc.Status = s == 0 ? LinkStatus.Closed : LinkStatus.Open;
                }
            }
            else
            {
                cc.Status = c.Status == InitialLinkStatus.Closed ? LinkStatus.Closed : c.Status == InitialLinkStatus.Active ? LinkStatus.Active : LinkStatus.Open;
                cc.Setting = type == HydraulicLinkType.Pump ? (cc.Status == LinkStatus.Closed ? 0.0 : 1.0)
                    : type == HydraulicLinkType.Gpv ? InitialSetting[k] : Missing;
            }
            Controls.Add(cc);
        }
        NodeIndex = nodeIndex;
        LinkIndex = linkIndex;
        Rules = new RuleSet(this, model.Rules);
    }

    private double ConvertValveSetting(HydraulicLinkType type, double setting) => type switch
    {
        HydraulicLinkType.Prv or HydraulicLinkType.Psv or HydraulicLinkType.Pbv => setting / Units.Pressure,
        HydraulicLinkType.Fcv => setting / Units.Flow,
        _ => setting,
    };

    private void FitPower(int p, double h0, double h1, double h2, double q1, double q2, string id)
    {
        if (h0 < 1e-6 || h0 - h1 < 1e-6 || h1 - h2 < 1e-6 || q1 < 1e-6 || q2 - q1 < 1e-6)
        {
            throw new InpFormatException("", 0, 0, 227, $"pump {id} has an invalid head curve");
        }
        var h4 = h0 - h1;
        var h5 = h0 - h2;
        var n = Math.Log(h5 / h4) / Math.Log(q2 / q1);
        if (n <= 0 || n > 20)
        {
            throw new InpFormatException("", 0, 0, 227, $"pump {id} has an invalid head curve exponent");
        }
        PumpType[p] = PumpCurveType.PowerFunction;
        PumpH0[p] = h0;
        PumpR[p] = h4 / Math.Pow(q1, n);
        PumpN[p] = n;
        PumpHmax[p] = h0;
        PumpQ0[p] = q1;
    }

    internal double PcvLossCoefficient(int k, double s)
    {
        if (s == Missing)
        {
            return 0.0;
        }
        var kmo = MinorLoss[k];
        if (s >= 100.0)
        {
            return kmo;
        }
        if (s <= 0.0)
        {
            return 1e8;
        }
        double kvr;
        var c = LinkCurve[k];
        if (c is null || c.Length == 0)
        {
            kvr = s;
        }
        else if (s < c[0].X)
        {
            kvr = s / c[0].X * c[0].Y;
        }
        else if (s > c[^1].X)
        {
            var k2 = c.Length - 1;
            kvr = ((s - c[k2].X) / (1.0 - c[k2].X) * (1.0 - c[k2].Y)) + c[k2].Y;
        }
        else
        {
            kvr = Interpolate(c, s);
        }
        kvr = Math.Clamp(kvr / 100.0, 1e-6, 1.0);
        return Math.Min(kmo / (kvr * kvr), 1e8);
    }

    internal static double Interpolate((double X, double Y)[] c, double x)
    {
        var n = c.Length;
        if (n == 0)
        {
            return 0;
        }
        if (x <= c[0].X)
        {
            return c[0].Y;
        }
        for (var i = 1; i < n; i++)
        {
            if (x <= c[i].X)
            {
                var dx = c[i].X - c[i - 1].X;
                return dx < 1e-12 ? c[i].Y : c[i].Y - ((c[i].X - x) * (c[i].Y - c[i - 1].Y) / dx);
            }
        }
        return c[n - 1].Y;
    }

    internal static double InterpolateInverse((double X, double Y)[] c, double y)
        => Interpolate([.. c.Select(p => (p.Y, p.X))], y);

    /// <summary>Tank volume (ft³) at head h (ft).</summary>
    internal double TankVolumeAt(int t, double h)
    {
        var curve = TankVolumeCurve[t];
        if (curve is null)
        {
            return TankVmin[t] + ((h - TankHmin[t]) * TankArea[t]);
        }
        return Interpolate(curve, h - Elevation[JunctionCount + t]);
    }

    /// <summary>Tank head (ft) at volume v (ft³).</summary>
    internal double TankGradeAt(int t, double v)
    {
        var curve = TankVolumeCurve[t];
        if (curve is null)
        {
            return TankHmin[t] + ((v - TankVmin[t]) / TankArea[t]);
        }
        return Elevation[JunctionCount + t] + InterpolateInverse(curve, v);
    }

    internal WaterNetwork Model { get; }
    public UnitSystem Units { get; }
    public int NodeCount { get; }
    public int JunctionCount { get; }
    public int LinkCount { get; }
    public IReadOnlyList<string> NodeIdList => NodeIds;
    public IReadOnlyList<string> LinkIdList => LinkIds;
    internal string[] NodeIds { get; }
    internal string[] LinkIds { get; }
    internal Dictionary<string, int> NodeIndex { get; }
    internal Dictionary<string, int> LinkIndex { get; }
    internal double[] Elevation { get; }
    internal int[] DemandStart { get; }
    internal double[] DemandBase { get; }
    internal int[] DemandPattern { get; }
    internal double[] EmitterCoefficient { get; }
    internal double EmitterExponent { get; }
    internal bool EmitterBackflow { get; }
    internal double[] TankArea { get; }
    internal double[] TankHmin { get; }
    internal double[] TankHmax { get; }
    internal double[] TankH0 { get; }
    internal double[] TankVmin { get; }
    internal double[] TankVmax { get; }
    internal double[] TankV0 { get; }
    internal int[] TankPattern { get; }
    internal bool[] TankCanOverflow { get; }
    internal (double Depth, double Volume)[]?[] TankVolumeCurve { get; }
    internal int[] From { get; }
    internal int[] To { get; }
    internal HydraulicLinkType[] Type { get; }
    internal double[] Diameter { get; }
    internal double[] Length { get; }
    internal double[] Roughness { get; }
    internal double[] MinorLoss { get; }
    internal double[] Resistance { get; }
    internal LinkStatus[] InitialStatus { get; }
    internal double[] InitialSetting { get; }
    internal int[] PumpOfLink { get; }
    internal (double X, double Y)[]?[] LinkCurve { get; }
    internal int[] PumpLinks { get; }
    internal PumpCurveType[] PumpType { get; }
    internal double[] PumpH0 { get; }
    internal double[] PumpR { get; }
    internal double[] PumpN { get; }
    internal double[] PumpHmax { get; }
    internal double[] PumpQ0 { get; }
    internal (double X, double Y)[]?[] PumpCurve { get; }
    internal int[] PumpSpeedPattern { get; }
    internal double[][] Patterns { get; }
    internal HeadlossFormula Formula { get; }
    internal double HeadExponent { get; }
    internal int Trials { get; }
    internal double Accuracy { get; }
    internal double HeadErrorLimit { get; }
    internal double FlowChangeLimit { get; }
    internal int ExtraTrials { get; }
    internal int CheckFrequency { get; }
    internal int MaxCheck { get; }
    internal double DampLimit { get; }
    internal double DemandMultiplier { get; set; }
    internal double Viscosity { get; }
    internal bool PressureDriven { get; }
    internal double MinimumPressure { get; }
    internal double RequiredPressure { get; }
    internal double PressureExponent { get; }
    internal double[] LeakArea { get; }
    internal double[] LeakExpansion { get; }
    internal bool HasLeakage { get; }
    internal long Duration { get; }
    internal long HydraulicStep { get; }
    internal long PatternStep { get; }
    internal long PatternStart { get; }
    internal long ReportStep { get; }
    internal long ReportStart { get; }
    internal long RuleStep { get; }
    internal long StartClock { get; }
    internal List<CompiledControl> Controls { get; }
    internal RuleSet Rules { get; }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{NodeCount} nodes, {LinkCount} links");
}
