using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using CivicGrid.Ledger.Notes;
using CivicGrid.Ledger.Receipts;
using CivicGrid.Platform;
using CivicGrid.Platform.Decisions;
using CivicGrid.Platform.DemoCity;
using CivicGrid.Platform.Federation;
using CivicGrid.Server.Api;
using CivicGrid.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace CivicGrid.Server.Tests;

/// <summary>
/// Cross-region energy trades between two nodes on loopback (real HTTP between them): the trade is in both logs and
/// each region's entry names the other's entry; replays and tampered terms are refused.
/// </summary>
public sealed class FederationTradeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly IReadOnlyList<string> Regions = [.. DemoCityGenerator.Generate(2026).Regions.Select(r => r.Id).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task A_trade_is_recorded_in_both_regions_logs_each_entry_referencing_the_other()
    {
        using var folders = new LedgerTestFolders();
        var (north, south) = (Regions[0], Regions[1]);
        var aData = folders.Create();
        var bData = folders.Create();
        var aKey = LedgerTestNode.PlaceRegionKey(aData, north);
        var bKey = LedgerTestNode.PlaceRegionKey(bData, south);
        var aPort = LedgerTestNode.FreePort();
        var bPort = LedgerTestNode.FreePort();
        await using var a = await FederationTestNode.StartAsync(aData, aPort, north, south, bPort, bKey);
        await using var b = await FederationTestNode.StartAsync(bData, bPort, south, north, aPort, aKey);

        var start = new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);
        var terms = new TradeTerms(north, south, 250, 0.18, "EUR", start, start.AddHours(1));
        CrossRegionTradeResult trade;
        using (var scope = a.Services.CreateScope())
        {
            trade = await scope.ServiceProvider.GetRequiredService<CrossRegionTradeService>().ProposeAsync(terms, "operator-north", Ct);
        }

        // The acceptance is in south's log, verifiable with south's key, and names north's proposal entry.
        var acceptance = Receipt.Parse(trade.Acceptance.Receipt);
        Assert.True(acceptance.Verify(bKey).IsValid);
        var accepted = JsonNode.Parse(acceptance.Entry)!;
        Assert.Equal(south, accepted["region_id"]!.GetValue<string>());
        var acceptedOutcome = JsonNode.Parse(accepted["outcome"]!.GetValue<string>())!;
        Assert.Equal("accepted", acceptedOutcome["stage"]!.GetValue<string>());
        var proposalEntry = acceptedOutcome["counterpart_entry"]!;
        Assert.Equal(LedgerTransparencyLogs.OriginOf(north), proposalEntry["origin"]!.GetValue<string>());
        Assert.Equal(trade.Proposal.LogIndex, proposalEntry["index"]!.GetValue<long>());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(trade.Proposal.CanonicalJson))), proposalEntry["entry_sha256"]!.GetValue<string>());

        // North's confirmation names south's acceptance entry; both of north's entries verify with north's key.
        var confirmation = JsonNode.Parse(trade.Confirmation.Record.Outcome)!;
        Assert.Equal("confirmed", confirmation["stage"]!.GetValue<string>());
        Assert.Equal(trade.Acceptance.LogIndex, confirmation["counterpart_entry"]!["index"]!.GetValue<long>());
        Assert.Equal(LedgerTransparencyLogs.OriginOf(south), confirmation["counterpart_entry"]!["origin"]!.GetValue<string>());
        Assert.True(Receipt.Parse(trade.Proposal.Receipt).Verify(aKey).IsValid);
        Assert.True(Receipt.Parse(trade.Confirmation.Receipt).Verify(aKey).IsValid);
        Assert.Equal(terms.Canonical(), JsonNode.Parse(trade.Confirmation.Record.Outcome)!["terms"]!.ToJsonString());

        // The acceptance is served by south's own ledger API as a receipt of its log.
        using var bClient = b.CreateClient();
        var served = await bClient.GetAsync(new Uri($"/api/ledger/logs/{south}/receipts/{trade.Acceptance.LogIndex.ToString(CultureInfo.InvariantCulture)}", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal(acceptance.Entry, Receipt.Parse(await served.Content.ReadAsStringAsync(Ct)).Entry);

        // A replay of the counterpart call is refused, and so are terms that the proposal receipt does not log.
        var replay = await bClient.PostAsJsonAsync(new Uri("/api/federation/trades/counterpart", UriKind.Relative),
            new TradeCounterpartRequest(trade.TradeId, north, terms, trade.Proposal.Receipt), Ct);
        Assert.Equal(HttpStatusCode.Conflict, replay.StatusCode);
        var tampered = await bClient.PostAsJsonAsync(new Uri("/api/federation/trades/counterpart", UriKind.Relative),
            new TradeCounterpartRequest(Guid.NewGuid(), north, terms with { EnergyKilowattHours = 2500 }, trade.Proposal.Receipt), Ct);
        Assert.Equal(HttpStatusCode.Forbidden, tampered.StatusCode);
        // South's own receipt passed off as north's proposal does not verify with north's key.
        var foreign = await bClient.PostAsJsonAsync(new Uri("/api/federation/trades/counterpart", UriKind.Relative),
            new TradeCounterpartRequest(Guid.NewGuid(), north, terms, trade.Acceptance.Receipt), Ct);
        Assert.Equal(HttpStatusCode.Forbidden, foreign.StatusCode);

        // The federation status of each node names its region, its log key and its peer.
        using var aClient = a.CreateClient();
        var status = await aClient.GetFromJsonAsync<JsonNode>(new Uri("/api/federation", UriKind.Relative), Ct);
        Assert.Equal(north, status!["region"]!.GetValue<string>());
        Assert.Equal(aKey.Encoded, status["logVerifierKey"]!.GetValue<string>());
        Assert.Equal(south, status["peers"]![0]!["region"]!.GetValue<string>());
    }

    [Fact]
    public async Task Trade_terms_and_peers_are_checked_before_anything_is_logged()
    {
        using var folders = new LedgerTestFolders();
        var data = folders.Create();
        await using var a = await FederationTestNode.StartAsync(data, LedgerTestNode.FreePort(), Regions[0], Regions[1], LedgerTestNode.FreePort(), LedgerTestNode.PlaceRegionKey(folders.Create(), Regions[1]));
        using var scope = a.Services.CreateScope();
        var trades = scope.ServiceProvider.GetRequiredService<CrossRegionTradeService>();
        var start = new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);
        async Task<string> Refused(TradeTerms t) => (await Assert.ThrowsAsync<FederationException>(() => trades.ProposeAsync(t, "op", Ct))).Message;
        Assert.Contains("not a configured peer", await Refused(new TradeTerms(Regions[0], Regions[2], 10, 0.1, "EUR", start, start.AddHours(1))), StringComparison.Ordinal);
        Assert.Contains("neither seller nor buyer", await Refused(new TradeTerms(Regions[1], Regions[2], 10, 0.1, "EUR", start, start.AddHours(1))), StringComparison.Ordinal);
        Assert.Contains("positive", await Refused(new TradeTerms(Regions[0], Regions[1], 0, 0.1, "EUR", start, start.AddHours(1))), StringComparison.Ordinal);
        Assert.Contains("after deliveryStart", await Refused(new TradeTerms(Regions[0], Regions[1], 10, 0.1, "EUR", start, start)), StringComparison.Ordinal);
        // The peer is down: the proposal is logged but the trade is reported as failed (502), never half-confirmed.
        var down = await Assert.ThrowsAsync<FederationException>(() => trades.ProposeAsync(new TradeTerms(Regions[0], Regions[1], 10, 0.1, "EUR", start, start.AddHours(1)), "op", Ct));
        Assert.Equal(502, down.Status);
    }
}

