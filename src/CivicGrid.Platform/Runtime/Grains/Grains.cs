using CivicGrid.Platform.Storage;
using CivicGrid.Platform.Telemetry;

namespace CivicGrid.Platform.Runtime.Grains;

/// <summary>The name of the grain storage every CivicGrid grain persists through.</summary>
public static class GrainStorageNames
{
    public const string CivicGrid = "civicgrid";
}

// Persisted state classes are plain JSON-friendly classes: the SQLite storage writes them with System.Text.Json,
// the ADO.NET storage with the Orleans storage serializer.

[GenerateSerializer]
public sealed class RegionGrainState
{
    [Id(0)] public Dictionary<string, double> NetPowerKilowattsByAsset { get; set; } = [];
    [Id(1)] public DateTimeOffset? LastReportAt { get; set; }
    [Id(2)] public string? Restriction { get; set; }
}

public sealed class RegionGrain([PersistentState("region", GrainStorageNames.CivicGrid)] IPersistentState<RegionGrainState> state)
    : Grain, IRegionGrain
{
    private WriteBehind? _writeBehind;

    public Task ObserveNetPowerAsync(string assetId, double netPowerKilowatts, DateTimeOffset at)
    {
        ArgumentException.ThrowIfNullOrEmpty(assetId);
        if (!double.IsFinite(netPowerKilowatts))
        {
            throw new ArgumentOutOfRangeException(nameof(netPowerKilowatts), "Power must be a finite number of kilowatts.");
        }
        state.State.NetPowerKilowattsByAsset[assetId] = netPowerKilowatts;
        if (state.State.LastReportAt is null || at > state.State.LastReportAt)
        {
            state.State.LastReportAt = at;
        }
        (_writeBehind ??= new WriteBehind(this, () => state.WriteStateAsync())).MarkDirty();
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) =>
        _writeBehind?.FlushAsync() ?? Task.CompletedTask;

    public Task<RegionSnapshot> GetSnapshotAsync()
    {
        var s = state.State;
        return Task.FromResult(new RegionSnapshot(
            this.GetPrimaryKeyString(), s.NetPowerKilowattsByAsset.Values.Sum(), s.NetPowerKilowattsByAsset.Count, s.LastReportAt, s.Restriction));
    }

    public async Task ReportNetPowerAsync(string assetId, double netPowerKilowatts, DateTimeOffset at)
    {
        ArgumentException.ThrowIfNullOrEmpty(assetId);
        if (!double.IsFinite(netPowerKilowatts))
        {
            throw new ArgumentOutOfRangeException(nameof(netPowerKilowatts), "Power must be a finite number of kilowatts.");
        }
        state.State.NetPowerKilowattsByAsset[assetId] = netPowerKilowatts;
        if (state.State.LastReportAt is null || at > state.State.LastReportAt)
        {
            state.State.LastReportAt = at;
        }
        await state.WriteStateAsync();
    }

    public async Task SetRestrictionAsync(string? restriction)
    {
        state.State.Restriction = string.IsNullOrWhiteSpace(restriction) ? null : restriction;
        await state.WriteStateAsync();
    }
}

[GenerateSerializer]
public sealed class MeterGrainState
{
    [Id(0)] public string? RegionId { get; set; }
    [Id(1)] public AssetKind Kind { get; set; } = AssetKind.ElectricityMeter;
    [Id(2)] public DateTimeOffset? LastReadingAt { get; set; }
    [Id(3)] public double LastPowerKilowatts { get; set; }
    [Id(4)] public double ImportedKilowattHours { get; set; }
    [Id(5)] public double ExportedKilowattHours { get; set; }
    [Id(6)] public long ReadingCount { get; set; }
}

