using CivicGrid.Platform.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CivicGrid.Platform.Runtime.Grains;

/// <summary>A device reporting a discrete state (an EV charger, a pump, a valve …) from the telemetry stream.</summary>
public interface IDeviceGrain : IGrainWithStringKey
{
    /// <summary>Applies state reports in (time, sequence) order; older reports leave the latest state alone.</summary>
    Task IngestAsync(IReadOnlyList<DeviceStateReading> readings);

    Task<DeviceSnapshot> GetSnapshotAsync();
}

/// <summary>A discrete state reported at a time; <see cref="Sequence"/> orders reports with the same time.</summary>
[GenerateSerializer, Immutable]
public sealed record DeviceStateReading([property: Id(0)] DateTimeOffset At, [property: Id(1)] long Sequence, [property: Id(2)] string State);

/// <summary>
/// A device's latest state. <see cref="Silent"/> is set by the silence watchdog (a persistent Orleans reminder) when
/// the device has not reported for <see cref="TelemetryOptions.SilenceAfter"/>, and cleared by its next report.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record DeviceSnapshot(
    [property: Id(0)] string DeviceId,
    [property: Id(1)] string? State,
    [property: Id(2)] DateTimeOffset? LastReportAt,
    [property: Id(3)] long LastSequence,
    [property: Id(4)] long ReportCount,
    [property: Id(5)] bool Silent);

[GenerateSerializer]
public sealed class DeviceGrainState
{
    [Id(0)] public string? State { get; set; }
    [Id(1)] public DateTimeOffset? LastReportAt { get; set; }
    [Id(2)] public long LastSequence { get; set; }
    [Id(3)] public long ReportCount { get; set; }
    [Id(4)] public bool Silent { get; set; }
}

public sealed class DeviceGrain([PersistentState("device", GrainStorageNames.CivicGrid)] IPersistentState<DeviceGrainState> state, IServiceProvider services)
    : Grain, IDeviceGrain, IRemindable
{
    /// <summary>The name of the silence watchdog reminder.</summary>
    public const string SilenceReminder = "silence-watchdog";

    private WriteBehind? _writeBehind;
    private bool _watchdogEnsured;

    private TelemetryOptions Options => services.GetService<IOptions<TelemetryOptions>>()?.Value ?? new TelemetryOptions();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var replay = await TelemetryReplay.ReadAfterAsync(services, this.GetPrimaryKeyString(), state.State.LastReportAt, cancellationToken);
        if (Apply(replay.Where(r => r.Kind == TelemetryKind.Device).Select(ToDeviceStateReading).ToList()))
        {
            await state.WriteStateAsync(cancellationToken);
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) =>
        _writeBehind?.FlushAsync() ?? Task.CompletedTask;

    /// <summary>The grain-side form of a device reading from the telemetry stream.</summary>
    public static DeviceStateReading ToDeviceStateReading(TelemetryReading reading)
    {
        ArgumentNullException.ThrowIfNull(reading);
        return new DeviceStateReading(reading.Time, reading.Sequence, reading.State ?? "");
    }

    public async Task IngestAsync(IReadOnlyList<DeviceStateReading> readings)
    {
        ArgumentNullException.ThrowIfNull(readings);
        if (readings.Any(r => r is null || string.IsNullOrWhiteSpace(r.State)))
        {
            throw new ArgumentException("A device report needs a state.", nameof(readings));
        }
        if (!Apply(readings))
        {
            return;
        }
        if (!_watchdogEnsured)
        {
            // Kept in the reminder table (PostgreSQL in a cluster), so the watchdog keeps running on another silo when
            // this one leaves; checked once per activation because the embedded default keeps reminders in memory.
            if (await this.GetReminder(SilenceReminder) is null)
            {
                var period = Options.SilenceCheckPeriod;
                await this.RegisterOrUpdateReminder(SilenceReminder, period, period);
            }
            _watchdogEnsured = true;
        }
        (_writeBehind ??= new WriteBehind(this, () => state.WriteStateAsync())).MarkDirty();
    }

    public Task<DeviceSnapshot> GetSnapshotAsync()
    {
        var s = state.State;
        return Task.FromResult(new DeviceSnapshot(this.GetPrimaryKeyString(), s.State, s.LastReportAt, s.LastSequence, s.ReportCount, s.Silent));
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != SilenceReminder || state.State.LastReportAt is not { } last)
        {
            return;
        }
        var now = (services.GetService<TimeProvider>() ?? TimeProvider.System).GetUtcNow();
        var silent = now - last > Options.SilenceAfter;
        if (silent != state.State.Silent)
        {
            state.State.Silent = silent;
            await state.WriteStateAsync();
        }
    }

    private bool Apply(IReadOnlyList<DeviceStateReading> readings)
    {
        var applied = false;
        foreach (var reading in readings.OrderBy(r => r.At).ThenBy(r => r.Sequence))
        {
            var s = state.State;
            if (s.LastReportAt is { } last && (reading.At < last || (reading.At == last && reading.Sequence <= s.LastSequence)))
            {
                continue;
            }
            s.State = reading.State;
            s.LastReportAt = reading.At;
            s.LastSequence = reading.Sequence;
            s.ReportCount++;
            s.Silent = false;
            applied = true;
        }
        return applied;
    }
}

/// <summary>
/// Persists a grain's state a few seconds after it changed instead of on every change: the telemetry stream changes
/// device state thousands of times a second, and the readings are durable in the time series already.
/// </summary>
internal sealed class WriteBehind(Grain grain, Func<Task> write)
{
    /// <summary>How long a change may stay unwritten.</summary>
    public static readonly TimeSpan Delay = TimeSpan.FromSeconds(5);

    private bool _dirty;
    private IGrainTimer? _timer;

    public void MarkDirty()
    {
        _dirty = true;
        _timer ??= grain.RegisterGrainTimer(_ => FlushAsync(), new GrainTimerCreationOptions(Delay, Delay) { KeepAlive = false, Interleave = false });
    }

    public async Task FlushAsync()
    {
        if (!_dirty)
        {
            return;
        }
        _dirty = false;
        await write();
    }
}

/// <summary>Reads the time series a grain replays on activation (nothing when the telemetry module is not registered).</summary>
internal static class TelemetryReplay
{
    /// <summary>The most readings replayed at one activation.</summary>
    public const int MaxReplay = 10_000;

    public static async Task<IReadOnlyList<TelemetryReading>> ReadAfterAsync(IServiceProvider services, string deviceId, DateTimeOffset? after, CancellationToken ct)
    {
        if (services.GetService<TelemetryStore>() is not { } store)
        {
            return [];
        }
        return await store.ReadAsync(deviceId, after, null, MaxReplay, ct).ConfigureAwait(false);
    }
}
