using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CivicGrid.Numerics.Ordering;
using CivicGrid.Numerics.Sparse;

namespace CivicGrid.Numerics.Lu;

/// <summary>
/// Sparse LU factorisation <c>P·A·Q = L·U</c> of a square matrix by the left-looking Gilbert–Peierls algorithm
/// with threshold partial pivoting (the diagonal is kept as pivot when it is within <see cref="PivotThreshold"/>
/// of the column's largest candidate, which preserves the fill-reducing column order). A factorisation can be
/// refilled with new values of the same pattern by <see cref="Refactorize"/>: the pivot sequence and the L/U
/// patterns are reused, so a Newton iteration pays only for the numeric work. When a reused pivot becomes too
/// small the factorisation is redone with fresh pivoting.
/// </summary>
public sealed class SparseLu
{
    private readonly int _n;
    private readonly int[] _columnOrder;
    private readonly int[] _stepOfRow;
    private readonly int[] _rowOfStep;
    private readonly double[] _work;
    private readonly int[] _stack;
    private readonly int[] _pathPointer;
    private readonly int[] _reach;
    private readonly int[] _mark;
    private readonly int[] _lp;
    private int[] _li;
    private int[] _ls; // L's row indices as pivot steps (sorted within each column), aligned with _lx and _li
    private double[] _lx;
    private readonly int[] _up;
    private int[] _ui;
    private double[] _ux;
    private readonly double[] _udiag;
    private readonly bool[] _pairedWithNext; // L column j is {j+1} followed by exactly column j+1's rows

    private SparseLu(int n, int[] columnOrder, double pivotThreshold)
    {
        _n = n;
        _columnOrder = columnOrder;
        PivotThreshold = pivotThreshold;
        _stepOfRow = new int[n];
        _rowOfStep = new int[n];
        _work = new double[n];
        _stack = new int[n];
        _pathPointer = new int[n];
        _reach = new int[n];
        _mark = new int[n];
        _lp = new int[n + 1];
        _up = new int[n + 1];
        _udiag = new double[n];
        _pairedWithNext = new bool[n];
        _li = new int[Math.Max(16, 4 * n)];
        _lx = new double[_li.Length];
        _ls = new int[_li.Length];
        _ui = new int[Math.Max(16, 4 * n)];
        _ux = new double[_ui.Length];
    }

    /// <summary>The order size.</summary>
    public int Size => _n;

    /// <summary>Relative threshold for keeping the diagonal as pivot (1 = strict partial pivoting).</summary>
    public double PivotThreshold { get; }

    /// <summary>Entries stored in L and U (a measure of fill).</summary>
    public int FactorNonZeroCount => _lp[_n] + _up[_n] + _n;

    /// <summary>How many times the pivot order had to be rebuilt by <see cref="Refactorize"/>.</summary>
    public int PivotRebuildCount { get; private set; }


