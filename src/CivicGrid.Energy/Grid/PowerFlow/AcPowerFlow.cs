using System.Numerics;
using System.Runtime.CompilerServices;
using CivicGrid.Energy.Grid.Matpower;
using CivicGrid.Numerics.Lu;
using CivicGrid.Numerics.Sparse;

namespace CivicGrid.Energy.Grid.PowerFlow;

/// <summary>
/// AC power flow in polar coordinates (MATPOWER's formulation): unknowns are the angles of PV and PQ buses and the
/// magnitudes of PQ buses; the Jacobian pattern and its LU symbolic analysis are built once and refilled each
/// iteration. Optional reactive-limit enforcement switches violating PV generators to PQ and solves again.
/// </summary>
public static class AcPowerFlow
{
    public static PowerFlowResult Solve(PowerCase powerCase, PowerFlowOptions? options = null) =>
        Solve(GridModel.Build(powerCase), options);

    public static PowerFlowResult Solve(GridModel model, PowerFlowOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new PowerFlowOptions();
        var pc = model.Case;
        var nb = model.BusCount;
        var limits = new ReactiveLimitState(pc.Generators.Count, nb);
        var vm = new double[nb];
        var va = new double[nb];
        InitialVoltage(model, options.FlatStart, vm, va);
        var originalRef = OriginalReference(model);
        var totalIterations = 0;
        var sp = new double[nb];
        var sq = new double[nb];
        for (var round = 0; ; round++)
        {
            var types = BusTypes(model, limits.Fixed, limits.ForcedPq, out var refBuses);
            model.ScheduledInjection(sp, sq);
            // Generators held at a reactive limit inject fixed P and Q (their scheduled Pg and Qg were already counted).
            for (var a = 0; a < model.ActiveGenerators.Length; a++)
            {
                var g = model.ActiveGenerators[a];
                if (limits.Fixed[g])
                {
                    sp[model.GeneratorBus[a]] += (limits.FixedPgMW[g] - pc.Generators[g].PgMW) / pc.BaseMVA;
                    sq[model.GeneratorBus[a]] += (limits.FixedQgMVAr[g] - pc.Generators[g].QgMVAr) / pc.BaseMVA;
                }
            }
            var (converged, iterations, mismatch) = options.Method == PowerFlowMethod.NewtonRaphson
                ? NewtonRaphson.Run(model, types, sp, sq, vm, va, options)
                : FastDecoupled.Run(model, types, sp, sq, vm, va, options);
            totalIterations += iterations;
            var result = Finish(model, vm, va, refBuses, limits, converged, totalIterations, mismatch, types, originalRef, infeasible: false);
            if (!converged || !options.EnforceReactiveLimits || round > pc.Generators.Count)
            {
                return result;
            }
            switch (ReactiveLimits.Update(model, types, result, limits, options.ReactiveLimitMode))
            {
                case ReactiveLimitOutcome.WithinLimits:
                    return result;
                case ReactiveLimitOutcome.Infeasible:
                    return Finish(model, vm, va, refBuses, limits, converged: false, totalIterations, mismatch, types, originalRef, infeasible: true);
                default:
                    break;
            }
        }
    }

    /// <summary>The first reference bus of the case and its angle in radians, or (−1, 0).</summary>
    private static (int Bus, double AngleRad) OriginalReference(GridModel model)
    {
        for (var i = 0; i < model.BusCount; i++)
        {
            if (model.Case.Buses[i].Type == BusType.Reference)
            {
                return (i, model.Case.Buses[i].VaDeg * Math.PI / 180);
            }
        }
        return (-1, 0);
    }

