using CivicGrid.Platform.Storage;

namespace CivicGrid.Platform.Runtime.Grains;

/// <summary>The live state of one region: the sum of what its meters report, and any active restriction.</summary>
public interface IRegionGrain : IGrainWithStringKey
{
    Task<RegionSnapshot> GetSnapshotAsync();

    /// <summary>Records the latest net power of one meter or DER (positive = drawing from the grid).</summary>
    Task ReportNetPowerAsync(string assetId, double netPowerKilowatts, DateTimeOffset at);

    /// <summary>Sets (or clears with null) the restriction residents see.</summary>
    Task SetRestrictionAsync(string? restriction);

    /// <summary>
    /// Like <see cref="ReportNetPowerAsync"/> for the telemetry stream: kept in memory and persisted a few seconds later
    /// (the readings themselves are durable in the time series), so thousands of meters can report without a write each.
    /// </summary>
    Task ObserveNetPowerAsync(string assetId, double netPowerKilowatts, DateTimeOffset at);
}

/// <summary>One electricity meter or distributed energy resource (PV, battery, EV charger).</summary>
public interface IMeterGrain : IGrainWithStringKey
{
    Task ConfigureAsync(string regionId, AssetKind kind);

    Task RecordReadingAsync(MeterReading reading);

    /// <summary>
    /// Applies readings from the telemetry stream in time order. Readings at or before the latest one are ignored here
    /// (they are kept in the time series only), so "latest" never regresses and a redelivery changes nothing.
    /// State is persisted a few seconds later; after a crash the grain replays the durable time series on activation.
    /// </summary>
    Task IngestAsync(IReadOnlyList<MeterReading> readings);

    Task<MeterSnapshot> GetSnapshotAsync();
}

/// <summary>One water-network sensor (pressure and flow).</summary>
public interface IWaterSensorGrain : IGrainWithStringKey
{
    Task ConfigureAsync(string regionId);

    Task RecordReadingAsync(WaterSensorReading reading);

    /// <summary>Applies readings from the telemetry stream; like <see cref="IMeterGrain.IngestAsync"/>, older readings leave "latest" alone.</summary>
    Task IngestAsync(IReadOnlyList<WaterSensorReading> readings);

    Task<WaterSensorSnapshot> GetSnapshotAsync();
}

/// <summary>One signalised road intersection: its signal plan and observed queues.</summary>
public interface IIntersectionGrain : IGrainWithStringKey
{
    Task ConfigureAsync(string regionId);

    Task SetSignalPlanAsync(SignalPlan plan);

    Task RecordQueueAsync(string approach, int queuedVehicles, DateTimeOffset at);

    Task<IntersectionSnapshot> GetSnapshotAsync();
}

/// <summary>A meter reading: average power over an interval (positive = import from the grid).</summary>
[GenerateSerializer, Immutable]
public sealed record MeterReading([property: Id(0)] DateTimeOffset At, [property: Id(1)] double PowerKilowatts, [property: Id(2)] double IntervalHours);

[GenerateSerializer, Immutable]
public sealed record MeterSnapshot(
    [property: Id(0)] string AssetId,
    [property: Id(1)] string? RegionId,
    [property: Id(2)] AssetKind Kind,
    [property: Id(3)] DateTimeOffset? LastReadingAt,
    [property: Id(4)] double LastPowerKilowatts,
    [property: Id(5)] double ImportedKilowattHours,
    [property: Id(6)] double ExportedKilowattHours,
    [property: Id(7)] long ReadingCount);

[GenerateSerializer, Immutable]
public sealed record RegionSnapshot(
    [property: Id(0)] string RegionId,
    [property: Id(1)] double NetDemandKilowatts,
    [property: Id(2)] int ReportingAssets,
    [property: Id(3)] DateTimeOffset? LastReportAt,
    [property: Id(4)] string? Restriction);

[GenerateSerializer, Immutable]
public sealed record WaterSensorReading([property: Id(0)] DateTimeOffset At, [property: Id(1)] double PressureHeadMeters, [property: Id(2)] double FlowCubicMetersPerSecond);

[GenerateSerializer, Immutable]
public sealed record WaterSensorSnapshot(
    [property: Id(0)] string SensorId,
    [property: Id(1)] string? RegionId,
    [property: Id(2)] WaterSensorReading? Last,
    [property: Id(3)] double MinimumPressureHeadMeters,
    [property: Id(4)] long ReadingCount);

/// <summary>A fixed-time signal plan: cycle length and green time per approach.</summary>
[GenerateSerializer, Immutable]
public sealed record SignalPlan([property: Id(0)] double CycleSeconds, [property: Id(1)] IReadOnlyDictionary<string, double> GreenSecondsByApproach);

[GenerateSerializer, Immutable]
public sealed record IntersectionSnapshot(
    [property: Id(0)] string IntersectionId,
    [property: Id(1)] string? RegionId,
    [property: Id(2)] SignalPlan? Plan,
    [property: Id(3)] IReadOnlyDictionary<string, int> QueuedVehiclesByApproach,
    [property: Id(4)] DateTimeOffset? LastObservationAt);