public sealed class MeterGrain([PersistentState("meter", GrainStorageNames.CivicGrid)] IPersistentState<MeterGrainState> state, IServiceProvider services)
    : Grain, IMeterGrain
{
    private WriteBehind? _writeBehind;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Readings acknowledged to a client are durable in the time series even when this grain's last state write
        // was lost with a silo: replay what came after it.
        var replay = await TelemetryReplay.ReadAfterAsync(services, this.GetPrimaryKeyString(), state.State.LastReadingAt, cancellationToken);
        var readings = replay.Where(r => r.Kind == TelemetryKind.Meter).Select(ToMeterReading).ToList();
        if (Apply(readings) is not null)
        {
            await state.WriteStateAsync(cancellationToken);
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) =>
        _writeBehind?.FlushAsync() ?? Task.CompletedTask;

    /// <summary>The grain-side form of a meter reading from the telemetry stream.</summary>
    public static MeterReading ToMeterReading(TelemetryReading reading)
    {
        ArgumentNullException.ThrowIfNull(reading);
        return new MeterReading(reading.Time, reading.AveragePowerKilowatts, reading.IntervalHours);
    }

    public async Task IngestAsync(IReadOnlyList<MeterReading> readings)
    {
        ArgumentNullException.ThrowIfNull(readings);
        foreach (var reading in readings)
        {
            Check(reading);
        }
        if (Apply(readings) is not { } latest)
        {
            return;
        }
        (_writeBehind ??= new WriteBehind(this, () => state.WriteStateAsync())).MarkDirty();
        if (state.State.RegionId is { } region)
        {
            await GrainFactory.GetGrain<IRegionGrain>(region).ObserveNetPowerAsync(this.GetPrimaryKeyString(), latest.PowerKilowatts, latest.At);
        }
    }

    /// <summary>Applies the readings newer than the latest, in time order; returns the newest applied or null.</summary>
    private MeterReading? Apply(IReadOnlyList<MeterReading> readings)
    {
        MeterReading? applied = null;
        foreach (var reading in readings.OrderBy(r => r.At))
        {
            var s = state.State;
            if (s.LastReadingAt is { } last && reading.At <= last)
            {
                continue;
            }
            var energy = reading.PowerKilowatts * reading.IntervalHours;
            if (energy >= 0)
            {
                s.ImportedKilowattHours += energy;
            }
            else
            {
                s.ExportedKilowattHours -= energy;
            }
            s.LastPowerKilowatts = reading.PowerKilowatts;
            s.LastReadingAt = reading.At;
            s.ReadingCount++;
            applied = reading;
        }
        return applied;
    }

    private static void Check(MeterReading reading)
    {
        ArgumentNullException.ThrowIfNull(reading);
        if (!double.IsFinite(reading.PowerKilowatts) || !(reading.IntervalHours > 0) || !double.IsFinite(reading.IntervalHours))
        {
            throw new ArgumentException("A reading needs a finite power and a positive interval.", nameof(reading));
        }
    }

    public async Task ConfigureAsync(string regionId, AssetKind kind)
    {
        ArgumentException.ThrowIfNullOrEmpty(regionId);
        state.State.RegionId = regionId;
        state.State.Kind = kind;
        await state.WriteStateAsync();
    }

    public async Task RecordReadingAsync(MeterReading reading)
    {
        ArgumentNullException.ThrowIfNull(reading);
        if (!double.IsFinite(reading.PowerKilowatts) || !(reading.IntervalHours > 0) || !double.IsFinite(reading.IntervalHours))
        {
            throw new ArgumentException("A reading needs a finite power and a positive interval.", nameof(reading));
        }
        var s = state.State;
        if (s.LastReadingAt is { } last && reading.At <= last)
        {
            return; // Duplicate or out-of-order delivery: the first reading for an interval wins.
        }
        var energy = reading.PowerKilowatts * reading.IntervalHours;
        if (energy >= 0)
        {
            s.ImportedKilowattHours += energy;
        }
        else
        {
            s.ExportedKilowattHours -= energy;
        }
        s.LastPowerKilowatts = reading.PowerKilowatts;
        s.LastReadingAt = reading.At;
        s.ReadingCount++;
        await state.WriteStateAsync();
        if (s.RegionId is not null)
        {
            await GrainFactory.GetGrain<IRegionGrain>(s.RegionId).ReportNetPowerAsync(this.GetPrimaryKeyString(), reading.PowerKilowatts, reading.At);
        }
    }

    public Task<MeterSnapshot> GetSnapshotAsync()
    {
        var s = state.State;
        return Task.FromResult(new MeterSnapshot(
            this.GetPrimaryKeyString(), s.RegionId, s.Kind, s.LastReadingAt, s.LastPowerKilowatts, s.ImportedKilowattHours, s.ExportedKilowattHours, s.ReadingCount));
    }
}

