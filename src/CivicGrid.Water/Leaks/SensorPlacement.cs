using CivicGrid.Water.Model;

namespace CivicGrid.Water.Leaks;

/// <summary>Settings of <see cref="SensorPlacement"/>.</summary>
public sealed record SensorPlacementOptions
{
    /// <summary>Leak flow for which detectability is judged, L/s.</summary>
    public double NominalLeakLitersPerSecond { get; init; } = 5.0;

    /// <summary>A sensor sees a leak when the leak lowers its pressure by at least this much, m (about three
    /// standard deviations of the residual noise).</summary>
    public double DetectableDropMeters { get; init; } = 0.1;

    /// <summary>A leak counts once it is seen by this many sensors (2 favours redundancy for localisation).</summary>
    public int Redundancy { get; init; } = 2;

    /// <summary>Snapshots over the first day averaged in the sensitivities.</summary>
    public int Snapshots { get; init; } = 4;
}

/// <summary>Chosen sensors and how many candidate leaks they see.</summary>
public sealed record SensorPlacementResult(IReadOnlyList<string> Nodes, int CandidateLeaks, int DetectableLeaks, double Objective);

/// <summary>
/// Pressure-sensor placement maximising detectability: for every candidate junction and candidate leak pipe the
/// linearised pressure drop (<see cref="LeakSensitivityMatrix"/>) under a nominal leak is compared with the drop a
/// sensor can tell from noise; the objective counts, per leak, the sensors that see it, truncated at the
/// redundancy level — a monotone submodular coverage function, maximised by lazy greedy (Minoux's accelerated
/// greedy: a candidate's gain from an earlier round is an upper bound on its gain now, so most are never
/// re-evaluated), which is within 1 − 1/e of the optimum.
/// </summary>
public static class SensorPlacement
{
    public static SensorPlacementResult Greedy(WaterNetwork network, int count, SensorPlacementOptions? options = null)
    {
        var (nodes, sees) = Detectability(network, options ?? new SensorPlacementOptions());
        var o = options ?? new SensorPlacementOptions();
        var leaks = sees.Length == 0 ? 0 : sees[0].Length;
        var covered = new int[leaks];
        var chosen = new List<int>();
        var queue = new PriorityQueue<(int Node, int Round), double>();
        for (var n = 0; n < nodes.Count; n++)
        {
            queue.Enqueue((n, -1), -Gain(sees[n], covered, o.Redundancy));
        }
        var objective = 0.0;
        while (chosen.Count < Math.Min(count, nodes.Count) && queue.TryDequeue(out var item, out var negGain))
        {
            if (item.Round == chosen.Count)
            {
                chosen.Add(item.Node);
                objective += -negGain;
                for (var c = 0; c < leaks; c++)
                {
                    if (sees[item.Node][c])
                    {
                        covered[c]++;
                    }
                }
                continue;
            }
            // stale bound: re-evaluate and put back
            queue.Enqueue((item.Node, chosen.Count), -Gain(sees[item.Node], covered, o.Redundancy));
        }
        return new SensorPlacementResult([.. chosen.Select(i => nodes[i])], leaks, covered.Count(c => c > 0), objective);
    }

    /// <summary>Evaluates a given set of sensor nodes with the same detectability model.</summary>
    public static SensorPlacementResult Evaluate(WaterNetwork network, IReadOnlyList<string> sensorNodes, SensorPlacementOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(sensorNodes);
        var o = options ?? new SensorPlacementOptions();
        var (nodes, sees) = Detectability(network, o);
        var index = nodes.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => x.i, StringComparer.OrdinalIgnoreCase);
        var leaks = sees.Length == 0 ? 0 : sees[0].Length;
        var covered = new int[leaks];
        foreach (var id in sensorNodes)
        {
            if (!index.TryGetValue(id, out var n))
            {
                throw new ArgumentException($"'{id}' is not a junction of the network");
            }
            for (var c = 0; c < leaks; c++)
            {
                if (sees[n][c])
                {
                    covered[c]++;
                }
            }
        }
        return new SensorPlacementResult([.. sensorNodes], leaks, covered.Count(c => c > 0), covered.Sum(c => (double)Math.Min(c, o.Redundancy)));
    }

    private static double Gain(bool[] sees, int[] covered, int redundancy)
    {
        var gain = 0;
        for (var c = 0; c < sees.Length; c++)
        {
            if (sees[c] && covered[c] < redundancy)
            {
                gain++;
            }
        }
        return gain;
    }

    private static (List<string> Nodes, bool[][] Sees) Detectability(WaterNetwork network, SensorPlacementOptions o)
    {
        ArgumentNullException.ThrowIfNull(network);
        var nodes = network.Junctions.Select(j => j.Id).ToList();
        var matrix = LeakSensitivityMatrix.Compute(network, nodes, o.Snapshots);
        var q = o.NominalLeakLitersPerSecond / 1000.0;
        var sees = new bool[nodes.Count][];
        for (var n = 0; n < nodes.Count; n++)
        {
            sees[n] = new bool[matrix.CandidatePipes.Count];
            for (var c = 0; c < matrix.CandidatePipes.Count; c++)
            {
                sees[n][c] = matrix[c, n] * q >= o.DetectableDropMeters;
            }
        }
        return (nodes, sees);
    }
}
