using System.Globalization;
using CivicGrid.Ledger.Notes;
using CivicGrid.Platform;
using CivicGrid.Platform.Decisions;
using CivicGrid.Platform.DemoCity;
using CivicGrid.Server.Api;
using CivicGrid.Server.Hosting;
using CivicGrid.Server.Tests.Infrastructure;
using CivicGrid.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit;

namespace CivicGrid.Server.Tests;

/// <summary>
/// A CivicGrid node reduced to the platform and the ledger endpoints, served by Kestrel on a loopback port, so
/// several nodes in one test talk real HTTP to each other (log → witnesses). Keys can be placed in the data
/// directory before start, so every node's configuration can name the others' keys.
/// </summary>
public sealed class LedgerTestNode : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LedgerTestNode(WebApplication app, string url, string dataDirectory)
    {
        _app = app;
        Url = url;
        DataDirectory = dataDirectory;
    }

    /// <summary>The node's base URL, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string Url { get; }

    public string DataDirectory { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>The first region of the demo city every node seeds (seed 2026).</summary>
    public static string FirstRegionId { get; } = DemoCityGenerator.Generate(2026).Regions.OrderBy(r => r.Id, StringComparer.Ordinal).First().Id;

    /// <summary>Writes a region log key into <paramref name="dataDirectory"/> and returns its verifier key.</summary>
    public static NoteVerifierKey PlaceRegionKey(string dataDirectory, string regionId)
    {
        using var signer = NoteSigner.Generate(LedgerTransparencyLogs.OriginOf(regionId));
        WriteKey(Path.Combine(dataDirectory, "ledger", "keys", regionId + ".key"), signer);
        return signer.VerifierKey;
    }

    /// <summary>Writes a witness cosigner key into <paramref name="dataDirectory"/> and returns its verifier key.</summary>
    public static NoteVerifierKey PlaceWitnessKey(string dataDirectory, string name)
    {
        using var signer = NoteSigner.Generate(name, NoteSignatureType.CosignatureV1);
        WriteKey(Path.Combine(dataDirectory, "ledger", "keys", "witness.key"), signer);
        return signer.VerifierKey;
    }

    private static void WriteKey(string path, NoteSigner signer)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, signer.EncodePrivate() + "\n");
    }

    /// <summary>Starts a node on <paramref name="port"/> (0: any free port) with the given settings.</summary>
    public static async Task<LedgerTestNode> StartAsync(string dataDirectory, IReadOnlyDictionary<string, string?> settings, int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture));
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var all = new Dictionary<string, string?>(settings, StringComparer.Ordinal)
        {
            ["CivicGrid:DataDirectory"] = dataDirectory,
            ["CivicGrid:Storage:Provider"] = settings.ContainsKey("ConnectionStrings:CivicGrid") ? "PostgreSQL" : "Sqlite",
        };
        // Other fixtures briefly publish their settings as environment variables while they start (see
        // CivicGridServerFactory); pin the connection string so a node never picks up another test's database.
        all.TryAdd("ConnectionStrings:CivicGrid", null);
        builder.Configuration.AddInMemoryCollection(all);
        builder.Services.AddCivicGridPlatform(builder.Configuration);
        builder.Services.AddLedgerServer();
        builder.Services.AddProblemDetails();
        var app = builder.Build();
        await app.Services.InitializeCivicGridPlatformAsync(TestContext.Current.CancellationToken);
        app.MapGroup("/api").MapLedgerEndpoints();
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new LedgerTestNode(app, app.Urls.First().TrimEnd('/'), dataDirectory);
    }

    /// <summary>A free loopback port to give a node before it starts (so other nodes can be configured with it).</summary>
    public static int FreePort() => CivicGridServerFactory.FreeTcpPort();

    /// <summary>An HTTP client pointed at this node.</summary>
    public HttpClient CreateClient() => new() { BaseAddress = new Uri(Url) };

    /// <summary>Records an automatic decision in <paramref name="regionId"/> and returns its receipt.</summary>
    public async Task<DecisionReceipt> AppendDecisionAsync(string regionId, string assetId, string outcome, DecisionKind kind = DecisionKind.LoadShedding)
    {
        using var scope = Services.CreateScope();
        var log = scope.ServiceProvider.GetRequiredService<IDecisionLog>();
        return await log.AppendAsync(new DecisionRequest(kind, regionId, [assetId], DecisionActor.Automatic,
            new DecisionAlgorithm("test-rule", "1"), DecisionRequest.DigestOf(outcome), outcome, "test of the ledger"),
            TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}

/// <summary>A temporary data directory per node, removed after the test.</summary>
public sealed class LedgerTestFolders : IDisposable
{
    private readonly List<TempFolder> _folders = [];

    public string Create()
    {
        var folder = RepositoryPaths.CreateTempFolder();
        _folders.Add(folder);
        return folder.Path;
    }

    public void Dispose()
    {
        foreach (var f in _folders)
        {
            f.Dispose();
        }
    }
}