[GenerateSerializer]
public sealed class WaterSensorGrainState
{
    [Id(0)] public string? RegionId { get; set; }
    [Id(1)] public DateTimeOffset? LastAt { get; set; }
    [Id(2)] public double LastPressureHeadMeters { get; set; }
    [Id(3)] public double LastFlowCubicMetersPerSecond { get; set; }
    [Id(4)] public double MinimumPressureHeadMeters { get; set; } = double.MaxValue;
    [Id(5)] public long ReadingCount { get; set; }
}

public sealed class WaterSensorGrain([PersistentState("water-sensor", GrainStorageNames.CivicGrid)] IPersistentState<WaterSensorGrainState> state, IServiceProvider services)
    : Grain, IWaterSensorGrain
{
    private WriteBehind? _writeBehind;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var replay = await TelemetryReplay.ReadAfterAsync(services, this.GetPrimaryKeyString(), state.State.LastAt, cancellationToken);
        if (Apply(replay.Where(r => r.Kind == TelemetryKind.Water).Select(ToWaterSensorReading).ToList()))
        {
            await state.WriteStateAsync(cancellationToken);
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) =>
        _writeBehind?.FlushAsync() ?? Task.CompletedTask;

    /// <summary>The grain-side form of a water reading from the telemetry stream.</summary>
    public static WaterSensorReading ToWaterSensorReading(TelemetryReading reading)
    {
        ArgumentNullException.ThrowIfNull(reading);
        return new WaterSensorReading(reading.Time, reading.PressureHeadMeters ?? double.NaN, reading.FlowCubicMetersPerSecond ?? double.NaN);
    }

    public Task IngestAsync(IReadOnlyList<WaterSensorReading> readings)
    {
        ArgumentNullException.ThrowIfNull(readings);
        if (readings.Any(r => r is null || !double.IsFinite(r.PressureHeadMeters) || !double.IsFinite(r.FlowCubicMetersPerSecond)))
        {
            throw new ArgumentException("A water reading needs finite pressure and flow.", nameof(readings));
        }
        if (Apply(readings))
        {
            (_writeBehind ??= new WriteBehind(this, () => state.WriteStateAsync())).MarkDirty();
        }
        return Task.CompletedTask;
    }

    private bool Apply(IReadOnlyList<WaterSensorReading> readings)
    {
        var applied = false;
        foreach (var reading in readings.OrderBy(r => r.At))
        {
            var s = state.State;
            if (s.ReadingCount > 0 && s.LastAt is { } last && reading.At <= last)
            {
                continue;
            }
            s.LastAt = reading.At;
            s.LastPressureHeadMeters = reading.PressureHeadMeters;
            s.LastFlowCubicMetersPerSecond = reading.FlowCubicMetersPerSecond;
            s.MinimumPressureHeadMeters = Math.Min(s.MinimumPressureHeadMeters, reading.PressureHeadMeters);
            s.ReadingCount++;
            applied = true;
        }
        return applied;
    }

    public async Task ConfigureAsync(string regionId)
    {
        ArgumentException.ThrowIfNullOrEmpty(regionId);
        state.State.RegionId = regionId;
        await state.WriteStateAsync();
    }

    public async Task RecordReadingAsync(WaterSensorReading reading)
    {
        ArgumentNullException.ThrowIfNull(reading);
        if (!double.IsFinite(reading.PressureHeadMeters) || !double.IsFinite(reading.FlowCubicMetersPerSecond))
        {
            throw new ArgumentException("A water reading needs finite pressure and flow.", nameof(reading));
        }
        var s = state.State;
        s.LastAt = reading.At;
        s.LastPressureHeadMeters = reading.PressureHeadMeters;
        s.LastFlowCubicMetersPerSecond = reading.FlowCubicMetersPerSecond;
        s.MinimumPressureHeadMeters = Math.Min(s.MinimumPressureHeadMeters, reading.PressureHeadMeters);
        s.ReadingCount++;
        await state.WriteStateAsync();
    }

    public Task<WaterSensorSnapshot> GetSnapshotAsync()
    {
        var s = state.State;
        var last = s.LastAt is { } at ? new WaterSensorReading(at, s.LastPressureHeadMeters, s.LastFlowCubicMetersPerSecond) : null;
        return Task.FromResult(new WaterSensorSnapshot(
            this.GetPrimaryKeyString(), s.RegionId, last, s.ReadingCount == 0 ? double.NaN : s.MinimumPressureHeadMeters, s.ReadingCount));
    }
}

