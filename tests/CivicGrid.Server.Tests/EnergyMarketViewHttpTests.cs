using System.Net;
using CivicGrid.Energy.Market;
using CivicGrid.Platform;
using CivicGrid.Server.Tests.Infrastructure;
using Xunit;

namespace CivicGrid.Server.Tests;

/// <summary>
/// The read side of the market and shedding pages on the real server: demo bids from the city's devices, grid-aware
/// and continuous clearings recorded with their method, recent clearings and runs, blocks and shortage days.
/// </summary>
[Collection(SqliteServerCollection.Name)]
public sealed class EnergyMarketViewHttpTests(SqliteServerFixture fixture)
{
    private async Task<(string Region, HttpClient Client)> OperatorAsync(int regionIndex)
    {
        var server = await fixture.ServerAsync();
        var regions = await server.RegionIdsAsync();
        var region = regions[regionIndex % regions.Count];
        var op = await server.CreateAccountAsync("market-view-" + Guid.NewGuid().ToString("N")[..6], [PlatformRoles.Operator], [region]);
        return (region, server.CreateApiClient(op.ApiKey));
    }

    [Fact]
    public async Task Demo_bids_round_trip_through_their_csv_and_sit_on_the_regions_feeder_buses()
    {
        var (region, client) = await OperatorAsync(0);
        using var lease = client;
        var demo = await (await client.GetAtAsync($"/api/energy/market/{region}/bids")).JsonAsync();
        var bids = demo.GetProperty("bids").EnumerateArray().ToList();
        Assert.NotEmpty(bids);
        var first = demo.GetProperty("firstBus").GetInt32();
        var last = demo.GetProperty("lastBus").GetInt32();
        Assert.True(first > 1 && last >= first);
        foreach (var b in bids)
        {
            var bus = b.GetProperty("bus").GetInt32();
            Assert.InRange(bus, first, last);
            Assert.True(b.GetProperty("quantityKWh").GetDouble() > 0);
        }
        var parsed = BidCsvReader.Parse(demo.GetProperty("csv").GetString()!, "demo.csv");
        Assert.Equal(bids.Count, parsed.Count);
        for (var k = 0; k < parsed.Count; k++)
        {
            Assert.Equal(bids[k].GetProperty("id").GetString(), parsed[k].Id);
            Assert.Equal(bids[k].GetProperty("priceEurPerKWh").GetDouble(), parsed[k].PriceEurPerKWh);
            Assert.Equal(bids[k].GetProperty("quantityKWh").GetDouble(), parsed[k].QuantityKWh);
        }
    }

