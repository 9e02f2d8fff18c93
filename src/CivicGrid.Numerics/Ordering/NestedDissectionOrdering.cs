using CivicGrid.Numerics.Sparse;

namespace CivicGrid.Numerics.Ordering;

/// <summary>
/// Fill-reducing ordering by nested dissection of the graph of a symmetric pattern (George's automatic nested
/// dissection): a breadth-first level structure from a pseudo-peripheral vertex splits each part at its middle level,
/// the separator (thinned to the vertices that touch the far side) is numbered after both halves, and the halves are
/// dissected in turn; small parts are ordered by minimum degree. On grid-like graphs (a meshed distribution network)
/// this keeps the dense trailing separators small, which minimum degree alone does not. Only the pattern is read;
/// either triangle, or both, may be stored.
/// </summary>
public static class NestedDissectionOrdering
{
    /// <summary>Parts at most this large are ordered by minimum degree instead of being dissected further.</summary>
    public const int DefaultLeafSize = 64;

    /// <summary>Returns the permutation <c>p</c>: the k-th pivot is original row/column <c>p[k]</c>.</summary>
    public static int[] Compute(CompressedColumnMatrix pattern, int leafSize = DefaultLeafSize)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        if (pattern.RowCount != pattern.ColumnCount)
        {
            throw new ArgumentException("The pattern must be square.", nameof(pattern));
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(leafSize, 1);
        var graph = AdjacencyGraph.FromPattern(pattern);
        return new Dissector(graph, leafSize).Order();
    }

    private sealed class Dissector
    {
        private readonly AdjacencyGraph _g;
        private readonly int _leafSize;
        private readonly int[] _order;
        private readonly int[] _part;   // stamp of the part a vertex currently belongs to
        private readonly int[] _level;  // BFS level within the current part, −1 when unvisited
        private readonly int[] _queue;
        private readonly int[] _local;  // vertex -> index inside a leaf
        private int _stamp;

        public Dissector(AdjacencyGraph g, int leafSize)
        {
            _g = g;
            _leafSize = leafSize;
            var n = g.VertexCount;
            _order = new int[n];
            _part = new int[n];
            _level = new int[n];
            _queue = new int[n];
            _local = new int[n];
            Array.Fill(_level, -1);
        }

        public int[] Order()
        {
            var n = _g.VertexCount;
            // Work items: a set of vertices and the position after its last slot in the order.
            var stack = new Stack<(int[] Vertices, int End)>();
            var all = new int[n];
            for (var i = 0; i < n; i++)
            {
                all[i] = i;
            }
            stack.Push((all, n));
            while (stack.Count > 0)
            {
                var (vertices, end) = stack.Pop();
                if (vertices.Length <= _leafSize)
                {
                    OrderLeaf(vertices, end);
                    continue;
                }
                var stamp = ++_stamp;
                foreach (var v in vertices)
                {
                    _part[v] = stamp;
                }
                var start = PseudoPeripheral(vertices[0], stamp, out var reached, out var depth);
                if (reached < vertices.Length)
                {
                    // Disconnected: the component found and the rest are independent; no separator needed.
                    Bfs(start, stamp, out _);
                    var component = new int[reached];
                    var rest = new int[vertices.Length - reached];
                    int c = 0, r = 0;
                    foreach (var v in vertices)
                    {
                        if (_level[v] >= 0)
                        {
                            component[c++] = v;
                        }
                        else
                        {
                            rest[r++] = v;
                        }
                    }
                    stack.Push((component, end));
                    stack.Push((rest, end - component.Length));
                    continue;
                }
                if (depth < 2)
                {
                    OrderLeaf(vertices, end); // a clique-like part: no useful separator
                    continue;
                }
                Bfs(start, stamp, out _);
                var (first, separator, second) = Split(vertices, depth);
                if (separator.Length == 0 || first.Length == 0 || second.Length == 0)
                {
                    OrderLeaf(vertices, end);
                    continue;
                }
                separator.CopyTo(_order, end - separator.Length);
                stack.Push((second, end - separator.Length));
                stack.Push((first, end - separator.Length - second.Length));
            }
            return _order;
        }

        // Splits at the level where half the vertices lie before it; the separator keeps only that level's vertices
        // adjacent to the next level (the others join the first half, which they cannot connect to the second).
        private (int[] First, int[] Separator, int[] Second) Split(int[] vertices, int depth)
        {
            var counts = new int[depth + 1];
            foreach (var v in vertices)
            {
                counts[_level[v]]++;
            }
            var half = vertices.Length / 2;
            var cut = 1;
            var below = counts[0];
            while (cut < depth && below + counts[cut] <= half)
            {
                below += counts[cut];
                cut++;
            }
            if (cut >= depth)
            {
                cut = depth - 1;
            }
            var first = new List<int>(vertices.Length / 2 + 1);
            var separator = new List<int>();
            var second = new List<int>(vertices.Length / 2 + 1);
            foreach (var v in vertices)
            {
                var l = _level[v];
                if (l < cut)
                {
                    first.Add(v);
                }
                else if (l > cut)
                {
                    second.Add(v);
                }
                else if (TouchesLevel(v, cut + 1))
                {
                    separator.Add(v);
                }
                else
                {
                    first.Add(v);
                }
            }
            return ([.. first], [.. separator], [.. second]);
        }

        private bool TouchesLevel(int v, int level)
        {
            for (var p = _g.Pointers[v]; p < _g.Pointers[v + 1]; p++)
            {
                var u = _g.Neighbours[p];
                if (_part[u] == _stamp && _level[u] == level)
                {
                    return true;
                }
            }
            return false;
        }

