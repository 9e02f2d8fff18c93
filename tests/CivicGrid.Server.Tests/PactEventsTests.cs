using System.Globalization;
using System.Text.Json;
using CivicGrid.Platform;
using CivicGrid.Platform.Supply;
using CivicGrid.Server.Api;
using CivicGrid.Server.Hosting;
using CivicGrid.Supply.Pact;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace CivicGrid.Server.Tests;

/// <summary>
/// PACT v3 Action Events between two host systems on loopback (real HTTP, Kestrel): a data recipient posts a
/// RequestCreatedEvent to the city's node, which acknowledges it and then posts a RequestFulfilledEvent (or a
/// RequestRejectedEvent with the specification's error) to the recipient's events endpoint named by the request's
/// source, authenticating there with a token it finds through OpenID discovery. Every event received on either side
/// conforms to the v3 events schema.
/// </summary>
public sealed class PactEventsTests
{
    private const string OwnerSecret = "owner-issued-secret";
    private const string RecipientSecret = "recipient-issued-secret";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_request_is_answered_asynchronously_at_the_requesters_events_endpoint()
    {
        using var folders = new LedgerTestFolders();
        var recipientPort = PactTestNode.FreePort();
        var ownerPort = PactTestNode.FreePort();
        await using var owner = await PactTestNode.StartAsync(folders.Create(), new Dictionary<string, string?>
        {
            ["CivicGrid:Pact:Clients:recipient:Secret"] = OwnerSecret,
            ["CivicGrid:Pact:Partners:recipient:BaseUrl"] = $"http://127.0.0.1:{recipientPort.ToString(CultureInfo.InvariantCulture)}/",
            ["CivicGrid:Pact:Partners:recipient:ClientId"] = "city",
            ["CivicGrid:Pact:Partners:recipient:ClientSecret"] = RecipientSecret,
            ["CivicGrid:Pact:RetryDelayMilliseconds"] = "200",
        }, ownerPort);
        await using var recipient = await PactTestNode.StartAsync(folders.Create(), new Dictionary<string, string?>
        {
            ["CivicGrid:Supply:SeedDemoChain"] = "false",
            ["CivicGrid:Pact:Clients:city:Secret"] = RecipientSecret,
        }, recipientPort);

        // The owner seeds its demo chain in the background (minutes on a loaded runner); its first footprint names a
        // product to ask for.
        await WaitAsync(() => owner.Services.GetRequiredService<SupplyChainService>().IsReady ? "ready" : null, TimeSpan.FromMinutes(8));
        using var http = new HttpClient();
        var client = new PactClient(http, new Uri(owner.Url + "/"), "recipient", OwnerSecret);
        var listed = await client.ListAsync(null, 1, 1, Ct);
        Assert.Equal(new Uri(owner.Url + "/auth/token"), client.TokenEndpoint);
        var product = Assert.Single(listed.Footprints).ProductIds[0];
        var source = $"//127.0.0.1:{recipientPort.ToString(CultureInfo.InvariantCulture)}/3/events";

        var found = Guid.NewGuid().ToString();
        await client.PostEventAsync(PactCloudEvent.RequestCreated(found, source, DateTimeOffset.UtcNow, new FootprintFilter { ProductIds = [product] }), Ct);
        var missing = Guid.NewGuid().ToString();
        await client.PostEventAsync(PactCloudEvent.RequestCreated(missing, source, DateTimeOffset.UtcNow, new FootprintFilter { ProductIds = ["urn:gtin:0000000000000"] }), Ct);

        var fulfilled = await recipient.WaitForEventAsync(PactSchema.RequestFulfilledEventType, found);
        Assert.Empty(PactSchema.ValidateEvent(fulfilled));
        Assert.Equal($"//127.0.0.1:{ownerPort.ToString(CultureInfo.InvariantCulture)}/3/events", fulfilled.GetProperty("source").GetString());
        var pfs = fulfilled.GetProperty("data").GetProperty("pfs").EnumerateArray().ToList();
        Assert.NotEmpty(pfs);
        Assert.All(pfs, pf => Assert.Contains(product, pf.GetProperty("productIds").EnumerateArray().Select(p => p.GetString())));

        var rejected = await recipient.WaitForEventAsync(PactSchema.RequestRejectedEventType, missing);
        Assert.Empty(PactSchema.ValidateEvent(rejected));
        Assert.Equal("NotFound", rejected.GetProperty("data").GetProperty("error").GetProperty("code").GetString());
        var deliveries = owner.Services.GetRequiredService<PactEventDispatcher>().Deliveries;
        Assert.All(deliveries.Where(d => d.RequestEventId == found || d.RequestEventId == missing), d => Assert.Equal("delivered", d.State));
    }

