using CivicGrid.Numerics.Sparse;

namespace CivicGrid.Numerics.Ordering;

/// <summary>
/// Fill-reducing ordering of a symmetric sparsity pattern by minimum degree on the quotient graph: eliminated
/// nodes become elements, a variable's degree is approximated from its element and variable neighbours (the
/// AMD bound), and elements swallowed by a newer element are absorbed. Only the pattern is read; values are
/// ignored, as is the diagonal. Either triangle, or both, may be stored.
/// </summary>
public static class MinimumDegreeOrdering
{
    /// <summary>Returns the permutation <c>p</c>: the k-th pivot is original row/column <c>p[k]</c>.</summary>
    public static int[] Compute(CompressedColumnMatrix pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        if (pattern.RowCount != pattern.ColumnCount)
        {
            throw new ArgumentException("The pattern must be square.", nameof(pattern));
        }
        var n = pattern.ColumnCount;
        // Symmetrised adjacency without the diagonal.
        var adj = new List<int>[n];
        for (var i = 0; i < n; i++)
        {
            adj[i] = [];
        }
        var mark = new int[n];
        Array.Fill(mark, -1);
        for (var j = 0; j < n; j++)
        {
            for (var p = pattern.ColumnPointers[j]; p < pattern.ColumnPointers[j + 1]; p++)
            {
                var i = pattern.RowIndices[p];
                if (i != j)
                {
                    adj[i].Add(j);
                    adj[j].Add(i);
                }
            }
        }
        for (var i = 0; i < n; i++)
        {
            var list = adj[i];
            list.Sort();
            var w = 0;
            for (var k = 0; k < list.Count; k++)
            {
                if (w == 0 || list[w - 1] != list[k])
                {
                    list[w++] = list[k];
                }
            }
            list.RemoveRange(w, list.Count - w);
        }
        return new QuotientGraph(adj).Order();
    }

    private sealed class QuotientGraph
    {
        private readonly int _n;
        private readonly List<int>[] _vars;   // variable neighbours of a variable
        private readonly List<int>[] _elems;  // element neighbours of a variable
        private readonly List<int>[] _members; // variables adjacent to an element (its boundary)
        private readonly bool[] _eliminated;
        private readonly bool[] _absorbed;
        private readonly int[] _degree;
        private readonly int[] _mark;
        private int _stamp;
        // Per element: live members outside the current Lp, valid when _externalStamp matches the current stamp.
        private readonly int[] _external;
        private readonly int[] _externalStamp;
        // Bucket queue of degrees with doubly-linked lists.
        private readonly int[] _head;
        private readonly int[] _next;
        private readonly int[] _prev;

        public QuotientGraph(List<int>[] adjacency)
        {
            _n = adjacency.Length;
            _vars = adjacency;
            _elems = new List<int>[_n];
            _members = new List<int>[_n];
            _eliminated = new bool[_n];
            _absorbed = new bool[_n];
            _degree = new int[_n];
            _mark = new int[_n];
            _external = new int[_n];
            _externalStamp = new int[_n];
            _head = new int[_n + 1];
            _next = new int[_n];
            _prev = new int[_n];
            Array.Fill(_head, -1);
            for (var i = 0; i < _n; i++)
            {
                _elems[i] = [];
                _degree[i] = adjacency[i].Count;
                Insert(i);
            }
        }

        private void Insert(int v)
        {
            var d = _degree[v];
            _prev[v] = -1;
            _next[v] = _head[d];
            if (_head[d] >= 0)
            {
                _prev[_head[d]] = v;
            }
            _head[d] = v;
        }

        private void Remove(int v)
        {
            if (_prev[v] >= 0)
            {
                _next[_prev[v]] = _next[v];
            }
            else
            {
                _head[_degree[v]] = _next[v];
            }
            if (_next[v] >= 0)
            {
                _prev[_next[v]] = _prev[v];
            }
        }

        private int NewStamp()
        {
            if (++_stamp == int.MaxValue)
            {
                Array.Clear(_mark);
                Array.Clear(_externalStamp);
                _stamp = 1;
            }
            return _stamp;
        }

        public int[] Order()
        {
            var order = new int[_n];
            var minDegree = 0;
            var lp = new List<int>();
            for (var k = 0; k < _n; k++)
            {
                while (_head[minDegree] < 0)
                {
                    minDegree++;
                }
                var p = _head[minDegree];
                Remove(p);
                order[k] = p;
                _eliminated[p] = true;

                // Lp = variables adjacent to p, directly or through its elements.
                var s = NewStamp();
                _mark[p] = s;
                lp.Clear();
                foreach (var v in _vars[p])
                {
                    if (!_eliminated[v] && _mark[v] != s)
                    {
                        _mark[v] = s;
                        lp.Add(v);
                    }
                }
                foreach (var e in _elems[p])
                {
                    if (_absorbed[e])
                    {
                        continue;
                    }
                    foreach (var v in _members[e])
                    {
                        if (!_eliminated[v] && _mark[v] != s)
                        {
                            _mark[v] = s;
                            lp.Add(v);
                        }
                    }
                    _absorbed[e] = true; // e is absorbed into the new element p
                    _members[e] = [];
                }
                _members[p] = [.. lp];
                _vars[p] = [];
                _elems[p] = [];

                // Update each variable in Lp: drop p and absorbed elements, drop variable edges now covered by p.
                foreach (var v in lp)
                {
                    var ev = _elems[v];
                    var w = 0;
                    for (var q = 0; q < ev.Count; q++)
                    {
                        if (!_absorbed[ev[q]])
                        {
                            ev[w++] = ev[q];
                        }
                    }
                    ev.RemoveRange(w, ev.Count - w);
                    ev.Add(p);
                    var vv = _vars[v];
                    w = 0;
                    for (var q = 0; q < vv.Count; q++)
                    {
                        var u = vv[q];
                        if (!_eliminated[u] && _mark[u] != s)
                        {
                            vv[w++] = u;
                        }
                    }
                    vv.RemoveRange(w, vv.Count - w);
                }

                // Approximate external degree: |Lp \ v| + |vars(v)| + sum over other elements of |Le \ Lp|.
                var lpCount = lp.Count;
                ExternalSizes(lp, s);
                foreach (var v in lp)
                {
                    long d = lpCount - 1 + _vars[v].Count;
                    foreach (var e in _elems[v])
                    {
                        if (e != p)
                        {
                            d += _externalStamp[e] == s ? _external[e] : _members[e].Count;
                        }
                    }
                    var remaining = _n - k - 1;
                    var dv = (int)Math.Min(d, remaining);
                    Remove(v);
                    _degree[v] = dv;
                    Insert(v);
                    if (dv < minDegree)
                    {
                        minDegree = dv;
                    }
                }
            }
            return order;
        }

        // For each element touching Lp, the number of its live members outside Lp.
        private void ExternalSizes(List<int> lp, int s)
        {
            foreach (var v in lp)
            {
                foreach (var e in _elems[v])
                {
                    if (_externalStamp[e] == s)
                    {
                        continue;
                    }
                    var members = _members[e];
                    var w = 0;
                    var outside = 0;
                    for (var q = 0; q < members.Count; q++)
                    {
                        var u = members[q];
                        if (_eliminated[u])
                        {
                            continue;
                        }
                        members[w++] = u;
                        if (_mark[u] != s)
                        {
                            outside++;
                        }
                    }
                    members.RemoveRange(w, members.Count - w);
                    _external[e] = outside;
                    _externalStamp[e] = s;
                }
            }
        }
    }
}
