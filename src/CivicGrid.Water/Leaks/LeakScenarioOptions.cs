namespace CivicGrid.Water.Leaks;

/// <summary>
/// Settings of the scenario generator. Defaults follow the spirit of LeakDB (demand uncertainty on the patterns,
/// abrupt and incipient leaks of random size, start and pipe) and BattLeDIM (pressure sensors with noise and a
/// finite resolution, a leak-free historical period before the evaluation period), scaled down to days.
/// </summary>
public sealed record LeakScenarioOptions
{
    /// <summary>Length of the scenario, seconds (default 14 days).</summary>
    public long DurationSeconds { get; init; } = 14 * 86400;

    /// <summary>Sample interval of the sensors and hydraulic step, seconds (default 15 min).</summary>
    public long SampleStepSeconds { get; init; } = 900;

    /// <summary>Leak-free period at the start (training data for the detectors), seconds (default 5 days).</summary>
    public long TrainingSeconds { get; init; } = 5 * 86400;

    /// <summary>Number of leaks (0 for a leak-free scenario).</summary>
    public int LeakCount { get; init; } = 1;

    /// <summary>Orifice diameter range of a leak, mm (uniform).</summary>
    public double MinLeakDiameterMillimetres { get; init; } = 15;

    public double MaxLeakDiameterMillimetres { get; init; } = 35;

    /// <summary>Probability that a leak is incipient (grows linearly to its peak) rather than abrupt.</summary>
    public double IncipientProbability { get; init; } = 0.5;

    /// <summary>Probability that a leak is repaired before the end of the scenario (otherwise it runs to the end).</summary>
    public double RepairProbability { get; init; } = 0.3;

    /// <summary>Standard deviation of the network-wide multiplicative demand noise per sample (default 3 %).</summary>
    public double CommonDemandNoise { get; init; } = 0.03;

    /// <summary>Standard deviation of the per-junction multiplicative demand noise per sample (default 10 %).</summary>
    public double NodalDemandNoise { get; init; } = 0.10;

    /// <summary>Half-width of the fixed per-junction base-demand uncertainty (uniform, default ±5 %).</summary>
    public double BaseDemandUncertainty { get; init; } = 0.05;

    /// <summary>Number of pressure sensors placed at random junctions when <see cref="PressureSensorNodes"/> is empty.</summary>
    public int PressureSensorCount { get; init; } = 6;

    /// <summary>Explicit pressure-sensor junctions (overrides <see cref="PressureSensorCount"/>).</summary>
    public IReadOnlyList<string> PressureSensorNodes { get; init; } = [];

    /// <summary>Gaussian noise of a pressure sensor, m.</summary>
    public double PressureNoiseMeters { get; init; } = 0.02;

    /// <summary>Resolution of a pressure sensor (values are rounded to it), m.</summary>
    public double PressureResolutionMeters { get; init; } = 0.01;

    /// <summary>Put a flow sensor on every link leaving a reservoir or tank.</summary>
    public bool InletFlowSensors { get; init; } = true;

    /// <summary>Relative Gaussian noise of a flow sensor.</summary>
    public double FlowNoiseRelative { get; init; } = 0.01;

    /// <summary>Measure every tank's level (SCADA), which model-based detection uses as a boundary condition.</summary>
    public bool TankLevelSensors { get; init; } = true;

    /// <summary>Gaussian noise of a tank-level sensor, m (rounded to 1 cm).</summary>
    public double LevelNoiseMeters { get; init; } = 0.01;

    /// <summary>Number of AMR (smart) meters at random junctions reporting their consumption (0 for none).</summary>
    public int AmrMeterCount { get; init; }

    /// <summary>Checks ranges; throws <see cref="ArgumentException"/> naming the bad setting.</summary>
    public void Validate()
    {
        if (SampleStepSeconds <= 0 || DurationSeconds < SampleStepSeconds)
        {
            throw new ArgumentException("duration must be at least one sample step and the step positive");
        }
        if (TrainingSeconds < 0 || TrainingSeconds >= DurationSeconds)
        {
            throw new ArgumentException("the training period must be shorter than the scenario");
        }
        if (LeakCount < 0 || PressureSensorCount < 0 || AmrMeterCount < 0)
        {
            throw new ArgumentException("counts cannot be negative");
        }
        if (MinLeakDiameterMillimetres <= 0 || MaxLeakDiameterMillimetres < MinLeakDiameterMillimetres)
        {
            throw new ArgumentException("leak diameter range must be positive and ordered");
        }
        if (PressureNoiseMeters < 0 || PressureResolutionMeters < 0 || CommonDemandNoise < 0 || NodalDemandNoise < 0 || FlowNoiseRelative < 0)
        {
            throw new ArgumentException("noise levels cannot be negative");
        }
    }
}