    internal static void InitialVoltage(GridModel model, bool flat, double[] vm, double[] va)
    {
        var pc = model.Case;
        var refAngle = 0.0;
        foreach (var b in pc.Buses)
        {
            if (b.Type == BusType.Reference)
            {
                refAngle = b.VaDeg * Math.PI / 180;
                break;
            }
        }
        for (var i = 0; i < model.BusCount; i++)
        {
            vm[i] = flat ? 1.0 : pc.Buses[i].VmPu;
            va[i] = flat ? refAngle : pc.Buses[i].VaDeg * Math.PI / 180;
        }
        for (var a = 0; a < model.ActiveGenerators.Length; a++)
        {
            var bi = model.GeneratorBus[a];
            if (pc.Buses[bi].Type is BusType.PV or BusType.Reference)
            {
                vm[bi] = pc.Generators[model.ActiveGenerators[a]].VgPu;
            }
        }
        for (var i = 0; i < model.BusCount; i++)
        {
            if (pc.Buses[i].Type == BusType.Reference)
            {
                va[i] = pc.Buses[i].VaDeg * Math.PI / 180;
            }
        }
    }

    /// <summary>Effective bus types: PV and reference buses need a regulating in-service generator (MATPOWER's bustypes).</summary>
    internal static BusType[] BusTypes(GridModel model, bool[] fixedQ, out List<int> refBuses) =>
        BusTypes(model, fixedQ, null, out refBuses);

    /// <summary>
    /// As MATPOWER's bustypes after reactive-limit switching: buses in <paramref name="forcedPq"/> (a generator there
    /// is held at a limit) are PQ, and when no reference bus is left the first PV bus becomes the reference.
    /// </summary>
    internal static BusType[] BusTypes(GridModel model, bool[] fixedQ, bool[]? forcedPq, out List<int> refBuses)
    {
        var pc = model.Case;
        var nb = model.BusCount;
        var regulating = new bool[nb];
        for (var a = 0; a < model.ActiveGenerators.Length; a++)
        {
            if (!fixedQ[model.ActiveGenerators[a]])
            {
                regulating[model.GeneratorBus[a]] = true;
            }
        }
        var types = new BusType[nb];
        refBuses = [];
        for (var i = 0; i < nb; i++)
        {
            var t = pc.Buses[i].Type;
            types[i] = t switch
            {
                BusType.Isolated => BusType.Isolated,
                BusType.Reference or BusType.PV when regulating[i] && (forcedPq is null || !forcedPq[i]) => t,
                _ => BusType.PQ,
            };
            if (types[i] == BusType.Reference)
            {
                refBuses.Add(i);
            }
        }
        if (refBuses.Count == 0)
        {
            for (var i = 0; i < nb; i++)
            {
                if (types[i] == BusType.PV)
                {
                    types[i] = BusType.Reference;
                    refBuses.Add(i);
                    break;
                }
            }
            if (refBuses.Count == 0)
            {
                throw new InvalidOperationException("The case has no reference bus and no generator bus to take its place.");
            }
        }
        return types;
    }

