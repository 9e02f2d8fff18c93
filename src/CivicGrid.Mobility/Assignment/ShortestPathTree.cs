namespace CivicGrid.Mobility.Assignment;

/// <summary>Label-setting shortest paths (Dijkstra, binary heap) on an <see cref="AssignmentNetwork"/> that never pass through zones.</summary>
public sealed class ShortestPathTree
{
    private readonly AssignmentNetwork _net;
    private readonly int[] _heap;
    private readonly int[] _heapPos;
    private int _heapSize;

    public ShortestPathTree(AssignmentNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        _net = network;
        Distance = new double[network.NodeCount];
        PredecessorLink = new int[network.NodeCount];
        SettleOrder = new int[network.NodeCount];
        _heap = new int[network.NodeCount];
        _heapPos = new int[network.NodeCount];
    }

    public double[] Distance { get; }

    /// <summary>Link into each node on its shortest path (-1 at the origin and unreachable nodes).</summary>
    public int[] PredecessorLink { get; }

    /// <summary>Reachable nodes in the order they were settled (a topological order of the tree).</summary>
    public int[] SettleOrder { get; }

    public int SettledCount { get; private set; }

    /// <summary>Computes shortest paths from <paramref name="origin"/> with the given link costs.</summary>
    public void Run(int origin, ReadOnlySpan<double> linkCost)
    {

        Array.Fill(Distance, double.PositiveInfinity);
        Array.Fill(PredecessorLink, -1);
        Array.Fill(_heapPos, -1);
        _heapSize = 0;
        SettledCount = 0;
        Distance[origin] = 0;
        Push(origin);
        var outStart = _net.OutStart;
        var outLinks = _net.OutLinks;
        var head = _net.Head;
        while (_heapSize > 0)
        {
            var u = Pop();
            _heapPos[u] = -2;
            SettleOrder[SettledCount++] = u;
            if (_net.IsBlocked(u, origin))
            {
                continue;
            }
            var du = Distance[u];
            for (var k = outStart[u]; k < outStart[u + 1]; k++)
            {
                var a = outLinks[k];
                var v = head[a];
                var dv = du + linkCost[a];
                if (dv < Distance[v] && _heapPos[v] != -2)
                {
                    Distance[v] = dv;
                    PredecessorLink[v] = a;
                    if (_heapPos[v] < 0)
                    {
                        Push(v);
                    }
                    else
                    {
                        SiftUp(_heapPos[v]);
                    }
                }
            }
        }

    }

    private void Push(int v)
    {
        _heap[_heapSize] = v;
        _heapPos[v] = _heapSize;
        _heapSize++;
        SiftUp(_heapSize - 1);
    }

    private int Pop()
    {
        var top = _heap[0];
        _heapSize--;
        if (_heapSize > 0)
        {
            _heap[0] = _heap[_heapSize];
            _heapPos[_heap[0]] = 0;
            SiftDown(0);
        }
        return top;
    }

    private void SiftUp(int i)
    {
        var v = _heap[i];
        var d = Distance[v];
        while (i > 0)
        {
            var p = (i - 1) >> 1;
            var pv = _heap[p];
            if (Distance[pv] <= d)
            {
                break;
            }
            _heap[i] = pv;
            _heapPos[pv] = i;
            i = p;
        }
        _heap[i] = v;
        _heapPos[v] = i;
    }

    private void SiftDown(int i)
    {
        var v = _heap[i];
        var d = Distance[v];
        while (true)
        {
            var c = (2 * i) + 1;
            if (c >= _heapSize)
            {
                break;
            }
            if (c + 1 < _heapSize && Distance[_heap[c + 1]] < Distance[_heap[c]])
            {
                c++;
            }
            var cv = _heap[c];
            if (Distance[cv] >= d)
            {
                break;
            }
            _heap[i] = cv;
            _heapPos[cv] = i;
            i = c;
        }
        _heap[i] = v;
        _heapPos[v] = i;
    }
}
