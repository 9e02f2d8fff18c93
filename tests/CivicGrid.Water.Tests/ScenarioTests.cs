using CivicGrid.Testing;
using CivicGrid.Water.Hydraulics;
using CivicGrid.Water.Inp;
using CivicGrid.Water.Scenarios;
using Xunit;

namespace CivicGrid.Water.Tests;

public class ScenarioTests
{
    private static readonly string[] Net3Hydrants = ["101", "123", "157", "205"];

    [Fact]
    public void Parallel_runner_returns_the_same_results_in_the_same_order_as_a_sequential_run()
    {
        var network = InpReader.ReadFile(ReferenceData.Require("water/networks/Net3.inp"));
        var pipes = network.Pipes.Take(40).Select(p => p.Id).ToList();
        static double[] Pressures(HydraulicSimulation sim, string id)
        {
            sim.SetLinkOpen(id, false);
            try
            {
                sim.Reset();
                sim.SolveCurrent();
                return [.. Enumerable.Range(0, sim.Network.JunctionCount).Select(sim.PressureMeters)];
            }
            finally
            {
                sim.SetLinkOpen(id, null);
            }
        }
        var ct = TestContext.Current.CancellationToken;
        var sequential = new ScenarioRunner(network, 1).Run(pipes, Pressures, cancellationToken: ct);
        var reported = 0;
        var parallel = new ScenarioRunner(network, 3).Run(pipes, Pressures, new SyncProgress(n => reported = Math.Max(reported, n)), ct);
        Assert.Equal(pipes.Count, parallel.Length);
        for (var i = 0; i < pipes.Count; i++)
        {
            Assert.Equal(sequential[i], parallel[i]);
        }
        Assert.Equal(pipes.Count, reported);
    }

