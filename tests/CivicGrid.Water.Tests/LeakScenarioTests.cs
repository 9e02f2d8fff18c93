using CivicGrid.Testing;
using CivicGrid.Water.Hydraulics;
using CivicGrid.Water.Inp;
using CivicGrid.Water.Leaks;
using CivicGrid.Water.Model;
using Xunit;

namespace CivicGrid.Water.Tests;

/// <summary>The leak scenario generator and the hydraulic hooks it relies on.</summary>
public class LeakScenarioTests
{
    internal static WaterNetwork Net(string name) => InpReader.ReadFile(ReferenceData.Require($"water/networks/{name}"));

    internal static readonly LeakScenarioOptions Short = new()
    {
        DurationSeconds = 4 * 86400,
        TrainingSeconds = 2 * 86400,
        SampleStepSeconds = 1800,
    };

    [Fact]
    public void Same_seed_gives_the_same_scenario_and_another_seed_a_different_one()
    {
        var net = Net("Net3.inp");
        var a = LeakScenarioGenerator.Generate(net, Short, 7);
        var b = LeakScenarioGenerator.Generate(net, Short, 7);
        var c = LeakScenarioGenerator.Generate(net, Short, 8);
        Assert.Equal(a.Leaks.Select(l => (l.PipeId, l.StartSeconds, l.DiameterMillimetres)), b.Leaks.Select(l => (l.PipeId, l.StartSeconds, l.DiameterMillimetres)));
        Assert.Equal(a.Data.Channels.Select(ch => ch.Column), b.Data.Channels.Select(ch => ch.Column));
        for (var i = 0; i < a.Data.Channels.Count; i++)
        {
            Assert.Equal(a.Data.Channels[i].Values, b.Data.Channels[i].Values);
        }
        Assert.NotEqual(a.Data.Pressures.First().Values, c.Data.Pressures.First().Values);
    }

    [Fact]
    public void Leak_flows_only_inside_its_window_and_an_incipient_leak_grows()
    {
        var net = Net("Net3.inp");
        var options = Short with { LeakCount = 3, IncipientProbability = 0.5, RepairProbability = 0.5 };
        foreach (var seed in new[] { 1, 2, 3 })
        {
            var s = LeakScenarioGenerator.Generate(net, options, seed);
            Assert.Equal(3, s.Leaks.Count);
            var times = s.Data.TimesSeconds;
            foreach (var leak in s.Leaks)
            {
                Assert.True(leak.StartSeconds >= options.TrainingSeconds, "leaks start after the leak-free training period");
                for (var t = 0; t < times.Count; t++)
                {
                    var q = leak.FlowLitersPerSecond[t];
                    if (times[t] < leak.StartSeconds || times[t] > leak.EndSeconds)
                    {
                        Assert.Equal(0.0, q, 9);
                    }
                    else if (times[t] > leak.StartSeconds)
                    {
                        Assert.True(q > 0, $"leak {leak.PipeId} flows at {times[t]} s");
                    }
                }
                if (leak.Profile == LeakProfile.Incipient && leak.PeakSeconds - leak.StartSeconds >= 4 * options.SampleStepSeconds)
                {
                    var early = leak.FlowLitersPerSecond[(int)(leak.StartSeconds / options.SampleStepSeconds) + 1];
                    var peak = leak.FlowLitersPerSecond[(int)(leak.PeakSeconds / options.SampleStepSeconds)];
                    Assert.True(peak > 1.5 * early, $"incipient leak grows ({early} → {peak} L/s)");
                }
            }
        }
    }

