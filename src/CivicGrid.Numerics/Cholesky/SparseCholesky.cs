using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CivicGrid.Numerics.Ordering;
using CivicGrid.Numerics.Sparse;

namespace CivicGrid.Numerics.Cholesky;

/// <summary>
/// Sparse Cholesky factorisation A = P'·L·L'·P of a symmetric positive definite matrix. The ordering, elimination
/// tree and the full pattern of L are computed once by the constructor (symbolic analysis); numeric factorisation
/// (<c>Factorize</c>) then refills values from any matrix with the same pattern and refactorises without allocating, which is what a
/// Newton loop or a batch of what-if runs needs.
/// </summary>
public sealed class SparseCholesky
{
    private readonly int _n;
    private readonly int[] _perm;        // pivot k is original index _perm[k]
    private readonly int[] _inversePerm;
    private readonly int[] _cSource;     // entry of the permuted upper matrix C -> entry of A it comes from
    private readonly int _sourceNonZeros;
    private readonly int[] _cPointers;
    private readonly int[] _cRows;
    private readonly int[] _lPointers;
    private readonly int[] _lRows;
    private readonly double[] _lValues;
    private readonly int[] _rowPointers; // row patterns of L (off-diagonal), in topological order
    private readonly int[] _rowColumns;
    private readonly int[] _rowPositions;
    private readonly double[] _work;
    private readonly double[] _inverseDiagonal; // 1 / L[k,k]: divisions are slow and lie on the dependency chain
    private readonly SupernodalFactor? _supernodes;

    /// <summary>Analyses the pattern of <paramref name="a"/>; entries below the diagonal are ignored.</summary>
    /// <param name="a">Symmetric matrix; its upper triangle (row ≤ column) is read.</param>
    /// <param name="permutation">A fill-reducing ordering, or null to pick the better of minimum degree and nested
    /// dissection (<see cref="FillReducingOrdering"/>).</param>
    public SparseCholesky(CompressedColumnMatrix a, int[]? permutation = null)
        : this(a, permutation, CholeskyKernel.Automatic)
    {
    }

