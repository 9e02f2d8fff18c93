using CivicGrid.Numerics.Cholesky;
using CivicGrid.Numerics.Ordering;
using CivicGrid.Numerics.Sparse;
using Xunit;

namespace CivicGrid.Numerics.Tests;

public class NestedDissectionOrderingTests
{
    // Built from triplets: a dense 110×110 grid matrix would not fit in memory.
    private static CompressedColumnMatrix Grid(int rows, int columns)
    {
        var r = new List<int>();
        var c = new List<int>();
        var v = new List<double>();
        for (var y = 0; y < rows; y++)
        {
            for (var x = 0; x < columns; x++)
            {
                var k = (y * columns) + x;
                r.Add(k);
                c.Add(k);
                v.Add(4.01);
                if (x + 1 < columns)
                {
                    r.Add(k);
                    c.Add(k + 1);
                    v.Add(-1);
                }
                if (y + 1 < rows)
                {
                    r.Add(k);
                    c.Add(k + columns);
                    v.Add(-1);
                }
            }
        }
        return CompressedColumnMatrix.FromTriplets(rows * columns, rows * columns, r.ToArray(), c.ToArray(), v.ToArray());
    }

    [Theory]
    [InlineData(1, 1, 64)]
    [InlineData(30, 30, 64)]
    [InlineData(23, 41, 1)]
    [InlineData(50, 3, 8)]
    public void Returns_a_permutation(int rows, int columns, int leafSize)
    {
        var perm = NestedDissectionOrdering.Compute(Grid(rows, columns), leafSize);
        Assert.Equal(Enumerable.Range(0, rows * columns), perm.Order());
    }

    [Fact]
    public void Orders_a_disconnected_graph()
    {
        // Two grids side by side with no edge between them, plus isolated vertices.
        var g = SupernodalCholeskyTests.GridLaplacian(12, 12);
        var n = (2 * 144) + 5;
        var dense = new double[n, n];
        for (var i = 0; i < 144; i++)
        {
            for (var j = 0; j < 144; j++)
            {
                dense[i, j] = g[i, j];
                dense[144 + i, 144 + j] = g[i, j];
            }
        }
        for (var i = 288; i < n; i++)
        {
            dense[i, i] = 1;
        }
        var a = CompressedColumnMatrix.FromDense(dense);
        var perm = NestedDissectionOrdering.Compute(a, leafSize: 10);
        Assert.Equal(Enumerable.Range(0, n), perm.Order());
        var chol = new SparseCholesky(a, perm);
        Assert.Equal(-1, chol.Factorize(a));
    }

    [Fact]
    public void Needs_fewer_multiply_adds_than_minimum_degree_on_a_large_grid()
    {
        // The reason it exists: on a large 2-D mesh the middle-level separators beat minimum degree's ragged ones (on a
        // 60×60 grid the two are within 1 %).
        var a = Grid(110, 110);
        var nd = FillReducingOrdering.Estimate(a, NestedDissectionOrdering.Compute(a));
        var md = FillReducingOrdering.Estimate(a, MinimumDegreeOrdering.Compute(a));
        var natural = FillReducingOrdering.Estimate(a, [.. Enumerable.Range(0, 110 * 110)]);
        Assert.True(nd.MultiplyAdds < natural.MultiplyAdds, $"nd {nd.MultiplyAdds} natural {natural.MultiplyAdds}");
        Assert.True(nd.MultiplyAdds < md.MultiplyAdds, $"nd {nd.MultiplyAdds} md {md.MultiplyAdds}");
    }

    [Fact]
    public void Estimate_counts_the_same_factor_entries_as_the_symbolic_analysis()
    {
        var a = Grid(19, 23);
        foreach (var perm in new[] { MinimumDegreeOrdering.Compute(a), NestedDissectionOrdering.Compute(a, 16) })
        {
            var estimate = FillReducingOrdering.Estimate(a, perm);
            Assert.Equal(new SparseCholesky(a, perm).FactorNonZeroCount, estimate.FactorNonZeros);
        }
    }

    [Theory]
    [InlineData(20)]
    [InlineData(110)]
    public void Chosen_ordering_is_never_worse_than_either_candidate(int side)
    {
        var a = Grid(side, side);
        var chosen = FillReducingOrdering.Estimate(a, FillReducingOrdering.Compute(a));
        var md = FillReducingOrdering.Estimate(a, MinimumDegreeOrdering.Compute(a));
        Assert.True(chosen.MultiplyAdds <= md.MultiplyAdds);
        if (side > 100)
        {
            // Large enough that nested dissection is tried, and on a grid it wins.
            var nd = FillReducingOrdering.Estimate(a, NestedDissectionOrdering.Compute(a));
            Assert.True(chosen.MultiplyAdds <= nd.MultiplyAdds);
            Assert.True(chosen.MultiplyAdds < md.MultiplyAdds);
        }
    }

    [Fact]
    public void Rejects_a_non_square_pattern()
    {
        var a = new CompressedColumnMatrix(3, 2, [0, 0, 0], [], []);
        Assert.Throws<ArgumentException>(() => NestedDissectionOrdering.Compute(a));
    }
}
