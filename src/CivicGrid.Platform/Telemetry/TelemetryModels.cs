namespace CivicGrid.Platform.Telemetry;

/// <summary>What kind of device a reading comes from, which decides its fields and the grain it lands in.</summary>
public enum TelemetryKind
{
    /// <summary>A smart electricity meter or DER: average power (kW) and/or energy (kWh) over an interval.</summary>
    Meter = 1,

    /// <summary>A water-network sensor: pressure head (m) and flow (m³/s).</summary>
    Water = 2,

    /// <summary>Any device reporting a discrete state (<c>on</c>, <c>charging</c>, <c>fault</c> …).</summary>
    Device = 3,
}

/// <summary>
/// One validated reading. The identity is (<see cref="DeviceId"/>, <see cref="Time"/>, <see cref="Sequence"/>): a second
/// reading with the same identity is a duplicate and is dropped. <see cref="Time"/> is UTC with microsecond precision.
/// </summary>
public sealed record TelemetryReading(
    string DeviceId,
    TelemetryKind Kind,
    DateTimeOffset Time,
    long Sequence,
    double? PowerKilowatts = null,
    double? EnergyKilowattHours = null,
    double? IntervalSeconds = null,
    double? PressureHeadMeters = null,
    double? FlowCubicMetersPerSecond = null,
    string? State = null)
{
    /// <summary>The interval a meter reading covers when it does not say (15 minutes, the usual smart-meter resolution).</summary>
    public const double DefaultIntervalSeconds = 900;

    /// <summary>The meter's interval in hours.</summary>
    public double IntervalHours => (IntervalSeconds ?? DefaultIntervalSeconds) / 3600.0;

    /// <summary>The meter's average power: <see cref="PowerKilowatts"/>, or the interval energy divided by the interval.</summary>
    public double AveragePowerKilowatts => PowerKilowatts ?? (EnergyKilowattHours ?? 0) / IntervalHours;
}

/// <summary>Why one reading of a batch was refused: its position, the field and the reason.</summary>
public sealed record TelemetryReadingError(int Index, string Field, string Reason)
{
    /// <summary>The error's key in a problem-details <c>errors</c> map, e.g. <c>[3].powerKw</c>.</summary>
    public string Key => $"[{Index.ToString(System.Globalization.CultureInfo.InvariantCulture)}].{Field}";
}

/// <summary>The outcome of an accepted batch: how many readings were new and how many were duplicates of stored ones.</summary>
public sealed record TelemetryIngestOutcome(int Accepted, int Duplicates);

/// <summary>What happened to a batch offered for ingestion.</summary>
public enum TelemetrySubmitStatus
{
    /// <summary>Committed to the time-series table (and handed to the device grains).</summary>
    Committed,

    /// <summary>The ingestion queue is full: try again after a short wait.</summary>
    Busy,
}

/// <summary>Counters of the ingestion pipeline since start (this process).</summary>
public sealed record TelemetryStatistics(
    long BatchesCommitted,
    long ReadingsAccepted,
    long Duplicates,
    long BatchesRefusedBusy,
    long BatchesFailed,
    long GrainDispatchFailures,
    int QueuedBatches,
    int QueueCapacityBatches);