    private static PowerFlowResult Finish(GridModel model, double[] vm, double[] va, List<int> refBuses, ReactiveLimitState limits,
        bool converged, int iterations, double mismatch, BusType[] types, (int Bus, double AngleRad) originalRef, bool infeasible)
    {
        var fixedQ = limits.Fixed;
        var fixedQValue = limits.FixedQgMVAr;
        var pc = model.Case;
        var nb = model.BusCount;
        var baseMva = pc.BaseMVA;
        var v = new Complex[nb];
        for (var i = 0; i < nb; i++)
        {
            v[i] = Complex.FromPolarCoordinates(vm[i], va[i]);
        }
        var injection = Injection(model, v);
        var pg = new double[pc.Generators.Count];
        var qg = new double[pc.Generators.Count];
        // Reactive output per bus split between generators in proportion to their reactive range (MATPOWER's pfsoln).
        var gensAtBus = new Dictionary<int, List<int>>();
        for (var a = 0; a < model.ActiveGenerators.Length; a++)
        {
            var g = model.ActiveGenerators[a];
            pg[g] = fixedQ[g] ? limits.FixedPgMW[g] : pc.Generators[g].PgMW;
            if (!gensAtBus.TryGetValue(model.GeneratorBus[a], out var list))
            {
                gensAtBus[model.GeneratorBus[a]] = list = [];
            }
            list.Add(g);
        }
        foreach (var (bus, gens) in gensAtBus)
        {
            var qtot = injection[bus].Imaginary * baseMva + pc.Buses[bus].QdMVAr;
            var free = new List<int>();
            foreach (var g in gens)
            {
                if (fixedQ[g])
                {
                    qg[g] = fixedQValue[g];
                    qtot -= fixedQValue[g];
                }
                else
                {
                    free.Add(g);
                }
            }
            if (free.Count == 1)
            {
                qg[free[0]] = qtot;
            }
            else if (free.Count > 1)
            {
                double qmin = 0, qmax = 0;
                foreach (var g in free)
                {
                    qmin += pc.Generators[g].QminMVAr;
                    qmax += pc.Generators[g].QmaxMVAr;
                }
                var range = qmax - qmin;
                foreach (var g in free)
                {
                    var gen = pc.Generators[g];
                    qg[g] = Math.Abs(range) < 10 * double.Epsilon || double.IsInfinity(range) || double.IsNaN(range)
                        ? qtot / free.Count
                        : gen.QminMVAr + (qtot - qmin) / (range + double.Epsilon) * (gen.QmaxMVAr - gen.QminMVAr);
                }
            }
        }
        foreach (var r in refBuses)
        {
            if (!gensAtBus.TryGetValue(r, out var gens))
            {
                continue;
            }
            var p = injection[r].Real * baseMva + pc.Buses[r].PdMW;
            var first = gens.FindIndex(g => !fixedQ[g]);
            if (first > 0)
            {
                (gens[0], gens[first]) = (gens[first], gens[0]);
            }
            for (var k = 1; k < gens.Count; k++)
            {
                p -= pg[gens[k]];
            }
            pg[gens[0]] = p;
        }
        var nbr = pc.Branches.Count;
        double[] pf = new double[nbr], qf = new double[nbr], pt = new double[nbr], qt = new double[nbr];
        for (var a = 0; a < model.ActiveBranches.Length; a++)
        {
            int f = model.BranchFrom[a], t = model.BranchTo[a];
            var sf = v[f] * Complex.Conjugate(model.Yff[a] * v[f] + model.Yft[a] * v[t]) * baseMva;
            var st = v[t] * Complex.Conjugate(model.Ytf[a] * v[f] + model.Ytt[a] * v[t]) * baseMva;
            var l = model.ActiveBranches[a];
            pf[l] = sf.Real;
            qf[l] = sf.Imaginary;
            pt[l] = st.Real;
            qt[l] = st.Imaginary;
        }
        // When the reference moved (its generator hit a limit), angles are shifted back to the original reference's
        // angle, as MATPOWER's runpf does.
        var shift = originalRef.Bus >= 0 && !refBuses.Contains(originalRef.Bus) ? originalRef.AngleRad - va[originalRef.Bus] : 0.0;
        var finalTypes = new BusType[nb];
        for (var i = 0; i < nb; i++)
        {
            finalTypes[i] = pc.Buses[i].Type == BusType.Isolated ? BusType.Isolated : types[i];
        }
        return new PowerFlowResult
        {
            Converged = converged, Iterations = iterations, MaxMismatchPu = mismatch,
            VmPu = (double[])vm.Clone(), VaDeg = va.Select(x => (x + shift) * 180 / Math.PI).ToArray(),
            PgMW = pg, QgMVAr = qg, PfMW = pf, QfMVAr = qf, PtMW = pt, QtMVAr = qt,
            ReactiveLimitedGenerators = [.. limits.Limited],
            BusTypes = finalTypes,
            ReactiveLimitsInfeasible = infeasible,
        };
    }

    /// <summary>S = V·conj(Y·V) at every bus.</summary>
    internal static Complex[] Injection(GridModel model, Complex[] v)
    {
        var y = model.YPattern;
        var current = new Complex[v.Length];
        for (var k = 0; k < y.ColumnCount; k++)
        {
            var vk = v[k];
            for (var p = y.ColumnPointers[k]; p < y.ColumnPointers[k + 1]; p++)
            {
                current[y.RowIndices[p]] += new Complex(model.YReal[p], model.YImag[p]) * vk;
            }
        }
        var s = new Complex[v.Length];
        for (var i = 0; i < v.Length; i++)
        {
            s[i] = v[i] * Complex.Conjugate(current[i]);
        }
        return s;
    }

