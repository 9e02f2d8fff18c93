using System.Globalization;
using System.Net;
using CivicGrid.Energy.Grid.Matpower;
using CivicGrid.Platform;
using CivicGrid.Server.Tests.Infrastructure;
using CivicGrid.Testing;
using Xunit;

namespace CivicGrid.Server.Tests;

/// <summary>
/// <c>/api/energy/grid</c> on the real server: the demo feeders as a MATPOWER case, AC power flow on them, DC-OPF on
/// an uploaded MATPOWER case9 against MATPOWER's own prices, and malformed uploads as problem details.
/// </summary>
[Collection(SqliteServerCollection.Name)]
public sealed class EnergyGridHttpTests(SqliteServerFixture fixture)
{
    private async Task<HttpClient> ClientAsync(string role)
    {
        var server = await fixture.ServerAsync();
        var account = await server.CreateAccountAsync("grid-" + role + "-" + Guid.NewGuid().ToString("N")[..6], [role]);
        return server.CreateApiClient(account.ApiKey);
    }

    [Fact]
    public async Task The_demo_case_is_a_readable_matpower_file_with_a_bus_per_feeder_node()
    {
        using var client = await ClientAsync(PlatformRoles.Auditor);
        var response = await client.GetAtAsync("/api/energy/grid/demo-case?scenario=sunny-noon");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var pc = MatpowerReader.Parse(text, "demo.m");
        Assert.Single(pc.Buses, b => b.Type == BusType.Reference);
        Assert.Equal(pc.Buses.Count - 1, pc.Branches.Count); // radial: a tree
        Assert.True(pc.Generators.Count > 1, "sunny noon adds PV generators");
        Assert.True(pc.Buses.Sum(b => b.PdMW) > 0);
    }

    [Fact]
    public async Task Ac_power_flow_on_the_demo_feeders_converges_with_voltage_falling_along_each_feeder()
    {
        using var client = await ClientAsync(PlatformRoles.Operator);
        var r = await (await client.PostJsonAtAsync("/api/energy/grid/studies", new { study = "ac-pf" })).JsonAsync();
        Assert.True(r.GetProperty("success").GetBoolean());
        Assert.True(r.GetProperty("maxMismatchPu").GetDouble() < 1e-8);
        var buses = r.GetProperty("buses").EnumerateArray().ToDictionary(b => b.GetProperty("number").GetInt32());
        foreach (var br in r.GetProperty("branches").EnumerateArray())
        {
            // Evening peak: power flows down every feeder, so each bus sits below the one feeding it.
            var from = buses[br.GetProperty("fromBus").GetInt32()].GetProperty("vmPu").GetDouble();
            var to = buses[br.GetProperty("toBus").GetInt32()].GetProperty("vmPu").GetDouble();
            Assert.True(to < from, $"branch {br.GetProperty("index").GetInt32()}: {to} ≥ {from}");
            Assert.True(br.GetProperty("pfMW").GetDouble() > 0);
            Assert.True(br.GetProperty("loadingPercent").GetDouble() > 0);
        }
        Assert.Equal(buses.Values.Min(b => b.GetProperty("vmPu").GetDouble()), r.GetProperty("minVoltagePu").GetDouble(), 12);
        Assert.True(r.GetProperty("lossesMW").GetDouble() > 0);
    }

    [Fact]
    public async Task Dc_opf_on_an_uploaded_case9_gives_matpowers_nodal_prices()
    {
        using var client = await ClientAsync(PlatformRoles.Administrator);
        var text = await File.ReadAllTextAsync(ReferenceData.Require("energy/cases/case9.m"), TestContext.Current.CancellationToken);
        var r = await (await client.PostJsonAtAsync("/api/energy/grid/studies", new { study = "dc-opf", caseText = text, caseFileName = "case9.m" })).JsonAsync();
        Assert.True(r.GetProperty("success").GetBoolean());
        // Reference: MATPOWER 8.1 rundcopf (energy/reference/matpower_dcopf_case9_bus.csv), prices within 1e-5 $/MWh.
        var reference = File.ReadAllLines(ReferenceData.Require("energy/reference/matpower_dcopf_case9_bus.csv")).Skip(1)
            .Select(l => l.Split(','))
            .ToDictionary(f => int.Parse(f[0], CultureInfo.InvariantCulture), f => double.Parse(f[6], CultureInfo.InvariantCulture));
        foreach (var b in r.GetProperty("buses").EnumerateArray())
        {
            Assert.Equal(reference[b.GetProperty("number").GetInt32()], b.GetProperty("priceDollarsPerMWh").GetDouble(), 1e-5);
        }
    }

    [Fact]
    public async Task A_malformed_case_is_a_problem_naming_file_line_column_and_reason()
    {
        using var client = await ClientAsync(PlatformRoles.Operator);
        var text = "function mpc = bad\nmpc.version = '2';\nmpc.baseMVA = 100;\nmpc.bus = [\n1 3 0 0 0 0 1 x 0 345 1 1.1 0.9;\n];\n";
        var response = await client.PostJsonAtAsync("/api/energy/grid/studies", new { study = "ac-pf", caseText = text, caseFileName = "bad.m" });
        var problem = await HttpAssertions.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("bad.m", problem.GetProperty("file").GetString());
        Assert.Equal(5, problem.GetProperty("line").GetInt32());
        Assert.True(problem.GetProperty("column").GetInt32() > 1);
        Assert.Contains("number", problem.GetProperty("reason").GetString(), StringComparison.OrdinalIgnoreCase);

        var unknownStudy = await client.PostJsonAtAsync("/api/energy/grid/studies", new { study = "ac-opf" });
        await HttpAssertions.AssertProblemAsync(unknownStudy, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Residents_cannot_run_grid_studies()
    {
        using var resident = await ClientAsync(PlatformRoles.Resident);
        var response = await resident.PostJsonAtAsync("/api/energy/grid/studies", new { study = "ac-pf" });
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}