    [Fact]
    public void Runner_stops_when_cancelled()
    {
        var network = InpReader.ReadFile(ReferenceData.Require("water/networks/Net1.inp"));
        using var cts = new CancellationTokenSource();
        var variants = Enumerable.Range(0, 50).ToList();
        var runs = 0;
        Assert.ThrowsAny<OperationCanceledException>(() => new ScenarioRunner(network, 2).Run(variants, (sim, i) =>
        {
            if (Interlocked.Increment(ref runs) == 5)
            {
                cts.Cancel();
            }
            sim.Reset();
            return sim.SolveCurrent().Iterations;
        }, cancellationToken: cts.Token));
        Assert.True(runs < variants.Count);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(6 * 3600L)]
    public void Fire_flow_meets_the_minimum_at_the_value_found_and_violates_it_just_above(long time)
    {
        var network = InpReader.ReadFile(ReferenceData.Require("water/networks/Net3.inp"));
        var options = new FireFlowOptions { MinimumPressureMeters = 20, TimeSeconds = time, ToleranceLitersPerSecond = 0.05, Workers = 2 };
        var report = FireFlowAnalysis.Run(network, Net3Hydrants, options, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(Net3Hydrants, report.Nodes.Select(r => r.NodeId));
        var sim = new HydraulicSimulation(network);
        var checkedNodes = Enumerable.Range(0, sim.Network.JunctionCount).Where(j => !report.BaseBelowMinimum.Contains(sim.Network.NodeIdList[j])).ToList();
        Assert.Contains(report.Nodes, r => !r.Capped);
        foreach (var r in report.Nodes)
        {
            Assert.True(r.FireFlowLitersPerSecond > 0, $"{r.NodeId}: no fire flow at all");
            if (r.Capped)
            {
                Assert.True(DirectLowestPressure(sim, r.NodeId, options.MaximumLitersPerSecond, checkedNodes, time) >= 20.0);
                continue;
            }
            var at = DirectLowestPressure(sim, r.NodeId, r.FireFlowLitersPerSecond, checkedNodes, time);
            Assert.True(at >= 20.0, $"{r.NodeId}: {at} m at {r.FireFlowLitersPerSecond} L/s");
            // The limit is reached: the lowest pressure is at the minimum within the pressure change the tolerance allows.
            Assert.InRange(at, 20.0, 21.0);
            Assert.Equal(r.LimitingPressureMeters, at, 6);
            var above = DirectLowestPressure(sim, r.NodeId, r.FireFlowLitersPerSecond + (2 * options.ToleranceLitersPerSecond), checkedNodes, time);
            Assert.True(above < 20.0, $"{r.NodeId}: still {above} m just above the fire flow");
        }
    }

    [Fact]
    public void Fire_flow_is_identical_with_one_or_two_workers()
    {
        var network = InpReader.ReadFile(ReferenceData.Require("water/networks/Net1.inp"));
        var ids = network.Junctions.Select(j => j.Id).ToList();
        var one = FireFlowAnalysis.Run(network, ids, new FireFlowOptions { MinimumPressureMeters = 30, Workers = 2 }, cancellationToken: TestContext.Current.CancellationToken);
        var two = FireFlowAnalysis.Run(network, ids, new FireFlowOptions { MinimumPressureMeters = 30, Workers = 2 }, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(one.Nodes, two.Nodes);
        Assert.Throws<ArgumentException>(() => FireFlowAnalysis.Run(network, ["9"], cancellationToken: TestContext.Current.CancellationToken));
    }

    [Fact]
    public void Criticality_on_Net3_disconnects_dead_end_junctions_and_ranks_them_by_unserved_demand()
    {
        var network = InpReader.ReadFile(ReferenceData.Require("water/networks/Net3.inp"));
        var report = CriticalityAnalysis.Run(network, new CriticalityOptions { MinimumPressureMeters = 14, Workers = 2 }, cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(network.Pipes.Count, report.Ranked.Count);
        var degree = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var link in network.Pipes.Cast<CivicGrid.Water.Model.Link>().Concat(network.Pumps).Concat(network.Valves))
        {
            foreach (var n in new[] { link.FromNode, link.ToNode })
            {
                (degree.TryGetValue(n, out var l) ? l : degree[n] = []).Add(link.Id);
            }
        }
        var deadEnds = network.Junctions.Where(j => degree[j.Id].Count == 1 && j.Demands.Sum(d => d.BaseDemand) > 0).ToList();
        Assert.NotEmpty(deadEnds);
        var byLink = report.Ranked.ToDictionary(r => r.LinkId);
        foreach (var j in deadEnds)
        {
            var r = byLink[degree[j.Id][0]];
            Assert.Contains(j.Id, r.DisconnectedNodes);
            Assert.True(r.DemandNotServedLitersPerSecond > 0);
        }
        for (var i = 1; i < report.Ranked.Count; i++)
        {
            Assert.True(report.Ranked[i - 1].DemandNotServedLitersPerSecond >= report.Ranked[i].DemandNotServedLitersPerSecond);
        }
        // Most pipes of a looped network are not critical.
        Assert.True(report.Ranked.Count(r => r.DisconnectedNodes.Count == 0 && r.NodesBelowMinimum.Count == 0) > report.Ranked.Count / 2);
    }

    [Fact]
    public void Criticality_on_Net1_closing_the_main_from_the_pump_leaves_the_tank_to_serve_everything()
    {
        var network = InpReader.ReadFile(ReferenceData.Require("water/networks/Net1.inp"));
        var report = CriticalityAnalysis.Run(network, new CriticalityOptions { MinimumPressureMeters = 14, Workers = 2 }, cancellationToken: TestContext.Current.CancellationToken);
        var main = report.Ranked.Single(r => r.LinkId == "10");
        Assert.Empty(main.DisconnectedNodes);
        var tankLine = report.Ranked.Single(r => r.LinkId == "110");
        Assert.Empty(tankLine.DisconnectedNodes);
        Assert.All(report.Ranked, r => Assert.True(r.Converged, r.LinkId));
    }

    // A plain extended-period run with its own controls up to the time, the fire flow drawn only at that step.
    private static double DirectLowestPressure(HydraulicSimulation sim, string node, double litersPerSecond, List<int> checkedNodes, long time)
    {
        sim.SetExtraDemand(node, 0);
        sim.Reset();
        while (sim.TimeSeconds < time)
        {
            sim.SolveCurrent();
            sim.Advance();
        }
        sim.SetExtraDemand(node, litersPerSecond / 1000.0);
        Assert.True(sim.SolveCurrent().Converged);
        Assert.Equal(time, sim.TimeSeconds);
        var lowest = checkedNodes.Min(sim.PressureMeters);
        sim.SetExtraDemand(node, 0);
        return lowest;
    }

    private sealed class SyncProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value)
        {
            lock (this)
            {
                report(value);
            }
        }
    }
}