    /// <summary>
    /// Factorises <paramref name="matrix"/>. With no column order given, an approximate minimum degree order of
    /// the pattern of A+Aᵀ is used.
    /// </summary>
    /// <exception cref="SingularMatrixException">When a column has no usable pivot.</exception>
    public static SparseLu Factorize(CompressedColumnMatrix matrix, int[]? columnOrder = null, double pivotThreshold = 0.1)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        if (matrix.RowCount != matrix.ColumnCount)
        {
            throw new ArgumentException("LU needs a square matrix.", nameof(matrix));
        }
        if (pivotThreshold is <= 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(pivotThreshold), "The pivot threshold must lie in (0, 1].");
        }
        var n = matrix.ColumnCount;
        var order = columnOrder ?? FillReducingOrder(matrix);
        if (order.Length != n)
        {
            throw new ArgumentException("The column order must be a permutation of the columns.", nameof(columnOrder));
        }
        var lu = new SparseLu(n, (int[])order.Clone(), pivotThreshold);
        if (!lu.TryFactorizeDiagonalPivots(matrix))
        {
            lu.FactorizeNumeric(matrix);
        }
        return lu;
    }

    /// <summary>An approximate minimum degree ordering of the pattern of A+Aᵀ.</summary>
    public static int[] FillReducingOrder(CompressedColumnMatrix matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        var t = matrix.Transpose();
        var n = matrix.ColumnCount;
        var rows = new List<int>(2 * matrix.NonZeroCount);
        var cols = new List<int>(2 * matrix.NonZeroCount);
        for (var j = 0; j < n; j++)
        {
            for (var p = matrix.ColumnPointers[j]; p < matrix.ColumnPointers[j + 1]; p++)
            {
                rows.Add(matrix.RowIndices[p]);
                cols.Add(j);
            }
            for (var p = t.ColumnPointers[j]; p < t.ColumnPointers[j + 1]; p++)
            {
                rows.Add(t.RowIndices[p]);
                cols.Add(j);
            }
        }
        var ones = new double[rows.Count];
        var pattern = CompressedColumnMatrix.FromTriplets(n, n, rows.ToArray(), cols.ToArray(), ones);
        return MinimumDegreeOrdering.Compute(pattern);
    }

    /// <summary>
    /// Refactorises a matrix with the same pattern as the one first factorised, reusing the pivot order when every
    /// reused pivot passes the threshold test; otherwise pivots afresh (same column order).
    /// </summary>
    public void Refactorize(CompressedColumnMatrix matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        if (matrix.ColumnCount != _n || matrix.RowCount != _n)
        {
            throw new ArgumentException("The matrix shape differs from the factorised one.", nameof(matrix));
        }
        if (!TryRefactorizeSamePivots(matrix))
        {
            PivotRebuildCount++;
            FactorizeNumeric(matrix);
        }
    }

    /// <summary>Solves A·x = b in place (b is overwritten by x).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Solve(Span<double> rhs)
    {
        if (rhs.Length != _n)
        {
            throw new ArgumentException("The right-hand side has the wrong length.", nameof(rhs));
        }
        // The solve runs in pivot-step numbering: y[k] is the unknown eliminated at step k.
        ref var y = ref MemoryMarshal.GetArrayDataReference(_work);
        ref var ls = ref MemoryMarshal.GetArrayDataReference(_ls);
        ref var lx = ref MemoryMarshal.GetArrayDataReference(_lx);
        ref var lp = ref MemoryMarshal.GetArrayDataReference(_lp);
        ref var ui = ref MemoryMarshal.GetArrayDataReference(_ui);
        ref var ux = ref MemoryMarshal.GetArrayDataReference(_ux);
        ref var up = ref MemoryMarshal.GetArrayDataReference(_up);
        for (var k = 0; k < _n; k++)
        {
            Unsafe.Add(ref y, k) = rhs[_rowOfStep[k]];
        }
        // Forward: L (unit diagonal).
        for (var j = 0; j < _n; j++)
        {
            var yj = Unsafe.Add(ref y, j);
            if (yj == 0.0)
            {
                continue;
            }
            int end = Unsafe.Add(ref lp, j + 1);
            for (var p = Unsafe.Add(ref lp, j); p < end; p++)
            {
                Unsafe.Add(ref y, Unsafe.Add(ref ls, p)) -= Unsafe.Add(ref lx, p) * yj;
            }
        }
        // Backward: U.
        for (var k = _n - 1; k >= 0; k--)
        {
            ref var yk = ref Unsafe.Add(ref y, k);
            var wk = yk / _udiag[k];
            yk = wk;
            if (wk == 0.0)
            {
                continue;
            }
            int end = Unsafe.Add(ref up, k + 1);
            for (var p = Unsafe.Add(ref up, k); p < end; p++)
            {
                Unsafe.Add(ref y, Unsafe.Add(ref ui, p)) -= Unsafe.Add(ref ux, p) * wk;
            }
        }
        for (var k = 0; k < _n; k++)
        {
            ref var yk = ref Unsafe.Add(ref y, k);
            rhs[_columnOrder[k]] = yk;
            yk = 0.0;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void FactorizeNumeric(CompressedColumnMatrix a)
    {
        var n = _n;
        Array.Fill(_stepOfRow, -1);
        Array.Fill(_mark, -1);
        Array.Clear(_work);
        var x = _work;
        var lnz = 0;
        var unz = 0;
        var ap = a.ColumnPointers;
        var ai = a.RowIndices;
        var ax = a.Values;
        for (var k = 0; k < n; k++)
        {
            _lp[k] = lnz;
            _up[k] = unz;
            EnsureCapacity(ref _li, ref _lx, lnz + n);
            EnsureCapacity(ref _ui, ref _ux, unz + n);
            var col = _columnOrder[k];
            var top = Reach(a, col, k);
            for (var p = ap[col]; p < ap[col + 1]; p++)
            {
                x[ai[p]] = ax[p];
            }
            // Sparse triangular solve in topological order.
            for (var px = top; px < n; px++)
            {
                var i = _reach[px];
                var j = _stepOfRow[i];
                if (j < 0)
                {
                    continue;
                }
                var xj = x[i];
                if (xj == 0.0)
                {
                    continue;
                }
                for (var p = _lp[j]; p < _lp[j + 1]; p++)
                {
                    x[_li[p]] -= _lx[p] * xj;
                }
            }
            var pivotRow = -1;
            var best = -1.0;
            for (var px = top; px < n; px++)
            {
                var i = _reach[px];
                var j = _stepOfRow[i];
                if (j < 0)
                {
                    var v = Math.Abs(x[i]);
                    if (v > best)
                    {
                        best = v;
                        pivotRow = i;
                    }
                }
                else
                {
                    _ui[unz] = j;
                    _ux[unz++] = x[i];
                    x[i] = 0.0;
                }
            }
            if (pivotRow < 0 || best <= 0.0 || double.IsNaN(best))
            {
                throw new SingularMatrixException(col);
            }
            if (_stepOfRow[col] < 0 && _mark[col] == k && Math.Abs(x[col]) >= PivotThreshold * best)
            {
                pivotRow = col;
            }
            var pivot = x[pivotRow];
            _udiag[k] = pivot;
            _stepOfRow[pivotRow] = k;
            _rowOfStep[k] = pivotRow;
            x[pivotRow] = 0.0;
            for (var px = top; px < n; px++)
            {
                var i = _reach[px];
                if (_stepOfRow[i] < 0)
                {
                    _li[lnz] = i;
                    _lx[lnz++] = x[i] / pivot;
                }
                x[i] = 0.0;
            }
        }
        _lp[n] = lnz;
        _up[n] = unz;
        // Refactorisation walks each U column in pivot-step order, which is a topological order of L. L's rows are
        // renumbered by pivot step and sorted, so refactorisations and solves touch the work vector in elimination
        // order and without the row-to-step indirection.
        if (_ls.Length < _li.Length)
        {
            _ls = new int[_li.Length];
        }
        for (var q = 0; q < lnz; q++)
        {
            _ls[q] = _stepOfRow[_li[q]];
        }
        for (var k = 0; k < n; k++)
        {
            Array.Sort(_ui, _ux, _up[k], _up[k + 1] - _up[k]);
            Array.Sort(_ls, _lx, _lp[k], _lp[k + 1] - _lp[k]);
        }
        for (var q = 0; q < lnz; q++)
        {
            _li[q] = _rowOfStep[_ls[q]];
        }
        FindPairedSteps();
    }

    // Consecutive steps whose L columns nest (a bus's angle and magnitude in a Newton Jacobian, typically) are
    // applied together by a refactorisation: one pass over the shared rows instead of two.
    private void FindPairedSteps()
    {
        var n = _n;
        Array.Clear(_pairedWithNext);
        for (var j = 0; j + 1 < n; j++)
        {
            int start = _lp[j], length = _lp[j + 1] - start, next = _lp[j + 1], nextLength = _lp[j + 2] - next;
            if (length == 0 || length != nextLength + 1 || _ls[start] != j + 1)
            {
                continue;
            }
            _pairedWithNext[j] = _ls.AsSpan(start + 1, nextLength).SequenceEqual(_ls.AsSpan(next, nextLength));
        }
    }

    /// <summary>
    /// First factorisation without a pivot search: with the diagonal of the column order as pivots, the patterns of L
    /// and U are those of the Cholesky factor of the symmetrised pattern (exactly them when A's pattern is symmetric,
    /// as a power-flow Jacobian's is), found from the elimination tree in time proportional to the factor. The
    /// numeric pass is then a refactorisation. When some diagonal pivot fails the threshold test the caller pivots
    /// afresh; when all pass, the result is the one partial pivoting with this threshold would have chosen.
    /// </summary>
    private bool TryFactorizeDiagonalPivots(CompressedColumnMatrix a)
    {
        var n = _n;
        var step = new int[n];
        for (var k = 0; k < n; k++)
        {
            step[_columnOrder[k]] = k;
        }
        // Upper triangle of the symmetrised, permuted pattern.
        var ap = a.ColumnPointers;
        var ai = a.RowIndices;
        var counts = new int[n + 1];
        for (var c = 0; c < n; c++)
        {
            for (var p = ap[c]; p < ap[c + 1]; p++)
            {
                counts[Math.Max(step[ai[p]], step[c]) + 1]++;
            }
        }
        for (var k = 0; k < n; k++)
        {
            counts[k + 1] += counts[k];
        }
        var next = (int[])counts.Clone();
        var rows = new int[counts[n]];
        for (var c = 0; c < n; c++)
        {
            for (var p = ap[c]; p < ap[c + 1]; p++)
            {
                int i = step[ai[p]], j = step[c];
                rows[next[Math.Max(i, j)]++] = Math.Min(i, j);
            }
        }
        var upper = new CompressedColumnMatrix(n, n, counts, rows, new double[rows.Length]);
        var parent = EliminationTree.Compute(upper);
        var marks = new bool[n];
        var lCount = new int[n];
        long total = 0;
        for (var k = 0; k < n; k++)
        {
            var top = EliminationTree.RowPattern(upper, k, parent, _stack, marks);
            for (var t = top; t < n; t++)
            {
                lCount[_stack[t]]++;
            }
            total += n - top;
        }
        if (total > int.MaxValue / 2)
        {
            return false;
        }
        _lp[0] = 0;
        for (var j = 0; j < n; j++)
        {
            _lp[j + 1] = _lp[j] + lCount[j];
        }
        EnsureCapacity(ref _li, ref _lx, (int)total);
        EnsureCapacity(ref _ui, ref _ux, (int)total);
        if (_ls.Length < _li.Length)
        {
            _ls = new int[_li.Length];
        }
        // L column j gets row k for every k whose row pattern holds j; k rises, so the columns come out sorted.
        var fill = new int[n];
        Array.Copy(_lp, fill, n);
        for (var k = 0; k < n; k++)
        {
            var top = EliminationTree.RowPattern(upper, k, parent, _stack, marks);
            for (var t = top; t < n; t++)
            {
                _ls[fill[_stack[t]]++] = k;
            }
        }
        // U column k holds step j for every L column j holding row k; j rises, so again sorted.
        var uCount = new int[n + 1];
        for (var q = 0; q < _lp[n]; q++)
        {
            uCount[_ls[q] + 1]++;
        }
        _up[0] = 0;
        for (var k = 0; k < n; k++)
        {
            _up[k + 1] = _up[k] + uCount[k + 1];
        }
        Array.Copy(_up, fill, n);
        for (var j = 0; j < n; j++)
        {
            for (var q = _lp[j]; q < _lp[j + 1]; q++)
            {
                _ui[fill[_ls[q]]++] = j;
            }
        }
        for (var k = 0; k < n; k++)
        {
            _rowOfStep[k] = _columnOrder[k];
            _stepOfRow[_columnOrder[k]] = k;
        }
        for (var q = 0; q < _lp[n]; q++)
        {
            _li[q] = _rowOfStep[_ls[q]];
        }
        FindPairedSteps();
        Array.Clear(_work);
        return TryRefactorizeSamePivots(a);
    }

    /// <summary>Rows reachable from column <paramref name="col"/> through the graph of L, in topological order at _reach[top..n).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private int Reach(CompressedColumnMatrix a, int col, int k)
    {
        var top = _n;
        var ap = a.ColumnPointers;
        var ai = a.RowIndices;
        for (var p = ap[col]; p < ap[col + 1]; p++)
        {
            var start = ai[p];
            if (_mark[start] == k)
            {
                continue;
            }
            // Depth-first search without recursion.
            var head = 0;
            _stack[0] = start;
            _mark[start] = k;
            _pathPointer[0] = -1;
            while (head >= 0)
            {
                var i = _stack[head];
                var j = _stepOfRow[i];
                if (_pathPointer[head] < 0)
                {
                    _pathPointer[head] = j < 0 ? 0 : _lp[j];
                }
                var end = j < 0 ? 0 : _lp[j + 1];
                var done = true;
                for (var q = _pathPointer[head]; q < end; q++)
                {
                    var r = _li[q];
                    if (_mark[r] == k)
                    {
                        continue;
                    }
                    _pathPointer[head] = q + 1;
                    _mark[r] = k;
                    head++;
                    _stack[head] = r;
                    _pathPointer[head] = -1;
                    done = false;
                    break;
                }
                if (done)
                {
                    head--;
                    _reach[--top] = i;
                }
            }
        }
        return top;
    }

    // The numeric loops index through refs: every index comes from the factor's own pattern, built and checked by
    // FactorizeNumeric, and bounds checks there cost about a third of a refactorisation. The work vector is indexed by
    // pivot step, so U's entries are read in order and L's rows need no translation.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TryRefactorizeSamePivots(CompressedColumnMatrix a)
    {
        ref var x = ref MemoryMarshal.GetArrayDataReference(_work);
        ref var ls = ref MemoryMarshal.GetArrayDataReference(_ls);
        ref var lx = ref MemoryMarshal.GetArrayDataReference(_lx);
        ref var ui = ref MemoryMarshal.GetArrayDataReference(_ui);
        ref var ux = ref MemoryMarshal.GetArrayDataReference(_ux);
        ref var lp = ref MemoryMarshal.GetArrayDataReference(_lp);
        ref var up = ref MemoryMarshal.GetArrayDataReference(_up);
        ref var paired = ref MemoryMarshal.GetArrayDataReference(_pairedWithNext);
        var stepOfRow = _stepOfRow;
        var ap = a.ColumnPointers;
        var ai = a.RowIndices;
        var ax = a.Values;
        var threshold = PivotThreshold;
        for (var k = 0; k < _n; k++)
        {
            var col = _columnOrder[k];
            for (var p = ap[col]; p < ap[col + 1]; p++)
            {
                _work[stepOfRow[ai[p]]] = ax[p]; // checked: the caller's matrix is not trusted
            }
            int uEnd = Unsafe.Add(ref up, k + 1);
            for (var p = Unsafe.Add(ref up, k); p < uEnd; p++)
            {
                var j = Unsafe.Add(ref ui, p);
                ref var xr = ref Unsafe.Add(ref x, j);
                var xj = xr;
                xr = 0.0;
                Unsafe.Add(ref ux, p) = xj;
                int lStart = Unsafe.Add(ref lp, j), lEnd = Unsafe.Add(ref lp, j + 1);
                if (Unsafe.Add(ref paired, j) && p + 1 < uEnd && Unsafe.Add(ref ui, p + 1) == j + 1)
                {
                    // Steps j and j+1 together; each row gets the same two subtractions, in the same order, as the
                    // column-by-column loop below would give it.
                    ref var xr1 = ref Unsafe.Add(ref x, j + 1);
                    var xj1 = xr1 - (Unsafe.Add(ref lx, lStart) * xj);
                    xr1 = 0.0;
                    Unsafe.Add(ref ux, p + 1) = xj1;
                    var q1 = lEnd;
                    for (var q = lStart + 1; q < lEnd; q++, q1++)
                    {
                        ref var xi = ref Unsafe.Add(ref x, Unsafe.Add(ref ls, q));
                        xi = (xi - (Unsafe.Add(ref lx, q) * xj)) - (Unsafe.Add(ref lx, q1) * xj1);
                    }
                    p++;
                    continue;
                }
                if (xj == 0.0)
                {
                    continue;
                }
                for (var q = lStart; q < lEnd; q++)
                {
                    Unsafe.Add(ref x, Unsafe.Add(ref ls, q)) -= Unsafe.Add(ref lx, q) * xj;
                }
            }
            ref var xp = ref Unsafe.Add(ref x, k);
            var pivot = xp;
            xp = 0.0;
            var best = Math.Abs(pivot);
            int kStart = Unsafe.Add(ref lp, k), kEnd = Unsafe.Add(ref lp, k + 1);
            for (var q = kStart; q < kEnd; q++)
            {
                best = Math.Max(best, Math.Abs(Unsafe.Add(ref x, Unsafe.Add(ref ls, q))));
            }
            if (pivot == 0.0 || !(Math.Abs(pivot) >= threshold * best))
            {
                for (var q = kStart; q < kEnd; q++)
                {
                    Unsafe.Add(ref x, Unsafe.Add(ref ls, q)) = 0.0;
                }
                return false;
            }
            _udiag[k] = pivot;
            var inv = 1.0 / pivot;
            for (var q = kStart; q < kEnd; q++)
            {
                ref var xi = ref Unsafe.Add(ref x, Unsafe.Add(ref ls, q));
                Unsafe.Add(ref lx, q) = xi * inv;
                xi = 0.0;
            }
        }
        return true;
    }

    private static void EnsureCapacity(ref int[] indices, ref double[] values, int needed)
    {
        if (indices.Length >= needed)
        {
            return;
        }
        var size = Math.Max(needed, 2 * indices.Length);
        Array.Resize(ref indices, size);
        Array.Resize(ref values, size);
    }
}

/// <summary>Raised when LU finds no non-zero pivot for a column: the matrix is (structurally or numerically) singular.</summary>
public sealed class SingularMatrixException : InvalidOperationException
{
    public SingularMatrixException()
    {
    }

    public SingularMatrixException(string message)
        : base(message)
    {
    }

    public SingularMatrixException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public SingularMatrixException(int column)
        : base($"The matrix is singular: column {column} has no usable pivot.")
    {
        Column = column;
    }

    /// <summary>The original column index that had no pivot, or −1.</summary>
    public int Column { get; } = -1;
}
