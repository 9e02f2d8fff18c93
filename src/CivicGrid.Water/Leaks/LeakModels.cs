namespace CivicGrid.Water.Leaks;

/// <summary>How a leak's outflow evolves: abrupt (a burst, full size at its start) or incipient (grows linearly
/// from zero at its start to full size at its peak time, then stays), the two profiles of LeakDB and BattLeDIM.</summary>
public enum LeakProfile
{
    Abrupt,
    Incipient,
}

/// <summary>What a sensor channel measures: junction pressure head (m), link flow (L/s), metered consumption
/// at a junction (AMR, L/s) or a tank's water level above its bottom (m).</summary>
public enum SensorKind
{
    Pressure,
    Flow,
    Demand,
    Level,
}

/// <summary>
/// One simulated leak (ground truth): an orifice in the middle of a pipe, modelled as an emitter
/// Q = K·p^0.5 with K = Cd·A·√(2g), Cd = 0.75. <see cref="FlowLitersPerSecond"/> is the leak's outflow at each sample
/// time of the scenario (zero before its start and after its end).
/// </summary>
public sealed record LeakEvent(
    string PipeId,
    LeakProfile Profile,
    long StartSeconds,
    long PeakSeconds,
    long EndSeconds,
    double DiameterMillimetres,
    double PeakEmitterCoefficientSi)
{
    public IReadOnlyList<double> FlowLitersPerSecond { get; init; } = [];

    /// <summary>Volume lost over the whole scenario, m³.</summary>
    public double VolumeCubicMeters { get; init; }

    /// <summary>Largest simulated outflow, L/s.</summary>
    public double PeakFlowLitersPerSecond => FlowLitersPerSecond.Count == 0 ? 0.0 : FlowLitersPerSecond.Max();

    /// <summary>Emitter coefficient (SI) at a time: 0 outside [start, end], ramping up to the peak for an incipient leak.</summary>
    public double CoefficientAt(long timeSeconds)
    {
        if (timeSeconds < StartSeconds || timeSeconds > EndSeconds)
        {
            return 0.0;
        }
        if (Profile == LeakProfile.Abrupt || timeSeconds >= PeakSeconds || PeakSeconds <= StartSeconds)
        {
            return PeakEmitterCoefficientSi;
        }
        return PeakEmitterCoefficientSi * (timeSeconds - StartSeconds) / (double)(PeakSeconds - StartSeconds);
    }
}

/// <summary>One measured time series: pressure head at a junction (m), flow in a link (L/s), AMR demand (L/s) or tank level (m).</summary>
public sealed record SensorChannel(SensorKind Kind, string ElementId, double[] Values)
{
    /// <summary>The column name in the sensor CSV: <c>P:node</c>, <c>Q:link</c>, <c>D:node</c> or <c>L:tank</c>.</summary>
    public string Column => (Kind switch { SensorKind.Pressure => "P:", SensorKind.Flow => "Q:", SensorKind.Demand => "D:", _ => "L:" }) + ElementId;
}

/// <summary>Sensor measurements at common sample times (seconds from the start of the scenario).</summary>
public sealed class SensorData
{
    public SensorData(IReadOnlyList<long> timesSeconds, IReadOnlyList<SensorChannel> channels)
    {
        ArgumentNullException.ThrowIfNull(timesSeconds);
        ArgumentNullException.ThrowIfNull(channels);
        foreach (var c in channels)
        {
            if (c.Values.Length != timesSeconds.Count)
            {
                throw new ArgumentException($"channel {c.Column} has {c.Values.Length} values for {timesSeconds.Count} times", nameof(channels));
            }
        }
        TimesSeconds = timesSeconds;
        Channels = channels;
    }

    public IReadOnlyList<long> TimesSeconds { get; }

    public IReadOnlyList<SensorChannel> Channels { get; }

    public IEnumerable<SensorChannel> Pressures => Channels.Where(c => c.Kind == SensorKind.Pressure);

    public IEnumerable<SensorChannel> Levels => Channels.Where(c => c.Kind == SensorKind.Level);

    /// <summary>Sample interval (the most common difference between consecutive times), seconds.</summary>
    public long SampleStepSeconds => TimesSeconds.Count < 2 ? 3600 : TimesSeconds.Zip(TimesSeconds.Skip(1), (a, b) => b - a).GroupBy(d => d).OrderByDescending(g => g.Count()).First().Key;
}

/// <summary>A generated scenario: the measurements and the ground truth.</summary>
public sealed record LeakScenario(SensorData Data, IReadOnlyList<LeakEvent> Leaks, int Seed, long TrainingSeconds);
