using System.Net;
using System.Text.Json.Nodes;
using CivicGrid.Energy.Market;
using CivicGrid.Platform;
using CivicGrid.Platform.Storage;
using CivicGrid.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CivicGrid.Server.Tests;

/// <summary>
/// <c>/api/energy/market</c> and <c>/api/energy/shedding</c> on the real server: a clearing at the engine's price
/// recorded as a decision with a receipt, a shedding that never disconnects a critical household, and 403 for residents.
/// </summary>
[Collection(SqliteServerCollection.Name)]
public sealed class EnergyMarketHttpTests(SqliteServerFixture fixture)
{
    private static readonly (string Id, string Who, BidSide Side, double Q, double P)[] Bids =
    [
        ("b1", "alice", BidSide.Buy, 5, 0.31), ("b2", "bob", BidSide.Buy, 3, 0.24), ("b3", "carol", BidSide.Buy, 4, 0.18),
        ("s1", "dave", BidSide.Sell, 4, 0.12), ("s2", "erin", BidSide.Sell, 3, 0.20), ("s3", "frank", BidSide.Sell, 6, 0.27),
    ];

    private async Task<(CivicGridServerFactory Server, string Region, HttpClient Client)> OperatorAsync(string regionPick)
    {
        var server = await fixture.ServerAsync();
        var regions = await server.RegionIdsAsync();
        var region = regionPick == "first" ? regions[0] : regions[^1];
        var op = await server.CreateAccountAsync("market-op-" + Guid.NewGuid().ToString("N")[..6], [PlatformRoles.Operator], [region]);
        return (server, region, server.CreateApiClient(op.ApiKey));
    }

    [Fact]
    public async Task A_clearing_returns_the_engines_price_and_is_recorded_as_a_decision_with_a_receipt()
    {
        var (_, region, client) = await OperatorAsync("first");
        using var clientLease = client;
        var body = new
        {
            interval = 7,
            bids = Bids.Select(b => new { id = b.Id, participant = b.Who, side = b.Side.ToString(), quantityKWh = b.Q, priceEurPerKWh = b.P }).ToArray(),
        };
        var response = await client.PostJsonAtAsync($"/api/energy/market/{region}/clear", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var r = await response.JsonAsync();

        var engine = UniformPriceAuction.Clear(Bids.Select((b, k) => new Bid(b.Id, b.Who, b.Side, b.Q, b.P, null, 7, k)), 7);
        Assert.Equal(engine.PriceEurPerKWh, r.GetProperty("priceEurPerKWh").GetDouble(), 12);
        Assert.Equal(engine.ClearedKWh, r.GetProperty("clearedKWh").GetDouble(), 12);
        Assert.Equal(engine.Fills.Count(f => f.ClearedKWh > 0), r.GetProperty("marketReceipts").GetArrayLength());

        var decision = r.GetProperty("decision");
        Assert.Equal("MarketClearing", decision.GetProperty("kind").GetString());
        Assert.Equal("sha256:" + r.GetProperty("inputDigest").GetString(), decision.GetProperty("inputDigest").GetString());
        var id = decision.GetProperty("id").GetGuid();
        var listed = await (await client.GetAtAsync($"/api/decisions?regionId={region}&take=200")).JsonAsync();
        var found = listed.EnumerateArray().Single(d => d.GetProperty("id").GetGuid() == id);
        Assert.False(string.IsNullOrWhiteSpace(found.GetProperty("receipt").GetString()));
        Assert.Equal(decision.GetProperty("logIndex").GetInt64(), found.GetProperty("logIndex").GetInt64());
    }

    [Fact]
    public async Task Invalid_bids_are_a_problem()
    {
        var (_, region, client) = await OperatorAsync("first");
        using var clientLease = client;
        var body = new { bids = new[] { new { id = "x", participant = "p", side = "Buy", quantityKWh = -1.0, priceEurPerKWh = 0.2 } } };
        await HttpAssertions.AssertProblemAsync(await client.PostJsonAtAsync($"/api/energy/market/{region}/clear", body), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Shedding_never_disconnects_a_critical_household_and_is_audited()
    {
        var (server, region, client) = await OperatorAsync("last");
        using var clientLease = client;
        string criticalMeter;
        string criticalHousehold;
        using (var scope = server.Services.CreateScope())
        {
            var city = scope.ServiceProvider.GetRequiredService<CityRepository>();
            var meter = (await city.ListAssetsAsync(region, AssetKind.ElectricityMeter, TestContext.Current.CancellationToken))[0];
            criticalMeter = meter.Id;
            criticalHousehold = meter.HouseholdId!;
            await city.UpdateAssetAsync(meter.Id, a =>
            {
                var p = JsonNode.Parse(a.PropertiesJson)!.AsObject();
                p["critical"] = true;
                a.PropertiesJson = p.ToJsonString();
            }, TestContext.Current.CancellationToken);
        }

        // A shortfall far above the region's demand: every block is shed in every interval.
        var response = await client.PostJsonAtAsync($"/api/energy/shedding/{region}", new { shortfallKW = 1e6, intervals = 3 });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var r = await response.JsonAsync();
        Assert.Contains(criticalHousehold, r.GetProperty("criticalHouseholdIds").EnumerateArray().Select(h => h.GetString()));
        var decisions = r.GetProperty("decisions").EnumerateArray().ToList();
        Assert.Equal(3, decisions.Count);
        foreach (var d in decisions)
        {
            Assert.Equal("LoadShedding", d.GetProperty("kind").GetString());
            var assets = d.GetProperty("assetIds").EnumerateArray().Select(a => a.GetString()).ToList();
            Assert.NotEmpty(assets);
            Assert.DoesNotContain(criticalMeter, assets);
            Assert.False(string.IsNullOrWhiteSpace(d.GetProperty("reason").GetString()));
            Assert.False(string.IsNullOrWhiteSpace(d.GetProperty("receipt").GetString()));
        }

        var audit = await (await client.GetAtAsync($"/api/energy/shedding/{region}/audit")).JsonAsync();
        Assert.True(audit.GetProperty("decisions").GetInt32() >= 3);
        Assert.True(audit.GetProperty("audit").GetProperty("totalCurtailedKWh").GetDouble() > 0);
    }

    [Fact]
    public async Task Residents_can_neither_clear_nor_shed()
    {
        var server = await fixture.ServerAsync();
        var regions = await server.RegionIdsAsync();
        var account = await server.CreateAccountAsync("market-res-" + Guid.NewGuid().ToString("N")[..6], [PlatformRoles.Resident]);
        using var resident = server.CreateApiClient(account.ApiKey);
        var bids = new { bids = new[] { new { id = "x", participant = "p", side = "Buy", quantityKWh = 1.0, priceEurPerKWh = 0.2 } } };
        Assert.Equal(HttpStatusCode.Forbidden, (await resident.PostJsonAtAsync($"/api/energy/market/{regions[0]}/clear", bids)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await resident.PostJsonAtAsync($"/api/energy/shedding/{regions[0]}", new { shortfallKW = 10.0 })).StatusCode);
    }
}
