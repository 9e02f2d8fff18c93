using System.Net;
using System.Text.Json;
using CivicGrid.Platform;
using CivicGrid.Server.Tests.Infrastructure;
using Xunit;

namespace CivicGrid.Server.Tests;

/// <summary>
/// Real-time ride requests on the live minibus fleet: an answer at once with a vehicle and times inside the window,
/// refusals with a reason when the fleet is full, both as fleet-allocation decisions, the fleet's state, and invalid
/// requests as problem details.
/// </summary>
[Collection(SqliteServerCollection.Name)]
public sealed class MobilityRideRequestTests(SqliteServerFixture fixture)
{
    private async Task<HttpClient> ClientAsync(string role)
    {
        var server = await fixture.ServerAsync();
        var account = await server.CreateAccountAsync("rides-" + role + "-" + Guid.NewGuid().ToString("N")[..6], [role]);
        return server.CreateApiClient(account.ApiKey);
    }

    // Two street corners about two kilometres apart (about four minutes at 30 km/h).
    private static async Task<(string From, string To)> CornersAsync(HttpClient client, int skip)
    {
        var net = await (await client.GetAtAsync("/api/mobility/network")).JsonAsync();
        var nodes = net.GetProperty("nodes").EnumerateArray()
            .Select(n => (Id: n.GetProperty("label").GetString()!, X: n.GetProperty("x").GetDouble(), Y: n.GetProperty("y").GetDouble())).ToList();
        var a = nodes[skip % nodes.Count];
        var b = nodes.Where(n => n.Id != a.Id).MinBy(n => Math.Abs(Math.Sqrt(Math.Pow(n.X - a.X, 2) + Math.Pow(n.Y - a.Y, 2)) - 2000));
        return (a.Id, b.Id);
    }

    [Fact]
    public async Task A_ride_request_is_assigned_at_once_inside_its_window_and_recorded_as_a_fleet_allocation()
    {
        using var client = await ClientAsync(PlatformRoles.Resident);
        var (from, to) = await CornersAsync(client, 3);
        var response = await client.PostJsonAtAsync("/api/mobility/ride-requests", new { pickupNodeId = from, dropoffNodeId = to, seats = 2, pickupInMinutes = 40, windowMinutes = 15 });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var view = await response.JsonAsync();
        var outcome = view.GetProperty("outcome");
        Assert.True(outcome.GetProperty("accepted").GetBoolean(), outcome.ToString());
        var vehicle = outcome.GetProperty("vehicleId").GetString();
        Assert.StartsWith("minibus-", vehicle, StringComparison.Ordinal);
        var pickup = outcome.GetProperty("pickupMinute").GetDouble();
        var dropoff = outcome.GetProperty("dropoffMinute").GetDouble();
        Assert.InRange(pickup, outcome.GetProperty("earliestPickupMinute").GetDouble() - 1e-6, outcome.GetProperty("latestPickupMinute").GetDouble() + 1e-6);
        // Ride time (after one minute of boarding) at least the direct trip and at most the 30-minute limit.
        Assert.InRange(dropoff - pickup - 1, outcome.GetProperty("directMinutes").GetDouble() - 1e-6, 30 + 1e-6);
        Assert.True(outcome.GetProperty("pickupAt").GetDateTimeOffset() < outcome.GetProperty("dropoffAt").GetDateTimeOffset());

        var decision = view.GetProperty("decision");
        Assert.Equal("FleetAllocation", decision.GetProperty("kind").GetString());
        Assert.Equal("darp-realtime-insertion", decision.GetProperty("algorithm").GetString());
        Assert.Contains(vehicle!, decision.GetProperty("outcome").GetString(), StringComparison.Ordinal);
        var stored = await (await client.GetAtAsync($"/api/decisions/{decision.GetProperty("id").GetString()}")).JsonAsync();
        Assert.Equal(decision.GetProperty("logIndex").GetInt64(), stored.GetProperty("logIndex").GetInt64());

        var fleet = await (await client.GetAtAsync("/api/mobility/fleet")).JsonAsync();
        var number = outcome.GetProperty("number").GetInt32();
        var ride = fleet.GetProperty("requests").EnumerateArray().Single(r => r.GetProperty("number").GetInt32() == number);
        Assert.Equal("waiting", ride.GetProperty("status").GetString());
        Assert.Equal(vehicle, ride.GetProperty("vehicleId").GetString());
        var stops = fleet.GetProperty("vehicles").EnumerateArray().Single(v => v.GetProperty("vehicleId").GetString() == vehicle)
            .GetProperty("stops").EnumerateArray().Where(s => s.GetProperty("request").GetInt32() == number).ToList();
        Assert.Equal(["pickup", "dropoff"], stops.Select(s => s.GetProperty("kind").GetString()));
        Assert.Equal(from, stops[0].GetProperty("nodeId").GetString());
        Assert.Equal(to, stops[1].GetProperty("nodeId").GetString());
    }

