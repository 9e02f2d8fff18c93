using System.Text.Json;
using CivicGrid.Testing;
using Xunit;

namespace CivicGrid.Cli.Tests;

/// <summary><c>civicgrid water export-ngsi</c>: EPANET networks as Smart Data Models NGSI-LD entities.</summary>
public sealed class WaterNgsiCommandTests
{
    [Fact]
    public async Task Net1_exports_one_entity_per_node_and_link_with_relationships_and_units()
    {
        var net1 = ReferenceData.Require("water/networks/Net1.inp");
        using var folder = RepositoryPaths.CreateTempFolder();
        var output = Path.Combine(folder.Path, "net1.json");
        var result = await CliRunner.RunAsync("water", "export-ngsi", net1, "--out", output, "--json");
        Assert.True(result.ExitCode == 0, result.StdErr);
        var summary = JsonDocument.Parse(result.StdOut).RootElement;
        // Net1: 9 junctions, 1 reservoir, 1 tank, 12 pipes, 1 pump (EPANET example network).
        var types = summary.GetProperty("types");
        Assert.Equal(9, types.GetProperty("Junction").GetInt32());
        Assert.Equal(1, types.GetProperty("Reservoir").GetInt32());
        Assert.Equal(1, types.GetProperty("Tank").GetInt32());
        Assert.Equal(12, types.GetProperty("Pipe").GetInt32());
        Assert.Equal(1, types.GetProperty("Pump").GetInt32());

        var entities = JsonDocument.Parse(await File.ReadAllTextAsync(output, TestContext.Current.CancellationToken)).RootElement.EnumerateArray().ToList();
        var ids = entities.Select(e => e.GetProperty("id").GetString()).ToHashSet();
        var pipe10 = entities.Single(e => e.GetProperty("id").GetString() == "urn:ngsi-ld:Pipe:Net1:10");
        // [PIPES] 10  10  11  10530  18  100: GPM network, so feet and inches.
        Assert.Equal(10530, pipe10.GetProperty("length").GetProperty("value").GetDouble());
        Assert.Equal("FOT", pipe10.GetProperty("length").GetProperty("unitCode").GetString());
        Assert.Equal(18, pipe10.GetProperty("diameter").GetProperty("value").GetDouble());
        Assert.Equal("INH", pipe10.GetProperty("diameter").GetProperty("unitCode").GetString());
        Assert.Equal("urn:ngsi-ld:Junction:Net1:10", pipe10.GetProperty("startsAt").GetProperty("object").GetString());
        Assert.Equal("LineString", pipe10.GetProperty("location").GetProperty("value").GetProperty("type").GetString());
        // Every relationship points at an exported entity, or at a pattern or curve of the file.
        foreach (var e in entities)
        {
            foreach (var attribute in e.EnumerateObject().Where(a => a.Value.ValueKind == JsonValueKind.Object && a.Value.GetProperty("type").GetString() == "Relationship"))
            {
                var target = attribute.Value.GetProperty("object").GetString()!;
                Assert.True(ids.Contains(target) || target.StartsWith("urn:ngsi-ld:Pattern:", StringComparison.Ordinal) || target.StartsWith("urn:ngsi-ld:Curve:", StringComparison.Ordinal), target);
            }
        }
        var tank = entities.Single(e => e.GetProperty("type").GetString() == "Tank");
        Assert.Equal(850, tank.GetProperty("elevation").GetProperty("value").GetDouble());
        Assert.Equal(120, tank.GetProperty("initLevel").GetProperty("value").GetDouble());
    }

    [Fact]
    public async Task Every_network_of_the_reference_set_exports_entities_that_pass_the_model_checks()
    {
        foreach (var name in new[] { "Net2.inp", "Net3.inp" })
        {
            var path = ReferenceData.Require("water/networks/" + name);
            var result = await CliRunner.RunAsync("water", "export-ngsi", path, "--key-values");
            Assert.True(result.ExitCode == 0, name + ": " + result.StdErr);
            var entities = JsonDocument.Parse(result.StdOut).RootElement.EnumerateArray().ToList();
            Assert.NotEmpty(entities);
            // keyValues: plain values, no attribute objects.
            var pipe = entities.First(e => e.GetProperty("type").GetString() == "Pipe");
            Assert.Equal(JsonValueKind.Number, pipe.GetProperty("length").ValueKind);
            Assert.Equal(JsonValueKind.String, pipe.GetProperty("startsAt").ValueKind);
        }
    }

