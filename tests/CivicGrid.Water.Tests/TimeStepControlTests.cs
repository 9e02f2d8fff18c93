using System.Globalization;
using CivicGrid.Testing;
using CivicGrid.Water.Hydraulics;
using CivicGrid.Water.Inp;
using Xunit;

namespace CivicGrid.Water.Tests;

/// <summary>
/// EPANET 2.3's time-step and status rules on the networks where CivicGrid used to part from it, each against a
/// series generated in the same run by epanet-js 0.9.0 (EPANET 2.3.5, <c>bench/peers/water/epanet-peer.mjs series</c>),
/// every pressure and flow at every hydraulic step within |a − b| ≤ 1e-4 + 0.01·|b| and the same step times.
/// </summary>
public class TimeStepControlTests
{
    private static ReferenceSeries.Comparison CompareWithPeer(string network, int timeoutSeconds = 60)
    {
        var file = ReferenceData.Require($"water/networks/{network}");
        if (!AllNetworksTests.PeerAvailable())
        {
            Assert.Skip("epanet-js is not installed: run `npm install` in bench/peers/water");
        }
        using var temp = RepositoryPaths.CreateTempFolder();
        var csv = Path.Combine(temp.Path, "reference.csv");
        var peer = AllNetworksTests.RunNode(TimeSpan.FromSeconds(timeoutSeconds), AllNetworksTests.PeerScript, "series", file, csv);
        Assert.True(peer.ExitCode == 0, peer.StdErr);
        return ReferenceSeries.Load(csv).Compare(file);
    }

    // A tank drains to its minimum level through a pipe with almost no head loss. EPANET 2.3 closes the outlet when
    // the tank is at its minimum and water leaves it (whatever the head difference), and keeps it open while the
    // tank is even a fraction of a millimetre above the minimum: io.inp closes at 6,674 s, tank_controls_1 at 28,800 s.
    [Theory]
    [InlineData("wntr-testing/io.inp")]
    [InlineData("wntr-testing/tank_controls_1.inp")]
    public void Empty_tank_outlet_closes_at_the_same_step_as_epanet(string network)
    {
        var result = CompareWithPeer(network);
        Assert.Equal(result.ReferenceSteps, result.Steps);
        Assert.True(result.Failures == 0, $"{result.Failures} of {result.Compared} values outside tolerance; worst {result.Worst}");
    }

    // A pump closed in [STATUS] has speed 0 in EPANET 2.3, so a CLOSED level control on it changes nothing and must
    // not cut the time step (Net6's PUMP-3881 used to cut the step at 1,050 s: 610 steps against EPANET's 608).
    [Fact]
    [Trait("Category", "Slow")]
    public void Net6_takes_the_same_hydraulic_steps_as_epanet()
    {
        // epanet-js needs a few seconds for Net6 on a quiet machine; allow for a loaded one.
        var result = CompareWithPeer("wntr/Net6.inp", timeoutSeconds: 600);
        Assert.Equal(result.ReferenceSteps, result.Steps);
    }

    [Fact]
    public void A_closed_level_control_on_a_pump_closed_in_status_does_not_cut_the_step()
    {
        // The wide tank fills at several cfs: it reaches the control level of 10.5 ft within the first hour but is far
        // from full after two. The CLOSED control on the already-closed pump changes nothing, so no step is cut.
        var net = InpReader.Read("""
            [JUNCTIONS]
            J1 0 0
            [RESERVOIRS]
            R 50
            [TANKS]
            T 0 10 0 20 200
            [PIPES]
            P1 R J1 100 12 130
            P2 J1 T 100 12 130
            [PUMPS]
            PU J1 T HEAD C
            [CURVES]
            C 100 60
            [STATUS]
            PU Closed
            [CONTROLS]
            LINK PU CLOSED IF NODE T ABOVE 10.5
            [TIMES]
            DURATION 2:00
            HYDRAULIC TIMESTEP 1:00
            [END]
            """, "closed-pump.inp");
        var sim = new HydraulicSimulation(net);
        var times = sim.Run().Select(s => s.TimeSeconds).ToList();
        Assert.True(times.SequenceEqual([0L, 3600L, 7200L]), string.Join(",", times.Select(t => t.ToString(CultureInfo.InvariantCulture))));
        Assert.Equal(LinkStatus.Closed, sim.LinkStatusOf(sim.LinkIndexOf("PU")));
        Assert.True(sim.HeadMeters(sim.NodeIndexOf("T")) > 10.5 * UnitSystem.MetersPerFoot, "the tank passed the control level");
    }
}
