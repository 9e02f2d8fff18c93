using CivicGrid.Numerics.Lu;
using CivicGrid.Numerics.Sparse;
using Xunit;

namespace CivicGrid.Numerics.Tests;

public class SparseLuTests
{
    private static CompressedColumnMatrix RandomSparse(int n, double density, int seed, bool weakDiagonal)
    {
        var rng = new Random(seed);
        var rows = new List<int>();
        var cols = new List<int>();
        var vals = new List<double>();
        for (var j = 0; j < n; j++)
        {
            rows.Add(j);
            cols.Add(j);
            vals.Add(weakDiagonal ? 1e-3 * rng.NextDouble() : 4 + rng.NextDouble());
            for (var i = 0; i < n; i++)
            {
                if (i != j && rng.NextDouble() < density)
                {
                    rows.Add(i);
                    cols.Add(j);
                    vals.Add(rng.NextDouble() * 2 - 1);
                }
            }
        }
        return CompressedColumnMatrix.FromTriplets(n, n, rows.ToArray(), cols.ToArray(), vals.ToArray());
    }

    private static double Residual(CompressedColumnMatrix a, double[] x, double[] b)
    {
        var ax = new double[b.Length];
        a.Multiply(x, ax);
        return ax.Zip(b, (u, v) => Math.Abs(u - v)).Max();
    }

    [Theory]
    [InlineData(30, 0.1, 1, false)]
    [InlineData(200, 0.02, 2, false)]
    [InlineData(120, 0.05, 3, true)]
    public void Solve_ReturnsSolutionWithSmallResidual(int n, double density, int seed, bool weakDiagonal)
    {
        var a = RandomSparse(n, density, seed, weakDiagonal);
        var b = Enumerable.Range(0, n).Select(i => Math.Sin(i + 1.0)).ToArray();
        foreach (var order in new[] { null, Enumerable.Range(0, n).ToArray() })
        {
            var lu = SparseLu.Factorize(a, order);
            var x = (double[])b.Clone();
            lu.Solve(x);
            Assert.True(Residual(a, x, b) < 1e-9, "residual too large");
        }
    }

    [Fact]
    public void Refactorize_WithNewValuesOfSamePattern_SolvesTheNewMatrix()
    {
        var a = RandomSparse(150, 0.03, 7, false);
        var lu = SparseLu.Factorize(a);
        var rng = new Random(11);
        for (var round = 0; round < 3; round++)
        {
            for (var p = 0; p < a.NonZeroCount; p++)
            {
                a.Values[p] *= 0.5 + rng.NextDouble();
            }
            lu.Refactorize(a);
            var b = Enumerable.Range(0, 150).Select(i => 1.0 + i % 7).ToArray();
            var x = (double[])b.Clone();
            lu.Solve(x);
            Assert.True(Residual(a, x, b) < 1e-9);
        }
    }

    [Fact]
    public void Refactorize_AfterOffDiagonalPivots_ReusesThemAndMatchesAFreshFactorisation()
    {
        // A weak diagonal forces row interchanges, so the reused factor's row numbering differs from the matrix's.
        const int n = 120;
        var a = RandomSparse(n, 0.05, 5, true);
        var lu = SparseLu.Factorize(a);
        for (var p = 0; p < a.NonZeroCount; p++)
        {
            a.Values[p] *= 1.0 + (1e-3 * Math.Cos(p));
        }
        lu.Refactorize(a);
        Assert.Equal(0, lu.PivotRebuildCount);
        var b = Enumerable.Range(0, n).Select(i => Math.Cos(0.3 * i)).ToArray();
        var reused = (double[])b.Clone();
        lu.Solve(reused);
        var fresh = (double[])b.Clone();
        SparseLu.Factorize(a).Solve(fresh);
        Assert.True(Residual(a, reused, b) < 1e-9, "residual too large");
        for (var i = 0; i < n; i++)
        {
            Assert.Equal(fresh[i], reused[i], 1e-8);
        }
    }