    [Fact]
    public async Task When_every_seat_is_taken_a_request_is_refused_with_a_reason_and_the_plan_keeps_its_limits()
    {
        using var client = await ClientAsync(PlatformRoles.Resident);
        var (from, to) = await CornersAsync(client, 20);
        JsonElement? refused = null;
        for (var i = 0; i < 25 && refused is null; i++)
        {
            // Full minibuses, all wanting the same five minutes: the fleet runs out of seats.
            var view = await (await client.PostJsonAtAsync("/api/mobility/ride-requests", new { pickupNodeId = from, dropoffNodeId = to, seats = 4, pickupInMinutes = 110, windowMinutes = 5 })).JsonAsync();
            if (!view.GetProperty("outcome").GetProperty("accepted").GetBoolean())
            {
                refused = view;
            }
        }
        Assert.NotNull(refused);
        var outcome = refused.Value.GetProperty("outcome");
        Assert.Equal(JsonValueKind.Null, outcome.GetProperty("vehicleId").ValueKind);
        Assert.Contains("no minibus", outcome.GetProperty("rejectionReason").GetString(), StringComparison.Ordinal);
        Assert.Equal("FleetAllocation", refused.Value.GetProperty("decision").GetProperty("kind").GetString());

        var fleet = await (await client.GetAtAsync("/api/mobility/fleet")).JsonAsync();
        var capacity = fleet.GetProperty("capacity").GetInt32();
        foreach (var v in fleet.GetProperty("vehicles").EnumerateArray())
        {
            Assert.All(v.GetProperty("stops").EnumerateArray(), s => Assert.InRange(s.GetProperty("onBoard").GetInt32(), 0, capacity));
        }
        var number = outcome.GetProperty("number").GetInt32();
        Assert.Equal("rejected", fleet.GetProperty("requests").EnumerateArray().Single(r => r.GetProperty("number").GetInt32() == number).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Invalid_ride_requests_are_problems()
    {
        using var client = await ClientAsync(PlatformRoles.Resident);
        var (from, to) = await CornersAsync(client, 7);
        var unknown = await HttpAssertions.AssertProblemAsync(
            await client.PostJsonAtAsync("/api/mobility/ride-requests", new { pickupNodeId = "nowhere", dropoffNodeId = to }), HttpStatusCode.BadRequest);
        Assert.Contains("nowhere", unknown.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await HttpAssertions.AssertProblemAsync(await client.PostJsonAtAsync("/api/mobility/ride-requests", new { pickupNodeId = from, dropoffNodeId = from }), HttpStatusCode.BadRequest);
        await HttpAssertions.AssertProblemAsync(await client.PostJsonAtAsync("/api/mobility/ride-requests", new { pickupNodeId = from, dropoffNodeId = to, seats = 5 }), HttpStatusCode.BadRequest);
        await HttpAssertions.AssertProblemAsync(await client.PostJsonAtAsync("/api/mobility/ride-requests", new { pickupNodeId = from, dropoffNodeId = to, windowMinutes = 1 }), HttpStatusCode.BadRequest);
        await HttpAssertions.AssertProblemAsync(await client.PostJsonAtAsync("/api/mobility/ride-requests", new { dropoffNodeId = to }), HttpStatusCode.BadRequest);
    }
}
