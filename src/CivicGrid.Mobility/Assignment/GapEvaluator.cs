namespace CivicGrid.Mobility.Assignment;

/// <summary>
/// Relative gap <c>(TSTT − SPTT) / SPTT</c> of a link-flow vector: total cost against the cost of sending every
/// trip on its current shortest path. Origins are processed in parallel; sums are taken in origin order so the
/// figure is deterministic.
/// </summary>
public sealed class GapEvaluator
{
    private readonly AssignmentNetwork _net;
    private readonly int[] _origins;
    private readonly double[] _spttPerOrigin;
    private readonly ThreadLocal<ShortestPathTree> _trees;

    public GapEvaluator(AssignmentNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        _net = network;
        _origins = OriginsWithDemand(network);
        _spttPerOrigin = new double[_origins.Length];
        _trees = new ThreadLocal<ShortestPathTree>(() => new ShortestPathTree(network));
    }

    /// <summary>Zones (0-based) that send any demand.</summary>
    public static int[] OriginsWithDemand(AssignmentNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        return OriginsWithDemand(network.Demand, network.ZoneCount);
    }

    /// <summary>Zones (0-based) that send any demand in a dense zone-by-zone matrix.</summary>
    public static int[] OriginsWithDemand(double[] demand, int zones)
    {
        ArgumentNullException.ThrowIfNull(demand);
        var list = new List<int>();
        var z = zones;
        for (var o = 0; o < z; o++)
        {
            for (var d = 0; d < z; d++)
            {
                if (d != o && demand[(o * z) + d] > 0)
                {
                    list.Add(o);
                    break;
                }
            }
        }
        return [.. list];
    }

    /// <summary>Returns (relative gap, average excess cost, TSTT, SPTT) for the flows and their costs.</summary>
    public (double RelativeGap, double AverageExcessCost, double Tstt, double Sptt) Evaluate(double[] flows, double[] costs)
    {
        ArgumentNullException.ThrowIfNull(flows);
        ArgumentNullException.ThrowIfNull(costs);
        var tstt = 0.0;
        for (var a = 0; a < flows.Length; a++)
        {
            tstt += flows[a] * costs[a];
        }
        var z = _net.ZoneCount;
        Parallel.For(0, _origins.Length, i =>
        {
            var o = _origins[i];
            var tree = _trees.Value!;
            tree.Run(o, costs);
            var s = 0.0;
            for (var d = 0; d < z; d++)
            {
                var q = _net.Demand[(o * z) + d];
                if (q > 0 && d != o)
                {
                    s += q * tree.Distance[d];
                }
            }
            _spttPerOrigin[i] = s;
        });
        var sptt = 0.0;
        foreach (var s in _spttPerOrigin)
        {
            sptt += s;
        }
        var total = _net.TotalDemand;
        return ((tstt - sptt) / sptt, total > 0 ? (tstt - sptt) / total : 0, tstt, sptt);
    }

    /// <summary>
    /// Shortest-path total cost of a demand matrix under the given link costs (infinite cost closes a link):
    /// <c>Σ_od q_od · dist_od</c>, parallel over origins and summed in origin order.
    /// </summary>
    public double ShortestPathCost(double[] costs, double[] demand)
    {
        ArgumentNullException.ThrowIfNull(costs);
        ArgumentNullException.ThrowIfNull(demand);
        var z = _net.ZoneCount;
        var origins = OriginsWithDemand(demand, z);
        var perOrigin = new double[origins.Length];
        Parallel.For(0, origins.Length, i =>
        {
            var o = origins[i];
            var tree = _trees.Value!;
            tree.Run(o, costs);
            var s = 0.0;
            for (var d = 0; d < z; d++)
            {
                var q = demand[(o * z) + d];
                if (q > 0 && d != o)
                {
                    s += q * tree.Distance[d];
                }
            }
            perOrigin[i] = s;
        });
        var sum = 0.0;
        foreach (var s in perOrigin)
        {
            sum += s;
        }
        return sum;
    }
}