    /// <summary>Analyses the pattern of <paramref name="a"/> for the given numeric kernel.</summary>
    /// <param name="a">Symmetric matrix; its upper triangle (row ≤ column) is read.</param>
    /// <param name="permutation">A fill-reducing ordering, or null to choose one.</param>
    /// <param name="kernel">Column-by-column or supernodal numeric factorisation; automatic chooses by the supernode sizes.</param>
    public SparseCholesky(CompressedColumnMatrix a, int[]? permutation, CholeskyKernel kernel)
    {
        ArgumentNullException.ThrowIfNull(a);
        if (a.RowCount != a.ColumnCount)
        {
            throw new ArgumentException("The matrix must be square.", nameof(a));
        }
        _n = a.ColumnCount;
        _perm = permutation ?? FillReducingOrdering.Compute(a);
        if (_perm.Length != _n)
        {
            throw new ArgumentException("The permutation length does not match the matrix.", nameof(permutation));
        }
        _inversePerm = new int[_n];
        Array.Fill(_inversePerm, -1);
        for (var k = 0; k < _n; k++)
        {
            if ((uint)_perm[k] >= (uint)_n || _inversePerm[_perm[k]] >= 0)
            {
                throw new ArgumentException("The permutation is not a permutation of 0..n-1.", nameof(permutation));
            }
            _inversePerm[_perm[k]] = k;
        }

        // C = upper triangle of P·A·P', with a map from A's entries.
        _sourceNonZeros = a.NonZeroCount;
        var counts = new int[_n + 1];
        for (var j = 0; j < _n; j++)
        {
            for (var p = a.ColumnPointers[j]; p < a.ColumnPointers[j + 1]; p++)
            {
                var i = a.RowIndices[p];
                if (i <= j)
                {
                    counts[Math.Max(_inversePerm[i], _inversePerm[j]) + 1]++;
                }
            }
        }
        for (var j = 0; j < _n; j++)
        {
            counts[j + 1] += counts[j];
        }
        var next = (int[])counts.Clone();
        var cRowsRaw = new int[counts[_n]];
        var rawMap = new int[_sourceNonZeros];
        Array.Fill(rawMap, -1);
        for (var j = 0; j < _n; j++)
        {
            for (var p = a.ColumnPointers[j]; p < a.ColumnPointers[j + 1]; p++)
            {
                var i = a.RowIndices[p];
                if (i <= j)
                {
                    int pi = _inversePerm[i], pj = _inversePerm[j];
                    var q = next[Math.Max(pi, pj)]++;
                    cRowsRaw[q] = Math.Min(pi, pj);
                    rawMap[p] = q;
                }
            }
        }
        // Sort rows within columns (the row-pattern walk does not need it, but ties to a canonical C).
        _cPointers = counts;
        _cRows = cRowsRaw;
        _cSource = new int[cRowsRaw.Length];
        for (var p = 0; p < rawMap.Length; p++)
        {
            if (rawMap[p] >= 0)
            {
                _cSource[rawMap[p]] = p;
            }
        }

        // Elimination tree and the row patterns of L.
        var upper = new CompressedColumnMatrix(_n, _n, _cPointers, _cRows, new double[cRowsRaw.Length]);
        var parent = EliminationTree.Compute(upper);
        var stack = new int[_n];
        var marks = new bool[_n];
        var columnCounts = new int[_n];
        var rowPatternLength = 0L;
        for (var k = 0; k < _n; k++)
        {
            var top = EliminationTree.RowPattern(upper, k, parent, stack, marks);
            for (var t = top; t < _n; t++)
            {
                columnCounts[stack[t]]++;
            }
            rowPatternLength += _n - top;
        }
        _lPointers = new int[_n + 1];
        for (var j = 0; j < _n; j++)
        {
            _lPointers[j + 1] = checked(_lPointers[j] + columnCounts[j] + 1);
        }
        var first = SupernodalFactor.Partition(_n, parent, _lPointers);
        var supernodal = kernel switch
        {
            CholeskyKernel.Column => false,
            CholeskyKernel.Supernodal => true,
            _ => PrefersSupernodes(),
        };
        _lRows = new int[_lPointers[_n]];
        _lValues = supernodal ? [] : new double[_lPointers[_n]];
        _rowPointers = new int[_n + 1];
        _rowColumns = supernodal ? [] : new int[checked((int)rowPatternLength)];
        _rowPositions = supernodal ? [] : new int[_rowColumns.Length];
        var fill = new int[_n];
        for (var j = 0; j < _n; j++)
        {
            fill[j] = _lPointers[j] + 1;
            _lRows[_lPointers[j]] = j;
        }
        var r = 0;
        for (var k = 0; k < _n; k++)
        {
            _rowPointers[k] = r;
            var top = EliminationTree.RowPattern(upper, k, parent, stack, marks);
            for (var t = top; t < _n; t++)
            {
                var i = stack[t];
                var pos = fill[i]++;
                _lRows[pos] = k;
                if (!supernodal)
                {
                    _rowColumns[r] = i;
                    _rowPositions[r] = pos;
                    r++;
                }
            }
        }
        _rowPointers[_n] = r;
        _work = new double[_n];
        _inverseDiagonal = new double[_n];
        Parent = parent;
        if (supernodal)
        {
            _supernodes = new SupernodalFactor(_n, first, _lPointers, _lRows, _cPointers, _cRows);
        }
    }

    // Dense blocks pay off once the factor is dense enough for long updates (a meshed network: 1,350 multiply-adds
    // per column on the 224×224 mesh, where the supernodal kernel is 1.4× faster); on tree-like networks (4–210 per
    // column on Net6 and the synthetic 10k/100k ones) the column kernel is as fast or up to 3× faster.
    private bool PrefersSupernodes()
    {
        if (_lPointers[_n] < MinimumSupernodalFactorSize)
        {
            return false;
        }
        var work = 0.0;
        for (var j = 0; j < _n; j++)
        {
            double c = _lPointers[j + 1] - _lPointers[j] - 1;
            work += c * (c + 1) / 2;
        }
        return work >= MinimumMultiplyAddsPerColumn * _n;
    }

