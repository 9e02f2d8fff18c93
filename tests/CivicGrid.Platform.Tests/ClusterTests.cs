using CivicGrid.Platform.Decisions;
using CivicGrid.Platform.Runtime;
using CivicGrid.Platform.Runtime.Grains;
using CivicGrid.Platform.Storage;
using CivicGrid.Platform.Telemetry;
using CivicGrid.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.TestingHost;
using Xunit;

namespace CivicGrid.Platform.Tests;

/// <summary>
/// A three-silo cluster on PostgreSQL (grain state, reminders, telemetry, decisions), each silo running the platform's
/// services and its own ingestion pipeline as a server silo does. Membership is the TestingHost's; ADO.NET membership is
/// what the two-server check in docs/deployment.md exercises.
/// </summary>
public sealed class ClusterFixture : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly TempFolder _folder = RepositoryPaths.CreateTempFolder();
    private PostgresTestDatabase? _database;

    public TestCluster? Cluster { get; private set; }

    public string ConnectionString { get; private set; } = "";

    public string RegionId { get; private set; } = "";

    public sealed class SiloConfigurator : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder)
        {
            var configuration = siloBuilder.Configuration;
            var connectionString = configuration["ConnectionStrings:CivicGrid"]!;
            siloBuilder.Services.AddCivicGridPlatform(configuration);
            siloBuilder.Services.AddTelemetryPlatform();
            siloBuilder.AddAdoNetGrainStorage(GrainStorageNames.CivicGrid, o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = connectionString;
            });
            siloBuilder.UseAdoNetReminderService(o =>
            {
                o.Invariant = "Npgsql";
                o.ConnectionString = connectionString;
            });
            siloBuilder.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
            // Declare a killed silo dead within seconds rather than the production default of about a minute.
            siloBuilder.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = TimeSpan.FromSeconds(1);
                o.NumMissedProbesLimit = 2;
                o.NumVotesForDeathDeclaration = 1;
            });
            siloBuilder.Services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        }
    }

    /// <summary>Starts the cluster on first use (skips when no PostgreSQL server is configured).</summary>
    public async Task<TestCluster> StartAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        await _gate.WaitAsync(ct);
        try
        {
            if (Cluster is not null)
            {
                return Cluster;
            }
            _database = await PostgresTestDatabase.CreateAsync(NpgsqlFactory.Instance, ct);
            ConnectionString = new NpgsqlConnectionStringBuilder(_database.ConnectionString) { Pooling = true, MaxPoolSize = 40 }.ConnectionString;
            var settings = new Dictionary<string, string?>
            {
                ["CivicGrid:Storage:Provider"] = "PostgreSQL",
                ["ConnectionStrings:CivicGrid"] = ConnectionString,
                ["CivicGrid:DataDirectory"] = Path.Combine(_folder.Path, "data"),
                ["CivicGrid:DemoCity:Enabled"] = "true",
                ["CivicGrid:Telemetry:SilenceAfter"] = "00:00:01",
                ["CivicGrid:Telemetry:SilenceCheckPeriod"] = "00:00:02",
            };

            // What server start-up does once per database: the Orleans tables, then the platform and module schemas.
            await PostgresOrleansSchema.EnsureCreatedWithRemindersAsync(ConnectionString, ct);
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
            var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration);
            services.AddCivicGridPlatform(configuration);
            services.AddTelemetryPlatform();
            await using (var provider = services.BuildServiceProvider())
            {
                await provider.InitializeCivicGridPlatformAsync(ct);
                await using var scope = provider.CreateAsyncScope();
                RegionId = await scope.ServiceProvider.GetRequiredService<PlatformDbContext>().Regions.OrderBy(r => r.Id).Select(r => r.Id).FirstAsync(ct);
                // The region's signing key is created once here, so the silos (sharing the data directory) agree on it.
                await scope.ServiceProvider.GetRequiredService<IDecisionLog>().AppendAsync(ClusterTests.Decision(RegionId, "setup"), ct);
            }

            var builder = new TestClusterBuilder(3);
            builder.ConfigureHostConfiguration(c => c.AddInMemoryCollection(settings));
            builder.AddSiloBuilderConfigurator<SiloConfigurator>();
            var cluster = builder.Build();
            await cluster.DeployAsync();
            Cluster = cluster;
            return cluster;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Cluster is not null)
        {
            await Cluster.StopAllSilosAsync();
            await Cluster.DisposeAsync();
        }
        NpgsqlConnection.ClearAllPools();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
        SqliteConnection.ClearAllPools();
        _folder.Dispose();
        _gate.Dispose();
    }
}

