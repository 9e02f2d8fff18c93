using CivicGrid.Energy.Grid.Matpower;
using CivicGrid.Energy.Grid.Opf;
using CivicGrid.Numerics.Lu;
using CivicGrid.Numerics.Sparse;

namespace CivicGrid.Energy.Grid.PowerFlow;

/// <summary>
/// DC power flow: B·θ = P − P_shift − G_s with the reference angle fixed; |V| = 1 and no reactive power.
/// The reference generator takes up the balance (first in-service generator at the reference bus).
/// </summary>
public static class DcPowerFlow
{
    public static PowerFlowResult Solve(PowerCase powerCase, DcConvention convention = DcConvention.Matpower)
    {
        var net = DcNetwork.Build(powerCase, convention);
        var pc = powerCase;
        var nb = pc.Buses.Count;
        var baseMva = pc.BaseMVA;
        var p = new double[nb];
        for (var i = 0; i < nb; i++)
        {
            p[i] = -(pc.Buses[i].PdMW + pc.Buses[i].GsMW) / baseMva;
        }
        var pg = new double[pc.Generators.Count];
        var refGen = -1;
        for (var g = 0; g < pc.Generators.Count; g++)
        {
            var gen = pc.Generators[g];
            var bi = net.BusIndex[gen.Bus];
            if (!gen.InService || pc.Buses[bi].Type == BusType.Isolated)
            {
                continue;
            }
            pg[g] = gen.PgMW;
            p[bi] += gen.PgMW / baseMva;
            if (bi == net.ReferenceBus && refGen < 0)
            {
                refGen = g;
            }
        }
        var nl = net.ActiveBranches.Length;
        var rows = new List<int>(4 * nl);
        var cols = new List<int>(4 * nl);
        var vals = new List<double>(4 * nl);
        // Unknowns: every bus angle except the reference's (index shifts down by one past it).
        int Unknown(int bus) => bus == net.ReferenceBus ? -1 : bus < net.ReferenceBus ? bus : bus - 1;
        var refAngle = pc.Buses[net.ReferenceBus].VaDeg * Math.PI / 180;
        var isolated = new bool[nb];
        for (var i = 0; i < nb; i++)
        {
            isolated[i] = pc.Buses[i].Type == BusType.Isolated;
        }
        var refScheduled = p[net.ReferenceBus];
        for (var a = 0; a < nl; a++)
        {
            int f = net.From[a], t = net.To[a];
            var b = net.SusceptancePu[a];
            // Shift injection: P_f −= −b·shift, P_t −= b·shift.
            p[f] += b * net.ShiftRad[a];
            p[t] -= b * net.ShiftRad[a];
            Add(f, f, b);
            Add(f, t, -b);
            Add(t, f, -b);
            Add(t, t, b);
        }
        var n = nb - 1;
        for (var i = 0; i < nb; i++)
        {
            if (isolated[i] && i != net.ReferenceBus)
            {
                rows.Add(Unknown(i));
                cols.Add(Unknown(i));
                vals.Add(1.0);
                p[i] = 0;
            }
        }
        var theta = new double[nb];
        if (n > 0)
        {
            var bmat = CompressedColumnMatrix.FromTriplets(n, n, rows.ToArray(), cols.ToArray(), vals.ToArray());
            var rhs = new double[n];
            for (var i = 0; i < nb; i++)
            {
                var u = Unknown(i);
                if (u >= 0)
                {
                    rhs[u] = p[i];
                }
            }
            // Move the reference angle to the right-hand side.
            for (var a = 0; a < nl; a++)
            {
                int f = net.From[a], t = net.To[a];
                var b = net.SusceptancePu[a];
                if (f == net.ReferenceBus && Unknown(t) >= 0)
                {
                    rhs[Unknown(t)] += b * refAngle;
                }
                if (t == net.ReferenceBus && Unknown(f) >= 0)
                {
                    rhs[Unknown(f)] += b * refAngle;
                }
            }
            SparseLu.Factorize(bmat).Solve(rhs);
            for (var i = 0; i < nb; i++)
            {
                theta[i] = i == net.ReferenceBus ? refAngle : rhs[Unknown(i)];
            }
        }
        else
        {
            theta[net.ReferenceBus] = refAngle;
        }
        var nbr = pc.Branches.Count;
        double[] pf = new double[nbr], pt = new double[nbr];
        var refInjection = -refScheduled;
        for (var a = 0; a < nl; a++)
        {
            var flow = net.SusceptancePu[a] * (theta[net.From[a]] - theta[net.To[a]] - net.ShiftRad[a]);
            pf[net.ActiveBranches[a]] = flow * baseMva;
            pt[net.ActiveBranches[a]] = -flow * baseMva;
            if (net.From[a] == net.ReferenceBus)
            {
                refInjection += flow;
            }
            if (net.To[a] == net.ReferenceBus)
            {
                refInjection -= flow;
            }
        }
        if (refGen >= 0)
        {
            pg[refGen] += refInjection * baseMva;
        }
        return new PowerFlowResult
        {
            Converged = true, Iterations = 1, MaxMismatchPu = 0,
            VmPu = Enumerable.Repeat(1.0, nb).ToArray(), VaDeg = theta.Select(x => x * 180 / Math.PI).ToArray(),
            PgMW = pg, QgMVAr = new double[pc.Generators.Count], PfMW = pf, QfMVAr = new double[nbr], PtMW = pt, QtMVAr = new double[nbr],
        };

        void Add(int r, int c, double v)
        {
            int ur = Unknown(r), uc = Unknown(c);
            if (ur >= 0 && uc >= 0)
            {
                rows.Add(ur);
                cols.Add(uc);
                vals.Add(v);
            }
        }
    }
}