    [Fact]
    public void Refactorize_OfA2x2BlockMatrix_MatchesAFreshFactorisation()
    {
        // Dense 2×2 blocks on a random bus graph, like a Newton power-flow Jacobian: consecutive unknowns share their
        // L pattern, which the refactorisation applies in pairs.
        const int buses = 60;
        var rng = new Random(17);
        var rows = new List<int>();
        var cols = new List<int>();
        var vals = new List<double>();
        void Block(int bi, int bj, double scale)
        {
            for (var r = 0; r < 2; r++)
            {
                for (var c = 0; c < 2; c++)
                {
                    rows.Add((2 * bi) + r);
                    cols.Add((2 * bj) + c);
                    vals.Add(scale * (rng.NextDouble() - 0.5) + (bi == bj && r == c ? 20.0 : 0.0));
                }
            }
        }
        for (var b = 0; b < buses; b++)
        {
            Block(b, b, 1.0);
            var other = rng.Next(buses);
            if (other != b)
            {
                Block(b, other, 2.0);
                Block(other, b, 2.0);
            }
        }
        var a = CompressedColumnMatrix.FromTriplets(2 * buses, 2 * buses, rows.ToArray(), cols.ToArray(), vals.ToArray());
        var lu = SparseLu.Factorize(a);
        for (var round = 0; round < 3; round++)
        {
            for (var p = 0; p < a.NonZeroCount; p++)
            {
                a.Values[p] *= 0.9 + (0.2 * rng.NextDouble());
            }
            lu.Refactorize(a);
            var b = Enumerable.Range(0, 2 * buses).Select(i => Math.Sin(0.7 * i)).ToArray();
            var reused = (double[])b.Clone();
            lu.Solve(reused);
            var fresh = (double[])b.Clone();
            SparseLu.Factorize(a).Solve(fresh);
            Assert.True(Residual(a, reused, b) < 1e-10, "residual too large");
            for (var i = 0; i < b.Length; i++)
            {
                Assert.Equal(fresh[i], reused[i], 1e-10);
            }
        }
        Assert.Equal(0, lu.PivotRebuildCount);
    }

    [Fact]
    public void Refactorize_WhenReusedPivotVanishes_PivotsAgain()
    {
        // [[1, 2], [3, 4]] pivots on the diagonal; then the (0,0) entry becomes zero.
        var a = CompressedColumnMatrix.FromDense(new double[,] { { 1, 2 }, { 3, 4 } });
        var lu = SparseLu.Factorize(a, [0, 1], pivotThreshold: 0.1);
        a.Values[a.IndexOf(0, 0)] = 0.0;
        lu.Refactorize(a);
        var x = new double[] { 2, 7 };
        lu.Solve(x);
        Assert.Equal(1, lu.PivotRebuildCount);
        Assert.Equal(1.0, x[0], 12);
        Assert.Equal(1.0, x[1], 12);
    }

    [Fact]
    public void Factorize_SingularMatrix_Throws()
    {
        var a = CompressedColumnMatrix.FromDense(new double[,] { { 1, 2, 0 }, { 2, 4, 0 }, { 0, 0, 1 } });
        Assert.Throws<SingularMatrixException>(() => SparseLu.Factorize(a, [0, 1, 2]));
    }

    [Fact]
    public void Factorize_UnsymmetricPermutationMatrix_NeedsOffDiagonalPivots()
    {
        var a = CompressedColumnMatrix.FromDense(new double[,] { { 0, 0, 2 }, { 3, 0, 0 }, { 0, 5, 0 } });
        var lu = SparseLu.Factorize(a);
        var x = new double[] { 4, 9, 10 };
        lu.Solve(x);
        Assert.Equal([3.0, 2.0, 2.0], x.Select(v => Math.Round(v, 12)));
    }

