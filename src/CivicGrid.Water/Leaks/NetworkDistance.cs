using CivicGrid.Water.Model;

namespace CivicGrid.Water.Leaks;

/// <summary>
/// Distances along the pipes (metres), the measure BattLeDIM's scoring uses: between two pipes it is the shortest
/// path between any pair of their end nodes plus half of each pipe's length (0 for the same pipe). Pumps and valves
/// count as zero length. Shortest-path trees are cached per source node.
/// </summary>
public sealed class NetworkDistance
{
    private readonly Dictionary<string, int> _nodeIndex = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(int To, double Meters)>[] _adjacency;
    private readonly Dictionary<string, (int From, int To, double Meters)> _links = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<int, double[]> _trees = [];
    private readonly Lock _gate = new();

    public NetworkDistance(WaterNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        foreach (var n in network.Nodes)
        {
            _nodeIndex[n.Id] = _nodeIndex.Count;
        }
        _adjacency = new List<(int, double)>[_nodeIndex.Count];
        for (var i = 0; i < _adjacency.Length; i++)
        {
            _adjacency[i] = [];
        }
        var scale = LeakNetworkTools.MetersPerLengthUnit(network);
        foreach (var l in network.Links)
        {
            var a = _nodeIndex[l.FromNode];
            var b = _nodeIndex[l.ToNode];
            var m = l is Pipe p ? p.Length * scale : 0.0;
            _adjacency[a].Add((b, m));
            _adjacency[b].Add((a, m));
            _links[l.Id] = (a, b, m);
        }
    }

    /// <summary>Pipe-length distance (m) between the centres of two links.</summary>
    public double BetweenLinks(string linkA, string linkB)
    {
        if (string.Equals(linkA, linkB, StringComparison.OrdinalIgnoreCase))
        {
            return 0.0;
        }
        if (!_links.TryGetValue(linkA, out var a) || !_links.TryGetValue(linkB, out var b))
        {
            throw new KeyNotFoundException($"no link '{(_links.ContainsKey(linkA) ? linkB : linkA)}'");
        }
        var fromA1 = Tree(a.From);
        var fromA2 = Tree(a.To);
        var best = Math.Min(Math.Min(fromA1[b.From], fromA1[b.To]), Math.Min(fromA2[b.From], fromA2[b.To]));
        return best + (a.Meters / 2) + (b.Meters / 2);
    }

    private double[] Tree(int source)
    {
        lock (_gate)
        {
            if (_trees.TryGetValue(source, out var cached))
            {
                return cached;
            }
        }
        var dist = new double[_adjacency.Length];
        Array.Fill(dist, double.PositiveInfinity);
        dist[source] = 0;
        var queue = new PriorityQueue<int, double>();
        queue.Enqueue(source, 0);
        while (queue.TryDequeue(out var u, out var du))
        {
            if (du > dist[u])
            {
                continue;
            }
            foreach (var (v, w) in _adjacency[u])
            {
                var nd = du + w;
                if (nd < dist[v])
                {
                    dist[v] = nd;
                    queue.Enqueue(v, nd);
                }
            }
        }
        lock (_gate)
        {
            _trees[source] = dist;
        }
        return dist;
    }
}
