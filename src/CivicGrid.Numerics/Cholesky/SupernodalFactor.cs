using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CivicGrid.Numerics.Cholesky;

/// <summary>
/// The numeric part of a supernodal left-looking Cholesky factorisation. A supernode is a run of consecutive columns
/// of L that share one row pattern (column j+1 is j's parent in the elimination tree and has one entry fewer); its
/// values are stored as one dense column-major block of (rows × columns), so the work inside a supernode, and every
/// update it receives from a descendant, runs as dense vector operations instead of one scattered entry at a time.
/// Descendants are found without searching by keeping each factored supernode on the list of the supernode owning
/// its next unused row (the scheme of Ng and Peyton, as in CHOLMOD).
/// </summary>
internal sealed class SupernodalFactor
{
    private readonly int _n;
    private readonly int _count;
    private readonly int[] _first;      // supernode s covers columns [_first[s], _first[s+1])
    private readonly int[] _rowPointers; // rows of s: _rows[_rowPointers[s] .. _rowPointers[s+1]), diagonal block first
    private readonly int[] _rows;
    private readonly int[] _valuePointers;
    private readonly double[] _values;
    private readonly int[] _superOf;
    private readonly int[] _sourceTarget; // entry p of the permuted upper matrix → its slot in _values
    private readonly int[] _map;
    private readonly int[] _head;
    private readonly int[] _next;
    private readonly int[] _position;
    private readonly double[] _temp;

    /// <summary>
    /// Builds the supernodal layout from the column patterns of L (<paramref name="lPointers"/>/<paramref name="lRows"/>,
    /// diagonal first, rows sorted) and the permuted upper triangle C whose entries are mapped into it.
    /// </summary>
    public SupernodalFactor(int n, int[] first, int[] lPointers, int[] lRows, int[] cPointers, int[] cRows)
    {
        _n = n;
        _count = first.Length - 1;
        _first = first;
        _superOf = new int[n];
        _rowPointers = new int[_count + 1];
        _valuePointers = new int[_count + 1];
        var maxRows = 1;
        for (var s = 0; s < _count; s++)
        {
            var m = lPointers[first[s] + 1] - lPointers[first[s]];
            var w = first[s + 1] - first[s];
            _rowPointers[s + 1] = checked(_rowPointers[s] + m);
            _valuePointers[s + 1] = checked(_valuePointers[s] + (m * w));
            maxRows = Math.Max(maxRows, m);
            for (var j = first[s]; j < first[s + 1]; j++)
            {
                _superOf[j] = s;
            }
        }
        _rows = new int[_rowPointers[_count]];
        for (var s = 0; s < _count; s++)
        {
            Array.Copy(lRows, lPointers[first[s]], _rows, _rowPointers[s], _rowPointers[s + 1] - _rowPointers[s]);
        }
        _values = new double[_valuePointers[_count]];
        _map = new int[n];
        _head = new int[_count];
        _next = new int[_count];
        _position = new int[_count];
        _temp = new double[maxRows];

        // Entry (i, k), i ≤ k, of C lands in column i, row k of L. Group C's entries by row i, then place them
        // supernode by supernode with the row map of that supernode.
        var nnz = cPointers[n];
        var byRow = new int[n + 1];
        for (var p = 0; p < nnz; p++)
        {
            byRow[cRows[p] + 1]++;
        }
        for (var i = 0; i < n; i++)
        {
            byRow[i + 1] += byRow[i];
        }
        var fill = (int[])byRow.Clone();
        var entryOfRow = new int[nnz];
        var columnOfEntry = new int[nnz];
        for (var k = 0; k < n; k++)
        {
            for (var p = cPointers[k]; p < cPointers[k + 1]; p++)
            {
                var q = fill[cRows[p]]++;
                entryOfRow[q] = p;
                columnOfEntry[q] = k;
            }
        }
        _sourceTarget = new int[nnz];
        for (var s = 0; s < _count; s++)
        {
            int rs = _rowPointers[s], m = _rowPointers[s + 1] - rs;
            for (var r = 0; r < m; r++)
            {
                _map[_rows[rs + r]] = r;
            }
            for (var i = first[s]; i < first[s + 1]; i++)
            {
                var columnBase = _valuePointers[s] + ((i - first[s]) * m);
                for (var q = byRow[i]; q < byRow[i + 1]; q++)
                {
                    _sourceTarget[entryOfRow[q]] = columnBase + _map[columnOfEntry[q]];
                }
            }
        }
    }