    [Fact]
    public async Task Grid_aware_clearing_curtails_a_trade_the_feeder_cannot_carry_and_is_listed_with_its_method()
    {
        var (region, client) = await OperatorAsync(1);
        using var lease = client;
        var demo = await (await client.GetAtAsync($"/api/energy/market/{region}/bids")).JsonAsync();
        var first = demo.GetProperty("firstBus").GetInt32();
        // 60 kWh in a quarter hour is 240 kW, above the 166 kVA rating of the section between the two buses.
        var body = new
        {
            interval = 3,
            method = "GridAware",
            bids = new[]
            {
                new { id = "far-sell", participant = "pv-owner", side = "Sell", quantityKWh = 60.0, priceEurPerKWh = 0.05, bus = first + 1 },
                new { id = "near-buy", participant = "bakery", side = "Buy", quantityKWh = 60.0, priceEurPerKWh = 0.30, bus = first },
            },
        };
        var response = await client.PostJsonAtAsync($"/api/energy/market/{region}/clear", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var r = await response.JsonAsync();
        Assert.Equal("grid-aware", r.GetProperty("method").GetString());
        var cleared = r.GetProperty("clearedKWh").GetDouble();
        Assert.True(cleared is > 0 and < 60 - 1e-6, $"cleared {cleared} kWh");
        Assert.NotEmpty(r.GetProperty("bindingConstraints").EnumerateArray());
        Assert.Equal("grid-aware-double-auction", r.GetProperty("decision").GetProperty("algorithm").GetString());
        var logIndex = r.GetProperty("decision").GetProperty("logIndex").GetInt64();

        var recent = await (await client.GetAtAsync($"/api/energy/market/{region}/clearings?take=5")).JsonAsync();
        var listed = recent.EnumerateArray().First(c => c.GetProperty("logIndex").GetInt64() == logIndex);
        Assert.Equal("grid-aware-double-auction", listed.GetProperty("algorithm").GetString());
        Assert.Equal(cleared, listed.GetProperty("clearedKWh").GetDouble(), 9);
        Assert.Equal(3, listed.GetProperty("interval").GetInt32());
    }

    [Fact]
    public async Task Continuous_clearing_trades_at_the_resting_price_and_leaves_an_unmatched_order_in_the_book()
    {
        var (region, client) = await OperatorAsync(2);
        using var lease = client;
        var body = new
        {
            method = "Continuous",
            bids = new[]
            {
                new { id = "s1", participant = "dave", side = "Sell", quantityKWh = 2.0, priceEurPerKWh = 0.10 },
                new { id = "b1", participant = "alice", side = "Buy", quantityKWh = 1.5, priceEurPerKWh = 0.30 },
                new { id = "b2", participant = "bob", side = "Buy", quantityKWh = 1.0, priceEurPerKWh = 0.01 },
            },
        };
        var response = await client.PostJsonAtAsync($"/api/energy/market/{region}/clear", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var r = await response.JsonAsync();
        Assert.Equal("continuous", r.GetProperty("method").GetString());
        var trade = Assert.Single(r.GetProperty("trades").EnumerateArray());
        Assert.Equal(1.5, trade.GetProperty("quantityKWh").GetDouble(), 12);
        Assert.Equal(0.10, trade.GetProperty("buyerPriceEurPerKWh").GetDouble(), 12);
        var resting = r.GetProperty("fills").EnumerateArray().Single(f => f.GetProperty("bidId").GetString() == "b2");
        Assert.Equal(0, resting.GetProperty("clearedKWh").GetDouble());
        Assert.Equal("continuous-double-auction", r.GetProperty("decision").GetProperty("algorithm").GetString());
    }

    [Fact]
    public async Task Shedding_views_list_blocks_a_shortage_day_and_the_recorded_run()
    {
        var (region, client) = await OperatorAsync(3);
        using var lease = client;
        var blocks = (await (await client.GetAtAsync($"/api/energy/shedding/{region}/households")).JsonAsync()).EnumerateArray().ToList();
        Assert.NotEmpty(blocks);
        Assert.All(blocks, b => Assert.StartsWith(region + "/district-", b.GetProperty("district").GetString(), StringComparison.Ordinal));
        Assert.True(blocks.Select(b => b.GetProperty("district").GetString()).Distinct().Count() > 1);

        var day = await (await client.GetAtAsync($"/api/energy/shedding/{region}/shortage-day")).JsonAsync();
        var demand = day.GetProperty("demandKW").EnumerateArray().Select(x => x.GetDouble()).ToList();
        var shortfall = day.GetProperty("shortfallKW").EnumerateArray().Select(x => x.GetDouble()).ToList();
        Assert.Equal(96, demand.Count);
        var limit = day.GetProperty("supplyLimitKW").GetDouble();
        for (var t = 0; t < 96; t++)
        {
            Assert.Equal(Math.Max(0, demand[t] - limit), shortfall[t], 2e-3);
        }
        Assert.Contains(shortfall, s => s > 0);

        var shed = await (await client.PostJsonAtAsync($"/api/energy/shedding/{region}", new { shortfallKW = 5.0, intervals = 3 })).JsonAsync();
        var decisions = shed.GetProperty("decisions").EnumerateArray().ToList();
        Assert.NotEmpty(decisions);
        var runs = await (await client.GetAtAsync($"/api/energy/shedding/{region}/runs?take=3")).JsonAsync();
        var newest = runs.EnumerateArray().First();
        Assert.Equal(decisions.Count, newest.GetProperty("decisions").GetInt32());
        Assert.Equal(decisions.Min(d => d.GetProperty("logIndex").GetInt64()), newest.GetProperty("firstLogIndex").GetInt64());
        Assert.Equal(decisions[0].GetProperty("parameters").GetProperty("run").GetString(), newest.GetProperty("runId").GetString());
    }

    [Fact]
    public async Task View_endpoints_answer_404_for_an_unknown_region_and_403_to_residents()
    {
        var server = await fixture.ServerAsync();
        var regions = await server.RegionIdsAsync();
        var (_, client) = await OperatorAsync(0);
        using var lease = client;
        foreach (var path in new[] { "market/nowhere/bids", "market/nowhere/clearings", "shedding/nowhere/households", "shedding/nowhere/shortage-day", "shedding/nowhere/runs" })
        {
            await HttpAssertions.AssertProblemAsync(await client.GetAtAsync("/api/energy/" + path), HttpStatusCode.NotFound);
        }
        await HttpAssertions.AssertProblemAsync(await client.GetAtAsync($"/api/energy/market/{regions[0]}/clearings?take=0"), HttpStatusCode.BadRequest);

        var account = await server.CreateAccountAsync("market-view-res-" + Guid.NewGuid().ToString("N")[..6], [PlatformRoles.Resident]);
        using var resident = server.CreateApiClient(account.ApiKey);
        Assert.Equal(HttpStatusCode.Forbidden, (await resident.GetAtAsync($"/api/energy/market/{regions[0]}/bids")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await resident.GetAtAsync($"/api/energy/shedding/{regions[0]}/runs")).StatusCode);
    }
}
