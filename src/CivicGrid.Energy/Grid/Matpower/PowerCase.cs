namespace CivicGrid.Energy.Grid.Matpower;

/// <summary>MATPOWER bus types.</summary>
public enum BusType
{
    /// <summary>Load bus: P and Q given.</summary>
    PQ = 1,

    /// <summary>Generator bus: P and |V| given.</summary>
    PV = 2,

    /// <summary>Slack (reference) bus: |V| and angle given.</summary>
    Reference = 3,

    /// <summary>Out of service.</summary>
    Isolated = 4,
}

/// <summary>A bus row of a MATPOWER case (powers in MW/MVAr, voltage in per unit and degrees).</summary>
public sealed class Bus
{
    public int Number { get; set; }
    public BusType Type { get; set; }
    public double PdMW { get; set; }
    public double QdMVAr { get; set; }
    /// <summary>Shunt conductance, MW consumed at 1 pu.</summary>
    public double GsMW { get; set; }
    /// <summary>Shunt susceptance, MVAr injected at 1 pu.</summary>
    public double BsMVAr { get; set; }
    public int Area { get; set; }
    public double VmPu { get; set; }
    public double VaDeg { get; set; }
    public double BaseKV { get; set; }
    public int Zone { get; set; }
    public double VmaxPu { get; set; }
    public double VminPu { get; set; }
    /// <summary>Columns beyond the 13 standard ones (OPF results), kept for round trips.</summary>
    public double[] Extra { get; set; } = [];
}

/// <summary>A generator row of a MATPOWER case.</summary>
public sealed class Generator
{
    public int Bus { get; set; }
    public double PgMW { get; set; }
    public double QgMVAr { get; set; }
    public double QmaxMVAr { get; set; }
    public double QminMVAr { get; set; }
    public double VgPu { get; set; }
    public double MBaseMVA { get; set; }
    public bool InService { get; set; }
    public double PmaxMW { get; set; }
    public double PminMW { get; set; }
    public double[] Extra { get; set; } = [];
}

/// <summary>A branch row: line or transformer (per-unit impedances on the system base).</summary>
public sealed class Branch
{
    public int FromBus { get; set; }
    public int ToBus { get; set; }
    public double RPu { get; set; }
    public double XPu { get; set; }
    /// <summary>Total line charging susceptance.</summary>
    public double BPu { get; set; }
    public double RateAMVA { get; set; }
    public double RateBMVA { get; set; }
    public double RateCMVA { get; set; }
    /// <summary>Off-nominal tap ratio at the from end; 0 means a line (ratio 1).</summary>
    public double TapRatio { get; set; }
    public double ShiftDeg { get; set; }
    public bool InService { get; set; }
    public double AngleMinDeg { get; set; } = -360;
    public double AngleMaxDeg { get; set; } = 360;
    public double[] Extra { get; set; } = [];

    /// <summary>The effective tap ratio (1 when the case says 0).</summary>
    public double EffectiveTap => TapRatio == 0.0 ? 1.0 : TapRatio;
}

/// <summary>MATPOWER cost models.</summary>
public enum CostModel
{
    PiecewiseLinear = 1,
    Polynomial = 2,
}

/// <summary>
/// A generator cost row. For <see cref="CostModel.Polynomial"/> the coefficients are highest order first
/// (c(n-1) … c0, in $/MW^k·h); for <see cref="CostModel.PiecewiseLinear"/> they are pairs (MW, $/h).
/// </summary>
public sealed class GeneratorCost
{
    public CostModel Model { get; set; }
    public double Startup { get; set; }
    public double Shutdown { get; set; }
    public double[] Coefficients { get; set; } = [];
}

/// <summary>A MATPOWER case (version 2).</summary>
public sealed class PowerCase
{
    public string Name { get; set; } = "case";
    public double BaseMVA { get; set; } = 100;
    public List<Bus> Buses { get; } = [];
    public List<Generator> Generators { get; } = [];
    public List<Branch> Branches { get; } = [];
    /// <summary>One per generator when present (a second block for reactive costs is kept after it).</summary>
    public List<GeneratorCost> GeneratorCosts { get; } = [];
    /// <summary>The optional areas table, as rows.</summary>
    public List<double[]> Areas { get; } = [];

    /// <summary>Map from external bus number to its row index.</summary>
    public Dictionary<int, int> BusIndex()
    {
        var map = new Dictionary<int, int>(Buses.Count);
        for (var i = 0; i < Buses.Count; i++)
        {
            map[Buses[i].Number] = i;
        }
        return map;
    }
}
