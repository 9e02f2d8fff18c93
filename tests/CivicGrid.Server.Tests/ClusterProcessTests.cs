using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CivicGrid.Ledger.Notes;
using CivicGrid.Ledger.Receipts;
using CivicGrid.Platform;
using CivicGrid.Platform.Accounts;
using CivicGrid.Platform.Storage;
using CivicGrid.Platform.Telemetry;
using CivicGrid.Testing;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit;

namespace CivicGrid.Server.Tests;

/// <summary>
/// Server processes of this build forming one Orleans cluster over a real PostgreSQL (ADO.NET membership, grain state
/// and reminders), as docs/deployment.md describes: two silos with their own HTTP, silo and gateway ports join one
/// membership; readings and a decision acknowledged by silo A survive A being killed (SIGKILL, not a graceful stop)
/// and are read back through silo B; a third silo joins the running cluster and serves the API.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ClusterProcessTests : IAsyncLifetime
{
    // Well in the past: the server refuses readings more than a day ahead of its clock.
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly ClusterRig _rig = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _rig.DisposeAsync();

    [Fact]
    public async Task Two_silo_processes_share_one_cluster_and_a_killed_silo_loses_no_acknowledged_reading_or_decision_and_a_third_joins()
    {
        await _rig.PrepareAsync(Ct);
        var a = _rig.StartSilo("a");
        await _rig.WaitReadyAsync(a, Ct);
        var b = _rig.StartSilo("b");
        await _rig.WaitReadyAsync(b, Ct);

        // Both silos are active members of one cluster in PostgreSQL's membership table.
        var active = await _rig.WaitForActiveSilosAsync([a, b], [], Ct);
        Assert.Equal(new[] { a.SiloPort, b.SiloPort }.Order(), active.Order());

        // Through A: a decision with its receipt, then readings until A is killed in the middle of the load.
        using var ha = _rig.Client(a);
        using var hb = _rig.Client(b);
        var decision = await ha.PostAsJsonAsync(new Uri("/api/decisions", UriKind.Relative), new
        {
            kind = "LoadShedding", regionId = _rig.RegionId, assetIds = new[] { "cluster-feeder-1" },
            algorithm = "cluster-process-test", algorithmVersion = "1", inputDigest = "sha256:cluster",
            outcome = "shed 40 kW on feeder 1", reason = "decision acknowledged by silo A before it dies",
        }, Ct);
        var decisionBody = await decision.Content.ReadAsStringAsync(Ct);
        Assert.True(decision.StatusCode == HttpStatusCode.Created, decisionBody + a.Output);
        var decided = JsonNode.Parse(decisionBody)!;

        var acknowledged = new List<TelemetryReading>();
        var load = Task.Run(() => SendUntilFailureAsync(ha, "kill", acknowledged), Ct);
        await EventuallyAsync(() => Task.FromResult(Count(acknowledged) >= 600 || load.IsCompleted), TimeSpan.FromMinutes(2), () => a.Output);
        a.Kill();
        var stoppedBy = await load.WaitAsync(TimeSpan.FromMinutes(2), Ct);
        Assert.NotNull(stoppedBy);
        Assert.True(Count(acknowledged) >= 600, $"silo A acknowledged {Count(acknowledged)} readings before it was killed: {stoppedBy}\n{a.Output}");

        // Through B: every acknowledged reading, and the decision with the same log index and a receipt that verifies.
        foreach (var device in acknowledged.GroupBy(r => r.DeviceId))
        {
            var stored = await ReadingsAsync(hb, device.Key);
            Assert.All(device, r => Assert.Contains(r.Time, stored));
        }
        var read = await hb.GetAsync(new Uri($"/api/decisions/{decided["id"]!.GetValue<string>()}", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var readBack = JsonNode.Parse(await read.Content.ReadAsStringAsync(Ct))!;
        Assert.Equal(decided["logIndex"]!.GetValue<long>(), readBack["logIndex"]!.GetValue<long>());
        Assert.True(Receipt.Parse(readBack["receipt"]!.GetValue<string>()).Verify(_rig.LogKey).IsValid);

        // B declares A dead, and the grains A hosted answer through B again (the region's live state).
        await _rig.WaitForActiveSilosAsync([b], [a], Ct);
        await EventuallyAsync(async () => await StatusOfAsync(hb, $"/api/regions/{_rig.RegionId}") == HttpStatusCode.OK, TimeSpan.FromMinutes(2), () => b.Output);

        // Growth: a third silo joins the running cluster, ingests, and B reads what it acknowledged.
        var c = _rig.StartSilo("c");
        await _rig.WaitReadyAsync(c, Ct);
        active = await _rig.WaitForActiveSilosAsync([b, c], [a], Ct);
        Assert.Equal(new[] { b.SiloPort, c.SiloPort }.Order(), active.Order());
        using var hc = _rig.Client(c);
        var joined = new List<TelemetryReading>();
        Assert.Null(await SendUntilFailureAsync(hc, "joined", joined, batches: 3));
        foreach (var device in joined.GroupBy(r => r.DeviceId))
        {
            var stored = await ReadingsAsync(hb, device.Key);
            Assert.Equal(device.Select(r => r.Time).Order(), stored);
        }
    }

    [Fact]
    public async Task Overload_is_refused_with_503_and_Retry_After_and_readings_sent_out_of_order_and_twice_across_silos_are_stored_once_in_time_order()
    {
        await _rig.PrepareAsync(Ct);
        var a = _rig.StartSilo("a");
        await _rig.WaitReadyAsync(a, Ct);
        // B has room for one waiting batch and commits one batch at a time: a burst must overflow it.
        var b = _rig.StartSilo("b", new Dictionary<string, string>
        {
            ["CivicGrid:Telemetry:QueueCapacityBatches"] = "1",
            ["CivicGrid:Telemetry:MaxReadingsPerCommit"] = "1000",
        });
        await _rig.WaitReadyAsync(b, Ct);
        await _rig.WaitForActiveSilosAsync([a, b], [], Ct);
        using var ha = _rig.Client(a);
        using var hb = _rig.Client(b);

        // One meter's 60 readings in six batches sent newest first, alternating silos, then three of them again
        // to the other silo: 60 stored, 30 counted as duplicates, listed in time order through either silo.
        var times = Enumerable.Range(0, 60).Select(k => T0.AddMinutes(15 * k)).ToList();
        var chunks = times.Chunk(10).Reverse().ToList();
        var (accepted, duplicates) = (0, 0);
        for (var i = 0; i < chunks.Count + 3; i++)
        {
            var silo = (i < chunks.Count ? i : i + 1) % 2 == 0 ? ha : hb;
            var answer = await PostAcceptedAsync(silo, [.. chunks[i % chunks.Count].Select(t => Meter("order-m1", t, 2.5))]);
            accepted += answer["accepted"]!.GetValue<int>();
            duplicates += answer["duplicates"]!.GetValue<int>();
        }
        Assert.Equal((60, 30), (accepted, duplicates));
        Assert.Equal(times, await ReadingsAsync(ha, "order-m1"));
        Assert.Equal(times, await ReadingsAsync(hb, "order-m1"));

        // A burst of concurrent batches at B: the ones that find the queue full are refused at once with 503 and a
        // Retry-After, nothing waits in an unbounded queue, and resending after the delay stores every reading once.
        var burst = Enumerable.Range(0, 24)
            .Select(i => (IReadOnlyList<object>)[.. Enumerable.Range(0, 1000).Select(k => Meter($"burst-m{i}", T0.AddMinutes(15 * k), 1))])
            .ToList();
        var refused = new List<IReadOnlyList<object>>();
        for (var round = 0; round < 5 && refused.Count == 0; round++)
        {
            var answers = await Task.WhenAll(burst.Select(async Task<IReadOnlyList<object>?> (batch) =>
            {
                using var response = await hb.PostAsJsonAsync(new Uri("/api/telemetry/batch", UriKind.Relative), batch, Ct);
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    Assert.True(response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), "503 without a Retry-After of at least a second");
                    return batch;
                }
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                return null;
            }));
            refused.AddRange(answers.OfType<IReadOnlyList<object>>());
        }
        Assert.NotEmpty(refused);
        var status = JsonNode.Parse(await hb.GetStringAsync(new Uri("/api/telemetry/status", UriKind.Relative), Ct))!;
        Assert.True(status["batchesRefusedBusy"]!.GetValue<long>() >= refused.Count);
        Assert.Equal(1, status["queueCapacityBatches"]!.GetValue<int>());
        foreach (var batch in refused)
        {
            await PostAcceptedAsync(hb, batch);
        }
        await using var connection = new NpgsqlConnection(_rig.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var count = new NpgsqlCommand("SELECT count(*), count(DISTINCT (device_id, time)) FROM telemetry_readings WHERE device_id LIKE 'burst-m%'", connection);
        await using var reader = await count.ExecuteReaderAsync(Ct);
        Assert.True(await reader.ReadAsync(Ct));
        Assert.Equal((24_000L, 24_000L), (reader.GetInt64(0), reader.GetInt64(1)));
    }

    private static object Meter(string deviceId, DateTimeOffset time, double powerKw) => new { deviceId, kind = "meter", time, powerKw };

    /// <summary>Posts a batch, resending after Retry-After while the silo is busy; returns the 202 answer.</summary>
    private static async Task<JsonNode> PostAcceptedAsync(HttpClient client, IReadOnlyList<object> batch)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var response = await client.PostAsJsonAsync(new Uri("/api/telemetry/batch", UriKind.Relative), batch, Ct);
            var body = await response.Content.ReadAsStringAsync(Ct);
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable && attempt < 60)
            {
                await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1), Ct);
                continue;
            }
            Assert.True(response.StatusCode == HttpStatusCode.Accepted, body);
            return JsonNode.Parse(body)!;
        }
    }

    private static int Count(List<TelemetryReading> readings)
    {
        lock (readings)
        {
            return readings.Count;
        }
    }

    /// <summary>Posts batches of 10 meters × 20 readings; returns what ended the loop (null when all batches were acknowledged).</summary>
    internal static async Task<Exception?> SendUntilFailureAsync(HttpClient client, string prefix, List<TelemetryReading> acknowledged, int batches = int.MaxValue)
    {
        for (var b = 0; b < batches; b++)
        {
            var batch = new List<TelemetryReading>();
            for (var d = 0; d < 10; d++)
            {
                for (var k = 0; k < 20; k++)
                {
                    batch.Add(new TelemetryReading($"{prefix}-m{d}", TelemetryKind.Meter, T0.AddMinutes(15 * ((b * 20) + k)), 0, PowerKilowatts: 1 + d));
                }
            }
            var body = batch.Select(r => new { deviceId = r.DeviceId, kind = "meter", time = r.Time, powerKw = r.PowerKilowatts }).ToList();
            try
            {
                using var response = await client.PostAsJsonAsync(new Uri("/api/telemetry/batch", UriKind.Relative), body, Ct);
                if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    b--;
                    await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1), Ct);
                    continue;
                }
                if (response.StatusCode != HttpStatusCode.Accepted)
                {
                    return new InvalidOperationException($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Ct)}");
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !Ct.IsCancellationRequested)
            {
                return ex;
            }
            lock (acknowledged)
            {
                acknowledged.AddRange(batch);
            }
        }
        return null;
    }

    internal static async Task<List<DateTimeOffset>> ReadingsAsync(HttpClient client, string deviceId)
    {
        using var response = await client.GetAsync(new Uri($"/api/telemetry/devices/{deviceId}/readings?take=10000", UriKind.Relative), Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return [.. JsonNode.Parse(body)!.AsArray().Select(r => r!["time"]!.GetValue<DateTimeOffset>())];
    }

    /// <summary>The status a GET answers, or null while the server does not answer at all.</summary>
    internal static async Task<HttpStatusCode?> StatusOfAsync(HttpClient client, string path)
    {
        try
        {
            using var response = await client.GetAsync(new Uri(path, UriKind.Relative), Ct);
            return response.StatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !Ct.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>Polls <paramref name="probe"/> four times a second until it holds; fails with <paramref name="diagnostics"/> after <paramref name="limit"/>.</summary>
    internal static async Task EventuallyAsync(Func<Task<bool>> probe, TimeSpan limit, Func<string> diagnostics)
    {
        using var expiry = new CancellationTokenSource(limit);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(expiry.Token, Ct);
        try
        {
            while (!await probe())
            {
                await Task.Delay(250, either.Token);
            }
        }
        catch (OperationCanceledException) when (expiry.IsCancellationRequested && !Ct.IsCancellationRequested)
        {
            Assert.Fail($"not reached within {limit}:\n{diagnostics()}");
        }
    }
}

/// <summary>
/// A throw-away PostgreSQL database prepared as a first deployment would be (schema, demo city, an operator of the first
/// region with an API key, the region's log key), and the silo processes started over it; everything is stopped and
/// dropped on dispose.
/// </summary>
internal sealed class ClusterRig : IAsyncDisposable
{
    private readonly List<ClusterSiloProcess> _silos = [];
    private readonly TempFolder _folder = RepositoryPaths.CreateTempFolder();
    private PostgresTestDatabase? _database;

    public string ClusterId { get; } = "cluster-test-" + Guid.NewGuid().ToString("N")[..8];

    public string ConnectionString { get; private set; } = "";

    public string RegionId { get; private set; } = "";

    public string ApiKey { get; private set; } = "";

    public NoteVerifierKey LogKey { get; private set; } = null!;

    private string SharedKeys => Path.Combine(_folder.Path, "shared-keys");

    private string FirstData => Path.Combine(_folder.Path, "first");

    /// <summary>Creates the database and what the first silo's operator would set up; skips without a PostgreSQL server.</summary>
    public async Task PrepareAsync(CancellationToken ct, IDictionary<string, string?>? settings = null)
    {
        _database = await PostgresTestDatabase.CreateAsync(NpgsqlFactory.Instance, ct);
        ConnectionString = new NpgsqlConnectionStringBuilder(_database.ConnectionString) { Pooling = true, MaxPoolSize = 30 }.ConnectionString;
        var values = new Dictionary<string, string?>
        {
            ["CivicGrid:Storage:Provider"] = "PostgreSQL",
            ["ConnectionStrings:CivicGrid"] = ConnectionString,
            ["CivicGrid:DataDirectory"] = FirstData,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }
        // The region's signing key: created once before anything is logged, then the same file on every silo
        // (docs/deployment.md).
        RegionId = LedgerTestNode.FirstRegionId;
        LogKey = LedgerTestNode.PlaceRegionKey(FirstData, RegionId);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration);
        services.AddCivicGridPlatform(configuration);
        services.AddTelemetryPlatform();
        await using var provider = services.BuildServiceProvider();
        await provider.InitializeCivicGridPlatformAsync(ct);
        await using var scope = provider.CreateAsyncScope();
        Assert.True(await scope.ServiceProvider.GetRequiredService<PlatformDbContext>().Regions.AnyAsync(r => r.Id == RegionId, ct));
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PlatformUser>>();
        var user = new PlatformUser { UserName = "cluster-operator", DisplayName = "cluster operator" };
        Assert.True((await users.CreateAsync(user, "Cluster-test-" + Guid.NewGuid().ToString("N"))).Succeeded);
        Assert.True((await users.AddToRoleAsync(user, PlatformRoles.Operator)).Succeeded);
        await scope.ServiceProvider.GetRequiredService<RegionAccess>().GrantAsync(user.Id, RegionId, ct);
        ApiKey = (await scope.ServiceProvider.GetRequiredService<ApiKeyService>().CreateAsync(user.Id, "cluster test", null, ct)).Key;
    }

    /// <summary>Starts a silo process with its own HTTP, silo and gateway ports and a copy of the region keys.</summary>
    public ClusterSiloProcess StartSilo(string name, IDictionary<string, string>? settings = null)
    {
        var data = Path.Combine(_folder.Path, name);
        var keys = Path.Combine(data, "ledger", "keys");
        Directory.CreateDirectory(keys);
        foreach (var key in Directory.GetFiles(Path.Combine(FirstData, "ledger", "keys")))
        {
            File.Copy(key, Path.Combine(keys, Path.GetFileName(key)), overwrite: true);
        }
        var all = new Dictionary<string, string>
        {
            ["CivicGrid:DataDirectory"] = data,
            ["CivicGrid:DataProtection:KeysDirectory"] = SharedKeys,
            ["CivicGrid:Storage:Provider"] = "PostgreSQL",
            ["ConnectionStrings:CivicGrid"] = ConnectionString,
            ["CivicGrid:Orleans:Clustering"] = "AdoNet",
            ["CivicGrid:Orleans:ClusterId"] = ClusterId,
            ["CivicGrid:Orleans:AdvertisedAddress"] = "127.0.0.1",
            // Declare a killed silo dead within seconds (the production default is 10–30 s).
            ["CivicGrid:Orleans:ProbeTimeout"] = "00:00:01",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Orleans"] = "Error",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            all[key] = value;
        }
        var silo = ClusterSiloProcess.Start(name, all);
        _silos.Add(silo);
        return silo;
    }

    public HttpClient Client(ClusterSiloProcess silo)
    {
        var client = new HttpClient { BaseAddress = new Uri(silo.Url), Timeout = TimeSpan.FromSeconds(100) };
        client.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        return client;
    }

    public async Task WaitReadyAsync(ClusterSiloProcess silo, CancellationToken ct)
    {
        using var probe = new HttpClient { BaseAddress = new Uri(silo.Url), Timeout = TimeSpan.FromSeconds(30) };
        await ClusterProcessTests.EventuallyAsync(async () =>
        {
            Assert.False(silo.HasExited, $"silo {silo.Name} exited while starting:\n{silo.Output}");
            return await ClusterProcessTests.StatusOfAsync(probe, "/health/ready") == HttpStatusCode.OK;
        }, TimeSpan.FromMinutes(4), () => silo.Output);
        ct.ThrowIfCancellationRequested();
    }

    /// <summary>Waits until exactly <paramref name="alive"/> are active members and <paramref name="dead"/> are declared dead; returns the active silo ports.</summary>
    public async Task<IReadOnlyList<int>> WaitForActiveSilosAsync(IReadOnlyList<ClusterSiloProcess> alive, IReadOnlyList<ClusterSiloProcess> dead, CancellationToken ct)
    {
        IReadOnlyList<(int Port, int Status)> rows = [];
        await ClusterProcessTests.EventuallyAsync(async () =>
        {
            rows = await MembershipAsync(ct);
            var active = rows.Where(r => r.Status == ActiveStatus).Select(r => r.Port).ToHashSet();
            return active.SetEquals(alive.Select(s => s.SiloPort))
                && dead.All(d => rows.Any(r => r.Port == d.SiloPort && r.Status == DeadStatus));
        }, TimeSpan.FromMinutes(2), () => "membership: " + string.Join(", ", rows) + "\n" + string.Join("\n", _silos.Select(s => s.Name + ":\n" + s.Output)));
        return [.. rows.Where(r => r.Status == ActiveStatus).Select(r => r.Port)];
    }

    /// <summary>Orleans' SiloStatus values as stored in the membership table.</summary>
    private const int ActiveStatus = 3, DeadStatus = 6;

    private async Task<IReadOnlyList<(int Port, int Status)>> MembershipAsync(CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT port, status FROM orleansmembershiptable WHERE deploymentid = @cluster", connection);
        command.Parameters.AddWithValue("cluster", ClusterId);
        var rows = new List<(int, int)>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add((reader.GetInt32(0), reader.GetInt32(1)));
        }
        return rows;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            silo.Dispose();
        }
        NpgsqlConnection.ClearAllPools();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
        _folder.Dispose();
    }
}

