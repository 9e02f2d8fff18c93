using System.Globalization;
using CivicGrid.Water.Inp;
using CivicGrid.Water.Model;

namespace CivicGrid.Water.Hydraulics;

/// <summary>Rule-based controls compiled against a network; evaluated at each rule time step as EPANET does.</summary>
internal sealed class RuleSet
{
    private readonly HydraulicNetwork _net;
    private readonly List<CompiledRule> _rules = [];

    private sealed class CompiledPremise
    {
        public string Conjunction = "IF";
        public int Node = -1;
        public int Link = -1;
        public string Variable = "";
        public string Relation = "";
        public double Value;
        public string Text = "";
    }

    private sealed class CompiledAction
    {
        public int Link;
        public LinkStatus? Status;
        public double Setting = HydraulicNetwork.Missing;
    }

    private sealed class CompiledRule
    {
        public string Label = "";
        public double Priority;
        public List<CompiledPremise> Premises = [];
        public List<CompiledAction> Then = [];
        public List<CompiledAction> Else = [];
    }

    public RuleSet(HydraulicNetwork net, List<Rule> rules)
    {
        _net = net;
        var u = net.Units;
        foreach (var r in rules)
        {
            var cr = new CompiledRule { Label = r.Label, Priority = r.Priority };
            foreach (var p in r.Premises)
            {
                var cp = new CompiledPremise { Conjunction = p.Conjunction, Variable = p.Variable, Relation = p.Relation, Text = p.Value.ToUpperInvariant() };
                if (p.ObjectType is "NODE" or "JUNCTION" or "TANK" or "RESERVOIR")
                {
                    cp.Node = net.NodeIndex[p.ObjectId!];
                }
                else if (p.ObjectType != "SYSTEM")
                {
                    cp.Link = net.LinkIndex[p.ObjectId!];
                }
                if (p.Variable is "TIME" or "CLOCKTIME")
                {
                    var tokens = p.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    var ok = false;
                    cp.Value = p.Variable == "TIME" ? TimeParser.ParseDuration(tokens, out ok) : TimeParser.ParseClock(tokens, out ok);
                    if (!ok)
                    {
                        throw new InpFormatException("", 0, 0, 202, $"rule {r.Label}: illegal time '{p.Value}'");
                    }
                }
                else if (p.Variable is "FILLTIME" or "DRAINTIME")
                {
                    cp.Value = double.Parse(p.Value, CultureInfo.InvariantCulture) * 3600.0;
                }
                else if (p.Variable != "STATUS")
                {
                    var v = double.Parse(p.Value, CultureInfo.InvariantCulture);
                    cp.Value = p.Variable switch
                    {
                        "HEAD" or "GRADE" or "LEVEL" => v / u.Length,
                        "PRESSURE" => v / u.Pressure,
                        "DEMAND" or "FLOW" => v / u.Flow,
                        "SETTING" when cp.Link >= 0 => net.Type[cp.Link] switch
                        {
                            HydraulicLinkType.Prv or HydraulicLinkType.Psv or HydraulicLinkType.Pbv => v / u.Pressure,
                            HydraulicLinkType.Fcv => v / u.Flow,
                            _ => v,
                        },
                        _ => v,
                    };
                    if (p.Variable == "LEVEL" && cp.Node >= 0)
                    {
                        cp.Value += net.Elevation[cp.Node];
                    }
                }
                cr.Premises.Add(cp);
            }
            cr.Then = [.. r.ThenActions.Select(Compile)];
            cr.Else = [.. r.ElseActions.Select(Compile)];
            _rules.Add(cr);
        }
    }

    public int Count => _rules.Count;

    private CompiledAction Compile(RuleAction a)
    {
        var k = _net.LinkIndex[a.LinkId];
        var ca = new CompiledAction { Link = k };
        if (a.Attribute == "STATUS")
        {
            ca.Status = a.Value switch { "OPEN" => LinkStatus.Open, "CLOSED" => LinkStatus.Closed, _ => LinkStatus.Active };
        }
        else
        {
            var v = double.Parse(a.Value, CultureInfo.InvariantCulture);
            var u = _net.Units;
            ca.Setting = _net.Type[k] switch
            {
                HydraulicLinkType.Prv or HydraulicLinkType.Psv or HydraulicLinkType.Pbv => v / u.Pressure,
                HydraulicLinkType.Fcv => v / u.Flow,
                _ => v,
            };
        }
        return ca;
    }

