using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CivicGrid.Energy.Grid.Matpower;
using CivicGrid.Numerics.Lu;
using CivicGrid.Numerics.Sparse;

namespace CivicGrid.Energy.Grid.PowerFlow;

/// <summary>
/// The Newton–Raphson iteration. Everything that depends only on the network's admittance pattern and the bus types
/// (the unknown numbering, the Jacobian pattern and its map from Y entries, the fill-reducing order, the LU with its
/// pivot sequence and all buffers) lives in a <see cref="NewtonWorkspace"/> kept by the model, so later iterations
/// and later solves on the same network pay only for numeric work.
/// </summary>
internal static class NewtonRaphson
{
    // KLU's default diagonal preference. With the 0.1 of strict-ish threshold pivoting a few buses of case9241pegase
    // take an off-diagonal pivot, which costs the pivot-free first factorisation (and adds fill); a Newton step only
    // needs a direction accurate to a few digits, and the mismatch test decides convergence.
    private const double JacobianPivotThreshold = 1e-3;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (bool Converged, int Iterations, double Mismatch) Run(GridModel model, BusType[] types, double[] sp, double[] sq,
        double[] vm, double[] va, PowerFlowOptions options)
    {
        var ws = model.Symbolic.TakeNewtonWorkspace(types) ?? new NewtonWorkspace(model, types);
        // A workspace whose factorisation threw (a singular Jacobian) is dropped rather than lent again.
        var result = Iterate(model, ws, sp, sq, vm, va, options);
        model.Symbolic.ReturnNewtonWorkspace(ws);
        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (bool Converged, int Iterations, double Mismatch) Iterate(GridModel model, NewtonWorkspace ws, double[] sp, double[] sq,
        double[] vm, double[] va, PowerFlowOptions options)
    {
        var vaIdx = ws.VaIndex;
        var vmIdx = ws.VmIndex;
        var n = model.BusCount;
        var f = ws.Mismatch;
        var norm = AcPowerFlow.Mismatch(model, vm, va, sp, sq, vaIdx, vmIdx, ws.CurrentReal, ws.CurrentImag, f);
        if (norm < options.TolerancePu || ws.Size == 0)
        {
            return (true, 0, norm);
        }
        for (var it = 1; it <= options.MaxIterations; it++)
        {
            FillJacobian(model, ws, vm, va);
            if (ws.Lu is null)
            {
                ws.Lu = SparseLu.Factorize(ws.Jacobian, ws.ColumnOrder(model), JacobianPivotThreshold);
            }
            else
            {
                ws.Lu.Refactorize(ws.Jacobian);
            }
            ws.Lu.Solve(f);
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
            norm = AcPowerFlow.Mismatch(model, vm, va, sp, sq, vaIdx, vmIdx, ws.CurrentReal, ws.CurrentImag, f);
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
    /// Writes ∂(P,Q)/∂(θ,|V|) into the fixed Jacobian pattern. Needs the bus currents I = Y·V of the last mismatch
    /// evaluation (in <see cref="NewtonWorkspace.CurrentReal"/>/<see cref="NewtonWorkspace.CurrentImag"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FillJacobian(GridModel model, NewtonWorkspace ws, double[] vm, double[] va)
    {
        var n = model.BusCount;
        var y = model.YPattern;
        var vr = ws.VoltageReal;
        var vi = ws.VoltageImag;
        var ir = ws.CurrentReal;
        var ii = ws.CurrentImag;
        for (var b = 0; b < n; b++)
        {
            var (s, c) = Math.SinCos(va[b]);
            vr[b] = vm[b] * c;
            vi[b] = vm[b] * s;
        }
        ref var jv = ref MemoryMarshal.GetArrayDataReference(ws.Jacobian.Values);
        var yr = model.YReal;
        var yi = model.YImag;
        var cp = y.ColumnPointers;
        var ri = y.RowIndices;
        int[] mPa = ws.MapPa, mQa = ws.MapQa, mPm = ws.MapPm, mQm = ws.MapQm;
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
                if ((q = mPa[p]) >= 0)
                {
                    Unsafe.Add(ref jv, q) = dPa;
                }
                if ((q = mQa[p]) >= 0)
                {
                    Unsafe.Add(ref jv, q) = dQa;
                }
                if ((q = mPm[p]) >= 0)
                {
                    Unsafe.Add(ref jv, q) = dPm;
                }
                if ((q = mQm[p]) >= 0)
                {
                    Unsafe.Add(ref jv, q) = dQm;
                }
            }
        }
    }
}

/// <summary>
/// The symbolic part of a Newton power flow for one set of bus types: unknown numbering, the Jacobian's pattern with
/// the position of each Y entry's four derivatives in it, the LU (whose pivot sequence is reused) and buffers.
/// </summary>
internal sealed class NewtonWorkspace
{
    public NewtonWorkspace(GridModel model, BusType[] types)
    {
        Types = (BusType[])types.Clone();
        var (vaIdx, vmIdx, size, _) = AcPowerFlow.Numbering(types);
        VaIndex = vaIdx;
        VmIndex = vmIdx;
        Size = size;
        var n = model.BusCount;
        CurrentReal = new double[n];
        CurrentImag = new double[n];
        VoltageReal = new double[n];
        VoltageImag = new double[n];
        Mismatch = new double[size];
        var y = model.YPattern;
        var nnzY = y.NonZeroCount;
        MapPa = new int[nnzY];
        MapQa = new int[nnzY];
        MapPm = new int[nnzY];
        MapQm = new int[nnzY];
        Jacobian = BuildPattern(y, vaIdx, vmIdx, size, MapPa, MapQa, MapPm, MapQm);
    }