    /// <summary>Number of supernodes.</summary>
    public int Count => _count;

    /// <summary>
    /// Partitions the columns into supernodes: column j continues the supernode of j−1 when j is j−1's parent and
    /// its column of L is j−1's without the diagonal. Returns the first column of each supernode and n at the end.
    /// </summary>
    public static int[] Partition(int n, int[] parent, int[] lPointers)
    {
        var first = new List<int>();
        for (var j = 0; j < n; j++)
        {
            var joins = j > 0 && parent[j - 1] == j
                && lPointers[j] - lPointers[j - 1] == lPointers[j + 1] - lPointers[j] + 1;
            if (!joins)
            {
                first.Add(j);
            }
        }
        first.Add(n);
        return [.. first];
    }

    /// <summary>
    /// Numeric factorisation. <paramref name="source"/>[p] is the index in <paramref name="values"/> of entry p of C.
    /// Returns −1, or the permuted index of the first pivot that is not positive.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Factorize(ReadOnlySpan<double> values, int[] source, double[] inverseDiagonal)
    {
        var x = _values;
        Array.Clear(x);
        ref var st = ref MemoryMarshal.GetArrayDataReference(_sourceTarget);
        ref var src = ref MemoryMarshal.GetArrayDataReference(source);
        ref var a = ref MemoryMarshal.GetReference(values);
        ref var x0 = ref MemoryMarshal.GetArrayDataReference(x);
        for (var p = 0; p < _sourceTarget.Length; p++)
        {
            Unsafe.Add(ref x0, Unsafe.Add(ref st, p)) += Unsafe.Add(ref a, Unsafe.Add(ref src, p));
        }
        Array.Fill(_head, -1);
        ref var rows = ref MemoryMarshal.GetArrayDataReference(_rows);
        ref var map = ref MemoryMarshal.GetArrayDataReference(_map);
        for (var s = 0; s < _count; s++)
        {
            int f = _first[s], w = _first[s + 1] - f, rs = _rowPointers[s], m = _rowPointers[s + 1] - rs, xs = _valuePointers[s];
            for (var r = 0; r < m; r++)
            {
                Unsafe.Add(ref map, Unsafe.Add(ref rows, rs + r)) = r;
            }
            var end = f + w;
            var d = _head[s];
            while (d >= 0)
            {
                var nextDescendant = _next[d];
                int rd = _rowPointers[d], md = _rowPointers[d + 1] - rd, wd = _first[d + 1] - _first[d], xd = _valuePointers[d];
                int p1 = _position[d], p2 = p1;
                while (p2 < md && Unsafe.Add(ref rows, rd + p2) < end)
                {
                    p2++;
                }
                Update(x, s, m, xs, f, rd, md, wd, xd, p1, p2);
                _position[d] = p2;
                if (p2 < md)
                {
                    var t = _superOf[Unsafe.Add(ref rows, rd + p2)];
                    _next[d] = _head[t];
                    _head[t] = d;
                }
                d = nextDescendant;
            }
            var bad = FactorBlock(x, xs, m, w, f, inverseDiagonal);
            if (bad >= 0)
            {
                return bad;
            }
            if (m > w)
            {
                _position[s] = w;
                var t = _superOf[Unsafe.Add(ref rows, rs + w)];
                _next[s] = _head[t];
                _head[t] = s;
            }
        }
        return -1;
    }