/// <summary>One server process of this build run as a cluster silo; killed (SIGKILL, whole tree) on <see cref="Kill"/> or dispose.</summary>
internal sealed class ClusterSiloProcess : IDisposable
{
    private readonly Process _process;
    private readonly System.Text.StringBuilder _log = new();

    private ClusterSiloProcess(string name, Process process, int httpPort, int siloPort)
    {
        Name = name;
        _process = process;
        Url = "http://127.0.0.1:" + httpPort.ToString(CultureInfo.InvariantCulture);
        SiloPort = siloPort;
    }

    public string Name { get; }

    public string Url { get; }

    public int SiloPort { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the process wrote (stdout and stderr).</summary>
    public string Output
    {
        get
        {
            lock (_log)
            {
                return _log.Length > 8000 ? _log.ToString(_log.Length - 8000, 8000) : _log.ToString();
            }
        }
    }

    public static ClusterSiloProcess Start(string name, IReadOnlyDictionary<string, string> settings)
    {
        var httpPort = Infrastructure.CivicGridServerFactory.FreeTcpPort();
        var siloPort = Infrastructure.CivicGridServerFactory.FreeTcpPort();
        var gatewayPort = Infrastructure.CivicGridServerFactory.FreeTcpPort();
        var dll = typeof(Program).Assembly.Location;
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = Path.GetDirectoryName(dll)!, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add("--urls=http://127.0.0.1:" + httpPort.ToString(CultureInfo.InvariantCulture));
        info.ArgumentList.Add("--CivicGrid:Orleans:SiloPort=" + siloPort.ToString(CultureInfo.InvariantCulture));
        info.ArgumentList.Add("--CivicGrid:Orleans:GatewayPort=" + gatewayPort.ToString(CultureInfo.InvariantCulture));
        foreach (var (key, value) in settings)
        {
            info.ArgumentList.Add($"--{key}={value}");
        }
        // Only the settings above: nothing inherited from another test's environment.
        foreach (var inherited in info.Environment.Keys.Where(k => k.StartsWith("CivicGrid__", StringComparison.Ordinal) || k.StartsWith("ConnectionStrings__", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(inherited);
        }
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var process = new Process { StartInfo = info };
        var silo = new ClusterSiloProcess(name, process, httpPort, siloPort);
        process.OutputDataReceived += (_, e) => silo.Append(e.Data);
        process.ErrorDataReceived += (_, e) => silo.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return silo;
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.AppendLine(line);
            }
        }
    }

    /// <summary>Kills the process at once: no graceful shutdown, no leaving the membership table.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(15_000);
        }
    }

    public void Dispose()
    {
        try
        {
            Kill();
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }
        _process.Dispose();
    }
}
