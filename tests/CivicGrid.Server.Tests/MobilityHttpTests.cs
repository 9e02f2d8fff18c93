using System.Net;
using CivicGrid.Platform;
using CivicGrid.Server.Tests.Infrastructure;
using CivicGrid.Testing;
using Xunit;

namespace CivicGrid.Server.Tests;

/// <summary>
/// <c>/api/mobility</c> on the real server: the demo streets, an assignment on them and on uploaded TNTP text,
/// malformed uploads as problem details, and a charging plan whose restriction lands in the transparency log.
/// </summary>
[Collection(SqliteServerCollection.Name)]
public sealed class MobilityHttpTests(SqliteServerFixture fixture)
{
    private async Task<HttpClient> ClientAsync(string role)
    {
        var server = await fixture.ServerAsync();
        var account = await server.CreateAccountAsync("mobility-" + role + "-" + Guid.NewGuid().ToString("N")[..6], [role]);
        return server.CreateApiClient(account.ApiKey);
    }

    [Fact]
    public async Task The_demo_network_has_the_city_streets_with_coordinates()
    {
        using var client = await ClientAsync(PlatformRoles.Resident);
        var net = await (await client.GetAtAsync("/api/mobility/network")).JsonAsync();
        var nodes = net.GetProperty("nodes").EnumerateArray().ToList();
        var links = net.GetProperty("links").EnumerateArray().ToList();
        Assert.Equal(64, nodes.Count); // four regions of 4 × 4 street corners
        Assert.Equal(4 * 2 * 24, links.Count); // 24 streets per region, both directions
        Assert.True(net.GetProperty("hasCoordinates").GetBoolean());
        Assert.All(links, l => Assert.True(l.GetProperty("capacityVehiclesPerHour").GetDouble() > 0));
    }

    [Fact]
    public async Task An_assignment_on_the_demo_streets_converges_and_reports_every_iteration()
    {
        using var client = await ClientAsync(PlatformRoles.Auditor);
        var result = await (await client.PostJsonAtAsync("/api/mobility/assignments", new { targetRelativeGap = 1e-8, maxIterations = 100 })).JsonAsync();
        Assert.True(result.GetProperty("converged").GetBoolean());
        var gap = result.GetProperty("relativeGap").GetDouble();
        Assert.True(gap <= 1e-8, $"gap {gap}");
        var history = result.GetProperty("history").EnumerateArray().ToList();
        Assert.Equal(result.GetProperty("iterations").GetInt32(), history.Count);
        Assert.Equal(gap, history[^1].GetProperty("relativeGap").GetDouble());
        foreach (var l in result.GetProperty("links").EnumerateArray())
        {
            var link = result.GetProperty("network").GetProperty("links")[l.GetProperty("index").GetInt32()];
            Assert.Equal(l.GetProperty("flowVehiclesPerHour").GetDouble() / link.GetProperty("capacityVehiclesPerHour").GetDouble(),
                l.GetProperty("volumeCapacityRatio").GetDouble(), 9);
        }
    }

    [Fact]
    public async Task An_uploaded_braess_network_gives_the_analytic_equilibrium()
    {
        using var client = await ClientAsync(PlatformRoles.Operator);
        var folder = ReferenceData.Require("mobility/tntp/Braess-Example");
        var body = new
        {
            targetRelativeGap = 1e-12,
            network = await File.ReadAllTextAsync(Path.Combine(folder, "Braess_net.tntp"), TestContext.Current.CancellationToken),
            trips = await File.ReadAllTextAsync(Path.Combine(folder, "Braess_trips.tntp"), TestContext.Current.CancellationToken),
        };
        var result = await (await client.PostJsonAtAsync("/api/mobility/assignments", body)).JsonAsync();
        // Beckmann objective at 2 trips per path (TNTP Braess example).
        Assert.Equal(386.00000008, result.GetProperty("objective").GetDouble(), 6);
        Assert.False(result.GetProperty("network").GetProperty("hasCoordinates").GetBoolean());
    }

