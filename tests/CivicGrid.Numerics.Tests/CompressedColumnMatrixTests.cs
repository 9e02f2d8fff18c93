using CivicGrid.Numerics.Sparse;
using Xunit;

namespace CivicGrid.Numerics.Tests;

public class CompressedColumnMatrixTests
{
    [Fact]
    public void Triplets_with_duplicates_are_summed_and_sorted()
    {
        var a = CompressedColumnMatrix.FromTriplets(3, 3, [2, 0, 0, 1], [0, 0, 0, 2], [1.0, 2.0, 3.0, 4.0]);
        Assert.Equal(3, a.NonZeroCount);
        Assert.Equal(5.0, a[0, 0]);
        Assert.Equal(1.0, a[2, 0]);
        Assert.Equal(4.0, a[1, 2]);
        Assert.Equal(0.0, a[1, 1]);
        Assert.Equal([0, 2], a.RowIndices[..2]);
    }

    [Fact]
    public void Multiply_and_transpose_agree_with_dense_arithmetic()
    {
        var rng = new Random(42);
        var dense = new double[5, 4];
        for (var i = 0; i < 5; i++)
        {
            for (var j = 0; j < 4; j++)
            {
                dense[i, j] = rng.NextDouble() < 0.4 ? rng.NextDouble() - 0.5 : 0.0;
            }
        }
        var a = CompressedColumnMatrix.FromDense(dense);
        var x = new[] { 1.0, -2.0, 0.5, 3.0 };
        var y = new double[5];
        a.Multiply(x, y);
        for (var i = 0; i < 5; i++)
        {
            var expected = 0.0;
            for (var j = 0; j < 4; j++)
            {
                expected += dense[i, j] * x[j];
            }
            Assert.Equal(expected, y[i], 12);
        }
        var t = a.Transpose().ToDense();
        for (var i = 0; i < 5; i++)
        {
            for (var j = 0; j < 4; j++)
            {
                Assert.Equal(dense[i, j], t[j, i]);
            }
        }
    }

    [Fact]
    public void Entries_outside_the_shape_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CompressedColumnMatrix.FromTriplets(2, 2, [2], [0], [1.0]));
    }
}
