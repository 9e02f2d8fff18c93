namespace CivicGrid.Numerics.Sparse;

/// <summary>
/// A sparse matrix in compressed sparse column (CSC) form: the row indices and values of column <c>j</c> are
/// <c>RowIndices[ColumnPointers[j] .. ColumnPointers[j+1])</c>. Row indices within a column are sorted and unique.
/// The shape of the pattern is immutable; values may be overwritten in place so that a matrix whose pattern is
/// fixed (a hydraulic or power-flow Jacobian) can be refilled and refactorised without reallocation.
/// </summary>
public sealed class CompressedColumnMatrix
{
    public CompressedColumnMatrix(int rowCount, int columnCount, int[] columnPointers, int[] rowIndices, double[] values)
    {
        ArgumentNullException.ThrowIfNull(columnPointers);
        ArgumentNullException.ThrowIfNull(rowIndices);
        ArgumentNullException.ThrowIfNull(values);
        if (rowCount < 0 || columnCount < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(rowCount), "Dimensions must be non-negative.");
        }
        if (columnPointers.Length != columnCount + 1)
        {
            throw new ArgumentException($"Expected {columnCount + 1} column pointers, got {columnPointers.Length}.", nameof(columnPointers));
        }
        var nnz = columnPointers[columnCount];
        if (rowIndices.Length < nnz || values.Length < nnz)
        {
            throw new ArgumentException("Row index and value arrays are shorter than the column pointers say.", nameof(rowIndices));
        }
        RowCount = rowCount;
        ColumnCount = columnCount;
        ColumnPointers = columnPointers;
        RowIndices = rowIndices;
        Values = values;
    }

    public int RowCount { get; }

    public int ColumnCount { get; }

    /// <summary>Start of each column in <see cref="RowIndices"/>/<see cref="Values"/>; length <c>ColumnCount + 1</c>.</summary>
    public int[] ColumnPointers { get; }

    public int[] RowIndices { get; }

    public double[] Values { get; }

    /// <summary>The number of stored entries.</summary>
    public int NonZeroCount => ColumnPointers[ColumnCount];

    /// <summary>
    /// Builds a matrix from coordinate triplets; duplicate entries are summed (the usual assembly rule for
    /// finite-element, nodal-admittance and network incidence matrices).
    /// </summary>
    public static CompressedColumnMatrix FromTriplets(int rowCount, int columnCount, ReadOnlySpan<int> rows, ReadOnlySpan<int> columns, ReadOnlySpan<double> values)
    {
        if (rows.Length != columns.Length || rows.Length != values.Length)
        {
            throw new ArgumentException("Triplet arrays must have the same length.", nameof(rows));
        }
        var counts = new int[columnCount + 1];
        for (var k = 0; k < columns.Length; k++)
        {
            var c = columns[k];
            var r = rows[k];
            if ((uint)c >= (uint)columnCount || (uint)r >= (uint)rowCount)
            {
                throw new ArgumentOutOfRangeException(nameof(rows), $"Entry ({r}, {c}) lies outside a {rowCount}×{columnCount} matrix.");
            }
            counts[c + 1]++;
        }
        for (var j = 0; j < columnCount; j++)
        {
            counts[j + 1] += counts[j];
        }
        // Two stable counting sorts (by row, then by column) leave every column sorted by row in linear time;
        // duplicates then sit next to each other, in their input order, and are summed.
        var rowStart = new int[rowCount + 1];
        for (var k = 0; k < rows.Length; k++)
        {
            rowStart[rows[k] + 1]++;
        }
        for (var i = 0; i < rowCount; i++)
        {
            rowStart[i + 1] += rowStart[i];
        }
        var byRow = new int[rows.Length];
        for (var k = 0; k < rows.Length; k++)
        {
            byRow[rowStart[rows[k]]++] = k;
        }
        var next = (int[])counts.Clone();
        var sorted = new int[rows.Length];
        foreach (var k in byRow)
        {
            sorted[next[columns[k]]++] = k;
        }
        var pointers = new int[columnCount + 1];
        var outRows = new int[rows.Length];
        var outValues = new double[rows.Length];
        var nnz = 0;
        for (var j = 0; j < columnCount; j++)
        {
            pointers[j] = nnz;
            var last = -1;
            for (var p = counts[j]; p < counts[j + 1]; p++)
            {
                var k = sorted[p];
                if (rows[k] == last)
                {
                    outValues[nnz - 1] += values[k];
                }
                else
                {
                    outRows[nnz] = rows[k];
                    outValues[nnz] = values[k];
                    last = rows[k];
                    nnz++;
                }
            }
        }
        pointers[columnCount] = nnz;
        Array.Resize(ref outRows, nnz);
        Array.Resize(ref outValues, nnz);
        return new CompressedColumnMatrix(rowCount, columnCount, pointers, outRows, outValues);
    }

    /// <summary>Builds a sparse matrix from a dense one, keeping the non-zero entries.</summary>
    public static CompressedColumnMatrix FromDense(double[,] dense)
    {
        ArgumentNullException.ThrowIfNull(dense);
        int m = dense.GetLength(0), n = dense.GetLength(1);
        var rows = new List<int>();
        var cols = new List<int>();
        var vals = new List<double>();
        for (var j = 0; j < n; j++)
        {
            for (var i = 0; i < m; i++)
            {
                if (dense[i, j] != 0.0)
                {
                    rows.Add(i);
                    cols.Add(j);
                    vals.Add(dense[i, j]);
                }
            }
        }
        return FromTriplets(m, n, rows.ToArray(), cols.ToArray(), vals.ToArray());
    }

    /// <summary>The value at (<paramref name="row"/>, <paramref name="column"/>); zero when not stored.</summary>
    public double this[int row, int column]
    {
        get
        {
            var p = IndexOf(row, column);
            return p >= 0 ? Values[p] : 0.0;
        }
    }

    /// <summary>The position of (row, column) in <see cref="Values"/>, or −1 when the entry is not in the pattern.</summary>
    public int IndexOf(int row, int column)
    {
        var lo = ColumnPointers[column];
        var hi = ColumnPointers[column + 1] - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var r = RowIndices[mid];
            if (r == row)
            {
                return mid;
            }
            if (r < row)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }
        return -1;
    }

    /// <summary>y = A·x.</summary>
    public void Multiply(ReadOnlySpan<double> x, Span<double> y)
    {
        if (x.Length != ColumnCount || y.Length != RowCount)
        {
            throw new ArgumentException("Vector lengths do not match the matrix shape.", nameof(x));
        }
        y.Clear();
        for (var j = 0; j < ColumnCount; j++)
        {
            var xj = x[j];
            if (xj == 0.0)
            {
                continue;
            }
            for (var p = ColumnPointers[j]; p < ColumnPointers[j + 1]; p++)
            {
                y[RowIndices[p]] += Values[p] * xj;
            }
        }
    }

    /// <summary>The transpose, as a new matrix.</summary>
    public CompressedColumnMatrix Transpose()
    {
        var counts = new int[RowCount + 1];
        var nnz = NonZeroCount;
        for (var p = 0; p < nnz; p++)
        {
            counts[RowIndices[p] + 1]++;
        }
        for (var i = 0; i < RowCount; i++)
        {
            counts[i + 1] += counts[i];
        }
        var next = (int[])counts.Clone();
        var rows = new int[nnz];
        var values = new double[nnz];
        for (var j = 0; j < ColumnCount; j++)
        {
            for (var p = ColumnPointers[j]; p < ColumnPointers[j + 1]; p++)
            {
                var q = next[RowIndices[p]]++;
                rows[q] = j;
                values[q] = Values[p];
            }
        }
        return new CompressedColumnMatrix(ColumnCount, RowCount, counts, rows, values);
    }

    /// <summary>A dense copy (for tests and small problems).</summary>
    public double[,] ToDense()
    {
        var dense = new double[RowCount, ColumnCount];
        for (var j = 0; j < ColumnCount; j++)
        {
            for (var p = ColumnPointers[j]; p < ColumnPointers[j + 1]; p++)
            {
                dense[RowIndices[p], j] += Values[p];
            }
        }
        return dense;
    }
}
