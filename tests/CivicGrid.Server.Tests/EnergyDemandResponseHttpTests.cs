using System.Globalization;
using System.Net;
using System.Text.Json;
using CivicGrid.Platform;
using CivicGrid.Server.Tests.Infrastructure;
using Xunit;

namespace CivicGrid.Server.Tests;

/// <summary>
/// <c>/api/energy/dr</c> on the real server (SQLite): issuing an event records a <c>DemandResponse</c> decision with a
/// receipt and sends instructions to the region's flexible loads; settlement pays delivered kWh × price and reports the
/// shortfall, and is recorded once; bad input is a 400 problem.
/// </summary>
[Collection(SqliteServerCollection.Name)]
public sealed class EnergyDemandResponseHttpTests(SqliteServerFixture fixture)
{
    private static async Task<(HttpClient Client, string Region)> OperatorAsync(SqliteServerFixture fixture)
    {
        var server = await fixture.ServerAsync();
        var regions = await server.RegionIdsAsync();
        var op = await server.CreateAccountAsync("dr-op-" + Guid.NewGuid().ToString("N")[..6], [PlatformRoles.Operator], [regions[0]]);
        return (server.CreateApiClient(op.ApiKey), regions[0]);
    }

    [Fact]
    public async Task Issuing_an_event_records_a_demand_response_decision_with_a_receipt_and_instructions()
    {
        var (client, region) = await OperatorAsync(fixture);
        using var _ = client;
        var response = await client.PostJsonAtAsync($"/api/energy/dr/{region}/events", new { intervals = 4, requestedKw = 6.0, paymentEurPerKwh = 0.4, reason = "evening peak" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var issued = await response.JsonAsync();
        var ev = issued.GetProperty("event");
        var decision = issued.GetProperty("decision");
        Assert.Equal("DemandResponse", decision.GetProperty("kind").GetString());
        Assert.Equal(region, decision.GetProperty("regionId").GetString());
        Assert.Equal("energy.dr-event", decision.GetProperty("parameters").GetProperty("decision").GetString());
        Assert.False(string.IsNullOrWhiteSpace(decision.GetProperty("receipt").GetString()));
        Assert.Equal(decision.GetProperty("logIndex").GetInt64(), ev.GetProperty("logIndex").GetInt64());
        var instructions = ev.GetProperty("instructions").EnumerateArray().ToList();
        Assert.NotEmpty(instructions);
        // The request is met when the willing loads offer enough, and never exceeded.
        var instructed = instructions.Sum(i => i.GetProperty("reductionKw").GetDouble());
        Assert.InRange(instructed, 0, 6.0 + 1e-9);
        Assert.Equal(instructed, ev.GetProperty("instructedKw").GetDouble(), 9);
        Assert.Equal(instructions.Count, decision.GetProperty("assetIds").GetArrayLength());

        var list = await (await client.GetAtAsync($"/api/energy/dr/{region}/events")).JsonAsync();
        var listed = list.EnumerateArray().Single(e => e.GetProperty("id").GetString() == ev.GetProperty("id").GetString());
        Assert.Contains(listed.GetProperty("status").GetString(), new[] { "active", "ended" });
        Assert.Equal(4, listed.GetProperty("intervals").GetInt32());
    }

    [Fact]
    public async Task Settlement_pays_delivered_energy_at_the_event_price_reports_the_shortfall_and_is_recorded_once()
    {
        var (client, region) = await OperatorAsync(fixture);
        using var _ = client;
        const double price = 0.5;
        var issued = await (await client.PostJsonAtAsync($"/api/energy/dr/{region}/events", new { intervals = 4, requestedKw = 8.0, paymentEurPerKwh = price })).JsonAsync();
        var id = issued.GetProperty("event").GetProperty("id").GetString();
        var instructed = issued.GetProperty("event").GetProperty("instructions").EnumerateArray()
            .ToDictionary(i => i.GetProperty("loadId").GetString()!, i => i.GetProperty("reductionKw").GetDouble(), StringComparer.Ordinal);

        // While the event runs, the statement is provisional and nothing is recorded.
        var provisional = await (await client.GetAtAsync($"/api/energy/dr/{region}/events/{id}/settlement")).JsonAsync();
        if (!provisional.GetProperty("final").GetBoolean())
        {
            Assert.Equal(JsonValueKind.Null, provisional.GetProperty("decisionId").ValueKind);
        }

        var settled = await (await client.PostJsonAtAsync($"/api/energy/dr/{region}/events/{id}/settlement", new { })).JsonAsync();
        Assert.True(settled.GetProperty("final").GetBoolean());
        Assert.False(string.IsNullOrWhiteSpace(settled.GetProperty("receipt").GetString()));
        var intervals = settled.GetProperty("settledIntervals").GetInt32();
        Assert.InRange(intervals, 1, 4);
        var delivered = settled.GetProperty("deliveredKwh").GetDouble();
        var committed = settled.GetProperty("committedKwh").GetDouble();
        Assert.Equal(delivered * price, settled.GetProperty("paymentEur").GetDouble(), 9);
        Assert.Equal(committed - delivered, settled.GetProperty("shortfallKwh").GetDouble(), 9);
        foreach (var load in settled.GetProperty("loads").EnumerateArray())
        {
            var kw = instructed[load.GetProperty("loadId").GetString()!];
            var c = load.GetProperty("committedKwh").GetDouble();
            var d = load.GetProperty("deliveredKwh").GetDouble();
            Assert.Equal(kw * 0.25 * intervals, c, 9); // instruction × settled duration
            Assert.InRange(d, 0, c + 1e-9);
            Assert.Equal(d * price, load.GetProperty("paymentEur").GetDouble(), 9);
            Assert.Equal(c - d, load.GetProperty("shortfallKwh").GetDouble(), 9);
        }
        Assert.Equal(instructed.Count, settled.GetProperty("loads").GetArrayLength());

        // The recorded decision says the same, and reading again returns that record instead of settling twice.
        var decisionId = settled.GetProperty("decisionId").GetString();
        var record = await (await client.GetAtAsync($"/api/decisions/{decisionId}")).JsonAsync();
        Assert.Equal("DemandResponse", record.GetProperty("kind").GetString());
        Assert.Equal(delivered, double.Parse(record.GetProperty("parameters").GetProperty("delivered_kwh").GetString()!, CultureInfo.InvariantCulture), 9);
        var again = await (await client.GetAtAsync($"/api/energy/dr/{region}/events/{id}/settlement")).JsonAsync();
        Assert.Equal(decisionId, again.GetProperty("decisionId").GetString());
        var list = await (await client.GetAtAsync($"/api/energy/dr/{region}/events")).JsonAsync();
        Assert.Equal("settled", list.EnumerateArray().Single(e => e.GetProperty("id").GetString() == id).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Bad_events_are_problems_and_non_operators_are_forbidden()
    {
        var (client, region) = await OperatorAsync(fixture);
        using var _ = client;
        var path = $"/api/energy/dr/{region}/events";
        var notOnBoundary = DateTimeOffset.UtcNow.AddHours(1);
        notOnBoundary = new DateTimeOffset(notOnBoundary.Year, notOnBoundary.Month, notOnBoundary.Day, notOnBoundary.Hour, 7, 0, TimeSpan.Zero);
        var problem = await HttpAssertions.AssertProblemAsync(
            await client.PostJsonAtAsync(path, new { start = notOnBoundary, intervals = 2, requestedKw = 3.0, paymentEurPerKwh = 0.4 }), HttpStatusCode.BadRequest);
        Assert.Contains("15-minute", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var past = DateTimeOffset.UtcNow.AddDays(-1);
        past = new DateTimeOffset(past.Year, past.Month, past.Day, past.Hour, 0, 0, TimeSpan.Zero);
        await HttpAssertions.AssertProblemAsync(await client.PostJsonAtAsync(path, new { start = past, intervals = 2, requestedKw = 3.0, paymentEurPerKwh = 0.4 }), HttpStatusCode.BadRequest);
        await HttpAssertions.AssertProblemAsync(await client.PostJsonAtAsync(path, new { intervals = 0, requestedKw = 3.0, paymentEurPerKwh = 0.4 }), HttpStatusCode.BadRequest);
        await HttpAssertions.AssertProblemAsync(await client.PostJsonAtAsync(path, new { intervals = 2, paymentEurPerKwh = 0.4 }), HttpStatusCode.BadRequest);
        await HttpAssertions.AssertProblemAsync(await client.PostJsonAtAsync(path, new { intervals = 2, requestedKw = -1.0, paymentEurPerKwh = 0.4 }), HttpStatusCode.BadRequest);
        // Nobody accepts a price below every household's minimum.
        var cheap = await HttpAssertions.AssertProblemAsync(await client.PostJsonAtAsync(path, new { intervals = 2, requestedKw = 3.0, paymentEurPerKwh = 0.01 }), HttpStatusCode.BadRequest);
        Assert.Contains("accepts", cheap.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await HttpAssertions.AssertProblemAsync(await client.GetAtAsync("/api/energy/dr/no-such-region/events"), HttpStatusCode.NotFound);
        await HttpAssertions.AssertProblemAsync(await client.GetAtAsync($"/api/energy/dr/{region}/events/dr-missing/settlement"), HttpStatusCode.NotFound);

        var server = await fixture.ServerAsync();
        var resident = await server.CreateAccountAsync("dr-res-" + Guid.NewGuid().ToString("N")[..6], [PlatformRoles.Resident]);
        using var residentClient = server.CreateApiClient(resident.ApiKey);
        var forbidden = await residentClient.PostJsonAtAsync(path, new { intervals = 2, requestedKw = 3.0, paymentEurPerKwh = 0.4 });
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
    }
}
