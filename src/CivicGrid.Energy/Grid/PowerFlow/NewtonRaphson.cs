using System.Runtime.CompilerServices;
using CivicGrid.Energy.Grid.Matpower;
using CivicGrid.Numerics.Lu;
using CivicGrid.Numerics.Ordering;
using CivicGrid.Numerics.Sparse;

namespace CivicGrid.Energy.Grid.PowerFlow;

/// <summary>The Newton–Raphson iteration; the Jacobian pattern, its LU pivot order and every buffer are made once.</summary>
internal static class NewtonRaphson
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (bool Converged, int Iterations, double Mismatch) Run(GridModel model, BusType[] types, double[] sp, double[] sq,
        double[] vm, double[] va, PowerFlowOptions options)
    {
        var (vaIdx, vmIdx, size, _) = AcPowerFlow.Numbering(types);
        var y = model.YPattern;
        var jac = AcPowerFlow.PatternFromY(y, size,
            (i, k) => [(vaIdx[i], vaIdx[k]), (vmIdx[i], vaIdx[k]), (vaIdx[i], vmIdx[k]), (vmIdx[i], vmIdx[k])], out var map);
        int[] mPa = map[0], mQa = map[1], mPm = map[2], mQm = map[3];
        var n = model.BusCount;
        double[] ir = new double[n], ii = new double[n], vr = new double[n], vi = new double[n];
        var f = new double[size];
        var norm = AcPowerFlow.Mismatch(model, vm, va, sp, sq, vaIdx, vmIdx, ir, ii, f);
        if (norm < options.TolerancePu || size == 0)
        {
            return (true, 0, norm);
        }
        SparseLu? lu = null;
        var jv = jac.Values;
        var yr = model.YReal;
        var yi = model.YImag;
        var cp = y.ColumnPointers;
        var ri = y.RowIndices;
        for (var it = 1; it <= options.MaxIterations; it++)
        {
            for (var b = 0; b < n; b++)
            {
                var (s, c) = Math.SinCos(va[b]);
                vr[b] = vm[b] * c;
                vi[b] = vm[b] * s;
            }
            for (var k = 0; k < n; k++)
            {
                double vrk = vr[k], vik = vi[k], inv = 1.0 / vm[k];
                for (var p = cp[k]; p < cp[k + 1]; p++)
                {
                    var i = ri[p];
                    // Y_ik·V_k
                    var a = yr[p] * vrk - yi[p] * vik;
                    var bb = yr[p] * vik + yi[p] * vrk;
                    // V_i·conj(Y_ik·V_k)
                    var c1 = vr[i] * a + vi[i] * bb;
                    var c2 = vi[i] * a - vr[i] * bb;
                    double dPa = c2, dQa = -c1, dPm = c1 * inv, dQm = c2 * inv;
                    if (i == k)
                    {
                        var s1 = vr[i] * ir[i] + vi[i] * ii[i];
                        var s2 = vi[i] * ir[i] - vr[i] * ii[i];
                        dPa -= s2;
                        dQa += s1;
                        dPm += s1 * inv;
                        dQm += s2 * inv;
                    }
                    int q;
                    if ((q = mPa[p]) >= 0) jv[q] = dPa;
                    if ((q = mQa[p]) >= 0) jv[q] = dQa;
                    if ((q = mPm[p]) >= 0) jv[q] = dPm;
                    if ((q = mQm[p]) >= 0) jv[q] = dQm;
                }
            }
            if (lu is null)
            {
                lu = SparseLu.Factorize(jac, JacobianOrder(y, vaIdx, vmIdx, size));
            }
            else
            {
                lu.Refactorize(jac);
            }
            lu.Solve(f);
            for (var b = 0; b < n; b++)
            {
                if (vaIdx[b] >= 0)
                {
                    va[b] -= f[vaIdx[b]];
                }
                if (vmIdx[b] >= 0)
                {
                    vm[b] -= f[vmIdx[b]];
                }
            }
            norm = AcPowerFlow.Mismatch(model, vm, va, sp, sq, vaIdx, vmIdx, ir, ii, f);
            if (norm < options.TolerancePu)
            {
                return (true, it, norm);
            }
            if (double.IsNaN(norm))
            {
                return (false, it, norm);
            }
        }
        return (false, options.MaxIterations, norm);
    }

    /// <summary>
    /// Fill-reducing order of the bus graph (a quarter of the Jacobian's edges), expanded so that each bus's angle and
    /// magnitude unknowns are eliminated together.
    /// </summary>
    private static int[] JacobianOrder(CompressedColumnMatrix y, int[] vaIdx, int[] vmIdx, int size)
    {
        var busOrder = MinimumDegreeOrdering.Compute(y);
        var order = new int[size];
        var k = 0;
        foreach (var b in busOrder)
        {
            if (vaIdx[b] >= 0)
            {
                order[k++] = vaIdx[b];
            }
            if (vmIdx[b] >= 0)
            {
                order[k++] = vmIdx[b];
            }
        }
        return order;
    }
}
