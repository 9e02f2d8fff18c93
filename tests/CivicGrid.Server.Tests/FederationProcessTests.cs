using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using CivicGrid.Ledger.Merkle;
using CivicGrid.Ledger.Notes;
using CivicGrid.Ledger.Receipts;
using CivicGrid.Ledger.Tiles;
using CivicGrid.Ledger.Witness;
using CivicGrid.Platform;
using CivicGrid.Platform.Accounts;
using CivicGrid.Platform.Decisions;
using CivicGrid.Platform.DemoCity;
using CivicGrid.Platform.Storage;
using CivicGrid.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CivicGrid.Server.Tests;

/// <summary>
/// Three regions as three real server processes (the built CivicGrid.Server.dll run by <c>dotnet</c>, each with its own
/// data directory, ports and region) witnessing each other on loopback: checkpoints are published only cosigned 2 of 2,
/// a trade lands in two regions' logs, and a node restarted on a rewritten log is refused (409/422) and raised as a
/// split view by the others' witness monitors.
/// </summary>
[Trait("Category", "Slow")]
public sealed class FederationProcessTests : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly IReadOnlyList<string> Regions = [.. DemoCityGenerator.Generate(2026).Regions.Select(r => r.Id).Order(StringComparer.Ordinal)];

    private readonly LedgerTestFolders _folders = new();
    private readonly List<ServerProcess> _processes = [];

    [Fact]
    public async Task Three_region_processes_cosign_k_of_n_record_a_trade_in_two_logs_and_detect_a_forked_log()
    {
        var server = ServerProcess.LocateServerDll();
        var nodes = Enumerable.Range(0, 3).Select(i => new NodeSetup(Regions[i], _folders.Create(), CivicGridServerFactoryPort())).ToList();
        foreach (var n in nodes)
        {
            n.LogKey = LedgerTestNode.PlaceRegionKey(n.Data, n.Region);
            n.WitnessKey = LedgerTestNode.PlaceWitnessKey(n.Data, "witness-" + n.Region);
            n.ApiKey = await PrepareAsync(n.Data, decisions: 0, n.Region);
        }
        foreach (var n in nodes)
        {
            _processes.Add(ServerProcess.Start(server, n, nodes, requiredCosignatures: 2));
        }
        var (a, b, c) = (nodes[0], nodes[1], nodes[2]);
        using var ha = Client(a);
        using var hb = Client(b);
        using var hc = Client(c);
        foreach (var (client, process) in new[] { ha, hb, hc }.Zip(_processes))
        {
            await WaitUntilAsync(async () => (await TryGetAsync(client, "/health/live"))?.StatusCode == HttpStatusCode.OK, TimeSpan.FromMinutes(3), () => process.Output);
        }

        // A cross-region trade from a to b: a's proposal and confirmation, b's acceptance naming a's entry.
        var start = new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);
        var trade = await ha.PostAsJsonAsync(new Uri("/api/federation/trades", UriKind.Relative), new
        {
            counterpartyRegion = b.Region, role = "seller", energyKilowattHours = 120.0, pricePerKilowattHour = 0.21, currency = "EUR",
            deliveryStart = start, deliveryEnd = start.AddHours(2),
        }, Ct);
        var tradeBody = await trade.Content.ReadAsStringAsync(Ct);
        Assert.True(trade.StatusCode == HttpStatusCode.Created, tradeBody + _processes[0].Output);
        var view = JsonNode.Parse(tradeBody)!;
        var acceptance = Receipt.Parse(view["acceptance"]!["receipt"]!.GetValue<string>());
        Assert.True(acceptance.Verify(b.LogKey!).IsValid);
        var accepted = JsonNode.Parse(JsonNode.Parse(acceptance.Entry)!["outcome"]!.GetValue<string>())!;
        Assert.Equal(view["proposal"]!["logIndex"]!.GetValue<long>(), accepted["counterpart_entry"]!["index"]!.GetValue<long>());
        Assert.Equal(acceptance.Index, JsonNode.Parse(view["confirmation"]!["outcome"]!.GetValue<string>())!["counterpart_entry"]!["index"]!.GetValue<long>());

        // k-of-n: a's checkpoint covering both of its entries is published with the cosignatures of b's and c's witnesses.
        SignedCheckpoint? published = null;
        await WaitUntilAsync(async () =>
        {
            var response = await TryGetAsync(ha, $"/api/ledger/logs/{a.Region}/checkpoint");
            if (response?.StatusCode != HttpStatusCode.OK)
            {
                return false;
            }
            published = SignedCheckpoint.OpenForLog(await response.Content.ReadAsByteArrayAsync(Ct), a.LogKey!);
            return published.Checkpoint.Size > view["confirmation"]!["logIndex"]!.GetValue<long>();
        }, TimeSpan.FromMinutes(2), () => _processes[0].Output);
        Assert.Equal(2, published!.CountCosignatures([b.WitnessKey!, c.WitnessKey!]));
        await WaitUntilAsync(async () =>
        {
            var response = await TryGetAsync(hb, $"/api/ledger/logs/{b.Region}/checkpoint");
            return response?.StatusCode == HttpStatusCode.OK
                && SignedCheckpoint.OpenForLog(await response.Content.ReadAsByteArrayAsync(Ct), b.LogKey!).CountCosignatures([a.WitnessKey!, c.WitnessKey!]) == 2;
        }, TimeSpan.FromMinutes(2), () => _processes[1].Output);

        // a is restarted on a rewritten log: same key, same URL, another (longer) history, publishing without witnesses.
        _processes[0].Dispose();
        var held = JsonNode.Parse(await (await hb.GetAsync(new Uri("/api/ledger/witness", UriKind.Relative), Ct)).Content.ReadAsStringAsync(Ct))!["logs"]!
            .AsArray().Single(l => l!["origin"]!.GetValue<string>() == LedgerTransparencyLogs.OriginOf(a.Region))!["size"]!.GetValue<long>();
        Assert.True(held >= 2, $"b cosigned size {held} of a's log");
        var fork = new NodeSetup(a.Region, _folders.Create(), a.Port);
        Directory.CreateDirectory(Path.Combine(fork.Data, "ledger", "keys"));
        foreach (var key in Directory.GetFiles(Path.Combine(a.Data, "ledger", "keys")))
        {
            File.Copy(key, Path.Combine(fork.Data, "ledger", "keys", Path.GetFileName(key)));
        }
        fork.LogKey = a.LogKey;
        fork.WitnessKey = a.WitnessKey;
        fork.ApiKey = await PrepareAsync(fork.Data, decisions: (int)held + 2, fork.Region);
        var forked = ServerProcess.Start(server, fork, [fork, b, c], requiredCosignatures: 0);
        _processes.Add(forked);
        using var hf = Client(fork);
        await WaitUntilAsync(async () => (await TryGetAsync(hf, "/health/live"))?.StatusCode == HttpStatusCode.OK, TimeSpan.FromMinutes(3), () => forked.Output);

        // The rewritten history gathers no cosignature, but this node publishes it anyway (k = 0).
        var round = await hf.PostAsync(new Uri($"/api/federation/publish/{a.Region}", UriKind.Relative), null, Ct);
        var roundBody = await round.Content.ReadAsStringAsync(Ct);
        Assert.True(round.StatusCode == HttpStatusCode.OK, roundBody);
        Assert.Equal(0, JsonNode.Parse(roundBody)!["cosignatures"]!.GetValue<int>());
        byte[] forkNote = [];
        long forkSize = 0;
        await WaitUntilAsync(async () =>
        {
            var response = await TryGetAsync(hf, $"/api/ledger/logs/{a.Region}/checkpoint");
            if (response?.StatusCode != HttpStatusCode.OK)
            {
                return false;
            }
            forkNote = await response.Content.ReadAsByteArrayAsync(Ct);
            forkSize = SignedCheckpoint.OpenForLog(forkNote, a.LogKey!).Checkpoint.Size;
            return forkSize >= held + 2;
        }, TimeSpan.FromMinutes(1), () => forked.Output);

        // Offered to a witness directly: from size 0 it is 409 with the size the witness cosigned; from that size
        // with the fork's own consistency proof (computed from the fork's served tiles) it is 422.
        var conflict = await LedgerHttpTests.PostTextAsync(hb, "/api/ledger/witness/add-checkpoint", new AddCheckpointRequest(0, [], forkNote).Format());
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Equal(held.ToString(CultureInfo.InvariantCulture) + "\n", await conflict.Content.ReadAsStringAsync(Ct));
        var proof = await Task.Run(() => MerkleProofs.Consistency(new TileNodeSource(new HttpTiles(hf, $"/api/ledger/logs/{a.Region}/"), forkSize), held, forkSize), Ct);
        var inconsistent = await LedgerHttpTests.PostTextAsync(hb, "/api/ledger/witness/add-checkpoint", new AddCheckpointRequest(held, proof, forkNote).Format());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, inconsistent.StatusCode);

        // The witness monitors of b and c fetch the fork's published checkpoint and tiles and raise a split-view alert.
        foreach (var (client, process) in new[] { (hb, _processes[1]), (hc, _processes[2]) })
        {
            await WaitUntilAsync(async () =>
            {
                var status = await TryGetAsync(client, "/api/federation");
                if (status?.StatusCode != HttpStatusCode.OK)
                {
                    return false;
                }
                var alerts = JsonNode.Parse(await status.Content.ReadAsStringAsync(Ct))!["alerts"]!.AsArray();
                return alerts.Any(x => x!["origin"]!.GetValue<string>() == LedgerTransparencyLogs.OriginOf(a.Region) && !x["consistent"]!.GetValue<bool>());
            }, TimeSpan.FromMinutes(1), () => process.Output);
        }
    }

    private static int CivicGridServerFactoryPort() => Infrastructure.CivicGridServerFactory.FreeTcpPort();

    private static HttpClient Client(NodeSetup node)
    {
        var client = new HttpClient { BaseAddress = new Uri(node.Url), Timeout = TimeSpan.FromSeconds(120) };
        client.DefaultRequestHeaders.Add("X-Api-Key", node.ApiKey);
        return client;
    }

    private static async Task<HttpResponseMessage?> TryGetAsync(HttpClient client, string path)
    {
        try
        {
            return await client.GetAsync(new Uri(path, UriKind.Relative), Ct);
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (TaskCanceledException) when (!Ct.IsCancellationRequested)
        {
            return null;
        }
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan limit, Func<string> diagnostics)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > limit)
            {
                Assert.Fail($"condition not reached within {limit}; node output:\n{diagnostics()}");
            }
            await Task.Delay(500, Ct);
        }
    }

    /// <summary>Creates the node's database (demo city, administrator) in process, appends <paramref name="decisions"/> to its region log, and returns an administrator API key.</summary>
    private static async Task<string> PrepareAsync(string data, int decisions, string region)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CivicGrid:DataDirectory"] = data,
            ["CivicGrid:Storage:Provider"] = "Sqlite",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddCivicGridPlatform(configuration);
        await using var provider = services.BuildServiceProvider();
        await provider.InitializeCivicGridPlatformAsync(Ct);
        await using var scope = provider.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PlatformDbContext>();
        var admin = await db.Users.SingleAsync(u => u.UserName == "admin", Ct);
        var key = await scope.ServiceProvider.GetRequiredService<ApiKeyService>().CreateAsync(admin.Id, "federation test", null, Ct);
        var log = scope.ServiceProvider.GetRequiredService<IDecisionLog>();
        for (var i = 0; i < decisions; i++)
        {
            await log.AppendAsync(new DecisionRequest(DecisionKind.LoadShedding, region, [$"asset-{i}"], DecisionActor.Automatic,
                new DecisionAlgorithm("rewritten-history", "1"), DecisionRequest.DigestOf($"other {i}"), $"other {i}", "a history the witnesses never saw"), Ct);
        }
        return key.Key;
    }

    public void Dispose()
    {
        foreach (var p in _processes)
        {
            p.Dispose();
        }
        _folders.Dispose();
    }

    /// <summary>Reads a node's served tiles synchronously (the proof code reads tiles synchronously).</summary>
    private sealed class HttpTiles(HttpClient client, string prefix) : ITileStore
    {
        public byte[]? Read(string path)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(prefix + path, UriKind.Relative));
            using var response = client.Send(request, Ct);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }
            response.EnsureSuccessStatusCode();
            using var stream = response.Content.ReadAsStream(Ct);
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            return buffer.ToArray();
        }
    }

    /// <summary>One node's identity: region, data directory, port and keys.</summary>
    private sealed class NodeSetup(string region, string data, int port)
    {
        public string Region { get; } = region;

        public string Data { get; } = data;

        public int Port { get; } = port;

        public string Url => "http://127.0.0.1:" + Port.ToString(CultureInfo.InvariantCulture);

        public NoteVerifierKey? LogKey { get; set; }

        public NoteVerifierKey? WitnessKey { get; set; }

        public string ApiKey { get; set; } = "";
    }

    /// <summary>A server process started by this test, stopped (and only it) when disposed.</summary>
    private sealed class ServerProcess : IDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();

        private ServerProcess(Process process) => _process = process;

        public string Output
        {
            get
            {
                lock (_output)
                {
                    var text = _output.ToString();
                    return text.Length > 6000 ? text[^6000..] : text;
                }
            }
        }

        /// <summary>The server's own build output (artifacts layout or bin/), which has its runtime and static-asset manifests.</summary>
        public static string LocateServerDll()
        {
            var testDir = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
            var configuration = Path.GetFileName(testDir);
            string[] candidates =
            [
                // artifacts: <artifacts>/bin/CivicGrid.Server.Tests/<config>/ → <artifacts>/bin/CivicGrid.Server/<config>/
                Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(testDir)!)!, "CivicGrid.Server", configuration, "CivicGrid.Server.dll"),
                // in-tree: tests/…/bin/<Config>/<tfm>/ → src/CivicGrid.Server/bin/<Config>/<tfm>/ (the same build, never a stale one)
                Path.Combine(RepositoryPaths.Root, "src", "CivicGrid.Server", "bin", Path.GetFileName(Path.GetDirectoryName(testDir)!), configuration, "CivicGrid.Server.dll"),
                typeof(Program).Assembly.Location,
            ];
            return candidates.FirstOrDefault(c => File.Exists(c) && File.Exists(Path.ChangeExtension(c, ".runtimeconfig.json")))
                ?? throw new InvalidOperationException("CivicGrid.Server.dll with its runtimeconfig was not found next to: " + string.Join(", ", candidates));
        }

        public static ServerProcess Start(string dll, NodeSetup node, IReadOnlyList<NodeSetup> all, int requiredCosignatures)
        {
            var settings = new Dictionary<string, string>
            {
                ["urls"] = node.Url,
                ["CivicGrid:DataDirectory"] = node.Data,
                ["CivicGrid:Storage:Provider"] = "Sqlite",
                ["CivicGrid:Orleans:SiloPort"] = CivicGridServerFactoryPort().ToString(CultureInfo.InvariantCulture),
                ["CivicGrid:Orleans:GatewayPort"] = CivicGridServerFactoryPort().ToString(CultureInfo.InvariantCulture),
                ["CivicGrid:Ngsi:PublishDemoCity"] = "false",
                ["CivicGrid:Federation:Region"] = node.Region,
                ["CivicGrid:Ledger:Witness:Name"] = "witness-" + node.Region,
                ["CivicGrid:Ledger:Witness:MonitorIntervalMilliseconds"] = "1000",
                ["CivicGrid:Ledger:Publication:RequiredCosignatures"] = requiredCosignatures.ToString(CultureInfo.InvariantCulture),
                ["CivicGrid:Ledger:Publication:IntervalMilliseconds"] = "1000",
                ["CivicGrid:Ledger:Publication:RequestTimeoutMilliseconds"] = "30000",
                ["CivicGrid:Federation:RequestTimeoutMilliseconds"] = "60000",
                ["Logging:LogLevel:Default"] = "Warning",
                ["Logging:LogLevel:Orleans"] = "Error",
            };
            var i = 0;
            foreach (var other in all.Where(o => o.Region != node.Region))
            {
                var n = i.ToString(CultureInfo.InvariantCulture);
                settings[$"CivicGrid:Federation:Peers:{n}:Region"] = other.Region;
                settings[$"CivicGrid:Federation:Peers:{n}:Url"] = other.Url;
                settings[$"CivicGrid:Federation:Peers:{n}:LogVerifierKey"] = other.LogKey!.Encoded;
                settings[$"CivicGrid:Ledger:Witness:Logs:{n}:Origin"] = other.LogKey.Name;
                settings[$"CivicGrid:Ledger:Witness:Logs:{n}:VerifierKey"] = other.LogKey.Encoded;
                settings[$"CivicGrid:Ledger:Witness:Logs:{n}:Url"] = $"{other.Url}/api/ledger/logs/{other.Region}/";
                settings[$"CivicGrid:Ledger:Publication:Witnesses:{n}:VerifierKey"] = other.WitnessKey!.Encoded;
                settings[$"CivicGrid:Ledger:Publication:Witnesses:{n}:Url"] = $"{other.Url}/api/ledger/witness";
                i++;
            }
            var info = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = Path.GetDirectoryName(dll)!,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            info.ArgumentList.Add(dll);
            foreach (var (key, value) in settings)
            {
                info.ArgumentList.Add($"--{key}={value}");
            }
            // The node must not inherit another test's database settings from the environment.
            info.Environment.Remove("ConnectionStrings__CivicGrid");
            info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
            var process = new Process { StartInfo = info };
            var server = new ServerProcess(process);
            process.OutputDataReceived += (_, e) => server.Append(e.Data);
            process.ErrorDataReceived += (_, e) => server.Append(e.Data);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return server;
        }

        private void Append(string? line)
        {
            if (line is null)
            {
                return;
            }
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }

        public void Dispose()
        {
            try
            {
                if (!_process.HasExited)
                {
                    _process.Kill(entireProcessTree: true);
                    _process.WaitForExit(10_000);
                }
            }
            catch (InvalidOperationException)
            {
                // Never started or already gone.
            }
            _process.Dispose();
        }
    }
}
