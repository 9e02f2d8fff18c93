using System.Net;
using System.Text;
using CivicGrid.Platform;
using CivicGrid.Platform.Water;
using CivicGrid.Server.Tests.Infrastructure;
using Xunit;

namespace CivicGrid.Server.Tests;

/// <summary><c>/api/water</c>: run an uploaded .inp network and get a summary; bad files are problem details with line and reason.</summary>
[Collection(SqliteServerCollection.Name)]
public sealed class WaterEndpointTests(SqliteServerFixture fixture)
{
    private const string TwoNodeNetwork = """
        [JUNCTIONS]
        J1 10 50
        [RESERVOIRS]
        R 100
        [PIPES]
        P1 R J1 1000 12 100 0 OPEN
        [TIMES]
        DURATION 3:00
        [END]
        """;

    private static StringContent Inp(string text) => new(text, Encoding.UTF8, "text/plain");

    [Fact]
    public async Task Running_a_network_returns_a_summary_with_steps_pressures_and_water_age()
    {
        var server = await fixture.ServerAsync();
        var resident = await server.CreateAccountAsync("water-resident", [PlatformRoles.Resident]);
        using var client = server.CreateApiClient(resident.ApiKey);
        var response = await client.PostAsync(new Uri("/api/water/run?name=two.inp", UriKind.Relative), Inp(TwoNodeNetwork), TestContext.Current.CancellationToken);
        var summary = await response.JsonAsync();
        Assert.Equal("two.inp", summary.GetProperty("name").GetString());
        Assert.Equal("converged", summary.GetProperty("status").GetString());
        Assert.Equal(4, summary.GetProperty("steps").GetInt32()); // 0, 1, 2, 3 h
        Assert.Equal(2, summary.GetProperty("nodes").GetInt32());
        // Static head 100 ft over a 10 ft junction, less the head loss: below 90 ft · 0.4333 psi/ft.
        var pressure = summary.GetProperty("maxPressure").GetDouble();
        Assert.InRange(pressure, 30, 90 * 0.4333);
        Assert.Equal("age", summary.GetProperty("qualityKind").GetString());
        Assert.False(summary.GetProperty("qualityFromFile").GetBoolean());
        Assert.True(summary.GetProperty("maxQuality").GetDouble() > 0, "water ages on its way to J1");
    }

    [Fact]
    public async Task A_malformed_file_is_a_400_problem_naming_line_and_reason()
    {
        var server = await fixture.ServerAsync();
        var resident = await server.CreateAccountAsync("water-bad-resident", [PlatformRoles.Resident]);
        using var client = server.CreateApiClient(resident.ApiKey);
        var bad = TwoNodeNetwork.Replace("P1 R J1 1000 12 100", "P1 R J9 1000 12 100", StringComparison.Ordinal);
        var response = await client.PostAsync(new Uri("/api/water/run?name=bad.inp", UriKind.Relative), Inp(bad), TestContext.Current.CancellationToken);
        var problem = await HttpAssertions.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(6, problem.GetProperty("line").GetInt32());
        Assert.Equal(203, problem.GetProperty("errorCode").GetInt32());
        Assert.Equal("bad.inp", problem.GetProperty("file").GetString());
        Assert.Contains("J9", problem.GetProperty("reason").GetString(), StringComparison.Ordinal);

        var empty = await client.PostAsync(new Uri("/api/water/run", UriKind.Relative), Inp("  "), TestContext.Current.CancellationToken);
        await HttpAssertions.AssertProblemAsync(empty, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task The_demo_network_downloads_and_runs_back_through_the_api()
    {
        var server = await fixture.ServerAsync();
        var resident = await server.CreateAccountAsync("water-demo-resident", [PlatformRoles.Resident]);
        using var client = server.CreateApiClient(resident.ApiKey);
        var demo = await client.GetStringAsync(new Uri("/api/water/demo.inp", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Contains("[COORDINATES]", demo, StringComparison.Ordinal);
        var summary = await (await client.PostAsync(new Uri("/api/water/run?name=demo-city.inp", UriKind.Relative), Inp(demo), TestContext.Current.CancellationToken)).JsonAsync();
        var direct = new WaterNetworkRunner().RunDemo(TestContext.Current.CancellationToken);
        Assert.Equal(direct.Steps, summary.GetProperty("steps").GetInt32());
        Assert.Equal(direct.Nodes.Count, summary.GetProperty("nodes").GetInt32());
    }

    [Fact]
    public async Task Anonymous_callers_cannot_run_networks()
    {
        var server = await fixture.ServerAsync();
        using var client = server.CreateApiClient();
        var response = await client.PostAsync(new Uri("/api/water/run", UriKind.Relative), Inp(TwoNodeNetwork), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
