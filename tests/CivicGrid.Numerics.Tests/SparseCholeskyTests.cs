using CivicGrid.Numerics.Cholesky;
using CivicGrid.Numerics.Ordering;
using CivicGrid.Numerics.Sparse;
using Xunit;

namespace CivicGrid.Numerics.Tests;

public class SparseCholeskyTests
{
    private static double[,] RandomSpd(int n, double density, Random rng)
    {
        var a = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < i; j++)
            {
                if (rng.NextDouble() < density)
                {
                    var v = rng.NextDouble() - 0.5;
                    a[i, j] = v;
                    a[j, i] = v;
                }
            }
        }
        for (var i = 0; i < n; i++)
        {
            var s = 0.0;
            for (var j = 0; j < n; j++)
            {
                s += Math.Abs(a[i, j]);
            }
            a[i, i] = s + 0.1 + rng.NextDouble();
        }
        return a;
    }

    private static double[,] GridLaplacian(int side)
    {
        var n = side * side;
        var a = new double[n, n];
        for (var r = 0; r < side; r++)
        {
            for (var c = 0; c < side; c++)
            {
                var k = (r * side) + c;
                a[k, k] = 4.01;
                if (c + 1 < side)
                {
                    a[k, k + 1] = a[k + 1, k] = -1;
                }
                if (r + 1 < side)
                {
                    a[k, k + side] = a[k + side, k] = -1;
                }
            }
        }
        return a;
    }

    private static double[] DenseSolve(double[,] a, double[] b)
    {
        var n = b.Length;
        var m = (double[,])a.Clone();
        var x = (double[])b.Clone();
        for (var k = 0; k < n; k++)
        {
            var piv = k;
            for (var i = k + 1; i < n; i++)
            {
                if (Math.Abs(m[i, k]) > Math.Abs(m[piv, k]))
                {
                    piv = i;
                }
            }
            for (var j = 0; j < n; j++)
            {
                (m[k, j], m[piv, j]) = (m[piv, j], m[k, j]);
            }
            (x[k], x[piv]) = (x[piv], x[k]);
            for (var i = k + 1; i < n; i++)
            {
                var f = m[i, k] / m[k, k];
                for (var j = k; j < n; j++)
                {
                    m[i, j] -= f * m[k, j];
                }
                x[i] -= f * x[k];
            }
        }
        for (var i = n - 1; i >= 0; i--)
        {
            var s = x[i];
            for (var j = i + 1; j < n; j++)
            {
                s -= m[i, j] * x[j];
            }
            x[i] = s / m[i, i];
        }
        return x;
    }

    public static TheoryData<int, double, int> RandomCases => new()
    {
        { 1, 1.0, 1 }, { 5, 0.5, 2 }, { 30, 0.1, 3 }, { 80, 0.05, 4 }, { 120, 0.02, 5 },
    };

    [Theory]
    [MemberData(nameof(RandomCases))]
    public void Solution_matches_dense_elimination_on_random_spd_matrices(int n, double density, int seed)
    {
        var rng = new Random(seed);
        var dense = RandomSpd(n, density, rng);
        var b = Enumerable.Range(0, n).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var a = CompressedColumnMatrix.FromDense(dense);
        var chol = new SparseCholesky(a);
        Assert.Equal(-1, chol.Factorize(a));
        var x = (double[])b.Clone();
        chol.Solve(x);
        var expected = DenseSolve(dense, b);
        for (var i = 0; i < n; i++)
        {
            Assert.Equal(expected[i], x[i], 1e-10);
        }
    }

    [Fact]
    public void Refactorisation_with_new_values_reuses_the_symbolic_analysis()
    {
        var dense = GridLaplacian(9);
        var a = CompressedColumnMatrix.FromDense(dense);
        var chol = new SparseCholesky(a);
        var nnzL = chol.FactorNonZeroCount;
        for (var round = 0; round < 3; round++)
        {
            for (var p = 0; p < a.NonZeroCount; p++)
            {
                a.Values[p] *= 1.0 + (0.1 * round);
            }
            var scaled = a.ToDense();
            Assert.Equal(-1, chol.Factorize(a));
            var b = Enumerable.Range(0, 81).Select(i => Math.Sin(i + round)).ToArray();
            var x = (double[])b.Clone();
            chol.Solve(x);
            var expected = DenseSolve(scaled, b);
            for (var i = 0; i < b.Length; i++)
            {
                Assert.Equal(expected[i], x[i], 1e-10);
            }
        }
        Assert.Equal(nnzL, chol.FactorNonZeroCount);
    }

    [Fact]
    public void Upper_triangle_alone_gives_the_same_factor_as_the_full_matrix()
    {
        var dense = GridLaplacian(5);
        var n = 25;
        var upper = (double[,])dense.Clone();
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < i; j++)
            {
                upper[i, j] = 0;
            }
        }
        var b = Enumerable.Range(0, n).Select(i => (double)i).ToArray();
        var x1 = (double[])b.Clone();
        var x2 = (double[])b.Clone();
        var full = new SparseCholesky(CompressedColumnMatrix.FromDense(dense));
        full.Factorize(CompressedColumnMatrix.FromDense(dense));
        full.Solve(x1);
        var up = CompressedColumnMatrix.FromDense(upper);
        var half = new SparseCholesky(up);
        half.Factorize(up);
        half.Solve(x2);
        for (var i = 0; i < n; i++)
        {
            Assert.Equal(x1[i], x2[i], 1e-12);
        }
    }

    [Fact]
    public void Indefinite_matrix_reports_the_failing_pivot()
    {
        var dense = new double[,] { { 1, 0, 0 }, { 0, -2, 0 }, { 0, 0, 3 } };
        var a = CompressedColumnMatrix.FromDense(dense);
        var chol = new SparseCholesky(a, [0, 1, 2]);
        Assert.Equal(1, chol.Factorize(a));
    }

    [Fact]
    public void Minimum_degree_returns_a_permutation_and_reduces_fill_on_an_arrow_matrix()
    {
        // Arrow matrix with the dense row/column first: natural order fills completely, a good ordering none.
        const int n = 40;
        var dense = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            dense[i, i] = n;
            if (i > 0)
            {
                dense[0, i] = dense[i, 0] = 1;
            }
        }
        var a = CompressedColumnMatrix.FromDense(dense);
        var perm = MinimumDegreeOrdering.Compute(a);
        Assert.Equal(Enumerable.Range(0, n), perm.Order());
        var natural = new SparseCholesky(a, Enumerable.Range(0, n).ToArray());
        var ordered = new SparseCholesky(a, perm);
        Assert.Equal(n * (n + 1) / 2, natural.FactorNonZeroCount);
        Assert.Equal((2 * n) - 1, ordered.FactorNonZeroCount);
    }

    [Fact]
    public void Minimum_degree_on_a_grid_gives_less_fill_than_the_natural_band_order()
    {
        var a = CompressedColumnMatrix.FromDense(GridLaplacian(20));
        var natural = new SparseCholesky(a, Enumerable.Range(0, 400).ToArray());
        var ordered = new SparseCholesky(a);
        Assert.True(ordered.FactorNonZeroCount < natural.FactorNonZeroCount,
            $"min degree {ordered.FactorNonZeroCount} vs natural {natural.FactorNonZeroCount}");
    }

    [Fact]
    public void Elimination_tree_of_a_tridiagonal_matrix_is_a_path()
    {
        var dense = new double[5, 5];
        for (var i = 0; i < 5; i++)
        {
            dense[i, i] = 2;
            if (i > 0)
            {
                dense[i - 1, i] = -1;
            }
        }
        var parent = EliminationTree.Compute(CompressedColumnMatrix.FromDense(dense));
        Assert.Equal([1, 2, 3, 4, -1], parent);
    }
}