    private const double MinimumMultiplyAddsPerColumn = 500;
    private const int MinimumSupernodalFactorSize = 50_000;

    /// <summary>Whether the numeric factorisation runs supernode by supernode on dense blocks.</summary>
    public bool IsSupernodal => _supernodes is not null;

    /// <summary>Number of supernodes (consecutive columns of L sharing one pattern) when <see cref="IsSupernodal"/>; else 0.</summary>
    public int SupernodeCount => _supernodes?.Count ?? 0;

    /// <summary>Order of the matrix.</summary>
    public int Size => _n;

    /// <summary>The fill-reducing permutation in use (pivot k is original index Permutation[k]).</summary>
    public IReadOnlyList<int> Permutation => _perm;

    /// <summary>The elimination tree of the permuted matrix.</summary>
    public IReadOnlyList<int> Parent { get; }

    /// <summary>Number of entries in L, diagonal included.</summary>
    public int FactorNonZeroCount => _lPointers[_n];

    /// <summary>
    /// Numeric factorisation of a matrix with the analysed pattern. Returns −1 on success, or the original index
    /// of the first pivot that is not positive (the matrix is not positive definite there).
    /// </summary>
    public int Factorize(CompressedColumnMatrix a)
    {
        ArgumentNullException.ThrowIfNull(a);
        if (a.NonZeroCount != _sourceNonZeros || a.ColumnCount != _n)
        {
            throw new ArgumentException("The matrix does not have the analysed pattern.", nameof(a));
        }
        return Factorize(a.Values);
    }

    /// <summary>Numeric factorisation from the values array of a matrix with the analysed pattern.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Factorize(ReadOnlySpan<double> values)
    {
        if (values.Length < _sourceNonZeros)
        {
            throw new ArgumentException("The values do not cover the analysed pattern.", nameof(values));
        }
        if (_supernodes is not null)
        {
            var bad = _supernodes.Factorize(values, _cSource, _inverseDiagonal);
            return bad < 0 ? -1 : _perm[bad];
        }
        // Up-looking, one row of L at a time. Indices come from the symbolic analysis (checked when it was built), so
        // the loops index through refs without bounds checks; they are most of the time of a water network solve.
        ref var x = ref MemoryMarshal.GetArrayDataReference(_work);
        ref var lp = ref MemoryMarshal.GetArrayDataReference(_lPointers);
        ref var li = ref MemoryMarshal.GetArrayDataReference(_lRows);
        ref var lx = ref MemoryMarshal.GetArrayDataReference(_lValues);
        ref var cp = ref MemoryMarshal.GetArrayDataReference(_cPointers);
        ref var ci = ref MemoryMarshal.GetArrayDataReference(_cRows);
        ref var cs = ref MemoryMarshal.GetArrayDataReference(_cSource);
        ref var rp = ref MemoryMarshal.GetArrayDataReference(_rowPointers);
        ref var rc = ref MemoryMarshal.GetArrayDataReference(_rowColumns);
        ref var rpos = ref MemoryMarshal.GetArrayDataReference(_rowPositions);
        ref var a = ref MemoryMarshal.GetReference(values);
        ref var inv = ref MemoryMarshal.GetArrayDataReference(_inverseDiagonal);
        for (var k = 0; k < _n; k++)
        {
            int cEnd = Unsafe.Add(ref cp, k + 1);
            for (var p = Unsafe.Add(ref cp, k); p < cEnd; p++)
            {
                Unsafe.Add(ref x, Unsafe.Add(ref ci, p)) += Unsafe.Add(ref a, Unsafe.Add(ref cs, p));
            }
            ref var xk = ref Unsafe.Add(ref x, k);
            var d = xk;
            xk = 0.0;
            int rEnd = Unsafe.Add(ref rp, k + 1);
            for (var r = Unsafe.Add(ref rp, k); r < rEnd; r++)
            {
                var i = Unsafe.Add(ref rc, r);
                var pos = Unsafe.Add(ref rpos, r);
                var start = Unsafe.Add(ref lp, i);
                ref var xi = ref Unsafe.Add(ref x, i);
                var lki = xi * Unsafe.Add(ref inv, i);
                xi = 0.0;
                for (var p = start + 1; p < pos; p++)
                {
                    Unsafe.Add(ref x, Unsafe.Add(ref li, p)) -= Unsafe.Add(ref lx, p) * lki;
                }
                d -= lki * lki;
                Unsafe.Add(ref lx, pos) = lki;
            }
            if (!(d > 0.0))
            {
                Array.Clear(_work);
                return _perm[k];
            }
            var diagonal = Math.Sqrt(d);
            Unsafe.Add(ref lx, Unsafe.Add(ref lp, k)) = diagonal;
            Unsafe.Add(ref inv, k) = 1.0 / diagonal;
        }
        return -1;
    }

