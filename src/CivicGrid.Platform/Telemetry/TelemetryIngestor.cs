using System.Threading.Channels;
using CivicGrid.Platform.Runtime.Grains;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CivicGrid.Platform.Telemetry;

/// <summary>The process is stopping: the batch was not stored and should be sent again (to any silo).</summary>
public sealed class TelemetryShutdownException() : Exception("The server is stopping; the batch was not stored.");

/// <summary>
/// The ingestion pipeline of one silo: a bounded queue of validated batches and one writer that merges queued batches
/// into one transaction on the time series, then hands the readings to the device grains. A batch's task completes only
/// after its transaction committed ("acknowledged" means durable); nothing waits in an unbounded queue: when the queue
/// is full <see cref="TrySubmit"/> refuses (HTTP answers 503 with Retry-After) and <see cref="SubmitAsync"/> waits
/// (MQTT publishers are slowed by their delayed acknowledgements).
/// </summary>
public sealed class TelemetryIngestor : BackgroundService
{
    private readonly Channel<PendingBatch> _queue;
    private readonly TelemetryStore _store;
    private readonly IGrainFactory _grains;
    private readonly TelemetryOptions _options;
    private readonly ILogger<TelemetryIngestor> _logger;
    private long _batchesCommitted, _readingsAccepted, _duplicates, _refusedBusy, _failed, _dispatchFailures;