    [Fact]
    public async Task An_answer_for_an_unknown_host_is_kept_undeliverable_and_a_down_partner_is_retried()
    {
        using var folders = new LedgerTestFolders();
        var downPort = PactTestNode.FreePort();
        await using var owner = await PactTestNode.StartAsync(folders.Create(), new Dictionary<string, string?>
        {
            ["CivicGrid:Supply:SeedDemoChain"] = "false",
            ["CivicGrid:Pact:Clients:recipient:Secret"] = OwnerSecret,
            ["CivicGrid:Pact:Partners:down:BaseUrl"] = $"http://127.0.0.1:{downPort.ToString(CultureInfo.InvariantCulture)}/",
            ["CivicGrid:Pact:Partners:down:ClientId"] = "city",
            ["CivicGrid:Pact:Partners:down:ClientSecret"] = RecipientSecret,
            ["CivicGrid:Pact:RetryDelayMilliseconds"] = "50",
            ["CivicGrid:Pact:DeliveryAttempts"] = "3",
        });
        using var http = new HttpClient();
        var client = new PactClient(http, new Uri(owner.Url + "/"), "recipient", OwnerSecret);
        var unknown = Guid.NewGuid().ToString();
        await client.PostEventAsync(PactCloudEvent.RequestCreated(unknown, "//unknown.example/3/events", DateTimeOffset.UtcNow, new FootprintFilter { ProductIds = ["urn:gtin:1"] }), Ct);
        var down = Guid.NewGuid().ToString();
        await client.PostEventAsync(PactCloudEvent.RequestCreated(down, $"//127.0.0.1:{downPort.ToString(CultureInfo.InvariantCulture)}/3/events", DateTimeOffset.UtcNow,
            new FootprintFilter { ProductIds = ["urn:gtin:1"] }), Ct);

        var dispatcher = owner.Services.GetRequiredService<PactEventDispatcher>();
        var undeliverable = await WaitAsync(() => dispatcher.Deliveries.FirstOrDefault(d => d.RequestEventId == unknown && d.State != "pending"));
        Assert.Equal("undeliverable", undeliverable.State);
        var failed = await WaitAsync(() => dispatcher.Deliveries.FirstOrDefault(d => d.RequestEventId == down && d.State != "pending"));
        Assert.Equal("failed", failed.State);
        Assert.Equal(3, failed.Attempts);
        Assert.Equal(PactSchema.RequestRejectedEventType, failed.AnswerType);
    }

    private static async Task<T> WaitAsync<T>(Func<T?> probe, TimeSpan? limit = null)
        where T : class
    {
        var until = DateTime.UtcNow + (limit ?? TimeSpan.FromMinutes(2));
        while (DateTime.UtcNow < until)
        {
            if (probe() is { } found)
            {
                return found;
            }
            await Task.Delay(200, Ct);
        }
        throw new TimeoutException($"nothing settled within {limit ?? TimeSpan.FromMinutes(2)}");
    }
}

/// <summary>A CivicGrid node reduced to the platform, the supply module and the PACT endpoints, on Kestrel (loopback).</summary>
public sealed class PactTestNode : IAsyncDisposable
{
    private readonly WebApplication _app;

    private PactTestNode(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>The node's base URL without a trailing slash, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public string Url { get; }

    public IServiceProvider Services => _app.Services;

    public static int FreePort() => Infrastructure.CivicGridServerFactory.FreeTcpPort();

    public static async Task<PactTestNode> StartAsync(string dataDirectory, IReadOnlyDictionary<string, string?> settings, int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture));
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var all = new Dictionary<string, string?>(settings, StringComparer.Ordinal)
        {
            ["CivicGrid:DataDirectory"] = dataDirectory,
            ["CivicGrid:Storage:Provider"] = "Sqlite",
        };
        all.TryAdd("ConnectionStrings:CivicGrid", null);
        builder.Configuration.AddInMemoryCollection(all);
        builder.Services.AddCivicGridPlatform(builder.Configuration);
        builder.Services.AddSupplyServer(builder.Configuration);
        var app = builder.Build();
        await app.Services.InitializeCivicGridPlatformAsync(TestContext.Current.CancellationToken);
        app.MapPactEndpoints();
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new PactTestNode(app, app.Urls.First().TrimEnd('/'));
    }

    /// <summary>Waits (up to two minutes) until this node received an event of <paramref name="type"/> answering <paramref name="requestEventId"/>.</summary>
    public async Task<JsonElement> WaitForEventAsync(string type, string requestEventId)
    {
        var supply = Services.GetRequiredService<SupplyChainService>();
        for (var i = 0; i < 600; i++)
        {
            foreach (var e in await supply.PactEventsAsync(100, TestContext.Current.CancellationToken))
            {
                if (e.Type != type)
                {
                    continue;
                }
                using var doc = JsonDocument.Parse(e.Json);
                if (doc.RootElement.GetProperty("data").GetProperty("requestEventId").GetString() == requestEventId)
                {
                    return doc.RootElement.Clone();
                }
            }
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
        throw new TimeoutException($"no {type} for request {requestEventId} arrived within two minutes");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