    [Fact]
    public async Task A_malformed_upload_is_a_problem_naming_file_line_and_reason()
    {
        using var client = await ClientAsync(PlatformRoles.Operator);
        var net = "<NUMBER OF ZONES> 2\n<NUMBER OF NODES> 2\n<FIRST THRU NODE> 1\n<NUMBER OF LINKS> 1\n<END OF METADATA>\n1 2 x 1 1 0.15 4 0 0 1 ;\n";
        var response = await client.PostJsonAtAsync("/api/mobility/assignments", new { network = net, trips = "x" });
        var problem = await HttpAssertions.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("network_net.tntp", problem.GetProperty("file").GetString());
        Assert.Equal(6, problem.GetProperty("line").GetInt32());
        Assert.Contains("number", problem.GetProperty("reason").GetString(), StringComparison.OrdinalIgnoreCase);

        var missingTrips = await client.PostJsonAtAsync("/api/mobility/assignments", new { network = net });
        await HttpAssertions.AssertProblemAsync(missingTrips, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_tight_feeder_limit_restricts_charging_and_is_a_verifiable_decision()
    {
        var server = await fixture.ServerAsync();
        var regions = await server.RegionIdsAsync();
        using var client = await ClientAsync(PlatformRoles.Administrator);
        var tight = regions[0];
        var response = await client.PostJsonAtAsync("/api/mobility/charging-plans", new { feederLimitKilowattsByRegion = new Dictionary<string, double> { [tight] = 5 } });
        var plan = await response.JsonAsync();
        var region = plan.GetProperty("regions").EnumerateArray().Single(r => r.GetProperty("plan").GetProperty("regionId").GetString() == tight);
        var p = region.GetProperty("plan");
        Assert.True(p.GetProperty("vehicles").GetInt32() > 0);
        Assert.All(p.GetProperty("smartLoadKilowatts").EnumerateArray(), kw => Assert.True(kw.GetDouble() <= 5 + 1e-6));
        Assert.True(p.GetProperty("uncontrolledLoadKilowatts").EnumerateArray().Max(kw => kw.GetDouble()) > 5);
        var decision = region.GetProperty("decision");
        Assert.Equal(tight, decision.GetProperty("regionId").GetString());
        Assert.Equal("smart-charging-lp-clp", decision.GetProperty("algorithm").GetString());
        Assert.False(string.IsNullOrEmpty(decision.GetProperty("receipt").GetString()));
        // The same record is in the region's log.
        var stored = await (await client.GetAtAsync($"/api/decisions/{decision.GetProperty("id").GetString()}")).JsonAsync();
        Assert.Equal(decision.GetProperty("logIndex").GetInt64(), stored.GetProperty("logIndex").GetInt64());
    }

    [Fact]
    public async Task Residents_cannot_plan_charging_and_bad_limits_are_rejected()
    {
        using var resident = await ClientAsync(PlatformRoles.Resident);
        var forbidden = await resident.PostJsonAtAsync("/api/mobility/charging-plans", new { });
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        using var admin = await ClientAsync(PlatformRoles.Administrator);
        var unknown = await admin.PostJsonAtAsync("/api/mobility/charging-plans", new { feederLimitKilowattsByRegion = new Dictionary<string, double> { ["atlantis"] = 5 } });
        await HttpAssertions.AssertProblemAsync(unknown, HttpStatusCode.BadRequest);
        var prices = await admin.PostJsonAtAsync("/api/mobility/charging-plans", new { pricePerKilowattHour = new[] { 0.1, 0.2 } });
        await HttpAssertions.AssertProblemAsync(prices, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Ride_pooling_serves_requests_with_checked_routes_and_records_the_fleet_allocation()
    {
        using var client = await ClientAsync(PlatformRoles.Administrator);
        var response = await client.PostJsonAtAsync("/api/mobility/ride-pooling", new { requests = 16, vehicles = 3, improvementIterations = 100 });
        var view = await response.JsonAsync();
        var allocation = view.GetProperty("allocation");
        Assert.True(allocation.GetProperty("feasible").GetBoolean());
        var requests = allocation.GetProperty("requests").EnumerateArray().ToList();
        Assert.Equal(16, requests.Count);
        Assert.Equal(16, allocation.GetProperty("served").GetInt32() + allocation.GetProperty("unserved").GetInt32());
        Assert.True(allocation.GetProperty("served").GetInt32() > 0);
        foreach (var r in requests.Where(r => r.GetProperty("vehicleId").ValueKind == System.Text.Json.JsonValueKind.String))
        {
            // Picked up inside the window, carried no longer than the ride-time limit.
            var pickup = r.GetProperty("pickupMinute").GetDouble();
            Assert.InRange(pickup, r.GetProperty("earliestPickupMinute").GetDouble() - 1e-6, r.GetProperty("latestPickupMinute").GetDouble() + 1e-6);
            Assert.True(r.GetProperty("dropoffMinute").GetDouble() - pickup - 1 <= allocation.GetProperty("maxRideMinutes").GetDouble() + 1e-6);
        }
        foreach (var v in allocation.GetProperty("vehicles").EnumerateArray())
        {
            Assert.All(v.GetProperty("stops").EnumerateArray(), s => Assert.InRange(s.GetProperty("onBoard").GetInt32(), 0, allocation.GetProperty("capacity").GetInt32()));
        }
        var decision = view.GetProperty("decision");
        Assert.Equal("FleetAllocation", decision.GetProperty("kind").GetString());
        Assert.Equal("darp-insertion-improvement", decision.GetProperty("algorithm").GetString());
        var stored = await (await client.GetAtAsync($"/api/decisions/{decision.GetProperty("id").GetString()}")).JsonAsync();
        Assert.Equal(decision.GetProperty("logIndex").GetInt64(), stored.GetProperty("logIndex").GetInt64());
    }

    [Fact]
    public async Task Residents_cannot_pool_rides_and_out_of_range_settings_are_problems()
    {
        using var resident = await ClientAsync(PlatformRoles.Resident);
        Assert.Equal(HttpStatusCode.Forbidden, (await resident.PostJsonAtAsync("/api/mobility/ride-pooling", new { })).StatusCode);
        using var admin = await ClientAsync(PlatformRoles.Administrator);
        await HttpAssertions.AssertProblemAsync(await admin.PostJsonAtAsync("/api/mobility/ride-pooling", new { requests = 0 }), HttpStatusCode.BadRequest);
    }
}
