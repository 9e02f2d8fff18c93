using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CivicGrid.Platform.Energy;

/// <summary>Settings of the VPP's background re-plan (configuration section <c>CivicGrid:Energy:VppReplan</c>).</summary>
public sealed class VppReplanOptions
{
    public const string SectionName = "CivicGrid:Energy:VppReplan";

    /// <summary>When false the VPP re-plans only when it is read (API, page), as before.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Regions re-planned per interval boundary (bounded work; regions beyond it catch up when read).</summary>
    public int MaxRegionsPerTick { get; set; } = 64;

    /// <summary>Whether the VPP issues a demand-response event when its plan imports above the feeder limit.</summary>
    public bool AutoDemandResponse { get; set; } = true;

    /// <summary>The payment of events the VPP issues itself.</summary>
    public double AutoDemandResponseEurPerKwh { get; set; } = 0.30;

    /// <summary>Whether ended demand-response events are settled at the boundary.</summary>
    public bool SettleEndedEvents { get; set; } = true;
}

/// <summary>
/// Runs the VPP on the simulated clock: at every 15-minute boundary of the injected <see cref="TimeProvider"/> it
/// re-plans each region (<see cref="VppPlanning.AdvanceAsync"/>: the day-ahead schedule once a day, then a rolling-horizon
/// re-plan from the measured state), lets the VPP cover a remaining feeder excess with a demand-response event, and
/// settles events that have ended. One tick at a time (a tick that overruns skips the boundaries it missed, which the
/// next tick catches up), at most <see cref="VppReplanOptions.MaxRegionsPerTick"/> regions per tick, a failing region
/// does not stop the others, and stopping the host cancels the wait and the tick in progress.
/// </summary>
public sealed class VppReplanService(IServiceScopeFactory scopes, VppService vpp, TimeProvider time, IOptions<VppReplanOptions> options, ILogger<VppReplanService> logger)
    : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(VppTelemetry.IntervalMinutes);
    private long _ticks;

    /// <summary>Completed ticks (for monitoring and tests).</summary>
    public long Ticks => Interlocked.Read(ref _ticks);

    /// <summary>Raised after each tick with the number of regions re-planned.</summary>
    public event EventHandler<int>? TickCompleted;

    /// <summary>The first 15-minute boundary strictly after <paramref name="now"/>.</summary>
    public static DateTimeOffset NextBoundary(DateTimeOffset now)
    {
        var ticks = (now - DateTimeOffset.UnixEpoch).Ticks;
        return DateTimeOffset.UnixEpoch.AddTicks(((ticks / Interval.Ticks) + 1) * Interval.Ticks);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            var now = time.GetUtcNow();
            try
            {
                await Task.Delay(NextBoundary(now) - now, time, stoppingToken).ConfigureAwait(false);
                var count = await RunOnceAsync(stoppingToken).ConfigureAwait(false);
                Interlocked.Increment(ref _ticks);
                TickCompleted?.Invoke(this, count);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>One tick: re-plans each region (up to the bound) and returns how many were re-planned.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var done = 0;
        foreach (var region in vpp.Regions.Take(Math.Max(0, settings.MaxRegionsPerTick)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var planning = scope.ServiceProvider.GetRequiredService<VppPlanning>();
                var snapshot = await planning.AdvanceAsync(region.Id, cancellationToken).ConfigureAwait(false);
                var dr = scope.ServiceProvider.GetRequiredService<DemandResponseOperations>();
                if (settings.AutoDemandResponse)
                {
                    await dr.CoverPlanShortfallAsync(snapshot, settings.AutoDemandResponseEurPerKwh, cancellationToken).ConfigureAwait(false);
                }
                if (settings.SettleEndedEvents)
                {
                    await dr.SettleEndedAsync(region.Id, cancellationToken).ConfigureAwait(false);
                }
                done++;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "VPP re-plan of region {Region} failed; it catches up at the next boundary or when read", region.Id);
            }
        }
        return done;
    }
}
