using System.Net;
using CivicGrid.Platform;
using CivicGrid.Server.Tests.Infrastructure;
using Xunit;

namespace CivicGrid.Server.Tests;

/// <summary>
/// <c>/api/energy/vpp</c> on the real server: reading a region's VPP adopts the day-ahead schedule (and the current
/// interval's re-plan) and returns each as a recorded decision with its log index and receipt, once per interval.
/// </summary>
[Collection(SqliteServerCollection.Name)]
public sealed class EnergyVppHttpTests(SqliteServerFixture fixture)
{
    [Fact]
    public async Task Reading_a_VPP_records_its_adopted_schedules_as_decisions_with_receipts()
    {
        var server = await fixture.ServerAsync();
        var regions = await server.RegionIdsAsync();
        var reader = await server.CreateAccountAsync("vpp-op-" + Guid.NewGuid().ToString("N")[..6], [PlatformRoles.Operator], [regions[0]]);
        using var client = server.CreateApiClient(reader.ApiKey);

        var response = await client.GetAsync(new Uri($"/api/energy/vpp/{regions[0]}", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var first = await response.JsonAsync();
        var plans = first.GetProperty("plans").EnumerateArray().ToList();
        Assert.NotEmpty(plans);
        Assert.Equal("day-ahead", plans[0].GetProperty("kind").GetString());
        Assert.Equal(0, plans[0].GetProperty("fromInterval").GetInt32());
        var indexes = plans.Select(p => p.GetProperty("logIndex").GetInt64()).ToList();
        Assert.All(indexes, i => Assert.True(i >= 0));
        Assert.Equal(indexes.Count, indexes.Distinct().Count());
        Assert.All(plans, p => Assert.False(string.IsNullOrWhiteSpace(p.GetProperty("receipt").GetString())));
        Assert.All(plans, p => Assert.StartsWith("sha256:", p.GetProperty("scheduleDigest").GetString(), StringComparison.Ordinal));
        var current = first.GetProperty("currentInterval").GetInt32();
        if (current > 0)
        {
            Assert.Contains(plans, p => p.GetProperty("kind").GetString() == "re-plan" && p.GetProperty("fromInterval").GetInt32() == current);
        }

        // Reading again within the interval adopts nothing new (at most one more if the clock just crossed into the next).
        var again = await (await client.GetAsync(new Uri($"/api/energy/vpp/{regions[0]}", UriKind.Relative), TestContext.Current.CancellationToken)).JsonAsync();
        Assert.InRange(again.GetProperty("plans").GetArrayLength(), plans.Count, plans.Count + 1);

        var missing = await client.GetAsync(new Uri("/api/energy/vpp/no-such-region", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }
}
