namespace CivicGrid.Water.Model;

/// <summary>
/// A water distribution network as an EPANET <c>.inp</c> file describes it. Values are kept in the file's own
/// units (see <see cref="Options"/>.<see cref="NetworkOptions.Units"/>); the hydraulic engine converts them to SI
/// when it compiles the network. Collections keep the file's order so that a written file reads back the same.
/// </summary>
public sealed class WaterNetwork
{
    public List<string> Title { get; } = [];
    public List<Junction> Junctions { get; } = [];
    public List<Reservoir> Reservoirs { get; } = [];
    public List<Tank> Tanks { get; } = [];
    public List<Pipe> Pipes { get; } = [];
    public List<Pump> Pumps { get; } = [];
    public List<Valve> Valves { get; } = [];
    public List<Pattern> Patterns { get; } = [];
    public List<Curve> Curves { get; } = [];
    public List<SimpleControl> Controls { get; } = [];
    public List<Rule> Rules { get; } = [];
    public EnergyOptions Energy { get; } = new();
    public ReactionOptions Reactions { get; } = new();
    public List<QualitySource> Sources { get; } = [];
    public List<TankMixing> Mixing { get; } = [];
    public List<Tag> Tags { get; } = [];
    public List<KeyValuePair<string, string>> Report { get; } = [];
    public TimeOptions Times { get; } = new();
    public NetworkOptions Options { get; } = new();
    public Dictionary<string, (double X, double Y)> Coordinates { get; } = new(StringComparer.OrdinalIgnoreCase);
    public Dictionary<string, List<(double X, double Y)>> Vertices { get; } = new(StringComparer.OrdinalIgnoreCase);
    public List<MapLabel> Labels { get; } = [];
    public List<string> Backdrop { get; } = [];

    /// <summary>All nodes in EPANET's index order: junctions, then reservoirs and tanks in file order.</summary>
    public IEnumerable<Node> Nodes => Junctions.Cast<Node>().Concat(FixedGradeNodes);

    /// <summary>Reservoirs and tanks in the order the file declared them.</summary>
    public List<Node> FixedGradeNodes { get; } = [];

    /// <summary>All links in the order the file declared them.</summary>
    public List<Link> Links { get; } = [];

    public Node? FindNode(string id) => Nodes.FirstOrDefault(n => string.Equals(n.Id, id, StringComparison.OrdinalIgnoreCase));

    public Link? FindLink(string id) => Links.FirstOrDefault(l => string.Equals(l.Id, id, StringComparison.OrdinalIgnoreCase));
}

public abstract class Node
{
    public required string Id { get; init; }
    public double Elevation { get; set; }
    public double InitialQuality { get; set; }
    public string? Tag { get; set; }
}

public sealed class Demand
{
    public double BaseDemand { get; set; }
    public string? PatternId { get; set; }
    public string? Category { get; set; }
}

public sealed class Junction : Node
{
    public List<Demand> Demands { get; } = [];
    /// <summary>Emitter discharge coefficient (flow units per pressure unit^exponent); 0 when none.</summary>
    public double EmitterCoefficient { get; set; }
}

public sealed class Reservoir : Node
{
    public string? HeadPatternId { get; set; }
}

public sealed class Tank : Node
{
    public double InitialLevel { get; set; }
    public double MinimumLevel { get; set; }
    public double MaximumLevel { get; set; }
    public double Diameter { get; set; }
    public double MinimumVolume { get; set; }
    public string? VolumeCurveId { get; set; }
    public bool CanOverflow { get; set; }
}

public enum LinkKind
{
    Pipe,
    Pump,
    Valve,
}

/// <summary>Status keyword of a pipe in [PIPES] or of any link in [STATUS].</summary>
public enum InitialLinkStatus
{
    Open,
    Closed,
    CheckValve,
    Active,
}

public abstract class Link
{
    public required string Id { get; init; }
    public required string FromNode { get; set; }
    public required string ToNode { get; set; }
    public abstract LinkKind Kind { get; }
    public string? Tag { get; set; }
    /// <summary>An entry of the [STATUS] section: a fixed status, or a numeric setting (pump speed, valve setting).</summary>
    public InitialLinkStatus? StatusOverride { get; set; }
    public double? SettingOverride { get; set; }
}

public sealed class Pipe : Link
{
    public override LinkKind Kind => LinkKind.Pipe;
    public double Length { get; set; }
    public double Diameter { get; set; }
    public double Roughness { get; set; }
    public double MinorLoss { get; set; }
    public InitialLinkStatus Status { get; set; } = InitialLinkStatus.Open;
    public double? BulkCoefficient { get; set; }
    public double? WallCoefficient { get; set; }
    public double LeakArea { get; set; }
    public double LeakExpansion { get; set; }
}

