using System.Text.Json;
using CivicGrid.Testing;
using CivicGrid.Water.Hydraulics;
using CivicGrid.Water.Inp;
using CivicGrid.Water.Model;
using Xunit;

namespace CivicGrid.Water.Tests;

/// <summary>EPANET 2.3's own unit-test numbers on Net1 (reference/oracle_checks_Net1.json) and the Net6 t=0 snapshot.</summary>
public class EpanetOracleTests
{
    private static JsonElement Oracle()
    {
        // The file starts with the warning line epanet-js printed before the JSON.
        var text = File.ReadAllText(ReferenceData.Require("water/reference/oracle_checks_Net1.json"));
        return JsonDocument.Parse(text[text.IndexOf('{', StringComparison.Ordinal)..]).RootElement;
    }

    private static WaterNetwork Net1SinglePeriod()
    {
        var net = InpReader.ReadFile(ReferenceData.Require("water/networks/Net1.inp"));
        net.Times.Duration = 0;
        return net;
    }

    [Fact]
    public void Pressure_driven_demand_matches_epanet_deficit_numbers()
    {
        var oracle = Oracle().GetProperty("pda");
        var net = Net1SinglePeriod();
        net.Options.DemandMultiplier = 10;
        net.Options.DemandModel = DemandModel.PressureDriven;
        net.Options.MinimumPressure = 20;
        net.Options.RequiredPressure = 100;
        net.Options.PressureExponent = 0.5;
        var sim = new HydraulicSimulation(net);
        sim.Run();
        Assert.Equal(oracle.GetProperty("pda_deficient_nodes").GetInt32(), sim.DeficientNodes);
        Assert.Equal(oracle.GetProperty("pda_demand_reduction_pct").GetDouble(), sim.DemandReductionPercent, 0.01);
        var j21 = sim.NodeIndexOf("21");
        var deficit = sim.RequiredDemandFileUnits(j21) - sim.DemandFileUnits(j21);
        Assert.Equal(oracle.GetProperty("j21_deficit_gpm").GetDouble(), deficit, 0.01 * 413.675);
    }

    [Fact]
    public void Favad_leakage_on_pipe_21_matches_epanet()
    {
        var oracle = Oracle().GetProperty("favad");
        var net = Net1SinglePeriod();
        var pipe = net.Pipes.Single(p => p.Id == "21");
        pipe.LeakArea = 1.0;
        pipe.LeakExpansion = 0.1;
        var sim = new HydraulicSimulation(net);
        sim.Run();
        var expected = oracle.GetProperty("pipe21_leak_gpm").GetDouble();
        Assert.Equal(expected, sim.PipeLeakageFileUnits(sim.LinkIndexOf("21")), 0.01 * expected);
        var nodes = sim.LeakageFlowFileUnits(sim.NodeIndexOf("21")) + sim.LeakageFlowFileUnits(sim.NodeIndexOf("22"));
        Assert.Equal(oracle.GetProperty("node21_plus_22_leak_gpm").GetDouble(), nodes, 0.01 * expected);
    }

    [Fact]
    public void Emitter_flow_at_junction_23_matches_epanet()
    {
        var oracle = Oracle().GetProperty("emitter");
        var net = Net1SinglePeriod();
        net.Junctions.Single(j => j.Id == "23").EmitterCoefficient = 1.0;
        var sim = new HydraulicSimulation(net);
        sim.Run();
        var j23 = sim.NodeIndexOf("23");
        Assert.Equal(oracle.GetProperty("j23_pressure_psi").GetDouble(), sim.PressureFileUnits(j23), 0.01 * 120.7);
        Assert.Equal(oracle.GetProperty("j23_emitter_flow_gpm").GetDouble(), sim.EmitterFlowFileUnits(j23), 0.01 * 11.03);
        Assert.Equal(oracle.GetProperty("j23_total_demand_gpm").GetDouble(), sim.DemandFileUnits(j23), 0.01 * 161.0);
    }

    [Theory]
    [InlineData("Net1", "water/networks/Net1.inp")]
    [InlineData("Net2", "water/networks/Net2.inp")]
    [InlineData("Net3", "water/networks/Net3.inp")]
    [InlineData("Net6", "water/networks/wntr/Net6.inp")]
    public void Initial_snapshot_matches_epanet_t0_within_regression_tolerance(string name, string inpPath)
    {
        var json = JsonDocument.Parse(File.ReadAllText(ReferenceData.Require($"water/reference/{name}.t0.json"))).RootElement;
        var net = InpReader.ReadFile(ReferenceData.Require(inpPath));
        net.Times.Duration = 0;
        var sim = new HydraulicSimulation(net);
        var step = sim.Run()[0];
        Assert.True(step.Converged);
        var failures = new List<string>();
        var cut = new HashSet<string>(sim.CutOffJunctions());
        foreach (var n in json.GetProperty("t0").GetProperty("nodes").EnumerateArray())
        {
            var id = n.GetProperty("id").GetString()!;
            if (cut.Contains(id))
            {
                continue;
            }
            Check(failures, $"P:{id}", sim.PressureFileUnits(sim.NodeIndexOf(id)), n.GetProperty("pressure").GetDouble());
        }
        foreach (var l in json.GetProperty("t0").GetProperty("links").EnumerateArray())
        {
            var id = l.GetProperty("id").GetString()!;
            Check(failures, $"Q:{id}", sim.FlowFileUnits(sim.LinkIndexOf(id)), l.GetProperty("flow").GetDouble());
        }
        Assert.True(failures.Count == 0, $"{failures.Count} values differ: " + string.Join("; ", failures.Take(10)));
    }

    // EPANET's regression tolerance, with flows below 1e-3 file units treated as zero (round-off of links that
    // carry no flow differs between any two implementations at the 1e-6 cfs level).
    internal static void Check(List<string> failures, string name, double actual, double expected)
    {
        if (name.StartsWith("Q:", StringComparison.Ordinal) && Math.Abs(actual) < 1e-3 && Math.Abs(expected) < 1e-3)
        {
            return;
        }
        if (Math.Abs(actual - expected) > 1e-4 + (0.01 * Math.Abs(expected)))
        {
            failures.Add(FormattableString.Invariant($"{name} {actual:G8} vs {expected:G8}"));
        }
    }
}