    // Subtracts L_d[p1.., :]·L_d[p1..p2, :]ᵀ from the columns of supernode s that rows p1..p2 of d name.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Update(double[] x, int s, int m, int xs, int f, int rd, int md, int wd, int xd, int p1, int p2)
    {
        _ = s;
        ref var rows = ref MemoryMarshal.GetArrayDataReference(_rows);
        ref var map = ref MemoryMarshal.GetArrayDataReference(_map);
        ref var x0 = ref MemoryMarshal.GetArrayDataReference(x);
        var contiguous = Unsafe.Add(ref map, Unsafe.Add(ref rows, rd + md - 1)) - Unsafe.Add(ref map, Unsafe.Add(ref rows, rd + p1)) == md - 1 - p1;
        for (var jj = p1; jj < p2; jj++)
        {
            var row = Unsafe.Add(ref rows, rd + jj);
            var target = xs + ((row - f) * m);
            var length = md - jj;
            if (contiguous)
            {
                var dest = x.AsSpan(target + Unsafe.Add(ref map, row), length);
                SubtractColumns(x, dest, xd + jj, md, wd);
                continue;
            }
            if (wd == 1)
            {
                var alpha = Unsafe.Add(ref x0, xd + jj);
                if (alpha == 0.0)
                {
                    continue;
                }
                for (var i = jj; i < md; i++)
                {
                    Unsafe.Add(ref x0, target + Unsafe.Add(ref map, Unsafe.Add(ref rows, rd + i))) -= alpha * Unsafe.Add(ref x0, xd + i);
                }
                continue;
            }
            var temp = _temp.AsSpan(0, length);
            temp.Clear();
            SubtractColumns(x, temp, xd + jj, md, wd);
            ref var t0 = ref MemoryMarshal.GetArrayDataReference(_temp);
            for (var i = 0; i < length; i++)
            {
                Unsafe.Add(ref x0, target + Unsafe.Add(ref map, Unsafe.Add(ref rows, rd + jj + i))) += Unsafe.Add(ref t0, i);
            }
        }
    }

    // dest[i] -= Σ_k L[jj, k]·L[jj + i, k] over the wd columns of a block with leading dimension ld, where start is the
    // offset of L[jj, 0]. Columns are taken four, two and one at a time so dest is loaded and stored once per group.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SubtractColumns(double[] x, Span<double> dest, int start, int ld, int wd)
    {
        var length = dest.Length;
        var k = 0;
        for (; k + 4 <= wd; k += 4)
        {
            int c0 = start + (k * ld), c1 = c0 + ld, c2 = c1 + ld, c3 = c2 + ld;
            double a0 = x[c0], a1 = x[c1], a2 = x[c2], a3 = x[c3];
            Axpy4(dest, x.AsSpan(c0, length), x.AsSpan(c1, length), x.AsSpan(c2, length), x.AsSpan(c3, length), a0, a1, a2, a3);
        }
        for (; k + 2 <= wd; k += 2)
        {
            int c0 = start + (k * ld), c1 = c0 + ld;
            Axpy2(dest, x.AsSpan(c0, length), x.AsSpan(c1, length), x[c0], x[c1]);
        }
        if (k < wd)
        {
            var c0 = start + (k * ld);
            Axpy1(dest, x.AsSpan(c0, length), x[c0]);
        }
    }

    // Dense left-looking Cholesky of the m×w block (column-major, leading dimension m): the w×w diagonal block becomes
    // its factor and the rows below are divided by it.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int FactorBlock(double[] x, int xs, int m, int w, int f, double[] inverseDiagonal)
    {
        for (var c = 0; c < w; c++)
        {
            var col = xs + (c * m);
            var length = m - c;
            var dest = x.AsSpan(col + c, length);
            SubtractColumns(x, dest, xs + c, m, c);
            var d = x[col + c];
            if (!(d > 0.0))
            {
                return f + c;
            }
            var diagonal = Math.Sqrt(d);
            var inv = 1.0 / diagonal;
            x[col + c] = diagonal;
            inverseDiagonal[f + c] = inv;
            Scale(x.AsSpan(col + c + 1, length - 1), inv);
        }
        return -1;
    }

