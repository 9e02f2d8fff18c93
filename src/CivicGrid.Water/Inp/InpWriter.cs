using System.Globalization;
using System.Text;
using CivicGrid.Water.Model;

namespace CivicGrid.Water.Inp;

/// <summary>Writes a <see cref="WaterNetwork"/> as an EPANET 2.3 <c>.inp</c> file that reads back to the same model.</summary>
public static class InpWriter
{
    public static void WriteFile(WaterNetwork network, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        File.WriteAllText(path, Write(network), new UTF8Encoding(false));
    }

    private static string N(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static string Id(string id) => id.Any(char.IsWhiteSpace) || id.Contains(';', StringComparison.Ordinal) ? $"\"{id}\"" : id;

    private static string Time(long seconds) => string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600}:{seconds % 3600 / 60:00}:{seconds % 60:00}");

    public static string Write(WaterNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var sb = new StringBuilder();
        void Line(string s) => sb.Append(s).Append('\n');
        void Section(string name)
        {
            if (sb.Length > 0)
            {
                Line("");
            }
            Line($"[{name}]");
        }

        Section("TITLE");
        foreach (var t in network.Title)
        {
            Line(t);
        }

        Section("JUNCTIONS");
        var needsDemands = new List<Junction>();
        foreach (var j in network.Junctions)
        {
            var first = j.Demands.FirstOrDefault();
            var single = j.Demands.Count == 1 && first!.Category is null;
            if (single)
            {
                Line($"{Id(j.Id)}\t{N(j.Elevation)}\t{N(first!.BaseDemand)}\t{(first.PatternId is null ? "" : Id(first.PatternId))}");
            }
            else
            {
                Line($"{Id(j.Id)}\t{N(j.Elevation)}\t0");
                needsDemands.Add(j);
            }
        }

        Section("RESERVOIRS");
        foreach (var r in network.Reservoirs)
        {
            Line($"{Id(r.Id)}\t{N(r.Elevation)}\t{(r.HeadPatternId is null ? "" : Id(r.HeadPatternId))}");
        }

        Section("TANKS");
        foreach (var t in network.Tanks)
        {
            var curve = t.VolumeCurveId is null ? "*" : Id(t.VolumeCurveId);
            Line($"{Id(t.Id)}\t{N(t.Elevation)}\t{N(t.InitialLevel)}\t{N(t.MinimumLevel)}\t{N(t.MaximumLevel)}\t{N(t.Diameter)}\t{N(t.MinimumVolume)}\t{curve}\t{(t.CanOverflow ? "YES" : "NO")}");
        }

        Section("PIPES");
        foreach (var p in network.Pipes)
        {
            var status = p.Status switch { InitialLinkStatus.Closed => "Closed", InitialLinkStatus.CheckValve => "CV", _ => "Open" };
            Line($"{Id(p.Id)}\t{Id(p.FromNode)}\t{Id(p.ToNode)}\t{N(p.Length)}\t{N(p.Diameter)}\t{N(p.Roughness)}\t{N(p.MinorLoss)}\t{status}");
        }

        Section("PUMPS");
        foreach (var p in network.Pumps)
        {
            var parts = new List<string>();
            if (p.HeadCurveId is not null)
            {
                parts.Add($"HEAD {Id(p.HeadCurveId)}");
            }
            if (p.Power is double pw)
            {
                parts.Add($"POWER {N(pw)}");
            }
            if (p.Speed != 1.0)
            {
                parts.Add($"SPEED {N(p.Speed)}");
            }
            if (p.PatternId is not null)
            {
                parts.Add($"PATTERN {Id(p.PatternId)}");
            }
            Line($"{Id(p.Id)}\t{Id(p.FromNode)}\t{Id(p.ToNode)}\t{string.Join(' ', parts)}");
        }

        Section("VALVES");
        foreach (var v in network.Valves)
        {
            var setting = v.Type == ValveType.Gpv ? Id(v.CurveId!) : N(v.Setting);
            var pcvCurve = v.Type == ValveType.Pcv && v.CurveId is not null ? "\t" + Id(v.CurveId) : "";
            Line($"{Id(v.Id)}\t{Id(v.FromNode)}\t{Id(v.ToNode)}\t{N(v.Diameter)}\t{v.Type.ToString().ToUpperInvariant()}\t{setting}\t{N(v.MinorLoss)}{pcvCurve}");
        }

        Section("TAGS");
        foreach (var t in network.Tags)
        {
            Line($"{t.ObjectType}\t{Id(t.ObjectId)}\t{Id(t.Value)}");
        }

        Section("DEMANDS");
        foreach (var j in needsDemands)
        {
            foreach (var d in j.Demands)
            {
                var cat = d.Category is null ? "" : $"\t;{d.Category}";
                Line($"{Id(j.Id)}\t{N(d.BaseDemand)}\t{(d.PatternId is null ? "*" : Id(d.PatternId))}{cat}");
            }
        }

        Section("STATUS");
        foreach (var l in network.Links)
        {
            if (l.StatusOverride is InitialLinkStatus s)
            {
                Line($"{Id(l.Id)}\t{s.ToString().ToUpperInvariant()}");
            }
            else if (l.SettingOverride is double v)
            {
                Line($"{Id(l.Id)}\t{N(v)}");
            }
        }

        Section("PATTERNS");
        foreach (var p in network.Patterns)
        {
            if (p.Multipliers.Count == 0)
            {
                Line(Id(p.Id));
            }
            for (var i = 0; i < p.Multipliers.Count; i += 6)
            {
                Line($"{Id(p.Id)}\t{string.Join('\t', p.Multipliers.Skip(i).Take(6).Select(N))}");
            }
        }

        Section("CURVES");
        foreach (var c in network.Curves)
        {
            if (c.Kind != CurveKind.Unspecified)
            {
                Line($";{c.Kind.ToString().ToUpperInvariant()}:");
            }
            foreach (var (x, y) in c.Points)
            {
                Line($"{Id(c.Id)}\t{N(x)}\t{N(y)}");
            }
        }

        Section("CONTROLS");
        foreach (var c in network.Controls)
        {
            var action = c.Setting is double s ? N(s) : (c.Status ?? InitialLinkStatus.Open).ToString().ToUpperInvariant();
            var condition = c.Type switch
            {
                ControlType.LowLevel => $"IF NODE {Id(c.NodeId!)} BELOW {N(c.Value)}",
                ControlType.HighLevel => $"IF NODE {Id(c.NodeId!)} ABOVE {N(c.Value)}",
                ControlType.Timer => $"AT TIME {Time(c.TimeSeconds)}",
                _ => $"AT CLOCKTIME {Time(c.TimeSeconds)}",
            };
            Line($"LINK {Id(c.LinkId)} {action} {condition}");
        }

        Section("RULES");
        foreach (var r in network.Rules)
        {
            Line($"RULE {Id(r.Label)}");
            foreach (var p in r.Premises)
            {
                var obj = p.ObjectType == "SYSTEM" ? "SYSTEM" : $"{p.ObjectType} {Id(p.ObjectId!)}";
                Line($"{p.Conjunction} {obj} {p.Variable} {p.Relation} {p.Value}");
            }
            for (var i = 0; i < r.ThenActions.Count; i++)
            {
                var a = r.ThenActions[i];
                Line($"{(i == 0 ? "THEN" : "AND")} {a.LinkType} {Id(a.LinkId)} {a.Attribute} = {a.Value}");
            }
            for (var i = 0; i < r.ElseActions.Count; i++)
            {
                var a = r.ElseActions[i];
                Line($"{(i == 0 ? "ELSE" : "AND")} {a.LinkType} {Id(a.LinkId)} {a.Attribute} = {a.Value}");
            }
            if (r.Priority != 0)
            {
                Line($"PRIORITY {N(r.Priority)}");
            }
            Line("");
        }

        Section("ENERGY");
        var e = network.Energy;
        Line($"GLOBAL EFFICIENCY\t{N(e.GlobalEfficiency)}");
        Line($"GLOBAL PRICE\t{N(e.GlobalPrice)}");
        if (e.GlobalPatternId is not null)
        {
            Line($"GLOBAL PATTERN\t{Id(e.GlobalPatternId)}");
        }
        Line($"DEMAND CHARGE\t{N(e.DemandCharge)}");
        foreach (var p in network.Pumps)
        {
            if (p.EfficiencyCurveId is not null)
            {
                Line($"PUMP {Id(p.Id)} EFFICIENCY {Id(p.EfficiencyCurveId)}");
            }
            if (p.EnergyPrice is double price)
            {
                Line($"PUMP {Id(p.Id)} PRICE {N(price)}");
            }
            if (p.PricePatternId is not null)
            {
                Line($"PUMP {Id(p.Id)} PATTERN {Id(p.PricePatternId)}");
            }
        }

        Section("EMITTERS");
        foreach (var j in network.Junctions.Where(j => j.EmitterCoefficient > 0))
        {
            Line($"{Id(j.Id)}\t{N(j.EmitterCoefficient)}");
        }

        Section("LEAKAGE");
        foreach (var p in network.Pipes.Where(p => p.LeakArea > 0 || p.LeakExpansion > 0))
        {
            Line($"{Id(p.Id)}\t{N(p.LeakArea)}\t{N(p.LeakExpansion)}");
        }

        Section("QUALITY");
        foreach (var n in network.Nodes.Where(n => n.InitialQuality != 0))
        {
            Line($"{Id(n.Id)}\t{N(n.InitialQuality)}");
        }

        Section("SOURCES");
        foreach (var s in network.Sources)
        {
            Line($"{Id(s.NodeId)}\t{s.Type.ToString().ToUpperInvariant()}\t{N(s.Strength)}\t{(s.PatternId is null ? "" : Id(s.PatternId))}");
        }

        Section("REACTIONS");
        var r2 = network.Reactions;
        Line($"ORDER BULK\t{N(r2.BulkOrder)}");
        Line($"ORDER WALL\t{N(r2.WallOrder)}");
        Line($"ORDER TANK\t{N(r2.TankOrder)}");
        Line($"GLOBAL BULK\t{N(r2.GlobalBulk)}");
        Line($"GLOBAL WALL\t{N(r2.GlobalWall)}");
        Line($"LIMITING POTENTIAL\t{N(r2.LimitingPotential)}");
        Line($"ROUGHNESS CORRELATION\t{N(r2.RoughnessCorrelation)}");
        foreach (var p in network.Pipes)
        {
            if (p.BulkCoefficient is double b)
            {
                Line($"BULK\t{Id(p.Id)}\t{N(b)}");
            }
            if (p.WallCoefficient is double w)
            {
                Line($"WALL\t{Id(p.Id)}\t{N(w)}");
            }
        }
        foreach (var (tank, k) in r2.TankBulk)
        {
            Line($"TANK\t{Id(tank)}\t{N(k)}");
        }

        Section("MIXING");
        foreach (var m in network.Mixing)
        {
            var model = m.Model switch { MixingModel.TwoCompartment => "2COMP", _ => m.Model.ToString().ToUpperInvariant() };
            Line($"{Id(m.TankId)}\t{model}\t{N(m.Fraction)}");
        }

        Section("TIMES");
        var t2 = network.Times;
        Line($"DURATION\t{Time(t2.Duration)}");
        Line($"HYDRAULIC TIMESTEP\t{Time(t2.HydraulicStep)}");
        if (t2.QualityStepGiven)
        {
            Line($"QUALITY TIMESTEP\t{Time(t2.QualityStep)}");
        }
        if (t2.RuleStepGiven)
        {
            Line($"RULE TIMESTEP\t{Time(t2.RuleStep)}");
        }
        Line($"PATTERN TIMESTEP\t{Time(t2.PatternStep)}");
        Line($"PATTERN START\t{Time(t2.PatternStart)}");
        Line($"REPORT TIMESTEP\t{Time(t2.ReportStep)}");
        Line($"REPORT START\t{Time(t2.ReportStart)}");
        Line($"START CLOCKTIME\t{Time(t2.StartClockTime)}");
        Line($"STATISTIC\t{t2.Statistic}");

        Section("REPORT");
        foreach (var (k, v) in network.Report)
        {
            Line($"{k}\t{v}");
        }

        Section("OPTIONS");
        var o = network.Options;
        Line($"UNITS\t{o.Units.ToString().ToUpperInvariant()}");
        if (o.Pressure != PressureUnits.Default)
        {
            Line($"PRESSURE\t{o.Pressure.ToString().ToUpperInvariant()}");
        }
        Line($"HEADLOSS\t{o.Headloss switch { HeadlossFormula.DarcyWeisbach => "D-W", HeadlossFormula.ChezyManning => "C-M", _ => "H-W" }}");
        if (o.HydraulicsFile is not null)
        {
            Line($"HYDRAULICS\t{o.HydraulicsFileMode}\t{Id(o.HydraulicsFile)}");
        }
        Line(o.Quality switch
        {
            QualityType.Age => "QUALITY\tAGE",
            QualityType.Trace => $"QUALITY\tTRACE\t{Id(o.TraceNode!)}",
            QualityType.Chemical => $"QUALITY\t{Id(o.ChemicalName!)}\t{o.ChemicalUnits}",
            _ => "QUALITY\tNONE",
        });
        Line($"SPECIFIC GRAVITY\t{N(o.SpecificGravity)}");
        Line($"VISCOSITY\t{N(o.Viscosity)}");
        Line($"DIFFUSIVITY\t{N(o.Diffusivity)}");
        Line($"TRIALS\t{o.Trials.ToString(CultureInfo.InvariantCulture)}");
        Line($"ACCURACY\t{N(o.Accuracy)}");
        Line($"HEADERROR\t{N(o.HeadError)}");
        Line($"FLOWCHANGE\t{N(o.FlowChange)}");
        Line(o.UnbalancedExtraTrials < 0 ? "UNBALANCED\tSTOP" : $"UNBALANCED\tCONTINUE {o.UnbalancedExtraTrials.ToString(CultureInfo.InvariantCulture)}");
        if (o.DefaultPatternId is not null)
        {
            Line($"PATTERN\t{Id(o.DefaultPatternId)}");
        }
        Line($"DEMAND MULTIPLIER\t{N(o.DemandMultiplier)}");
        Line($"EMITTER EXPONENT\t{N(o.EmitterExponent)}");
        Line($"BACKFLOW ALLOWED\t{(o.EmitterBackflow ? "YES" : "NO")}");
        Line($"TOLERANCE\t{N(o.QualityTolerance)}");
        if (o.MapFile is not null)
        {
            Line($"MAP\t{Id(o.MapFile)}");
        }
        Line($"CHECKFREQ\t{o.CheckFrequency.ToString(CultureInfo.InvariantCulture)}");
        Line($"MAXCHECK\t{o.MaxCheck.ToString(CultureInfo.InvariantCulture)}");
        Line($"DAMPLIMIT\t{N(o.DampLimit)}");
        Line($"DEMAND MODEL\t{(o.DemandModel == DemandModel.PressureDriven ? "PDA" : "DDA")}");
        Line($"MINIMUM PRESSURE\t{N(o.MinimumPressure)}");
        Line($"REQUIRED PRESSURE\t{N(o.RequiredPressure)}");
        Line($"PRESSURE EXPONENT\t{N(o.PressureExponent)}");
        if (o.Segments is int seg)
        {
            Line($"SEGMENTS\t{seg.ToString(CultureInfo.InvariantCulture)}");
        }

        Section("COORDINATES");
        foreach (var (id, (x, y)) in network.Coordinates)
        {
            Line($"{Id(id)}\t{N(x)}\t{N(y)}");
        }

        Section("VERTICES");
        foreach (var (id, list) in network.Vertices)
        {
            foreach (var (x, y) in list)
            {
                Line($"{Id(id)}\t{N(x)}\t{N(y)}");
            }
        }

        Section("LABELS");
        foreach (var l in network.Labels)
        {
            Line($"{N(l.X)}\t{N(l.Y)}\t\"{l.Text}\"{(l.AnchorNode is null ? "" : "\t" + Id(l.AnchorNode))}");
        }

        Section("BACKDROP");
        foreach (var b in network.Backdrop)
        {
            Line(b);
        }

        Section("END");
        return sb.ToString();
    }
}
