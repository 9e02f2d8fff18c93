using CivicGrid.Numerics.Sparse;

namespace CivicGrid.Numerics.Ordering;

/// <summary>Elimination tree and row-pattern reachability of a symmetric matrix stored by its upper triangle.</summary>
public static class EliminationTree
{
    /// <summary>
    /// The parent of each column in the elimination tree of <paramref name="upper"/> (entries with row ≤ column
    /// are read); −1 for roots.
    /// </summary>
    public static int[] Compute(CompressedColumnMatrix upper)
    {
        ArgumentNullException.ThrowIfNull(upper);
        var n = upper.ColumnCount;
        var parent = new int[n];
        var ancestor = new int[n];
        for (var k = 0; k < n; k++)
        {
            parent[k] = -1;
            ancestor[k] = -1;
            for (var p = upper.ColumnPointers[k]; p < upper.ColumnPointers[k + 1]; p++)
            {
                var i = upper.RowIndices[p];
                while (i != -1 && i < k)
                {
                    var next = ancestor[i];
                    ancestor[i] = k;
                    if (next == -1)
                    {
                        parent[i] = k;
                    }
                    i = next;
                }
            }
        }
        return parent;
    }

    /// <summary>
    /// Writes the pattern of row <paramref name="k"/> of the Cholesky factor (excluding the diagonal) into
    /// <paramref name="stack"/>[top..n) in topological order and returns top. <paramref name="marks"/> must be
    /// all false on entry and is left so.
    /// </summary>
    public static int RowPattern(CompressedColumnMatrix upper, int k, int[] parent, int[] stack, bool[] marks)
    {
        ArgumentNullException.ThrowIfNull(upper);
        ArgumentNullException.ThrowIfNull(parent);
        ArgumentNullException.ThrowIfNull(stack);
        ArgumentNullException.ThrowIfNull(marks);
        var n = upper.ColumnCount;
        var top = n;
        marks[k] = true;
        for (var p = upper.ColumnPointers[k]; p < upper.ColumnPointers[k + 1]; p++)
        {
            var i = upper.RowIndices[p];
            if (i > k)
            {
                continue;
            }
            var len = 0;
            while (!marks[i])
            {
                stack[len++] = i;
                marks[i] = true;
                i = parent[i];
            }
            while (len > 0)
            {
                stack[--top] = stack[--len];
            }
        }
        for (var p = top; p < n; p++)
        {
            marks[stack[p]] = false;
        }
        marks[k] = false;
        return top;
    }
}