    /// <summary>Forward and backward substitution in place on a vector in the permuted numbering.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Solve(double[] b, double[] inverseDiagonal)
    {
        ref var y = ref MemoryMarshal.GetArrayDataReference(b);
        ref var rows = ref MemoryMarshal.GetArrayDataReference(_rows);
        ref var x0 = ref MemoryMarshal.GetArrayDataReference(_values);
        ref var inv = ref MemoryMarshal.GetArrayDataReference(inverseDiagonal);
        for (var s = 0; s < _count; s++)
        {
            int f = _first[s], w = _first[s + 1] - f, rs = _rowPointers[s], m = _rowPointers[s + 1] - rs, xs = _valuePointers[s];
            for (var c = 0; c < w; c++)
            {
                ref var yc = ref Unsafe.Add(ref y, f + c);
                var v = yc * Unsafe.Add(ref inv, f + c);
                yc = v;
                var col = xs + (c * m);
                for (var i = c + 1; i < m; i++)
                {
                    Unsafe.Add(ref y, Unsafe.Add(ref rows, rs + i)) -= Unsafe.Add(ref x0, col + i) * v;
                }
            }
        }
        for (var s = _count - 1; s >= 0; s--)
        {
            int f = _first[s], w = _first[s + 1] - f, rs = _rowPointers[s], m = _rowPointers[s + 1] - rs, xs = _valuePointers[s];
            for (var c = w - 1; c >= 0; c--)
            {
                var col = xs + (c * m);
                var sum = Unsafe.Add(ref y, f + c);
                for (var i = c + 1; i < m; i++)
                {
                    sum -= Unsafe.Add(ref x0, col + i) * Unsafe.Add(ref y, Unsafe.Add(ref rows, rs + i));
                }
                Unsafe.Add(ref y, f + c) = sum * Unsafe.Add(ref inv, f + c);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Axpy1(Span<double> dest, ReadOnlySpan<double> x0, double a0)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated && dest.Length >= Vector<double>.Count)
        {
            var v0 = new Vector<double>(a0);
            for (; i <= dest.Length - Vector<double>.Count; i += Vector<double>.Count)
            {
                var t = new Vector<double>(dest[i..]) - (v0 * new Vector<double>(x0[i..]));
                t.CopyTo(dest[i..]);
            }
        }
        for (; i < dest.Length; i++)
        {
            dest[i] -= a0 * x0[i];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Axpy2(Span<double> dest, ReadOnlySpan<double> x0, ReadOnlySpan<double> x1, double a0, double a1)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated && dest.Length >= Vector<double>.Count)
        {
            Vector<double> v0 = new(a0), v1 = new(a1);
            for (; i <= dest.Length - Vector<double>.Count; i += Vector<double>.Count)
            {
                var t = new Vector<double>(dest[i..]) - (v0 * new Vector<double>(x0[i..])) - (v1 * new Vector<double>(x1[i..]));
                t.CopyTo(dest[i..]);
            }
        }
        for (; i < dest.Length; i++)
        {
            dest[i] -= (a0 * x0[i]) + (a1 * x1[i]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Axpy4(Span<double> dest, ReadOnlySpan<double> x0, ReadOnlySpan<double> x1, ReadOnlySpan<double> x2,
        ReadOnlySpan<double> x3, double a0, double a1, double a2, double a3)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated && dest.Length >= Vector<double>.Count)
        {
            Vector<double> v0 = new(a0), v1 = new(a1), v2 = new(a2), v3 = new(a3);
            for (; i <= dest.Length - Vector<double>.Count; i += Vector<double>.Count)
            {
                var t = new Vector<double>(dest[i..]) - (v0 * new Vector<double>(x0[i..])) - (v1 * new Vector<double>(x1[i..]))
                    - (v2 * new Vector<double>(x2[i..])) - (v3 * new Vector<double>(x3[i..]));
                t.CopyTo(dest[i..]);
            }
        }
        for (; i < dest.Length; i++)
        {
            dest[i] -= (a0 * x0[i]) + (a1 * x1[i]) + (a2 * x2[i]) + (a3 * x3[i]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Scale(Span<double> dest, double factor)
    {
        var i = 0;
        if (Vector.IsHardwareAccelerated && dest.Length >= Vector<double>.Count)
        {
            var f = new Vector<double>(factor);
            for (; i <= dest.Length - Vector<double>.Count; i += Vector<double>.Count)
            {
                (new Vector<double>(dest[i..]) * f).CopyTo(dest[i..]);
            }
        }
        for (; i < dest.Length; i++)
        {
            dest[i] *= factor;
        }
    }

    /// <summary>Number of values stored (the dense blocks include the unused upper triangles of their diagonal blocks).</summary>
    public int StoredValueCount => _values.Length;

    /// <summary>Order of the matrix.</summary>
    public int Size => _n;
}
