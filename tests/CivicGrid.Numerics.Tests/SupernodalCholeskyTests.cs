using CivicGrid.Numerics.Cholesky;
using CivicGrid.Numerics.Ordering;
using CivicGrid.Numerics.Sparse;
using Xunit;

namespace CivicGrid.Numerics.Tests;

public class SupernodalCholeskyTests
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
                    a[i, j] = a[j, i] = rng.NextDouble() - 0.5;
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

    internal static double[,] GridLaplacian(int rows, int columns, double shift = 0.01)
    {
        var n = rows * columns;
        var a = new double[n, n];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                var k = (r * columns) + c;
                a[k, k] = 4 + shift;
                if (c + 1 < columns)
                {
                    a[k, k + 1] = a[k + 1, k] = -1;
                }
                if (r + 1 < rows)
                {
                    a[k, k + columns] = a[k + columns, k] = -1;
                }
            }
        }
        return a;
    }

    // Cholesky of the dense matrix, then two triangular solves: an independent reference.
    private static double[] DenseSolve(double[,] a, double[] b)
    {
        var n = b.Length;
        var l = new double[n, n];
        for (var j = 0; j < n; j++)
        {
            var d = a[j, j];
            for (var k = 0; k < j; k++)
            {
                d -= l[j, k] * l[j, k];
            }
            l[j, j] = Math.Sqrt(d);
            for (var i = j + 1; i < n; i++)
            {
                var s = a[i, j];
                for (var k = 0; k < j; k++)
                {
                    s -= l[i, k] * l[j, k];
                }
                l[i, j] = s / l[j, j];
            }
        }
        var y = (double[])b.Clone();
        for (var i = 0; i < n; i++)
        {
            for (var k = 0; k < i; k++)
            {
                y[i] -= l[i, k] * y[k];
            }
            y[i] /= l[i, i];
        }
        for (var i = n - 1; i >= 0; i--)
        {
            for (var k = i + 1; k < n; k++)
            {
                y[i] -= l[k, i] * y[k];
            }
            y[i] /= l[i, i];
        }
        return y;
    }

    private static void AssertSolves(double[,] dense, SparseCholesky chol, CompressedColumnMatrix a, int seed)
    {
        var n = a.ColumnCount;
        Assert.Equal(-1, chol.Factorize(a));
        var rng = new Random(seed);
        var b = Enumerable.Range(0, n).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var x = (double[])b.Clone();
        chol.Solve(x);
        var expected = DenseSolve(dense, b);
        for (var i = 0; i < n; i++)
        {
            Assert.Equal(expected[i], x[i], 1e-10);
        }
    }

    public static TheoryData<int, double, int> RandomCases => new()
    {
        { 1, 1.0, 1 }, { 7, 1.0, 2 }, { 40, 0.3, 3 }, { 90, 0.08, 4 }, { 150, 0.02, 5 }, { 60, 1.0, 6 },
    };

    [Theory]
    [MemberData(nameof(RandomCases))]
    public void Supernodal_kernel_matches_dense_cholesky_on_random_spd_matrices(int n, double density, int seed)
    {
        var dense = RandomSpd(n, density, new Random(seed));
        var a = CompressedColumnMatrix.FromDense(dense);
        var chol = new SparseCholesky(a, null, CholeskyKernel.Supernodal);
        Assert.True(chol.IsSupernodal);
        AssertSolves(dense, chol, a, seed);
    }

    [Fact]
    public void A_dense_matrix_is_one_supernode()
    {
        var dense = RandomSpd(30, 1.0, new Random(7));
        var a = CompressedColumnMatrix.FromDense(dense);
        var chol = new SparseCholesky(a, null, CholeskyKernel.Supernodal);
        Assert.Equal(1, chol.SupernodeCount);
        Assert.Equal(30 * 31 / 2, chol.FactorNonZeroCount);
        AssertSolves(dense, chol, a, 7);
    }

    [Theory]
    [InlineData(CholeskyKernel.Column)]
    [InlineData(CholeskyKernel.Supernodal)]
    public void Both_kernels_match_dense_cholesky_on_a_grid_in_nested_dissection_order(CholeskyKernel kernel)
    {
        var dense = GridLaplacian(17, 13);
        var a = CompressedColumnMatrix.FromDense(dense);
        var chol = new SparseCholesky(a, NestedDissectionOrdering.Compute(a, leafSize: 8), kernel);
        Assert.Equal(kernel == CholeskyKernel.Supernodal, chol.IsSupernodal);
        AssertSolves(dense, chol, a, 11);
    }

    [Fact]
    public void Supernodal_refactorisation_with_new_values_reuses_the_analysis()
    {
        var dense = GridLaplacian(12, 12);
        var a = CompressedColumnMatrix.FromDense(dense);
        var chol = new SparseCholesky(a, null, CholeskyKernel.Supernodal);
        var supernodes = chol.SupernodeCount;
        var rng = new Random(3);
        for (var round = 0; round < 3; round++)
        {
            // New values, same pattern, still diagonally dominant.
            for (var j = 0; j < a.ColumnCount; j++)
            {
                for (var p = a.ColumnPointers[j]; p < a.ColumnPointers[j + 1]; p++)
                {
                    var i = a.RowIndices[p];
                    a.Values[p] = i == j ? 4.5 + rng.NextDouble() : -(0.5 + (0.5 * rng.NextDouble()));
                }
            }
            var scaled = a.ToDense();
            for (var i = 0; i < a.ColumnCount; i++)
            {
                for (var j = 0; j < i; j++)
                {
                    scaled[i, j] = scaled[j, i]; // FromDense stored both triangles; the factor reads the upper one
                }
            }
            AssertSolves(scaled, chol, a, round);
        }
        Assert.Equal(supernodes, chol.SupernodeCount);
    }

    [Fact]
    public void Supernodal_kernel_reports_the_same_failing_pivot_as_the_column_kernel()
    {
        var dense = GridLaplacian(10, 10);
        dense[45, 45] = -1.0; // indefinite
        var a = CompressedColumnMatrix.FromDense(dense);
        var order = NestedDissectionOrdering.Compute(a, leafSize: 4);
        var column = new SparseCholesky(a, order, CholeskyKernel.Column).Factorize(a);
        var supernodal = new SparseCholesky(a, order, CholeskyKernel.Supernodal).Factorize(a);
        Assert.InRange(column, 0, 99);
        Assert.Equal(column, supernodal);
    }

    [Fact]
    public void Supernodal_kernel_rejects_a_singular_laplacian()
    {
        // A graph Laplacian without a grounded node is singular: some pivot comes out zero or negative up to rounding
        // unless it happens to be a tiny positive number; either way the factorisation must not produce NaNs silently.
        var dense = GridLaplacian(6, 6, shift: 0.0);
        for (var k = 0; k < 36; k++)
        {
            var degree = 0.0;
            for (var j = 0; j < 36; j++)
            {
                if (j != k)
                {
                    degree -= dense[k, j];
                }
            }
            dense[k, k] = degree;
        }
        dense[35, 35] -= 0.5; // and make it indefinite so the outcome is certain
        var a = CompressedColumnMatrix.FromDense(dense);
        var chol = new SparseCholesky(a, null, CholeskyKernel.Supernodal);
        Assert.InRange(chol.Factorize(a), 0, 35);
    }

    [Fact]
    public void Automatic_kernel_keeps_the_column_kernel_for_small_sparse_factors()
    {
        var a = CompressedColumnMatrix.FromDense(GridLaplacian(5, 5));
        Assert.False(new SparseCholesky(a).IsSupernodal);
    }
}
