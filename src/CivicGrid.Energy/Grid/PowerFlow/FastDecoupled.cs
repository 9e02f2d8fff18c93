using CivicGrid.Energy.Grid.Matpower;
using CivicGrid.Numerics.Lu;
using CivicGrid.Numerics.Sparse;

namespace CivicGrid.Energy.Grid.PowerFlow;

/// <summary>
/// Fast-decoupled power flow, XB version (Stott–Alsaç; as in MATPOWER's fdpf): B′ from series reactances only, B″
/// from the full network without phase shifts; both factorised once, alternating P-θ and Q-V half iterations.
/// </summary>
internal static class FastDecoupled
{
    public static (bool Converged, int Iterations, double Mismatch) Run(GridModel model, BusType[] types, double[] sp, double[] sq,
        double[] vm, double[] va, PowerFlowOptions options)
    {
        var (vaIdx, vmIdx, size, angles) = AcPowerFlow.Numbering(types);
        var n = model.BusCount;
        var pq = size - angles;
        var bp = Susceptance(Modified(model.Case, xbPrime: true), vaIdx, angles, 0);
        var bpp = Susceptance(Modified(model.Case, xbPrime: false), vmIdx, pq, angles);
        var luP = angles > 0 ? SparseLu.Factorize(bp) : null;
        var luQ = pq > 0 ? SparseLu.Factorize(bpp) : null;
        double[] ir = new double[n], ii = new double[n];
        var f = new double[size];
        var dp = new double[angles];
        var dq = new double[pq];
        var norm = AcPowerFlow.Mismatch(model, vm, va, sp, sq, vaIdx, vmIdx, ir, ii, f);
        for (var it = 1; it <= options.MaxIterations; it++)
        {
            if (norm < options.TolerancePu)
            {
                return (true, it - 1, norm);
            }
            for (var b = 0; b < n; b++)
            {
                if (vaIdx[b] >= 0)
                {
                    dp[vaIdx[b]] = f[vaIdx[b]] / vm[b];
                }
            }
            luP?.Solve(dp);
            for (var b = 0; b < n; b++)
            {
                if (vaIdx[b] >= 0)
                {
                    va[b] -= dp[vaIdx[b]];
                }
            }
            norm = AcPowerFlow.Mismatch(model, vm, va, sp, sq, vaIdx, vmIdx, ir, ii, f);
            if (norm < options.TolerancePu)
            {
                return (true, it, norm);
            }
            for (var b = 0; b < n; b++)
            {
                if (vmIdx[b] >= 0)
                {
                    dq[vmIdx[b] - angles] = f[vmIdx[b]] / vm[b];
                }
            }
            luQ?.Solve(dq);
            for (var b = 0; b < n; b++)
            {
                if (vmIdx[b] >= 0)
                {
                    vm[b] -= dq[vmIdx[b] - angles];
                }
            }
            norm = AcPowerFlow.Mismatch(model, vm, va, sp, sq, vaIdx, vmIdx, ir, ii, f);
            if (double.IsNaN(norm))
            {
                return (false, it, norm);
            }
        }
        return (norm < options.TolerancePu, options.MaxIterations, norm);
    }

    private static PowerCase Modified(PowerCase pc, bool xbPrime)
    {
        var copy = new PowerCase { Name = pc.Name, BaseMVA = pc.BaseMVA };
        foreach (var b in pc.Buses)
        {
            copy.Buses.Add(new Bus { Number = b.Number, Type = b.Type, GsMW = xbPrime ? 0 : b.GsMW, BsMVAr = xbPrime ? 0 : b.BsMVAr });
        }
        foreach (var br in pc.Branches)
        {
            copy.Branches.Add(new Branch
            {
                FromBus = br.FromBus, ToBus = br.ToBus, RPu = xbPrime ? 0 : br.RPu, XPu = br.XPu, BPu = xbPrime ? 0 : br.BPu,
                TapRatio = xbPrime ? 1 : br.TapRatio, ShiftDeg = 0, InService = br.InService,
            });
        }
        return copy;
    }

    /// <summary>−Im(Y) restricted to the buses numbered by <paramref name="index"/> (offset removed).</summary>
    private static CompressedColumnMatrix Susceptance(PowerCase modified, int[] index, int size, int offset)
    {
        var m = GridModel.Build(modified);
        var y = m.YPattern;
        var rows = new List<int>();
        var cols = new List<int>();
        var vals = new List<double>();
        for (var k = 0; k < y.ColumnCount; k++)
        {
            for (var p = y.ColumnPointers[k]; p < y.ColumnPointers[k + 1]; p++)
            {
                var i = y.RowIndices[p];
                if (index[i] >= 0 && index[k] >= 0)
                {
                    rows.Add(index[i] - offset);
                    cols.Add(index[k] - offset);
                    vals.Add(-m.YImag[p]);
                }
            }
        }
        return CompressedColumnMatrix.FromTriplets(size, size, rows.ToArray(), cols.ToArray(), vals.ToArray());
    }
}
