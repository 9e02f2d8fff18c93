using CivicGrid.Water.Hydraulics;
using CivicGrid.Water.Inp;
using CivicGrid.Water.Synthetic;
using Xunit;

namespace CivicGrid.Water.Tests;

public class SyntheticNetworkTests
{
    [Fact]
    public void Realistic_network_converges_at_every_step_with_positive_pressures()
    {
        var net = SyntheticNetworkGenerator.Realistic(2000);
        Assert.Equal(2000, net.Junctions.Count);
        var sim = new HydraulicSimulation(net);
        var steps = sim.Run();
        Assert.True(steps.Count >= 25, $"{steps.Count} steps"); // 24 h at 1 h, plus any tank fill/drain steps
        Assert.All(steps, s => Assert.True(s.Converged));
        for (var n = 0; n < sim.Network.JunctionCount; n++)
        {
            Assert.True(sim.PressureMeters(n) > 0, $"junction {n} has pressure {sim.PressureMeters(n)}");
        }
    }

    [Fact]
    public void Full_mesh_has_two_links_per_node_and_converges()
    {
        var net = SyntheticNetworkGenerator.FullMesh(30);
        Assert.Equal(900, net.Junctions.Count);
        Assert.Equal((2 * 30 * 29) + 3, net.Links.Count);
        var sim = new HydraulicSimulation(InpReader.Read(InpWriter.Write(net)));
        Assert.All(sim.Run(), s => Assert.True(s.Converged));
    }

    [Fact]
    public void Repeated_runs_with_changed_demand_reuse_the_network_and_respond_to_the_change()
    {
        var net = SyntheticNetworkGenerator.Realistic(500);
        var sim = new HydraulicSimulation(net);
        sim.Run();
        var node = sim.NodeIndexOf("J10");
        var before = sim.PressureMeters(node);
        sim.SetExtraDemand("J10", 0.03); // a 30 L/s fire flow
        sim.Run();
        var after = sim.PressureMeters(node);
        Assert.True(after < before - 0.1, $"pressure {before} -> {after}");
        sim.SetExtraDemand("J10", 0);
        sim.Run();
        Assert.Equal(before, sim.PressureMeters(node), 1e-6);
    }
}