    // A 2-D grid with a 2×2 block per node (like a polar power-flow Jacobian): structurally symmetric, unsymmetric values.
    private static CompressedColumnMatrix BlockGrid(int side, int seed)
    {
        var rng = new Random(seed);
        var rows = new List<int>();
        var cols = new List<int>();
        var vals = new List<double>();
        void Block(int i, int j, double scale)
        {
            for (var a = 0; a < 2; a++)
            {
                for (var b = 0; b < 2; b++)
                {
                    rows.Add((2 * i) + a);
                    cols.Add((2 * j) + b);
                    vals.Add(scale * (a == b ? 1.0 : 0.3) * (0.5 + rng.NextDouble()));
                }
            }
        }
        for (var r = 0; r < side; r++)
        {
            for (var c = 0; c < side; c++)
            {
                var k = (r * side) + c;
                Block(k, k, 8.0);
                if (c + 1 < side)
                {
                    Block(k, k + 1, -1.0);
                    Block(k + 1, k, -1.0);
                }
                if (r + 1 < side)
                {
                    Block(k, k + side, -1.0);
                    Block(k + side, k, -1.0);
                }
            }
        }
        var n = 2 * side * side;
        return CompressedColumnMatrix.FromTriplets(n, n, rows.ToArray(), cols.ToArray(), vals.ToArray());
    }

    [Fact]
    public void Factorize_StructurallySymmetricMatrix_KeepsDiagonalPivotsWithTheSymmetricFill()
    {
        var a = BlockGrid(9, 5);
        var n = a.ColumnCount;
        var order = SparseLu.FillReducingOrder(a);
        var lu = SparseLu.Factorize(a, order);
        // With diagonal pivots L and U have the pattern of the Cholesky factor of the same order (and its transpose).
        var cholesky = new CivicGrid.Numerics.Cholesky.SparseCholesky(a, order);
        Assert.Equal((2 * cholesky.FactorNonZeroCount) - n, lu.FactorNonZeroCount);
        var expected = Enumerable.Range(0, n).Select(i => Math.Cos(i)).ToArray();
        var b = new double[n];
        a.Multiply(expected, b);
        lu.Solve(b);
        for (var i = 0; i < n; i++)
        {
            Assert.Equal(expected[i], b[i], 1e-10);
        }
    }

    [Fact]
    public void Factorize_WhenADiagonalPivotVanishesAfterElimination_PivotsOffTheDiagonal()
    {
        // The (1,1) entry is 1 but becomes 0 once column 0 is eliminated: the pivot-free first pass must give way.
        var dense = new double[,] { { 1, 1, 0 }, { 1, 1, 1 }, { 0, 1, 1 } };
        var a = CompressedColumnMatrix.FromDense(dense);
        var lu = SparseLu.Factorize(a, [0, 1, 2]);
        var x = new double[] { 2, 3, 2 }; // A·(1, 1, 1)
        lu.Solve(x);
        Assert.Equal([1.0, 1.0, 1.0], x.Select(v => Math.Round(v, 12)));
    }

    [Fact]
    public void Factorize_UnsymmetricPattern_MatchesTheResidualOfPivotedElimination()
    {
        // An upper-Hessenberg-like pattern: the symmetrised pattern is a superset, its extra entries stay zero.
        const int n = 40;
        var rng = new Random(9);
        var dense = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            dense[i, i] = 5 + rng.NextDouble();
            if (i + 1 < n)
            {
                dense[i, i + 1] = rng.NextDouble();
            }
            if (i + 3 < n)
            {
                dense[i, i + 3] = -rng.NextDouble();
            }
        }
        var a = CompressedColumnMatrix.FromDense(dense);
        var lu = SparseLu.Factorize(a);
        var b = Enumerable.Range(0, n).Select(i => (double)i).ToArray();
        var x = (double[])b.Clone();
        lu.Solve(x);
        Assert.True(Residual(a, x, b) < 1e-10, "residual too large");
    }
}