public sealed class Pump : Link
{
    public override LinkKind Kind => LinkKind.Pump;
    public string? HeadCurveId { get; set; }
    public double? Power { get; set; }
    public double Speed { get; set; } = 1.0;
    public string? PatternId { get; set; }
    public string? EfficiencyCurveId { get; set; }
    public double? EnergyPrice { get; set; }
    public string? PricePatternId { get; set; }
}

public enum ValveType
{
    Prv,
    Psv,
    Pbv,
    Fcv,
    Tcv,
    Gpv,
    Pcv,
}

public sealed class Valve : Link
{
    public override LinkKind Kind => LinkKind.Valve;
    public ValveType Type { get; set; }
    public double Diameter { get; set; }
    /// <summary>Pressure (PRV/PSV/PBV), flow (FCV), loss coefficient (TCV), percent open (PCV); unused for GPV.</summary>
    public double Setting { get; set; }
    /// <summary>Head-loss curve of a GPV, or the flow-coefficient curve of a PCV.</summary>
    public string? CurveId { get; set; }
    public double MinorLoss { get; set; }
}

public sealed class Pattern
{
    public required string Id { get; init; }
    public List<double> Multipliers { get; } = [];
}

public enum CurveKind
{
    Unspecified,
    Pump,
    Efficiency,
    Volume,
    Headloss,
    Valve,
}

public sealed class Curve
{
    public required string Id { get; init; }
    public CurveKind Kind { get; set; }
    public List<(double X, double Y)> Points { get; } = [];
}

public enum ControlType
{
    LowLevel,
    HighLevel,
    Timer,
    TimeOfDay,
}

/// <summary>A line of [CONTROLS]: LINK id status|setting IF NODE id ABOVE|BELOW value, AT TIME t, AT CLOCKTIME t.</summary>
public sealed class SimpleControl
{
    public required string LinkId { get; init; }
    /// <summary>OPEN or CLOSED, or null when a numeric setting is given.</summary>
    public InitialLinkStatus? Status { get; init; }
    public double? Setting { get; init; }
    public ControlType Type { get; init; }
    public string? NodeId { get; init; }
    /// <summary>Level (tank) or pressure (junction) threshold, in file units.</summary>
    public double Value { get; init; }
    /// <summary>Elapsed time (Timer) or time of day (TimeOfDay), in seconds.</summary>
    public long TimeSeconds { get; init; }
}

public sealed class RulePremise
{
    public required string Conjunction { get; init; } // IF, AND, OR
    public required string ObjectType { get; init; }  // NODE, LINK, JUNCTION, TANK, RESERVOIR, PIPE, PUMP, VALVE, SYSTEM
    public string? ObjectId { get; init; }
    public required string Variable { get; init; }     // HEAD, LEVEL, PRESSURE, DEMAND, FLOW, STATUS, SETTING, TIME, CLOCKTIME, ...
    public required string Relation { get; init; }     // =, <>, <, >, <=, >=, IS, NOT, BELOW, ABOVE
    public required string Value { get; init; }
}

public sealed class RuleAction
{
    public required string LinkId { get; init; }
    public required string LinkType { get; init; }
    public required string Attribute { get; init; } // STATUS or SETTING
    public required string Value { get; init; }
}

public sealed class Rule
{
    public required string Label { get; init; }
    public List<RulePremise> Premises { get; } = [];
    public List<RuleAction> ThenActions { get; } = [];
    public List<RuleAction> ElseActions { get; } = [];
    public double Priority { get; set; }
}

public sealed class EnergyOptions
{
    public double GlobalEfficiency { get; set; } = 75;
    public double GlobalPrice { get; set; }
    public string? GlobalPatternId { get; set; }
    public double DemandCharge { get; set; }
}

public sealed class ReactionOptions
{
    public double BulkOrder { get; set; } = 1;
    public double WallOrder { get; set; } = 1;
    public double TankOrder { get; set; } = 1;
    public double GlobalBulk { get; set; }
    public double GlobalWall { get; set; }
    public double LimitingPotential { get; set; }
    public double RoughnessCorrelation { get; set; }
    public Dictionary<string, double> TankBulk { get; } = new(StringComparer.OrdinalIgnoreCase);
}

public enum SourceType
{
    Concen,
    Mass,
    Setpoint,
    FlowPaced,
}

public sealed class QualitySource
{
    public required string NodeId { get; init; }
    public SourceType Type { get; set; }
    public double Strength { get; set; }
    public string? PatternId { get; set; }
}

public enum MixingModel
{
    Mixed,
    TwoCompartment,
    Fifo,
    Lifo,
}

public sealed class TankMixing
{
    public required string TankId { get; init; }
    public MixingModel Model { get; set; }
    public double Fraction { get; set; } = 1;
}

public sealed class Tag
{
    public required string ObjectType { get; init; }
    public required string ObjectId { get; init; }
    public required string Value { get; init; }
}

public sealed class MapLabel
{
    public double X { get; init; }
    public double Y { get; init; }
    public required string Text { get; init; }
    public string? AnchorNode { get; init; }
}