    /// <summary>Evaluates all rules at time <paramref name="time"/> (the interval (time−dt, time]) and applies
    /// the winning actions; returns the number of links whose status or setting changed.</summary>
    public int Check(long time, long dt, GradientSolver s, double[] tankVolume)
    {
        var chosen = new Dictionary<int, (CompiledAction Action, double Priority)>();
        foreach (var r in _rules)
        {
            var actions = Evaluate(r, time, dt, s, tankVolume) ? r.Then : r.Else;
            foreach (var a in actions)
            {
                if (!chosen.TryGetValue(a.Link, out var existing) || r.Priority > existing.Priority)
                {
                    chosen[a.Link] = (a, r.Priority);
                }
            }
        }
        var changes = 0;
        foreach (var (action, _) in chosen.Values)
        {
            var k = action.Link;
            var type = _net.Type[k];
            if (action.Status is LinkStatus st)
            {
                var current = s.Status[k];
                var isOpen = current > LinkStatus.Closed;
                if (st == LinkStatus.Open && !isOpen || st == LinkStatus.Closed && isOpen || st == LinkStatus.Active && current != LinkStatus.Active)
                {
                    s.Status[k] = st;
                    if (type == HydraulicLinkType.Pump)
                    {
                        s.Setting[k] = st == LinkStatus.Closed ? 0.0 : 1.0;
                    }
                    else if (type >= HydraulicLinkType.Prv && type != HydraulicLinkType.Gpv && st != LinkStatus.Active)
                    {
                        s.Setting[k] = HydraulicNetwork.Missing;
                    }
                    changes++;
                }
            }
            else if (action.Setting != s.Setting[k] && type != HydraulicLinkType.Pipe && type != HydraulicLinkType.CheckValvePipe)
            {
                s.Setting[k] = action.Setting;
                if (type == HydraulicLinkType.Pump)
                {
                    s.Status[k] = action.Setting > 0 ? LinkStatus.Open : LinkStatus.Closed;
                }
                else if (type is HydraulicLinkType.Prv or HydraulicLinkType.Psv or HydraulicLinkType.Fcv or HydraulicLinkType.Pbv or HydraulicLinkType.Tcv or HydraulicLinkType.Pcv)
                {
                    s.Status[k] = LinkStatus.Active;
                }
                changes++;
            }
        }
        return changes;
    }

    private bool Evaluate(CompiledRule r, long time, long dt, GradientSolver s, double[] tankVolume)
    {
        var result = false;
        for (var i = 0; i < r.Premises.Count; i++)
        {
            var p = r.Premises[i];
            var v = EvaluatePremise(p, time, dt, s, tankVolume);
            if (i == 0)
            {
                result = v;
            }
            else if (p.Conjunction == "OR")
            {
                result = result || v;
            }
            else
            {
                result = result && v;
            }
        }
        return result;
    }

    private bool EvaluatePremise(CompiledPremise p, long time, long dt, GradientSolver s, double[] tankVolume)
    {
        var net = _net;
        if (p.Variable is "TIME" or "CLOCKTIME")
        {
            var t = p.Variable == "TIME" ? time : (time + net.StartClock) % 86400;
            var t1 = p.Variable == "TIME" ? time - dt : ((time - dt + net.StartClock) % 86400 + 86400) % 86400;
            if (p.Relation is "=" or "IS")
            {
                return p.Variable == "TIME" ? p.Value > t1 && p.Value <= t
                    : t1 <= t ? p.Value > t1 && p.Value <= t : p.Value > t1 || p.Value <= t;
            }
            return Compare(t, p.Relation, p.Value);
        }
        if (p.Variable == "STATUS")
        {
            var st = s.Status[p.Link];
            var isOpen = st > LinkStatus.Closed;
            var matches = p.Text switch
            {
                "OPEN" => isOpen && st != LinkStatus.Active,
                "CLOSED" => !isOpen,
                "ACTIVE" => st == LinkStatus.Active,
                _ => false,
            };
            if (p.Text == "OPEN" && net.Type[p.Link] is HydraulicLinkType.Pump or HydraulicLinkType.Pipe or HydraulicLinkType.CheckValvePipe)
            {
                matches = isOpen;
            }
            return p.Relation is "NOT" or "<>" ? !matches : matches;
        }
        double x;
        if (p.Node >= 0)
        {
            var n = p.Node;
            var tank = n - net.JunctionCount;
            x = p.Variable switch
            {
                "DEMAND" => s.NodeDemand[n],
                "HEAD" or "GRADE" or "LEVEL" => s.Head[n],
                "PRESSURE" => s.Head[n] - net.Elevation[n],
                "FILLTIME" when tank >= 0 && s.NodeDemand[n] > 0 => (net.TankVmax[tank] - tankVolume[tank]) / s.NodeDemand[n],
                "DRAINTIME" when tank >= 0 && s.NodeDemand[n] < 0 => (net.TankVmin[tank] - tankVolume[tank]) / s.NodeDemand[n],
                _ => double.NaN,
            };
        }
        else if (p.Link >= 0)
        {
            x = p.Variable switch
            {
                "FLOW" => Math.Abs(s.Flow[p.Link]),
                "SETTING" => s.Setting[p.Link],
                _ => double.NaN,
            };
        }
        else
        {
            x = p.Variable == "DEMAND" ? SystemDemand(s) : double.NaN;
        }
        if (double.IsNaN(x))
        {
            return false;
        }
        return Compare(x, p.Relation, p.Value);
    }

    private double SystemDemand(GradientSolver s)
    {
        var sum = 0.0;
        for (var i = 0; i < _net.JunctionCount; i++)
        {
            sum += s.NodeDemand[i];
        }
        return sum;
    }

    private static bool Compare(double x, string relation, double value)
    {
        const double tol = 0.001;
        return relation switch
        {
            "=" or "IS" => Math.Abs(x - value) <= tol,
            "<>" or "NOT" => Math.Abs(x - value) > tol,
            "<" or "BELOW" => x < value - tol,
            ">" or "ABOVE" => x > value + tol,
            "<=" => x <= value + tol,
            ">=" => x >= value - tol,
            _ => false,
        };
    }
}
