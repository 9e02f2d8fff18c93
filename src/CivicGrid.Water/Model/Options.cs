namespace CivicGrid.Water.Model;

public enum FlowUnits
{
    Cfs,
    Gpm,
    Mgd,
    Imgd,
    Afd,
    Lps,
    Lpm,
    Mld,
    Cmh,
    Cmd,
    Cms,
}

public enum HeadlossFormula
{
    HazenWilliams,
    DarcyWeisbach,
    ChezyManning,
}

public enum DemandModel
{
    DemandDriven,
    PressureDriven,
}

public enum QualityType
{
    None,
    Chemical,
    Age,
    Trace,
}

public enum PressureUnits
{
    Default,
    Psi,
    Kpa,
    Meters,
    Bar,
    Feet,
}

/// <summary>[OPTIONS] with EPANET 2.3's defaults.</summary>
public sealed class NetworkOptions
{
    public FlowUnits Units { get; set; } = FlowUnits.Gpm;
    public PressureUnits Pressure { get; set; } = PressureUnits.Default;
    public HeadlossFormula Headloss { get; set; } = HeadlossFormula.HazenWilliams;
    public string? HydraulicsFile { get; set; }
    public string? HydraulicsFileMode { get; set; }
    public QualityType Quality { get; set; } = QualityType.None;
    public string? ChemicalName { get; set; }
    public string? ChemicalUnits { get; set; }
    public string? TraceNode { get; set; }
    public double Viscosity { get; set; } = 1.0;
    public double Diffusivity { get; set; } = 1.0;
    public double SpecificGravity { get; set; } = 1.0;
    public int Trials { get; set; } = 200;
    public double Accuracy { get; set; } = 0.001;
    public double HeadError { get; set; }
    public double FlowChange { get; set; }
    /// <summary>UNBALANCED: −1 = STOP, n ≥ 0 = CONTINUE n (0 means CONTINUE).</summary>
    public int UnbalancedExtraTrials { get; set; } = -1;
    public string? DefaultPatternId { get; set; }
    public double DemandMultiplier { get; set; } = 1.0;
    public double EmitterExponent { get; set; } = 0.5;
    public bool EmitterBackflow { get; set; } = true;
    public double QualityTolerance { get; set; } = 0.01;
    public string? MapFile { get; set; }
    public int CheckFrequency { get; set; } = 2;
    public int MaxCheck { get; set; } = 10;
    public double DampLimit { get; set; }
    public DemandModel DemandModel { get; set; } = DemandModel.DemandDriven;
    public double MinimumPressure { get; set; }
    public double RequiredPressure { get; set; } = 0.1;
    public double PressureExponent { get; set; } = 0.5;
    public int? Segments { get; set; }

    public bool IsSi => Units >= FlowUnits.Lps;
}

/// <summary>[TIMES], all durations in seconds.</summary>
public sealed class TimeOptions
{
    public long Duration { get; set; }
    public long HydraulicStep { get; set; } = 3600;
    public long QualityStep { get; set; } = 300;
    public long PatternStep { get; set; } = 3600;
    public long PatternStart { get; set; }
    public long ReportStep { get; set; } = 3600;
    public long ReportStart { get; set; }
    public long RuleStep { get; set; } = 360;
    public long StartClockTime { get; set; }
    public string Statistic { get; set; } = "NONE";
    public bool QualityStepGiven { get; set; }
    public bool RuleStepGiven { get; set; }
}