    /// <summary>Mismatch F = [ΔP(pv,pq); ΔQ(pq)] into <paramref name="f"/>, returning its infinity norm.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static double Mismatch(GridModel model, double[] vm, double[] va, double[] sp, double[] sq, int[] vaIndex, int[] vmIndex,
        double[] ir, double[] ii, double[] f)
    {
        var y = model.YPattern;
        var n = vm.Length;
        Array.Clear(ir);
        Array.Clear(ii);
        var yr = model.YReal;
        var yi = model.YImag;
        var cp = y.ColumnPointers;
        var ri = y.RowIndices;
        for (var k = 0; k < n; k++)
        {
            var (s, c) = Math.SinCos(va[k]);
            double vr = vm[k] * c, vi = vm[k] * s;
            for (var p = cp[k]; p < cp[k + 1]; p++)
            {
                var i = ri[p];
                ir[i] += yr[p] * vr - yi[p] * vi;
                ii[i] += yr[p] * vi + yi[p] * vr;
            }
        }
        var norm = 0.0;
        for (var i = 0; i < n; i++)
        {
            var (s, c) = Math.SinCos(va[i]);
            double vr = vm[i] * c, vi = vm[i] * s;
            // S = V·conj(I)
            var pInj = vr * ir[i] + vi * ii[i];
            var qInj = vi * ir[i] - vr * ii[i];
            if (vaIndex[i] >= 0)
            {
                var d = pInj - sp[i];
                f[vaIndex[i]] = d;
                norm = Math.Max(norm, Math.Abs(d));
            }
            if (vmIndex[i] >= 0)
            {
                var d = qInj - sq[i];
                f[vmIndex[i]] = d;
                norm = Math.Max(norm, Math.Abs(d));
            }
        }
        return norm;
    }

    /// <summary>Unknown numbering: angles of PV/PQ buses first, then magnitudes of PQ buses.</summary>
    internal static (int[] VaIndex, int[] VmIndex, int Size, int AngleCount) Numbering(BusType[] types)
    {
        var n = types.Length;
        var vaIndex = new int[n];
        var vmIndex = new int[n];
        var k = 0;
        for (var i = 0; i < n; i++)
        {
            vaIndex[i] = types[i] is BusType.PV or BusType.PQ ? k++ : -1;
        }
        var angles = k;
        for (var i = 0; i < n; i++)
        {
            vmIndex[i] = types[i] == BusType.PQ ? k++ : -1;
        }
        return (vaIndex, vmIndex, k, angles);
    }

    /// <summary>Builds the pattern of a matrix over the unknowns from the Y pattern, with a map from Y entries to its values.</summary>
    internal static CompressedColumnMatrix PatternFromY(CompressedColumnMatrix y, int size, Func<int, int, (int Row, int Col)[]> blocks, out int[][] map)
    {
        var rows = new List<int>();
        var cols = new List<int>();
        var owners = new List<(int Entry, int Block)>();
        for (var k = 0; k < y.ColumnCount; k++)
        {
            for (var p = y.ColumnPointers[k]; p < y.ColumnPointers[k + 1]; p++)
            {
                var b = blocks(y.RowIndices[p], k);
                for (var q = 0; q < b.Length; q++)
                {
                    if (b[q].Row >= 0 && b[q].Col >= 0)
                    {
                        rows.Add(b[q].Row);
                        cols.Add(b[q].Col);
                        owners.Add((p, q));
                    }
                }
            }
        }
        var ids = new double[rows.Count];
        for (var t = 0; t < ids.Length; t++)
        {
            ids[t] = t;
        }
        var m = CompressedColumnMatrix.FromTriplets(size, size, rows.ToArray(), cols.ToArray(), ids);
        var blockCount = owners.Count == 0 ? 0 : owners.Max(o => o.Block) + 1;
        map = new int[Math.Max(blockCount, 4)][];
        for (var q = 0; q < map.Length; q++)
        {
            map[q] = new int[y.NonZeroCount];
            Array.Fill(map[q], -1);
        }
        for (var pos = 0; pos < m.NonZeroCount; pos++)
        {
            var (entry, block) = owners[(int)m.Values[pos]];
            map[block][entry] = pos;
        }
        Array.Clear(m.Values);
        return m;
    }
}