        // Breadth-first search inside the current part; returns the number of vertices reached and sets _level.
        private int Bfs(int start, int stamp, out int depth)
        {
            // Levels of the previous search are cleared through the queue it filled.
            int head = 0, tail = 0;
            _queue[tail++] = start;
            _level[start] = 0;
            depth = 0;
            while (head < tail)
            {
                var v = _queue[head++];
                var lv = _level[v];
                depth = lv;
                for (var p = _g.Pointers[v]; p < _g.Pointers[v + 1]; p++)
                {
                    var u = _g.Neighbours[p];
                    if (_part[u] == stamp && _level[u] < 0)
                    {
                        _level[u] = lv + 1;
                        _queue[tail++] = u;
                    }
                }
            }
            _lastReached = tail;
            return tail;
        }

        private int _lastReached;

        private void ClearLevels()
        {
            for (var i = 0; i < _lastReached; i++)
            {
                _level[_queue[i]] = -1;
            }
            _lastReached = 0;
        }

        // George–Liu: restart from a minimum-degree vertex of the last level while the eccentricity grows.
        private int PseudoPeripheral(int seed, int stamp, out int reached, out int depth)
        {
            ClearLevels();
            var start = seed;
            reached = Bfs(start, stamp, out depth);
            for (var round = 0; round < 8; round++)
            {
                var best = -1;
                var bestDegree = int.MaxValue;
                for (var i = reached - 1; i >= 0 && _level[_queue[i]] == depth; i--)
                {
                    var v = _queue[i];
                    var d = PartDegree(v, stamp);
                    if (d < bestDegree)
                    {
                        bestDegree = d;
                        best = v;
                    }
                }
                ClearLevels();
                var r = Bfs(best, stamp, out var e);
                if (e <= depth)
                {
                    ClearLevels();
                    break;
                }
                start = best;
                depth = e;
                reached = r;
            }
            ClearLevels();
            // The caller re-runs the search from the chosen start; leave levels clear for it.
            return start;
        }

        private int PartDegree(int v, int stamp)
        {
            var d = 0;
            for (var p = _g.Pointers[v]; p < _g.Pointers[v + 1]; p++)
            {
                if (_part[_g.Neighbours[p]] == stamp)
                {
                    d++;
                }
            }
            return d;
        }

        private void OrderLeaf(int[] vertices, int end)
        {
            ClearLevels();
            var m = vertices.Length;
            if (m <= 2)
            {
                vertices.CopyTo(_order, end - m);
                return;
            }
            var stamp = ++_stamp;
            for (var i = 0; i < m; i++)
            {
                _part[vertices[i]] = stamp;
                _local[vertices[i]] = i;
            }
            var rows = new List<int>();
            var cols = new List<int>();
            for (var i = 0; i < m; i++)
            {
                var v = vertices[i];
                rows.Add(i);
                cols.Add(i);
                for (var p = _g.Pointers[v]; p < _g.Pointers[v + 1]; p++)
                {
                    var u = _g.Neighbours[p];
                    if (_part[u] == stamp && _local[u] > i)
                    {
                        rows.Add(i);
                        cols.Add(_local[u]);
                    }
                }
            }
            var sub = CompressedColumnMatrix.FromTriplets(m, m, rows.ToArray(), cols.ToArray(), new double[rows.Count]);
            var local = MinimumDegreeOrdering.Compute(sub);
            for (var k = 0; k < m; k++)
            {
                _order[end - m + k] = vertices[local[k]];
            }
        }
    }
}

/// <summary>The symmetrised graph of a square pattern, without self-loops, as compressed adjacency lists.</summary>
internal sealed class AdjacencyGraph
{
    private AdjacencyGraph(int[] pointers, int[] neighbours)
    {
        Pointers = pointers;
        Neighbours = neighbours;
    }

    public int VertexCount => Pointers.Length - 1;

    public int[] Pointers { get; }

    public int[] Neighbours { get; }

    public static AdjacencyGraph FromPattern(CompressedColumnMatrix pattern)
    {
        var n = pattern.ColumnCount;
        var degree = new int[n + 1];
        for (var j = 0; j < n; j++)
        {
            for (var p = pattern.ColumnPointers[j]; p < pattern.ColumnPointers[j + 1]; p++)
            {
                var i = pattern.RowIndices[p];
                if (i != j)
                {
                    degree[i + 1]++;
                    degree[j + 1]++;
                }
            }
        }
        for (var i = 0; i < n; i++)
        {
            degree[i + 1] += degree[i];
        }
        var next = (int[])degree.Clone();
        var raw = new int[degree[n]];
        for (var j = 0; j < n; j++)
        {
            for (var p = pattern.ColumnPointers[j]; p < pattern.ColumnPointers[j + 1]; p++)
            {
                var i = pattern.RowIndices[p];
                if (i != j)
                {
                    raw[next[i]++] = j;
                    raw[next[j]++] = i;
                }
            }
        }
        // Remove duplicates (both triangles stored) with a marker array.
        var mark = new int[n];
        Array.Fill(mark, -1);
        var pointers = new int[n + 1];
        var w = 0;
        for (var i = 0; i < n; i++)
        {
            var start = w;
            for (var p = degree[i]; p < degree[i + 1]; p++)
            {
                var u = raw[p];
                if (mark[u] != i)
                {
                    mark[u] = i;
                    raw[w++] = u;
                }
            }
            pointers[i] = start;
        }
        pointers[n] = w;
        return new AdjacencyGraph(pointers, raw.AsSpan(0, w).ToArray());
    }
}