    [Fact]
    public void Noise_free_leak_free_sensors_read_the_plain_simulation()
    {
        var net = Net("Net1.inp");
        var options = Short with
        {
            LeakCount = 0,
            CommonDemandNoise = 0,
            NodalDemandNoise = 0,
            BaseDemandUncertainty = 0,
            PressureNoiseMeters = 0,
            PressureResolutionMeters = 0,
            FlowNoiseRelative = 0,
            PressureSensorCount = 4,
        };
        var s = LeakScenarioGenerator.Generate(net, options, 3);
        var model = LeakNetworkTools.Clone(net);
        LeakNetworkTools.ConfigureRun(model, options.DurationSeconds, options.SampleStepSeconds);
        var sim = new HydraulicSimulation(model);
        var expected = new Dictionary<(long, string), double>();
        var sensors = s.Data.Pressures.Select(p => p.ElementId).ToList();
        sim.Run(step =>
        {
            foreach (var id in sensors)
            {
                expected[(step.TimeSeconds, id)] = sim.PressureMeters(sim.NodeIndexOf(id));
            }
        });
        foreach (var ch in s.Data.Pressures)
        {
            for (var t = 0; t < s.Data.TimesSeconds.Count; t++)
            {
                Assert.Equal(expected[(s.Data.TimesSeconds[t], ch.ElementId)], ch.Values[t], 6);
            }
        }
    }

    [Fact]
    public void Emitter_coefficient_hook_gives_the_orifice_flow()
    {
        // Q = K·p^0.5 with K in SI: the emitter flow at the solution must satisfy the orifice law at the node's pressure.
        var net = Net("Net1.inp");
        LeakNetworkTools.ConfigureRun(net, 0, 3600);
        var sim = new HydraulicSimulation(net);
        var k = LeakScenarioGenerator.OrificeCoefficient(25);
        sim.Reset();
        sim.SetEmitterCoefficientSI("23", k);
        sim.SolveCurrent();
        var node = sim.NodeIndexOf("23");
        var flowM3s = sim.EmitterFlowFileUnits(node) / sim.Network.Units.Flow * UnitSystem.CubicMetersPerCubicFoot;
        Assert.Equal(k * Math.Sqrt(sim.PressureMeters(node)), flowM3s, 1e-4 * flowM3s + 1e-7);
        sim.SetEmitterCoefficientSI("23", 0);
        sim.SolveCurrent();
        Assert.Equal(0.0, sim.EmitterFlowFileUnits(node));
    }

    [Fact]
    public void Linearised_sensitivity_matches_a_finite_difference()
    {
        // dp_s/dq_j from the factored Jacobian against re-solving with 2 L/s more demand at j; tolerance 10 %
        // (the difference is the second-order term of the head loss).
        var net = Net("Net3.inp");
        LeakNetworkTools.ConfigureRun(net, 0, 3600);
        var sim = new HydraulicSimulation(net);
        sim.Reset();
        sim.SolveCurrent();
        foreach (var (sensor, at) in new[] { ("123", "125"), ("255", "247"), ("119", "117") })
        {
            var s = sim.NodeIndexOf(sensor);
            var row = sim.HeadDropPerWithdrawal(s);
            var p0 = sim.PressureMeters(s);
            var q = 0.002;
            sim.SetExtraDemand(at, q);
            sim.Reset();
            sim.SolveCurrent();
            var drop = p0 - sim.PressureMeters(s);
            sim.SetExtraDemand(at, 0);
            sim.Reset();
            sim.SolveCurrent();
            Assert.True(drop > 0, "more demand lowers the pressure");
            Assert.Equal(drop, row[sim.NodeIndexOf(at)] * q, 0.1 * drop);
        }
    }

    [Fact]
    public void Tank_level_hook_sets_the_tank_head()
    {
        var net = Net("Net3.inp");
        var sim = new HydraulicSimulation(net);
        sim.Reset();
        var tank = net.Tanks[0];
        var level = ((tank.MinimumLevel + tank.MaximumLevel) / 2) * UnitSystem.MetersPerFoot;
        sim.SetTankLevel(tank.Id, level);
        sim.SolveCurrent();
        Assert.Equal((tank.Elevation * UnitSystem.MetersPerFoot) + level, sim.HeadMeters(sim.NodeIndexOf(tank.Id)), 6);
        Assert.Throws<ArgumentException>(() => sim.SetTankLevel(net.Junctions[0].Id, 1));
    }

    [Fact]
    public void Bad_options_are_rejected_with_the_setting_named()
    {
        var net = Net("Net1.inp");
        var e = Assert.Throws<ArgumentException>(() => LeakScenarioGenerator.Generate(net, Short with { TrainingSeconds = Short.DurationSeconds }, 1));
        Assert.Contains("training", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => LeakScenarioGenerator.Generate(net, Short with { PressureSensorNodes = ["nope"] }, 1));
    }
}
