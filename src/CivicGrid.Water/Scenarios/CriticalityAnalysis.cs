using CivicGrid.Water.Hydraulics;
using CivicGrid.Water.Model;

namespace CivicGrid.Water.Scenarios;

/// <summary>Settings of a pipe-criticality analysis (SI units).</summary>
public sealed record CriticalityOptions
{
    /// <summary>A junction with demand below this pressure, m, counts as affected.</summary>
    public double MinimumPressureMeters { get; init; } = 14.0;

    /// <summary>Time (s from the start) at which each pipe is closed; the network runs its own controls up to then.</summary>
    public long TimeSeconds { get; init; }

    /// <summary>Parallel workers; 0 uses one per core.</summary>
    public int Workers { get; init; }
}

/// <summary>The effect of closing one pipe.</summary>
/// <param name="LinkId">The closed pipe.</param>
/// <param name="NodesBelowMinimum">Junctions with demand that were at or above the minimum pressure before and are below
/// it with the pipe closed (cut-off junctions included).</param>
/// <param name="DisconnectedNodes">Junctions with demand that no open path joins to a tank or reservoir any more.</param>
/// <param name="DemandNotServedLitersPerSecond">Demand at the disconnected junctions plus demand at connected junctions
/// whose pressure falls below zero, L/s.</param>
/// <param name="LowestPressureMeters">Lowest pressure among connected junctions with demand, m.</param>
/// <param name="Converged">Whether the solve with the pipe closed converged.</param>
public sealed record LinkCriticality(string LinkId, IReadOnlyList<string> NodesBelowMinimum, IReadOnlyList<string> DisconnectedNodes, double DemandNotServedLitersPerSecond, double LowestPressureMeters, bool Converged);

/// <summary>A whole criticality analysis: pipes ranked by demand not served, then by junctions below the minimum.</summary>
public sealed record CriticalityReport(CriticalityOptions Options, IReadOnlyList<string> BaseBelowMinimum, IReadOnlyList<LinkCriticality> Ranked);

/// <summary>Pipe criticality: close each pipe in turn (one steady-state solve each, in parallel) and measure the
/// junctions that lose pressure or are cut off and the demand that is no longer served.</summary>
public static class CriticalityAnalysis
{
    public static CriticalityReport Run(WaterNetwork network, CriticalityOptions? options = null, IReadOnlyList<string>? pipeIds = null, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        var o = options ?? new CriticalityOptions();
        var probe = new HydraulicSimulation(network);
        var net = probe.Network;
        ScenarioRunner.SolveAt(probe, o.TimeSeconds);
        var baseOk = new bool[net.JunctionCount];
        var below = new List<string>();
        for (var j = 0; j < net.JunctionCount; j++)
        {
            baseOk[j] = probe.PressureMeters(j) >= o.MinimumPressureMeters;
            if (!baseOk[j] && Demand(probe, j) > 0)
            {
                below.Add(net.NodeIds[j]);
            }
        }
        var pipes = pipeIds ?? [.. Enumerable.Range(0, net.LinkCount).Where(k => net.Type[k] is HydraulicLinkType.Pipe or HydraulicLinkType.CheckValvePipe).Select(k => net.LinkIds[k])];
        foreach (var id in pipes)
        {
            if (!net.LinkIndex.ContainsKey(id))
            {
                throw new ArgumentException($"'{id}' is not a link of the network.", nameof(pipeIds));
            }
        }
        var runner = new ScenarioRunner(network, o.Workers);
        var results = runner.Run(pipes, (sim, id) => Close(sim, id, baseOk, o), progress, cancellationToken);
        var ranked = results
            .OrderByDescending(r => r.DemandNotServedLitersPerSecond)
            .ThenByDescending(r => r.NodesBelowMinimum.Count)
            .ThenBy(r => r.LowestPressureMeters)
            .ThenBy(r => r.LinkId, StringComparer.Ordinal)
            .ToList();
        return new CriticalityReport(o, below, ranked);
    }

    // Demand the junction asks for at the solved time, m³/s.
    private static double Demand(HydraulicSimulation sim, int j) =>
        sim.RequiredDemandFileUnits(j) / sim.Network.Units.Flow * UnitSystem.CubicMetersPerCubicFoot;

    internal static LinkCriticality Close(HydraulicSimulation sim, string linkId, bool[] baseOk, CriticalityOptions o)
    {
        sim.SetLinkOpen(linkId, false);
        try
        {
            var converged = ScenarioRunner.SolveAt(sim, o.TimeSeconds);
            var net = sim.Network;
            var cut = sim.DisconnectedNodes();
            var cutSet = new HashSet<string>(cut, StringComparer.Ordinal);
            var belowMin = new List<string>();
            var notServed = 0.0;
            var lowest = double.PositiveInfinity;
            for (var j = 0; j < net.JunctionCount; j++)
            {
                var d = Demand(sim, j);
                if (d <= 0)
                {
                    continue;
                }
                var id = net.NodeIds[j];
                if (cutSet.Contains(id))
                {
                    notServed += d;
                    if (baseOk[j])
                    {
                        belowMin.Add(id);
                    }
                    continue;
                }
                var p = sim.PressureMeters(j);
                lowest = Math.Min(lowest, p);
                if (p < 0)
                {
                    notServed += d;
                }
                if (baseOk[j] && p < o.MinimumPressureMeters)
                {
                    belowMin.Add(id);
                }
            }
            return new LinkCriticality(linkId, belowMin, cut, notServed * 1000.0, double.IsPositiveInfinity(lowest) ? double.NaN : lowest, converged);
        }
        finally
        {
            sim.SetLinkOpen(linkId, null);
        }
    }
}