    /// <summary>Solves A·x = b in place using the last successful factorisation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Solve(Span<double> b)
    {
        if (b.Length != _n)
        {
            throw new ArgumentException("Right-hand side length does not match the matrix.", nameof(b));
        }
        ref var x = ref MemoryMarshal.GetArrayDataReference(_work);
        ref var perm = ref MemoryMarshal.GetArrayDataReference(_perm);
        ref var lp = ref MemoryMarshal.GetArrayDataReference(_lPointers);
        ref var li = ref MemoryMarshal.GetArrayDataReference(_lRows);
        ref var lx = ref MemoryMarshal.GetArrayDataReference(_lValues);
        ref var inv = ref MemoryMarshal.GetArrayDataReference(_inverseDiagonal);
        for (var k = 0; k < _n; k++)
        {
            Unsafe.Add(ref x, k) = b[Unsafe.Add(ref perm, k)];
        }
        if (_supernodes is not null)
        {
            _supernodes.Solve(_work, _inverseDiagonal);
            for (var k = 0; k < _n; k++)
            {
                ref var xk = ref Unsafe.Add(ref x, k);
                b[Unsafe.Add(ref perm, k)] = xk;
                xk = 0.0;
            }
            return;
        }
        for (var j = 0; j < _n; j++)
        {
            var start = Unsafe.Add(ref lp, j);
            int end = Unsafe.Add(ref lp, j + 1);
            ref var xj = ref Unsafe.Add(ref x, j);
            var v = xj * Unsafe.Add(ref inv, j);
            xj = v;
            for (var p = start + 1; p < end; p++)
            {
                Unsafe.Add(ref x, Unsafe.Add(ref li, p)) -= Unsafe.Add(ref lx, p) * v;
            }
        }
        for (var j = _n - 1; j >= 0; j--)
        {
            var start = Unsafe.Add(ref lp, j);
            int end = Unsafe.Add(ref lp, j + 1);
            ref var xj = ref Unsafe.Add(ref x, j);
            var s = xj;
            for (var p = start + 1; p < end; p++)
            {
                s -= Unsafe.Add(ref lx, p) * Unsafe.Add(ref x, Unsafe.Add(ref li, p));
            }
            xj = s * Unsafe.Add(ref inv, j);
        }
        for (var k = 0; k < _n; k++)
        {
            ref var xk = ref Unsafe.Add(ref x, k);
            b[Unsafe.Add(ref perm, k)] = xk;
            xk = 0.0;
        }
    }
}

/// <summary>The numeric kernel of a <see cref="SparseCholesky"/> factorisation.</summary>
public enum CholeskyKernel
{
    /// <summary>Supernodal for large factors with more than 500 multiply-adds per column (meshed grids), else column by column.</summary>
    Automatic,

    /// <summary>Up-looking, one row of L at a time with scattered updates (lowest overhead on very sparse factors).</summary>
    Column,

    /// <summary>Left-looking supernodal, dense block updates (for factors with wide supernodes, e.g. meshed grids).</summary>
    Supernodal,
}