[GenerateSerializer]
public sealed class IntersectionGrainState
{
    [Id(0)] public string? RegionId { get; set; }
    [Id(1)] public double? CycleSeconds { get; set; }
    [Id(2)] public Dictionary<string, double> GreenSecondsByApproach { get; set; } = [];
    [Id(3)] public Dictionary<string, int> QueuedVehiclesByApproach { get; set; } = [];
    [Id(4)] public DateTimeOffset? LastObservationAt { get; set; }
}

public sealed class IntersectionGrain([PersistentState("intersection", GrainStorageNames.CivicGrid)] IPersistentState<IntersectionGrainState> state)
    : Grain, IIntersectionGrain
{
    public async Task ConfigureAsync(string regionId)
    {
        ArgumentException.ThrowIfNullOrEmpty(regionId);
        state.State.RegionId = regionId;
        await state.WriteStateAsync();
    }

    public async Task SetSignalPlanAsync(SignalPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (!(plan.CycleSeconds > 0) || plan.GreenSecondsByApproach.Count == 0)
        {
            throw new ArgumentException("A signal plan needs a positive cycle and at least one approach.", nameof(plan));
        }
        if (plan.GreenSecondsByApproach.Values.Any(g => !(g > 0)) || plan.GreenSecondsByApproach.Values.Sum() > plan.CycleSeconds)
        {
            throw new ArgumentException("Green times must be positive and fit within the cycle.", nameof(plan));
        }
        state.State.CycleSeconds = plan.CycleSeconds;
        state.State.GreenSecondsByApproach = new Dictionary<string, double>(plan.GreenSecondsByApproach);
        await state.WriteStateAsync();
    }

    public async Task RecordQueueAsync(string approach, int queuedVehicles, DateTimeOffset at)
    {
        ArgumentException.ThrowIfNullOrEmpty(approach);
        ArgumentOutOfRangeException.ThrowIfNegative(queuedVehicles);
        state.State.QueuedVehiclesByApproach[approach] = queuedVehicles;
        state.State.LastObservationAt = at;
        await state.WriteStateAsync();
    }

    public Task<IntersectionSnapshot> GetSnapshotAsync()
    {
        var s = state.State;
        var plan = s.CycleSeconds is { } cycle ? new SignalPlan(cycle, new Dictionary<string, double>(s.GreenSecondsByApproach)) : null;
        return Task.FromResult(new IntersectionSnapshot(
            this.GetPrimaryKeyString(), s.RegionId, plan, new Dictionary<string, int>(s.QueuedVehiclesByApproach), s.LastObservationAt));
    }
}
