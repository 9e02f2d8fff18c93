using System.Globalization;
using System.Text.Json;
using CivicGrid.Testing;
using Xunit;

namespace CivicGrid.Cli.Tests;

public class EnergyCommandTests
{
    [Fact]
    public async Task EnergyPf_WithJsonAndOut_ReportsConvergenceAndWritesMatpowerVoltages()
    {
        var casePath = ReferenceData.Require("energy/cases/case14.m");
        var reference = File.ReadAllLines(ReferenceData.Require("energy/reference/matpower_pf_case14_bus.csv"));
        using var tmp = RepositoryPaths.CreateTempFolder();
        var result = await CliRunner.RunAsync("energy", "pf", casePath, "--out", tmp.Path, "--json");
        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.StdOut);
        Assert.True(doc.RootElement.GetProperty("converged").GetBoolean());
        Assert.True(doc.RootElement.GetProperty("max_mismatch_pu").GetDouble() < 1e-8);
        Assert.True(doc.RootElement.GetProperty("iterations").GetInt32() > 0);
        Assert.True(doc.RootElement.GetProperty("solve_ms").GetDouble() > 0);
        var bus = File.ReadAllLines(Path.Combine(tmp.Path, "bus.csv"));
        Assert.Equal("bus_i,Vm_pu,Va_deg", bus[0]);
        for (var i = 1; i < bus.Length; i++)
        {
            var mine = bus[i].Split(',').Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray();
            var theirs = reference[i].Split(',').Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(theirs[0], mine[0]);
            Assert.True(Math.Abs(mine[1] - theirs[4]) <= 1e-6);
            Assert.True(Math.Abs(mine[2] - theirs[5]) <= 1e-4);
        }
        Assert.StartsWith("gen_idx,bus,Pg_MW,Qg_MVAr", File.ReadAllText(Path.Combine(tmp.Path, "gen.csv")), StringComparison.Ordinal);
        Assert.StartsWith("br_idx,f_bus,t_bus,Pf_MW,Qf_MVAr,Pt_MW,Qt_MVAr", File.ReadAllText(Path.Combine(tmp.Path, "branch.csv")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnergyDcopf_PowerModelsConvention_PrintsPglibObjectiveAndWritesPrices()
    {
        var casePath = ReferenceData.Require("energy/pglib/pglib_opf_case30_ieee.m");
        using var tmp = RepositoryPaths.CreateTempFolder();
        var result = await CliRunner.RunAsync("energy", "dcopf", casePath, "--convention", "powermodels", "--out", tmp.Path, "--json");
        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.StdOut);
        Assert.Equal("optimal", doc.RootElement.GetProperty("status").GetString());
        // pglib_dcopf_objectives.csv, PowerModels convention: 7472.81467 (1e-6 relative).
        Assert.Equal(7472.81467, doc.RootElement.GetProperty("objective").GetDouble(), 7472.81467 * 1e-6);
        Assert.True(doc.RootElement.GetProperty("solve_ms").GetDouble() > 0);
        var prices = File.ReadAllLines(Path.Combine(tmp.Path, "prices.csv"));
        Assert.Equal("bus_i,lam_P_usd_per_MWh", prices[0]);
        Assert.Equal(31, prices.Length);
    }

    [Fact]
    public async Task EnergyDcpf_PrintsJsonAndConverges()
    {
        var result = await CliRunner.RunAsync("energy", "dcpf", ReferenceData.Require("energy/cases/case118.m"), "--json");
        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.StdOut);
        Assert.True(doc.RootElement.GetProperty("converged").GetBoolean());
    }

    [Fact]
    public async Task EnergyPf_MalformedCase_ExitsTwoWithFileAndLine()
    {
        using var tmp = RepositoryPaths.CreateTempFolder();
        var path = Path.Combine(tmp.Path, "broken.m");
        await File.WriteAllTextAsync(path, "function mpc = broken\nmpc.baseMVA = 100;\nmpc.bus = [\n 1 3 0 0 0 0 1 1 0 345 1 1.1 oops;\n];\n", TestContext.Current.CancellationToken);
        var result = await CliRunner.RunAsync("energy", "pf", path);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("broken.m:4:", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("not a number", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnergyDcopf_UnknownConvention_ExitsTwo()
    {
        var result = await CliRunner.RunAsync("energy", "dcopf", ReferenceData.Require("energy/cases/case9.m"), "--convention", "pandapower");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("convention", result.StdErr, StringComparison.Ordinal);
    }
}
