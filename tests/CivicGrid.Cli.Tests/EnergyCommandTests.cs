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

    [Fact]
    public async Task EnergyPf_OneAtATimeReactiveLimits_ReportsTheLimitedGeneratorsAndReference()
    {
        // MATPOWER's t_pf_ac "case 14 with Q limits": gen 1 Qmin = -10, Qmax = [10 30 29 15 15]; enforce_q_lims = 2
        // ends with bus 1 still the reference and gens 2-5 at their limits.
        var text = File.ReadAllText(ReferenceData.Require("energy/cases/case14.m"));
        var lines = text.Split('\n').ToList();
        var genStart = lines.FindIndex(l => l.TrimStart().StartsWith("mpc.gen = [", StringComparison.Ordinal));
        double[] qmax = [10, 30, 29, 15, 15];
        for (var g = 0; g < qmax.Length; g++)
        {
            var fields = lines[genStart + 1 + g].Trim().TrimEnd(';').Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
            fields[3] = qmax[g].ToString(CultureInfo.InvariantCulture);
            if (g == 0)
            {
                fields[4] = "-10";
            }
            lines[genStart + 1 + g] = "\t" + string.Join('\t', fields) + ";";
        }
        using var tmp = RepositoryPaths.CreateTempFolder();
        var path = Path.Combine(tmp.Path, "case14_qlim.m");
        File.WriteAllText(path, string.Join('\n', lines));
        var result = await CliRunner.RunAsync("energy", "pf", path, "--enforce-q-limits", "--q-limit-mode", "one", "--json");
        Assert.Equal(0, result.ExitCode);
        using var doc = JsonDocument.Parse(result.StdOut);
        Assert.True(doc.RootElement.GetProperty("converged").GetBoolean());
        Assert.False(doc.RootElement.GetProperty("reactive_limits_infeasible").GetBoolean());
        Assert.Equal(new[] { 2, 3, 4, 5 }, doc.RootElement.GetProperty("reactive_limited_generators").EnumerateArray().Select(e => e.GetInt32()).Order());
        Assert.Equal(new[] { 1 }, doc.RootElement.GetProperty("reference_buses").EnumerateArray().Select(e => e.GetInt32()));

        var all = await CliRunner.RunAsync("energy", "pf", path, "--enforce-q-limits", "--json");
        Assert.Equal(1, all.ExitCode); // MATPOWER's simultaneous mode finds this case infeasible
        using var allDoc = JsonDocument.Parse(all.StdOut);
        Assert.True(allDoc.RootElement.GetProperty("reactive_limits_infeasible").GetBoolean());
        Assert.Equal(new[] { 3 }, allDoc.RootElement.GetProperty("reference_buses").EnumerateArray().Select(e => e.GetInt32()));
    }
}
