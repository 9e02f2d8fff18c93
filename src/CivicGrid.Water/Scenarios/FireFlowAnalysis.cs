using CivicGrid.Water.Hydraulics;
using CivicGrid.Water.Model;

namespace CivicGrid.Water.Scenarios;

/// <summary>Settings of a fire-flow analysis (SI units).</summary>
public sealed record FireFlowOptions
{
    /// <summary>Lowest acceptable pressure at every checked junction, m.</summary>
    public double MinimumPressureMeters { get; init; } = 14.0;

    /// <summary>Time of day (s from the start) at which the fire flow is drawn; the network runs its own controls up
    /// to then without it.</summary>
    public long TimeSeconds { get; init; }

    /// <summary>Bisection stops when the bracket is narrower than this, L/s.</summary>
    public double ToleranceLitersPerSecond { get; init; } = 0.1;

    /// <summary>Largest fire flow searched, L/s; a node that still meets the limit there is reported as capped.</summary>
    public double MaximumLitersPerSecond { get; init; } = 1000.0;

    /// <summary>Parallel workers; 0 uses one per core.</summary>
    public int Workers { get; init; }
}

/// <summary>Available fire flow at one node.</summary>
/// <param name="NodeId">The hydrant junction.</param>
/// <param name="FireFlowLitersPerSecond">Largest extra demand found that keeps every checked junction at or above the
/// minimum pressure (the lower end of the final bisection bracket).</param>
/// <param name="Capped">True when even <see cref="FireFlowOptions.MaximumLitersPerSecond"/> met the limit.</param>
/// <param name="LimitingNodeId">The junction with the lowest pressure at the fire flow found.</param>
/// <param name="LimitingPressureMeters">Its pressure, m.</param>
/// <param name="Solves">Steady-state solves used.</param>
public sealed record FireFlowResult(string NodeId, double FireFlowLitersPerSecond, bool Capped, string? LimitingNodeId, double LimitingPressureMeters, int Solves);

/// <summary>A whole fire-flow analysis.</summary>
/// <param name="Options">The settings used.</param>
/// <param name="BaseBelowMinimum">Junctions already below the minimum without any fire flow: they are left out of the
/// check (the analysis measures what the fire flow takes away).</param>
/// <param name="Nodes">One result per requested node, in request order.</param>
public sealed record FireFlowReport(FireFlowOptions Options, IReadOnlyList<string> BaseBelowMinimum, IReadOnlyList<FireFlowResult> Nodes);

/// <summary>
/// Fire-flow analysis: for each hydrant node, the largest extra demand at the chosen time that keeps every junction's
/// pressure at or above a minimum — found by bisection over steady-state solves, the way WNTR and EPANET users do it.
/// Pressure falls monotonically with the extra demand under demand-driven analysis, so the bracket is exact.
/// </summary>
public static class FireFlowAnalysis
{
    public static FireFlowReport Run(WaterNetwork network, IReadOnlyList<string> nodeIds, FireFlowOptions? options = null, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(nodeIds);
        var o = options ?? new FireFlowOptions();
        if (o.ToleranceLitersPerSecond <= 0 || o.MaximumLitersPerSecond <= o.ToleranceLitersPerSecond)
        {
            throw new ArgumentException("The tolerance must be positive and smaller than the maximum fire flow.", nameof(options));
        }
        var runner = new ScenarioRunner(network, o.Workers);
        return Run(runner, network, nodeIds, o, progress, cancellationToken);
    }

    /// <summary>Runs on an existing runner (its simulations are reused).</summary>
    public static FireFlowReport Run(ScenarioRunner runner, WaterNetwork network, IReadOnlyList<string> nodeIds, FireFlowOptions options, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(options);
        var probe = new HydraulicSimulation(network);
        foreach (var id in nodeIds)
        {
            if (!probe.Network.NodeIndex.TryGetValue(id, out var n) || n >= probe.Network.JunctionCount)
            {
                throw new ArgumentException($"'{id}' is not a junction of the network.", nameof(nodeIds));
            }
        }
        ScenarioRunner.SolveAt(probe, options.TimeSeconds);
        var checkedNodes = new List<int>();
        var below = new List<string>();
        for (var j = 0; j < probe.Network.JunctionCount; j++)
        {
            if (probe.PressureMeters(j) >= options.MinimumPressureMeters)
            {
                checkedNodes.Add(j);
            }
            else
            {
                below.Add(probe.Network.NodeIds[j]);
            }
        }
        var results = runner.Run(nodeIds, (sim, id) => Search(sim, id, checkedNodes, options), progress, cancellationToken);
        return new FireFlowReport(options, below, results);
    }

    /// <summary>Solves with <paramref name="litersPerSecond"/> extra at <paramref name="nodeId"/> and returns whether every
    /// junction in <paramref name="checkedNodes"/> meets the minimum, with the lowest of them.</summary>
    internal static (bool Ok, int Lowest, double Pressure) Evaluate(HydraulicSimulation sim, string nodeId, double litersPerSecond, IReadOnlyList<int> checkedNodes, FireFlowOptions o)
    {
        sim.SetExtraDemand(nodeId, 0.0);
        try
        {
            var converged = ScenarioRunner.SolveAt(sim, o.TimeSeconds, () => sim.SetExtraDemand(nodeId, litersPerSecond / 1000.0));
            var lowest = -1;
            var pressure = double.PositiveInfinity;
            foreach (var j in checkedNodes)
            {
                var p = sim.PressureMeters(j);
                if (!double.IsFinite(p))
                {
                    return (false, j, p);
                }
                if (p < pressure)
                {
                    pressure = p;
                    lowest = j;
                }
            }
            return (converged && pressure >= o.MinimumPressureMeters, lowest, pressure);
        }
        finally
        {
            sim.SetExtraDemand(nodeId, 0.0);
        }
    }

    private static FireFlowResult Search(HydraulicSimulation sim, string nodeId, IReadOnlyList<int> checkedNodes, FireFlowOptions o)
    {
        var solves = 0;
        (bool Ok, int Lowest, double Pressure) Eval(double q)
        {
            solves++;
            return Evaluate(sim, nodeId, q, checkedNodes, o);
        }
        var atLo = Eval(0.0);
        if (!atLo.Ok)
        {
            return Result(0.0, false, atLo);
        }
        var lo = 0.0;
        var hi = Math.Min(Math.Max(10.0, 100 * o.ToleranceLitersPerSecond), o.MaximumLitersPerSecond);
        while (true)
        {
            var r = Eval(hi);
            if (!r.Ok)
            {
                break;
            }
            lo = hi;
            atLo = r;
            if (hi >= o.MaximumLitersPerSecond)
            {
                return Result(lo, true, atLo);
            }
            hi = Math.Min(2 * hi, o.MaximumLitersPerSecond);
        }
        while (hi - lo > o.ToleranceLitersPerSecond)
        {
            var mid = 0.5 * (lo + hi);
            var r = Eval(mid);
            if (r.Ok)
            {
                lo = mid;
                atLo = r;
            }
            else
            {
                hi = mid;
            }
        }
        return Result(lo, false, atLo);

        FireFlowResult Result(double q, bool capped, (bool Ok, int Lowest, double Pressure) r) =>
            new(nodeId, q, capped, r.Lowest >= 0 ? sim.Network.NodeIds[r.Lowest] : null, r.Pressure, solves);
    }
}