    [Fact]
    public async Task Geographic_coordinates_are_kept_and_local_ones_placed_around_the_origin()
    {
        using var folder = RepositoryPaths.CreateTempFolder();
        var inp = Path.Combine(folder.Path, "tiny.inp");
        await File.WriteAllTextAsync(inp, """
            [JUNCTIONS]
            J1 10 1
            [RESERVOIRS]
            R1 50
            [PIPES]
            P1 R1 J1 100 200 120 0 Open
            [COORDINATES]
            J1 135.7700 35.0120
            R1 135.7690 35.0110
            [OPTIONS]
            Units LPS
            [END]
            """, TestContext.Current.CancellationToken);
        var geographic = await CliRunner.RunAsync("water", "export-ngsi", inp, "--wgs84");
        Assert.True(geographic.ExitCode == 0, geographic.StdErr);
        var j1 = JsonDocument.Parse(geographic.StdOut).RootElement.EnumerateArray().Single(e => e.GetProperty("id").GetString() == "urn:ngsi-ld:Junction:tiny:J1");
        Assert.Equal(135.77, j1.GetProperty("location").GetProperty("value").GetProperty("coordinates")[0].GetDouble(), 9);
        Assert.Equal("MTR", j1.GetProperty("elevation").GetProperty("unitCode").GetString());
        var pipe = JsonDocument.Parse(geographic.StdOut).RootElement.EnumerateArray().Single(e => e.GetProperty("type").GetString() == "Pipe");
        Assert.Equal("MMT", pipe.GetProperty("diameter").GetProperty("unitCode").GetString());

        // As local metres around 35,135: 135.77 m east is 0.0014906° of longitude at 35°N (to 1e-6°).
        var local = await CliRunner.RunAsync("water", "export-ngsi", inp, "--origin", "35,135");
        var placed = JsonDocument.Parse(local.StdOut).RootElement.EnumerateArray().Single(e => e.GetProperty("id").GetString() == "urn:ngsi-ld:Junction:tiny:J1");
        Assert.Equal(135.0014906, placed.GetProperty("location").GetProperty("value").GetProperty("coordinates")[0].GetDouble(), 6);
    }

    [Theory]
    [InlineData("--origin", "north", "--origin must be latitude,longitude")]
    [InlineData("--scale", "0", "--scale must be a positive number")]
    public async Task Bad_options_are_exit_code_2_with_the_reason(string option, string value, string reason)
    {
        var net1 = ReferenceData.Require("water/networks/Net1.inp");
        var result = await CliRunner.RunAsync("water", "export-ngsi", net1, option, value);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(reason, result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Malformed_inp_and_wrong_wgs84_claim_are_reported_with_file_and_reason()
    {
        using var folder = RepositoryPaths.CreateTempFolder();
        var bad = Path.Combine(folder.Path, "bad.inp");
        await File.WriteAllTextAsync(bad, "[JUNCTIONS]\nJ1 ten\n[END]\n", TestContext.Current.CancellationToken);
        var result = await CliRunner.RunAsync("water", "export-ngsi", bad);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("bad.inp", result.StdErr, StringComparison.Ordinal);

        var net1 = ReferenceData.Require("water/networks/Net1.inp");
        var claim = await CliRunner.RunAsync("water", "export-ngsi", net1, "--wgs84", "--scale", "1");
        // Net1's map coordinates go up to 70 x 90: valid degrees, so the claim is accepted; a coordinate beyond 180 is not.
        Assert.Equal(0, claim.ExitCode);
        var far = Path.Combine(folder.Path, "far.inp");
        await File.WriteAllTextAsync(far, "[JUNCTIONS]\nJ1 10 1\n[RESERVOIRS]\nR1 50\n[PIPES]\nP1 R1 J1 100 200 120 0 Open\n[COORDINATES]\nJ1 500 20\nR1 0 0\n[END]\n", TestContext.Current.CancellationToken);
        var farResult = await CliRunner.RunAsync("water", "export-ngsi", far, "--wgs84");
        Assert.Equal(2, farResult.ExitCode);
        Assert.Contains("outside longitude", farResult.StdErr, StringComparison.Ordinal);
    }
}
