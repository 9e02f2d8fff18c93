using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using CivicGrid.Platform;
using CivicGrid.Platform.Accounts;
using CivicGrid.Platform.Storage;
using CivicGrid.Platform.Telemetry;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CivicGrid.LoadTest;

/// <summary>
/// Sustained telemetry ingestion against a real CivicGrid server process on loopback: provisions an operator API key in
/// the server's database, starts the server, posts batches from several concurrent senders for a bounded time, and
/// reports readings/s, p50/p99 batch latency, refusals (503), errors and the server's peak resident memory.
/// </summary>
internal static class LoadTestProgram
{
    private static async Task<int> Main(string[] args)
    {
        LoadTestSettings settings;
        try
        {
            settings = LoadTestSettings.Parse(args);
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message + Environment.NewLine + LoadTestSettings.Usage);
            return 2;
        }
        var dataDirectory = settings.DataDirectory ?? Directory.CreateTempSubdirectory("civicgrid-load-").FullName;
        Console.Error.WriteLine($"[load] data in {dataDirectory}; storage {(settings.Postgres is null ? "SQLite" : "PostgreSQL")}; {settings.Silos} silo(s)");
        var apiKey = await ProvisionAsync(settings, dataDirectory);

        var silos = new List<SiloProcess>();
        var clients = new List<HttpClient>();
        try
        {
            // The first silo creates the Orleans tables; the others join the cluster it started.
            var clusterId = "civicgrid-load-" + Guid.NewGuid().ToString("N")[..8];
            for (var i = 0; i < settings.Silos; i++)
            {
                var silo = SiloProcess.Start(settings, dataDirectory, i, clusterId);
                silos.Add(silo);
                var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = settings.Concurrency, PooledConnectionLifetime = TimeSpan.FromMinutes(30) })
                {
                    BaseAddress = new Uri($"http://127.0.0.1:{silo.HttpPort.ToString(CultureInfo.InvariantCulture)}"),
                    Timeout = TimeSpan.FromSeconds(100),
                };
                clients.Add(http);
                if (i == 0)
                {
                    await WaitForHealthAsync(http, silo.Process);
                }
            }
            foreach (var (http, silo) in clients.Zip(silos).Skip(1))
            {
                await WaitForHealthAsync(http, silo.Process);
            }
            foreach (var http in clients)
            {
                http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
            }

            var generator = new BatchGenerator(settings.Devices, settings.ReadingsPerDevice, settings.BatchReadings);
            Console.Error.WriteLine($"[load] warm-up {settings.WarmupSeconds} s, then {settings.Seconds} s with {settings.Concurrency} senders, batches of {settings.BatchReadings}");
            await new LoadRun(clients, generator, settings.Concurrency).RunAsync(TimeSpan.FromSeconds(settings.WarmupSeconds));
            var run = new LoadRun(clients, generator, settings.Concurrency);
            var peakBefore = silos.Select(s => PeakResidentBytes(s.Process)).ToList();
            var result = await run.RunAsync(TimeSpan.FromSeconds(settings.Seconds));
            var peaks = silos.Select((s, i) => Math.Max(peakBefore[i], PeakResidentBytes(s.Process))).ToList();
            Console.WriteLine(JsonSerializer.Serialize(result.ToReport(settings, peaks), ReportJson.Options));
            return result.Errors == 0 ? 0 : 1;
        }
        finally
        {
            foreach (var http in clients)
            {
                http.Dispose();
            }
            foreach (var silo in silos)
            {
                await silo.DisposeAsync();
            }
        }
    }

    private static async Task<string> ProvisionAsync(LoadTestSettings settings, string dataDirectory)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(ServerSettings(settings, dataDirectory)
            .Select(kv => KeyValuePair.Create(kv.Key.Replace("__", ":", StringComparison.Ordinal), (string?)kv.Value))).Build();
        var services = new ServiceCollection().AddLogging(l => l.SetMinimumLevel(LogLevel.Warning)).AddSingleton<IConfiguration>(configuration);
        services.AddCivicGridPlatform(configuration);
        services.AddTelemetryPlatform();
        await using var provider = services.BuildServiceProvider();
        await provider.InitializeCivicGridPlatformAsync(CancellationToken.None);
        await using var scope = provider.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PlatformUser>>();
        var name = "loadtest-" + Guid.NewGuid().ToString("N")[..8];
        var user = new PlatformUser { UserName = name, DisplayName = "load test gateway" };
        Check(await users.CreateAsync(user, "Load-test-" + Guid.NewGuid().ToString("N")));
        Check(await users.AddToRoleAsync(user, PlatformRoles.Operator));
        var key = await scope.ServiceProvider.GetRequiredService<ApiKeyService>().CreateAsync(user.Id, "load test", null, CancellationToken.None);
        return key.Key;
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => e.Description)));
        }
    }

    private static Dictionary<string, string> ServerSettings(LoadTestSettings settings, string dataDirectory)
    {
        var values = new Dictionary<string, string>
        {
            ["CivicGrid__DataDirectory"] = dataDirectory,
            ["CivicGrid__DemoCity__Enabled"] = "false",
            ["CivicGrid__Storage__Provider"] = settings.Postgres is null ? "Sqlite" : "PostgreSQL",
            ["CivicGrid__Orleans__SiloPort"] = "0",
            ["CivicGrid__Orleans__GatewayPort"] = "0",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        if (settings.Postgres is { } postgres)
        {
            values["ConnectionStrings__CivicGrid"] = postgres;
        }
        return values;
    }

    /// <summary>One server process; with several, each is a silo of one ADO.NET cluster with its own data folder and ports.</summary>
    private sealed class SiloProcess(Process process, int httpPort) : IAsyncDisposable
    {
        public Process Process { get; } = process;

        public int HttpPort { get; } = httpPort;

        public static SiloProcess Start(LoadTestSettings settings, string dataDirectory, int index, string clusterId)
        {
            var httpPort = index == 0 ? settings.Port : FreeTcpPort();
            var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, WorkingDirectory = Path.GetDirectoryName(settings.ServerDll)! };
            start.ArgumentList.Add(settings.ServerDll);
            // On the command line: appsettings.json's "Urls" would win over ASPNETCORE_URLS.
            start.ArgumentList.Add($"--urls=http://127.0.0.1:{httpPort.ToString(CultureInfo.InvariantCulture)}");
            start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
            foreach (var (key, value) in ServerSettings(settings, dataDirectory))
            {
                start.Environment[key] = value;
            }
            if (settings.Silos > 1)
            {
                var siloData = Path.Combine(dataDirectory, "silo-" + index.ToString(CultureInfo.InvariantCulture));
                start.Environment["CivicGrid__DataDirectory"] = siloData;
                start.Environment["CivicGrid__DataProtection__KeysDirectory"] = Path.Combine(dataDirectory, "keys");
                start.Environment["CivicGrid__Orleans__Clustering"] = "AdoNet";
                start.Environment["CivicGrid__Orleans__ClusterId"] = clusterId;
                start.Environment["CivicGrid__Orleans__AdvertisedAddress"] = "127.0.0.1";
            }
            var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + settings.ServerDll);
            return new SiloProcess(process, httpPort);
        }

        public async ValueTask DisposeAsync()
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
                await Process.WaitForExitAsync();
            }
            Process.Dispose();
        }
    }

    private static async Task WaitForHealthAsync(HttpClient http, Process server)
    {
        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (DateTime.UtcNow < deadline)
        {
            if (server.HasExited)
            {
                throw new InvalidOperationException($"the server exited with code {server.ExitCode.ToString(CultureInfo.InvariantCulture)} while starting");
            }
            try
            {
                if ((await http.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(500);
        }
        throw new TimeoutException("the server did not become ready within 5 minutes");
    }

    /// <summary>The server's peak resident set (VmHWM) from /proc, or its current peak working set elsewhere.</summary>
    private static long PeakResidentBytes(Process server)
    {
        var status = $"/proc/{server.Id.ToString(CultureInfo.InvariantCulture)}/status";
        if (File.Exists(status))
        {
            foreach (var line in File.ReadLines(status))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    var kb = long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                    return kb * 1024;
                }
            }
        }
        server.Refresh();
        return server.PeakWorkingSet64;
    }

    internal static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