/// <summary>Multi-silo behaviour: a silo killed under load, a silo joining, reminders kept in PostgreSQL.</summary>
[Trait("Category", "Slow")]
public sealed class ClusterTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    internal static DecisionRequest Decision(string regionId, string outcome) => new(
        DecisionKind.LoadShedding, regionId, [], DecisionActor.Automatic, new DecisionAlgorithm("cluster-test", "1"),
        DecisionRequest.DigestOf(outcome), outcome, "multi-silo test");

    private static IServiceProvider Services(SiloHandle silo) => ((InProcessSiloHandle)silo).SiloHost.Services;

    /// <summary>Readings acknowledged (and decisions recorded) by one load loop.</summary>
    private sealed class LoadLog
    {
        public List<TelemetryReading> Acknowledged { get; } = [];

        public List<Guid> Decisions { get; } = [];

        public int Batches { get; set; }

        public Exception? StoppedBy { get; set; }
    }

    private static async Task RunLoadAsync(IServiceProvider silo, string prefix, string regionId, LoadLog log, int batches, CancellationToken ct)
    {
        var ingestor = silo.GetRequiredService<TelemetryIngestor>();
        try
        {
            for (var b = 0; b < batches && !ct.IsCancellationRequested; b++)
            {
                var batch = new List<TelemetryReading>();
                for (var d = 0; d < 20; d++)
                {
                    for (var j = 0; j < 5; j++)
                    {
                        batch.Add(new TelemetryReading($"{prefix}-m{d}", TelemetryKind.Meter, T0.AddMinutes((b * 5) + j), 0, PowerKilowatts: 1 + d, IntervalSeconds: 60));
                    }
                }
                // A batch that gets no answer within a minute counts as refused (a hung pipeline fails the test, not the run).
                using (var patience = CancellationTokenSource.CreateLinkedTokenSource(ct))
                {
                    patience.CancelAfter(TimeSpan.FromSeconds(60));
                    await ingestor.SubmitAsync(batch, patience.Token);
                }
                lock (log)
                {
                    log.Acknowledged.AddRange(batch);
                    log.Batches++;
                }
                if (b % 4 == 0)
                {
                    await using var scope = silo.CreateAsyncScope();
                    var receipt = await scope.ServiceProvider.GetRequiredService<IDecisionLog>().AppendAsync(Decision(regionId, $"{prefix} batch {b}"), ct);
                    lock (log)
                    {
                        log.Decisions.Add(receipt.Record.Id);
                    }
                }
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The silo under this loop was killed: what it acknowledged before is what must survive.
            log.StoppedBy = ex;
        }
    }

    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            try
            {
                var value = await read();
                if (done(value) || DateTime.UtcNow > deadline)
                {
                    return value;
                }
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                // A grain whose silo died answers once membership has declared the silo dead.
            }
            await Task.Delay(500, ct);
        }
    }

    [Fact]
    public async Task A_silo_killed_mid_load_loses_no_acknowledged_reading_or_decision()
    {
        var ct = TestContext.Current.CancellationToken;
        var cluster = await fixture.StartAsync();
        var silos = cluster.GetActiveSilos().ToList();
        Assert.True(silos.Count >= 3);
        var victim = silos[^1];
        var logs = silos.Select(_ => new LoadLog()).ToList();
        var loads = silos.Select((silo, i) => Task.Run(() => RunLoadAsync(Services(silo), $"kill{i}", fixture.RegionId, logs[i], 24, ct), ct)).ToList();

        // Kill the last silo once every loop has been acknowledged a few batches.
        var deadline = DateTime.UtcNow + Patience;
        while (logs.Any(l => { lock (l) { return l.Batches < 4 && l.StoppedBy is null; } }) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, ct);
        }
        await cluster.KillSiloAsync(victim, ct);
        await Task.WhenAll(loads).WaitAsync(Patience, ct);

        Assert.All(logs.Take(logs.Count - 1), l => Assert.Null(l.StoppedBy));
        var acknowledged = logs.SelectMany(l => l.Acknowledged).ToList();
        Assert.True(acknowledged.Count > 0);

        // 1. Every acknowledged reading is in the time series.
        var stored = new HashSet<(string, DateTimeOffset)>();
        await using (var connection = new NpgsqlConnection(fixture.ConnectionString))
        {
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand("SELECT device_id, time FROM telemetry_readings WHERE device_id LIKE 'kill%'", connection);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                stored.Add((reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1)));
            }
        }
        Assert.All(acknowledged, r => Assert.Contains((r.DeviceId, r.Time), stored));

        // 2. Every recorded decision is in the log, read through a surviving silo.
        await using (var scope = Services(silos[0]).CreateAsyncScope())
        {
            var decisions = scope.ServiceProvider.GetRequiredService<IDecisionLog>();
            foreach (var id in logs.SelectMany(l => l.Decisions))
            {
                Assert.NotNull(await decisions.GetAsync(id, ct));
            }
        }

        // 3. Every meter grain, wherever it lives now, reflects at least all its acknowledged readings.
        foreach (var device in acknowledged.GroupBy(r => r.DeviceId))
        {
            var latest = device.Max(r => r.Time);
            var count = device.Select(r => r.Time).Distinct().Count();
            var snapshot = await EventuallyAsync(
                () => cluster.GrainFactory.GetGrain<IMeterGrain>(device.Key).GetSnapshotAsync(),
                s => s.LastReadingAt >= latest && s.ReadingCount >= count, ct);
            Assert.True(snapshot.LastReadingAt >= latest, $"{device.Key}: latest {snapshot.LastReadingAt} < acknowledged {latest}");
            Assert.True(snapshot.ReadingCount >= count, $"{device.Key}: {snapshot.ReadingCount} readings < {count} acknowledged");
        }
    }

    [Fact]
    public async Task A_joining_silo_serves_ingestion_and_takes_new_activations()
    {
        var ct = TestContext.Current.CancellationToken;
        var cluster = await fixture.StartAsync();
        var joined = await cluster.StartAdditionalSiloAsync();
        var log = new LoadLog();
        await RunLoadAsync(Services(joined), "join", fixture.RegionId, log, 6, ct);
        Assert.Null(log.StoppedBy);
        Assert.Equal(6, log.Batches);
        // New grains activate across the cluster, the new silo included.
        foreach (var i in Enumerable.Range(0, 120))
        {
            await cluster.GrainFactory.GetGrain<IDeviceGrain>($"join-d{i}").IngestAsync([new DeviceStateReading(T0, 0, "on")]);
        }
#pragma warning disable xUnit1051 // The management grain's interface takes no cancellation token; the generated proxy does.
        var statistics = await cluster.GrainFactory.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
#pragma warning restore xUnit1051
        var onJoined = statistics.Where(s => s.SiloAddress.Equals(joined.SiloAddress) && s.GrainType.Contains("Grain", StringComparison.Ordinal)).Sum(s => s.ActivationCount);
        Assert.True(onJoined > 0, "the joined silo hosts none of the new activations");
        var meter = await cluster.GrainFactory.GetGrain<IMeterGrain>("join-m3").GetSnapshotAsync();
        Assert.Equal(T0.AddMinutes(29), meter.LastReadingAt);
    }

    [Fact]
    public async Task The_silence_watchdog_reminder_is_kept_in_postgres_and_fires()
    {
        var ct = TestContext.Current.CancellationToken;
        var cluster = await fixture.StartAsync();
        var device = cluster.GrainFactory.GetGrain<IDeviceGrain>("watchdog-ev1");
        await device.IngestAsync([new DeviceStateReading(DateTimeOffset.UtcNow.AddMinutes(-1), 0, "charging")]);
        await using (var connection = new NpgsqlConnection(fixture.ConnectionString))
        {
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand(
                "SELECT count(*) FROM orleansreminderstable WHERE grainid LIKE '%watchdog-ev1%' AND remindername = @name", connection);
            command.Parameters.AddWithValue("name", DeviceGrain.SilenceReminder);
            Assert.Equal(1L, await command.ExecuteScalarAsync(ct));
        }
        var snapshot = await EventuallyAsync(device.GetSnapshotAsync, s => s.Silent, ct);
        Assert.True(snapshot.Silent, "the watchdog did not mark a device silent a minute after its last report");
    }
}