/// <summary>A node with the platform, the ledger and the federation endpoints on a loopback port (no accounts).</summary>
internal sealed class FederationTestNode : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FederationTestNode(WebApplication app) => _app = app;

    public IServiceProvider Services => _app.Services;

    public string Url => _app.Urls.First().TrimEnd('/');

    public HttpClient CreateClient() => new() { BaseAddress = new Uri(Url) };

    public static async Task<FederationTestNode> StartAsync(string data, int port, string region, string peerRegion, int peerPort, NoteVerifierKey peerKey)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture));
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CivicGrid:DataDirectory"] = data,
            ["CivicGrid:Storage:Provider"] = "Sqlite",
            ["ConnectionStrings:CivicGrid"] = null,
            ["CivicGrid:Federation:Region"] = region,
            ["CivicGrid:Federation:Peers:0:Region"] = peerRegion,
            ["CivicGrid:Federation:Peers:0:Url"] = "http://127.0.0.1:" + peerPort.ToString(CultureInfo.InvariantCulture),
            ["CivicGrid:Federation:Peers:0:LogVerifierKey"] = peerKey.Encoded,
            ["CivicGrid:Federation:RequestTimeoutMilliseconds"] = "60000",
            ["CivicGrid:Ngsi:PublishDemoCity"] = "false",
        });
        builder.Services.AddCivicGridPlatform(builder.Configuration);
        builder.Services.AddLedgerServer();
        builder.Services.AddFederationServer();
        builder.Services.AddProblemDetails();
        var app = builder.Build();
        await app.Services.InitializeCivicGridPlatformAsync(TestContext.Current.CancellationToken);
        var api = app.MapGroup("/api");
        api.MapLedgerEndpoints();
        api.MapFederationEndpoints();
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new FederationTestNode(app);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
