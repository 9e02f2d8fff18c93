using CivicGrid.Platform.Decisions;
using CivicGrid.Platform.Energy;
using CivicGrid.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace CivicGrid.Platform.Tests;

/// <summary>A clock the test moves by hand whose timers fire when it passes their due time (for Task.Delay on a TimeProvider).</summary>
internal sealed class SteppingClock(DateTimeOffset start) : TimeProvider
{
    private readonly List<Timer> _timers = [];
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_timers)
        {
            return _now;
        }
    }

    public int PendingTimers
    {
        get
        {
            lock (_timers)
            {
                return _timers.Count(t => t.Due is not null);
            }
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new Timer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    public void Advance(TimeSpan by)
    {
        List<Timer> due;
        lock (_timers)
        {
            _now += by;
            due = [.. _timers.Where(t => t.Due <= _now)];
            foreach (var t in due)
            {
                t.Due = t.Period > TimeSpan.Zero ? _now + t.Period : null;
            }
        }
        foreach (var t in due)
        {
            t.Fire();
        }
    }

    private sealed class Timer(SteppingClock clock, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset? Due { get; set; }

        public TimeSpan Period { get; private set; }

        public void Fire() => callback(state);

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (clock._timers)
            {
                Due = dueTime == Timeout.InfiniteTimeSpan ? null : clock._now + dueTime;
                Period = period == Timeout.InfiniteTimeSpan ? TimeSpan.Zero : period;
                if (!clock._timers.Contains(this))
                {
                    clock._timers.Add(this);
                }
            }
            return true;
        }

        public void Dispose()
        {
            lock (clock._timers)
            {
                clock._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>The platform with the VPP services (<c>AddVppPlatform</c>) over a temporary SQLite data directory and a stepping clock.</summary>
internal sealed class VppTestHost : IAsyncDisposable
{
    private readonly TempFolder? _folder;

    private VppTestHost(ServiceProvider services, TempFolder? folder, string data, SteppingClock clock)
    {
        Services = services;
        _folder = folder;
        DataDirectory = data;
        Clock = clock;
    }

    public ServiceProvider Services { get; }

    public string DataDirectory { get; }

    public SteppingClock Clock { get; }

    public static async Task<VppTestHost> StartAsync(DateTimeOffset now, IDictionary<string, string?>? settings = null, string? dataDirectory = null)
    {
        var folder = dataDirectory is null ? RepositoryPaths.CreateTempFolder() : null;
        var data = dataDirectory ?? Path.Combine(folder!.Path, "data");
        var values = new Dictionary<string, string?> { ["CivicGrid:DataDirectory"] = data, ["CivicGrid:DemoCity:Enabled"] = "true" };
        foreach (var (k, v) in settings ?? new Dictionary<string, string?>())
        {
            values[k] = v;
        }
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var clock = new SteppingClock(now);
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<TimeProvider>(clock);
        services.AddCivicGridPlatform(configuration);
        services.AddVppPlatform();
        var provider = services.BuildServiceProvider();
        await provider.InitializeCivicGridPlatformAsync(TestContext.Current.CancellationToken);
        return new VppTestHost(provider, folder, data, clock);
    }

    public VppReplanService Replan => Services.GetServices<IHostedService>().OfType<VppReplanService>().Single();

    public async Task<IReadOnlyList<DecisionReceipt>> DecisionsAsync(string regionId)
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IDecisionLog>().ListAsync(regionId, 0, 500, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder?.Dispose();
    }
}

public sealed class VppReplanServiceTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 10, 5, 0, TimeSpan.Zero);

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        for (var i = 0; i < 600 && !condition(); i++)
        {
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
        Assert.True(condition(), what);
    }

    private static List<(string Kind, int From)> Schedules(IEnumerable<DecisionReceipt> records) =>
    [
        .. records.Select(r => r.Record).Where(r => r.Kind == DecisionKind.DispatchSchedule)
            .Select(r => (r.Algorithm.Parameters["kind"], int.Parse(r.Algorithm.Parameters["from_interval"], System.Globalization.CultureInfo.InvariantCulture))),
    ];

    [Fact]
    public void Next_boundary_is_the_next_quarter_hour_strictly_after_now()
    {
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 10, 15, 0, TimeSpan.Zero), VppReplanService.NextBoundary(Start));
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 10, 30, 0, TimeSpan.Zero), VppReplanService.NextBoundary(new DateTimeOffset(2026, 11, 23, 10, 15, 0, TimeSpan.Zero)));
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 0, 0, 0, TimeSpan.Zero), VppReplanService.NextBoundary(new DateTimeOffset(2026, 11, 23, 23, 59, 59, TimeSpan.Zero)));
    }

    [Fact]
    public async Task Replans_every_region_at_each_interval_boundary_of_the_simulated_clock_and_records_each_schedule()
    {
        await using var host = await VppTestHost.StartAsync(Start);
        var service = host.Replan;
        var regions = host.Services.GetRequiredService<VppService>().Regions.Select(r => r.Id).ToList();
        var ct = TestContext.Current.CancellationToken;
        await service.StartAsync(ct);
        try
        {
            await WaitUntilAsync(() => host.Clock.PendingTimers == 1, "the service waits for the next boundary");
            // Nothing happens between boundaries.
            Assert.Empty(Schedules(await host.DecisionsAsync(regions[0])));

            host.Clock.Advance(TimeSpan.FromMinutes(10)); // 10:15 = interval 41
            await WaitUntilAsync(() => service.Ticks == 1, "a tick at 10:15");
            foreach (var region in regions)
            {
                var plans = Schedules(await host.DecisionsAsync(region));
                Assert.Contains(("day-ahead", 0), plans);
                Assert.Contains(("re-plan", 41), plans);
                Assert.Equal(2, plans.Count);
            }

            await WaitUntilAsync(() => host.Clock.PendingTimers == 1, "the service waits for the next boundary again");
            host.Clock.Advance(TimeSpan.FromMinutes(15)); // 10:30 = interval 42
            await WaitUntilAsync(() => service.Ticks == 2, "a tick at 10:30");
            var second = Schedules(await host.DecisionsAsync(regions[0]));
            Assert.Contains(("re-plan", 42), second);
            Assert.Equal(3, second.Count);
        }
        finally
        {
            await service.StopAsync(ct);
        }
        // Stopping cancels the wait: the loop ends without an error and no timer is left behind.
        Assert.True(service.ExecuteTask?.IsCompletedSuccessfully);
        Assert.Equal(0, host.Clock.PendingTimers);
    }

    [Fact]
    public async Task A_disabled_replan_ends_at_once_and_records_nothing()
    {
        await using var host = await VppTestHost.StartAsync(Start, new Dictionary<string, string?> { ["CivicGrid:Energy:VppReplan:Enabled"] = "false" });
        var service = host.Replan;
        var ct = TestContext.Current.CancellationToken;
        await service.StartAsync(ct);
        // ExecuteAsync runs in the background (.NET 10): wait for it to end on its own.
        await WaitUntilAsync(() => service.ExecuteTask?.IsCompleted == true, "the disabled service ends at once");
        Assert.Equal(0, host.Clock.PendingTimers);
        host.Clock.Advance(TimeSpan.FromMinutes(30));
        await service.StopAsync(ct);
        Assert.Equal(0, service.Ticks);
        var region = host.Services.GetRequiredService<VppService>().Regions[0].Id;
        Assert.Empty(Schedules(await host.DecisionsAsync(region)));
    }

    [Fact]
    public async Task One_tick_is_bounded_by_the_region_limit()
    {
        await using var host = await VppTestHost.StartAsync(Start, new Dictionary<string, string?> { ["CivicGrid:Energy:VppReplan:MaxRegionsPerTick"] = "1" });
        var regions = host.Services.GetRequiredService<VppService>().Regions.Select(r => r.Id).ToList();
        Assert.True(regions.Count > 1);
        Assert.Equal(1, await host.Replan.RunOnceAsync(TestContext.Current.CancellationToken));
        Assert.NotEmpty(Schedules(await host.DecisionsAsync(regions[0])));
        Assert.Empty(Schedules(await host.DecisionsAsync(regions[1])));
    }
}
