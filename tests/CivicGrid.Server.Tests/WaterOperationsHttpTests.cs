using System.Net;
using CivicGrid.Platform;
using CivicGrid.Server.Tests.Infrastructure;
using Xunit;

namespace CivicGrid.Server.Tests;

/// <summary>
/// <c>/api/water/operations</c> on the real server: the demo pump schedule keeps the tank in band and costs less than
/// its own controls; a drought's restrictions are one decision with a receipt per restricted region, shared so that no
/// region gives more than its fair share, and audited; residents and operators of one region only are refused.
/// </summary>
[Collection(SqliteServerCollection.Name)]
public sealed class WaterOperationsHttpTests(SqliteServerFixture fixture)
{
    private async Task<(CivicGridServerFactory Server, IReadOnlyList<string> Regions, HttpClient Client)> CityOperatorAsync()
    {
        var server = await fixture.ServerAsync();
        var regions = await server.RegionIdsAsync();
        var op = await server.CreateAccountAsync("water-op-" + Guid.NewGuid().ToString("N")[..6], [PlatformRoles.Operator], [.. regions]);
        return (server, regions, server.CreateApiClient(op.ApiKey));
    }

    [Fact]
    public async Task Demo_pump_schedule_keeps_tanks_in_band_and_costs_less_than_own_controls()
    {
        var (_, _, client) = await CityOperatorAsync();
        using var lease = client;
        var response = await client.GetAtAsync("/api/water/operations/pumps/schedule");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var s = await response.JsonAsync();
        var optimised = s.GetProperty("optimised");
        Assert.True(optimised.GetProperty("feasible").GetBoolean());
        Assert.Equal(0, optimised.GetProperty("violations").GetArrayLength());
        Assert.True(optimised.GetProperty("costEur").GetDouble() < s.GetProperty("ownControls").GetProperty("costEur").GetDouble());
        Assert.Equal(24, optimised.GetProperty("periods").GetArrayLength());
        foreach (var tank in optimised.GetProperty("tanks").EnumerateArray())
        {
            Assert.True(tank.GetProperty("lowestLevelMeters").GetDouble() >= tank.GetProperty("lowerBandMeters").GetDouble() - 1e-6);
            Assert.True(tank.GetProperty("highestLevelMeters").GetDouble() <= tank.GetProperty("upperBandMeters").GetDouble() + 1e-6);
        }
    }

    [Fact]
    public async Task Drought_restrictions_are_fair_recorded_per_region_with_receipts_and_audited()
    {
        var (_, regions, client) = await CityOperatorAsync();
        using var lease = client;
        var response = await client.PostJsonAtAsync("/api/water/operations/restrictions?scenario=drought&sharing=maxmin", new { });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var plan = await response.JsonAsync();
        var available = plan.GetProperty("availableCubicMeters").GetDouble();
        var districts = plan.GetProperty("districts").EnumerateArray().ToList();
        Assert.Equal(regions.Count, districts.Count);
        Assert.True(plan.GetProperty("shortageCubicMeters").GetDouble() > 0);
        // Delivered volume never exceeds what the sources can give.
        Assert.True(districts.Sum(d => d.GetProperty("allocatedCubicMeters").GetDouble()) <= available + 1e-6);
        var restricted = districts.Where(d => d.GetProperty("shortageCubicMeters").GetDouble() > 1e-6).ToList();
        Assert.NotEmpty(restricted);
        var decisions = plan.GetProperty("decisions").EnumerateArray().ToList();
        Assert.Equal(restricted.Count, decisions.Count);
        Assert.All(decisions, d =>
        {
            Assert.Equal("WaterRestriction", d.GetProperty("kind").GetString());
            Assert.False(string.IsNullOrWhiteSpace(d.GetProperty("receipt").GetString()));
            Assert.Equal("operator", d.GetProperty("actorKind").GetString());
        });
        var first = decisions[0];
        var region = first.GetProperty("regionId").GetString();
        var listed = await (await client.GetAtAsync($"/api/decisions?regionId={region}&take=200")).JsonAsync();
        Assert.Contains(listed.EnumerateArray(), d => d.GetProperty("id").GetGuid() == first.GetProperty("id").GetGuid());
        var audit = plan.GetProperty("audit");
        Assert.Equal(regions.Count, audit.GetProperty("regions").GetArrayLength());
        Assert.True(audit.GetProperty("totalCurtailedKWh").GetDouble() > 0);
    }

    [Fact]
    public async Task Normal_day_allocation_meets_demand_and_records_one_decision_per_region()
    {
        var (_, regions, client) = await CityOperatorAsync();
        using var lease = client;
        var response = await client.PostJsonAtAsync("/api/water/operations/sources/allocate?scenario=normal&objective=cost", new { });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var a = await response.JsonAsync();
        Assert.True(a.GetProperty("shortfallCubicMeters").GetDouble() < 1e-6);
        Assert.Equal(regions.Count, a.GetProperty("decisions").GetArrayLength());
        Assert.All(a.GetProperty("decisions").EnumerateArray(), d => Assert.Equal("WaterSourceAllocation", d.GetProperty("kind").GetString()));
    }

    [Fact]
    public async Task Residents_and_single_region_operators_cannot_restrict_and_bad_parameters_are_problems()
    {
        var (server, regions, client) = await CityOperatorAsync();
        using var lease = client;
        await HttpAssertions.AssertProblemAsync(await client.PostJsonAtAsync("/api/water/operations/restrictions?sharing=lottery", new { }), HttpStatusCode.BadRequest);
        await HttpAssertions.AssertProblemAsync(await client.PostJsonAtAsync("/api/water/operations/sources/allocate?scenario=flood", new { }), HttpStatusCode.BadRequest);

        var resident = await server.CreateAccountAsync("water-res-" + Guid.NewGuid().ToString("N")[..6], [PlatformRoles.Resident], [regions[0]]);
        using var residentClient = server.CreateApiClient(resident.ApiKey);
        Assert.Equal(HttpStatusCode.Forbidden, (await residentClient.PostJsonAtAsync("/api/water/operations/restrictions", new { })).StatusCode);
        if (regions.Count > 1)
        {
            var local = await server.CreateAccountAsync("water-local-" + Guid.NewGuid().ToString("N")[..6], [PlatformRoles.Operator], [regions[0]]);
            using var localClient = server.CreateApiClient(local.ApiKey);
            Assert.Equal(HttpStatusCode.Forbidden, (await localClient.PostJsonAtAsync("/api/water/operations/restrictions", new { })).StatusCode);
        }
    }
}