    public BusType[] Types { get; }
    public int[] VaIndex { get; }
    public int[] VmIndex { get; }
    public int Size { get; }
    public CompressedColumnMatrix Jacobian { get; }
    public int[] MapPa { get; }
    public int[] MapQa { get; }
    public int[] MapPm { get; }
    public int[] MapQm { get; }
    public double[] CurrentReal { get; }
    public double[] CurrentImag { get; }
    public double[] VoltageReal { get; }
    public double[] VoltageImag { get; }
    public double[] Mismatch { get; }
    public SparseLu? Lu { get; set; }

    public bool Matches(BusType[] types) => types.AsSpan().SequenceEqual(Types);

    /// <summary>
    /// The bus graph's fill-reducing order (a quarter of the Jacobian's edges, shared by every set of bus types),
    /// expanded so that each bus's angle and magnitude unknowns are eliminated together.
    /// </summary>
    public int[] ColumnOrder(GridModel model)
    {
        var busOrder = model.Symbolic.BusOrder(model.YPattern);
        var order = new int[Size];
        var k = 0;
        foreach (var b in busOrder)
        {
            if (VaIndex[b] >= 0)
            {
                order[k++] = VaIndex[b];
            }
            if (VmIndex[b] >= 0)
            {
                order[k++] = VmIndex[b];
            }
        }
        return order;
    }

    /// <summary>
    /// Jacobian column of unknown θ_k or |V|_k holds rows θ_i and |V|_i for every i in Y's column k: angle rows first,
    /// then magnitude rows, each increasing with i, so every column comes out sorted without a sort.
    /// </summary>
    private static CompressedColumnMatrix BuildPattern(CompressedColumnMatrix y, int[] vaIdx, int[] vmIdx, int size,
        int[] mPa, int[] mQa, int[] mPm, int[] mQm)
    {
        var n = y.ColumnCount;
        var cp = y.ColumnPointers;
        var ri = y.RowIndices;
        var colOfUnknown = new int[size];
        var isMagnitude = new bool[size];
        var countPerBusColumn = new int[n];
        for (var k = 0; k < n; k++)
        {
            var c = 0;
            for (var p = cp[k]; p < cp[k + 1]; p++)
            {
                var i = ri[p];
                c += (vaIdx[i] >= 0 ? 1 : 0) + (vmIdx[i] >= 0 ? 1 : 0);
            }
            countPerBusColumn[k] = c;
            if (vaIdx[k] >= 0)
            {
                colOfUnknown[vaIdx[k]] = k;
            }
            if (vmIdx[k] >= 0)
            {
                colOfUnknown[vmIdx[k]] = k;
                isMagnitude[vmIdx[k]] = true;
            }
        }
        var jp = new int[size + 1];
        for (var c = 0; c < size; c++)
        {
            jp[c + 1] = jp[c] + countPerBusColumn[colOfUnknown[c]];
        }
        var ji = new int[jp[size]];
        Array.Fill(mPa, -1);
        Array.Fill(mQa, -1);
        Array.Fill(mPm, -1);
        Array.Fill(mQm, -1);
        for (var c = 0; c < size; c++)
        {
            var k = colOfUnknown[c];
            var (mapP, mapQ) = isMagnitude[c] ? (mPm, mQm) : (mPa, mQa);
            var w = jp[c];
            for (var p = cp[k]; p < cp[k + 1]; p++)
            {
                if (vaIdx[ri[p]] >= 0)
                {
                    mapP[p] = w;
                    ji[w++] = vaIdx[ri[p]];
                }
            }
            for (var p = cp[k]; p < cp[k + 1]; p++)
            {
                if (vmIdx[ri[p]] >= 0)
                {
                    mapQ[p] = w;
                    ji[w++] = vmIdx[ri[p]];
                }
            }
        }
        return new CompressedColumnMatrix(size, size, jp, ji, new double[ji.Length]);
    }
}
