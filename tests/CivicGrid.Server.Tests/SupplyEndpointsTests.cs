using System.Net;
using System.Text;
using CivicGrid.Platform;
using CivicGrid.Platform.Supply;
using CivicGrid.Server.Tests.Infrastructure;
using CivicGrid.Supply.Provenance;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CivicGrid.Server.Tests;

/// <summary>
/// The supply chain of the demo city through /api/supply: withholding alerts and concentration, a lot's history
/// verified from signatures and transparency-log receipts, and signed events submitted by an operator (a replay refused).
/// </summary>
[Collection(SqliteServerCollection.Name)]
public sealed class SupplyEndpointsTests(SqliteServerFixture fixture)
{
    [Fact]
    public async Task Overview_flags_the_injected_withholding_and_reports_concentration_and_reserves()
    {
        var server = await fixture.ServerAsync();
        var resident = await server.CreateAccountAsync("supply-resident", [PlatformRoles.Resident]);
        using var http = server.CreateApiClient(resident.ApiKey);
        var overview = await (await http.GetAtAsync("/api/supply/overview")).JsonAsync();
        var alerts = overview.GetProperty("alerts").EnumerateArray().ToList();
        Assert.Contains(alerts, a => a.GetProperty("supplierId").GetString() == DemoSupplyChain.Options.WithholdingSupplierId
            && a.GetProperty("target").GetString() == DemoSupplyChain.Options.WithholdingCustomerId);
        Assert.All(alerts, a => Assert.Equal("refiner-a", a.GetProperty("supplierId").GetString()));
        var copper = overview.GetProperty("concentration").EnumerateArray().Single(c => c.GetProperty("material").GetString() == "copper");
        Assert.InRange(copper.GetProperty("supplierHhi").GetDouble(), 0, 10_000);
        Assert.NotEmpty(overview.GetProperty("reserves").EnumerateArray());
    }

    [Fact]
    public async Task A_delivered_lot_history_verifies_from_signatures_and_receipts()
    {
        var server = await fixture.ServerAsync();
        var auditor = await server.CreateAccountAsync("supply-auditor", [PlatformRoles.Auditor]);
        using var http = server.CreateApiClient(auditor.ApiKey);
        var overview = await (await http.GetAtAsync("/api/supply/overview")).JsonAsync();
        var lot = overview.GetProperty("recentDeliveries")[0].GetProperty("id").GetString()!;
        var verification = await (await http.GetAtAsync($"/api/supply/lots/{lot}/verification")).JsonAsync();
        Assert.True(verification.GetProperty("verified").GetBoolean(), verification.GetProperty("problems").ToString());
        var events = verification.GetProperty("events").EnumerateArray().ToList();
        Assert.Contains(events, e => e.GetProperty("receiptValid").ValueKind == JsonValueKindTrue);
        Assert.All(events.Where(e => e.GetProperty("receiptValid").ValueKind != System.Text.Json.JsonValueKind.Null),
            e => Assert.False(string.IsNullOrEmpty(e.GetProperty("receipt").GetString())));
        var graph = await (await http.GetAtAsync($"/api/supply/lots/{lot}/graph")).JsonAsync();
        Assert.True(graph.GetProperty("nodes").GetArrayLength() > 3);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAtAsync("/api/supply/lots/no-such-lot/graph")).StatusCode);
    }

    private const System.Text.Json.JsonValueKind JsonValueKindTrue = System.Text.Json.JsonValueKind.True;

    [Fact]
    public async Task Operator_records_signed_events_with_receipts_and_a_replay_is_refused()
    {
        var server = await fixture.ServerAsync();
        var region = await server.Services.GetRequiredService<SupplyChainService>().AllocationRegionAsync(TestContext.Current.CancellationToken);
        var admin = await server.CreateAccountAsync("supply-admin", [PlatformRoles.Administrator]);
        var op = await server.CreateAccountAsync("supply-operator", [PlatformRoles.Operator], [region!]);
        using var adminHttp = server.CreateApiClient(admin.ApiKey);
        using var opHttp = server.CreateApiClient(op.ApiKey);
        using var recyclerKey = EventSigning.CreateKey();
        var id = "test-recycler-" + Guid.NewGuid().ToString("N")[..8];
        var registered = await adminHttp.PostJsonAtAsync("/api/supply/organisations", new
        {
            id, name = "Test recycler", kind = "Recycler", countryCode = "JP", region = "north",
            publicKey = Convert.ToBase64String(EventSigning.PublicKeyBytes(recyclerKey)),
        });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);

        var t = DateTimeOffset.UtcNow;
        var scrap = EventSigning.Sign(new LotRegistration(id, 1, t, id + "-scrap", "e-waste (PCB)", "boards", 1000, "yard", "JP", 1, 50), recyclerKey);
        var recycle = EventSigning.Sign(new LotTransformation(id, 2, t, TransformationKind.Recycle, [id + "-scrap"],
            [new TransformationOutput(id + "-cu", "copper", "cathode", 180)], 0.1, 0.25, 400), recyclerKey);
        async Task<HttpResponseMessage> Post(SignedSupplyEvent e) => await opHttp.PostAsync(new Uri("/api/supply/events", UriKind.Relative),
            new StringContent(SupplyChainDocument.EventToJson(e), Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

        var first = await (await Post(scrap)).JsonAsync();
        Assert.Equal("registration", first.GetProperty("kind").GetString());
        var second = await (await Post(recycle)).JsonAsync();
        var decision = second.GetProperty("decision");
        Assert.Equal("MaterialAllocation", decision.GetProperty("kind").GetString());
        Assert.Equal("sha256:" + second.GetProperty("digest").GetString(), decision.GetProperty("inputDigest").GetString());
        Assert.Equal(op.Id, decision.GetProperty("operatorId").GetString());
        Assert.False(string.IsNullOrEmpty(decision.GetProperty("receipt").GetString()));

        var replay = await HttpAssertions.AssertProblemAsync(await Post(recycle), HttpStatusCode.UnprocessableEntity);
        Assert.Equal("Replay", replay.GetProperty("rule").GetString());
        var forged = EventSigning.Sign(new LotTransfer(id, 3, t, id + "-cu", "city-reserve", "reserve-warehouse-1", 5), recyclerKey) with { Signature = new byte[64] };
        var bad = await HttpAssertions.AssertProblemAsync(await Post(forged), HttpStatusCode.UnprocessableEntity);
        Assert.Equal("BadSignature", bad.GetProperty("rule").GetString());

        var verification = await (await opHttp.GetAtAsync($"/api/supply/lots/{id}-cu/verification")).JsonAsync();
        Assert.True(verification.GetProperty("verified").GetBoolean());

        var resident = await server.CreateAccountAsync("supply-resident-2", [PlatformRoles.Resident]);
        using var residentHttp = server.CreateApiClient(resident.ApiKey);
        Assert.Equal(HttpStatusCode.Forbidden, (await residentHttp.PostAsync(new Uri("/api/supply/events", UriKind.Relative),
            new StringContent(SupplyChainDocument.EventToJson(recycle), Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken)).StatusCode);
    }
}