    public TelemetryIngestor(TelemetryStore store, IGrainFactory grains, IOptions<TelemetryOptions> options, ILogger<TelemetryIngestor> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _grains = grains;
        _options = options.Value;
        _logger = logger;
        _queue = Channel.CreateBounded<PendingBatch>(new BoundedChannelOptions(Math.Max(1, _options.QueueCapacityBatches))
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>The settings in force.</summary>
    public TelemetryOptions Options => _options;

    /// <summary>Counters since start.</summary>
    public TelemetryStatistics Statistics => new(
        Interlocked.Read(ref _batchesCommitted), Interlocked.Read(ref _readingsAccepted), Interlocked.Read(ref _duplicates),
        Interlocked.Read(ref _refusedBusy), Interlocked.Read(ref _failed), Interlocked.Read(ref _dispatchFailures),
        _queue.Reader.Count, _options.QueueCapacityBatches);

    /// <summary>
    /// Queues the batch if there is room. Returns null when the queue is full; otherwise a task that completes with the
    /// outcome once the batch is committed (or fails with <see cref="TelemetryStorageException"/>).
    /// </summary>
    public Task<TelemetryIngestOutcome>? TrySubmit(IReadOnlyList<TelemetryReading> readings)
    {
        ArgumentNullException.ThrowIfNull(readings);
        var batch = new PendingBatch(readings);
        if (_queue.Writer.TryWrite(batch))
        {
            return batch.Completion.Task;
        }
        Interlocked.Increment(ref _refusedBusy);
        return null;
    }

    /// <summary>Queues the batch, waiting for room, and completes once it is committed.</summary>
    public async Task<TelemetryIngestOutcome> SubmitAsync(IReadOnlyList<TelemetryReading> readings, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(readings);
        var batch = new PendingBatch(readings);
        try
        {
            await _queue.Writer.WriteAsync(batch, ct).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            throw new TelemetryShutdownException();
        }
        return await batch.Completion.Task.WaitAsync(ct).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var dispatching = Task.CompletedTask;
        List<PendingBatch>? committing = null;
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                var group = new List<PendingBatch>();
                var count = 0;
                while (count < _options.MaxReadingsPerCommit && _queue.Reader.TryRead(out var next))
                {
                    group.Add(next);
                    count += next.Readings.Count;
                }
                committing = group;
                var all = new List<TelemetryReading>(count);
                foreach (var batch in group)
                {
                    all.AddRange(batch.Readings);
                }
                bool[] inserted;
                try
                {
                    inserted = await _store.AppendAsync(all, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is TelemetryStorageException or InvalidOperationException or TimeoutException)
                {
                    _logger.LogError(ex, "Telemetry commit of {Readings} readings failed", all.Count);
                    Interlocked.Add(ref _failed, group.Count);
                    var failure = ex as TelemetryStorageException ?? new TelemetryStorageException("The telemetry batch could not be stored: " + ex.Message, ex);
                    group.ForEach(b => b.Completion.TrySetException(failure));
                    committing = null;
                    continue;
                }
                // One dispatch in flight while the next transaction is written: grains and database work in parallel.
                await dispatching.ConfigureAwait(false);
                dispatching = DispatchAndCompleteAsync(group, all, inserted);
                committing = null;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: whatever is still queued was never acknowledged; its senders are told to send it again.
        }
        finally
        {
            _queue.Writer.TryComplete();
            // A transaction interrupted by the stop may or may not have committed: its senders are not acknowledged
            // and send again (a resend of what did commit is a duplicate and changes nothing).
            committing?.ForEach(b => b.Completion.TrySetException(new TelemetryShutdownException()));
            while (_queue.Reader.TryRead(out var left))
            {
                left.Completion.TrySetException(new TelemetryShutdownException());
            }
            await dispatching.ConfigureAwait(false);
        }
    }

    private async Task DispatchAndCompleteAsync(List<PendingBatch> group, List<TelemetryReading> all, bool[] inserted)
    {
        var offset = 0;
        foreach (var batch in group)
        {
            var accepted = 0;
            for (var i = 0; i < batch.Readings.Count; i++)
            {
                accepted += inserted[offset + i] ? 1 : 0;
            }
            batch.Outcome = new TelemetryIngestOutcome(accepted, batch.Readings.Count - accepted);
            offset += batch.Readings.Count;
        }
        // Every reading goes to its grain, duplicates included: a reading stored by an earlier attempt whose grain
        // update was lost is delivered again this way, and the grains ignore what they have already applied.
        try
        {
            await Task.WhenAll(all.GroupBy(r => (r.Kind, r.DeviceId)).Select(DispatchAsync)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The readings are durable; the grains replay them from the time series when they next activate.
            _logger.LogWarning(ex, "Handing {Readings} committed readings to their grains failed", all.Count);
        }
        foreach (var batch in group)
        {
            Interlocked.Increment(ref _batchesCommitted);
            Interlocked.Add(ref _readingsAccepted, batch.Outcome!.Accepted);
            Interlocked.Add(ref _duplicates, batch.Outcome.Duplicates);
            batch.Completion.TrySetResult(batch.Outcome);
        }
    }

    private async Task DispatchAsync(IGrouping<(TelemetryKind Kind, string DeviceId), TelemetryReading> device)
    {
        try
        {
            switch (device.Key.Kind)
            {
                case TelemetryKind.Meter:
                    await _grains.GetGrain<IMeterGrain>(device.Key.DeviceId).IngestAsync(device.Select(MeterGrain.ToMeterReading).ToList()).ConfigureAwait(false);
                    break;
                case TelemetryKind.Water:
                    await _grains.GetGrain<IWaterSensorGrain>(device.Key.DeviceId).IngestAsync(device.Select(WaterSensorGrain.ToWaterSensorReading).ToList()).ConfigureAwait(false);
                    break;
                default:
                    await _grains.GetGrain<IDeviceGrain>(device.Key.DeviceId).IngestAsync(device.Select(DeviceGrain.ToDeviceStateReading).ToList()).ConfigureAwait(false);
                    break;
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Interlocked.Increment(ref _dispatchFailures);
            _logger.LogDebug(ex, "Grain update of device {Device} failed; it replays the time series on its next activation", device.Key.DeviceId);
        }
    }

    private sealed class PendingBatch(IReadOnlyList<TelemetryReading> readings)
    {
        public IReadOnlyList<TelemetryReading> Readings { get; } = readings;

        public TaskCompletionSource<TelemetryIngestOutcome> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TelemetryIngestOutcome? Outcome { get; set; }
    }
}
