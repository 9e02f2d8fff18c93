using System.Numerics;
using CivicGrid.Energy.Grid.Matpower;
using CivicGrid.Numerics.Sparse;

namespace CivicGrid.Energy.Grid.PowerFlow;

/// <summary>
/// The case in internal (0-based, in-service only) numbering with the bus admittance matrix in CSC form
/// (real and imaginary parts in separate arrays) and the per-branch two-port admittances, as MATPOWER's makeYbus
/// builds them: series admittance, total charging split between ends, complex tap at the from end.
/// </summary>
public sealed class GridModel
{
    private GridModel(PowerCase pc)
    {
        Case = pc;
        BusIndex = pc.BusIndex();
    }

    public PowerCase Case { get; }
    public Dictionary<int, int> BusIndex { get; }
    public int BusCount => Case.Buses.Count;

    /// <summary>Indices (into the case) of in-service branches.</summary>
    public int[] ActiveBranches { get; private set; } = [];
    public int[] BranchFrom { get; private set; } = [];
    public int[] BranchTo { get; private set; } = [];
    public Complex[] Yff { get; private set; } = [];
    public Complex[] Yft { get; private set; } = [];
    public Complex[] Ytf { get; private set; } = [];
    public Complex[] Ytt { get; private set; } = [];

    /// <summary>Indices (into the case) of in-service generators at buses that are not isolated.</summary>
    public int[] ActiveGenerators { get; private set; } = [];
    public int[] GeneratorBus { get; private set; } = [];

    /// <summary>Bus admittance matrix pattern; <see cref="YReal"/>/<see cref="YImag"/> hold the values.</summary>
    public CompressedColumnMatrix YPattern { get; private set; } = null!;
    public double[] YReal { get; private set; } = [];
    public double[] YImag { get; private set; } = [];

    /// <summary>
    /// The symbolic analysis of power flows on this network (fill-reducing order, Jacobian patterns, LU pivot
    /// sequences), shared by models whose admittance matrices have the same pattern.
    /// </summary>
    internal GridSymbolicCache Symbolic { get; private set; } = new();

    public static GridModel Build(PowerCase powerCase) => Build(powerCase, null);

    /// <summary>
    /// Builds the model; when <paramref name="sameNetwork"/> has the same admittance pattern (only loads, generation,
    /// set points or impedance values changed, as in a time series), its symbolic analysis is reused, so the power
    /// flow skips the ordering and the first pivot search.
    /// </summary>
    public static GridModel Build(PowerCase powerCase, GridModel? sameNetwork)
    {
        ArgumentNullException.ThrowIfNull(powerCase);
        var m = new GridModel(powerCase);
        m.Assemble();
        if (sameNetwork is not null && sameNetwork.BusCount == m.BusCount
            && sameNetwork.YPattern.ColumnPointers.AsSpan().SequenceEqual(m.YPattern.ColumnPointers)
            && sameNetwork.YPattern.RowIndices.AsSpan(0, sameNetwork.YPattern.NonZeroCount)
                .SequenceEqual(m.YPattern.RowIndices.AsSpan(0, m.YPattern.NonZeroCount)))
        {
            m.Symbolic = sameNetwork.Symbolic;
        }
        return m;
    }

    private void Assemble()
    {
        var pc = Case;
        var nb = BusCount;
        var active = new List<int>();
        for (var l = 0; l < pc.Branches.Count; l++)
        {
            var br = pc.Branches[l];
            if (br.InService && pc.Buses[BusIndex[br.FromBus]].Type != BusType.Isolated && pc.Buses[BusIndex[br.ToBus]].Type != BusType.Isolated)
            {
                active.Add(l);
            }
        }
        ActiveBranches = [.. active];
        var nl = active.Count;
        BranchFrom = new int[nl];
        BranchTo = new int[nl];
        Yff = new Complex[nl];
        Yft = new Complex[nl];
        Ytf = new Complex[nl];
        Ytt = new Complex[nl];
        var rows = new int[4 * nl + nb];
        var cols = new int[4 * nl + nb];
        var re = new double[rows.Length];
        var im = new double[rows.Length];
        var k = 0;
        for (var a = 0; a < nl; a++)
        {
            var br = pc.Branches[active[a]];
            int f = BusIndex[br.FromBus], t = BusIndex[br.ToBus];
            BranchFrom[a] = f;
            BranchTo[a] = t;
            var ys = 1.0 / new Complex(br.RPu, br.XPu);
            var tap = Complex.FromPolarCoordinates(br.EffectiveTap, br.ShiftDeg * Math.PI / 180.0);
            var ytt = ys + new Complex(0, br.BPu / 2);
            Ytt[a] = ytt;
            Yff[a] = ytt / (tap * Complex.Conjugate(tap));
            Yft[a] = -ys / Complex.Conjugate(tap);
            Ytf[a] = -ys / tap;
            Put(f, f, Yff[a]);
            Put(f, t, Yft[a]);
            Put(t, f, Ytf[a]);
            Put(t, t, Ytt[a]);
        }
        for (var i = 0; i < nb; i++)
        {
            var b = pc.Buses[i];
            Put(i, i, new Complex(b.GsMW / pc.BaseMVA, b.BsMVAr / pc.BaseMVA));
        }
        // Assemble real and imaginary parts with the same pattern (imaginary first; then real via index lookup).
        var yi = CompressedColumnMatrix.FromTriplets(nb, nb, rows, cols, im);
        var yr = CompressedColumnMatrix.FromTriplets(nb, nb, rows, cols, re);
        YPattern = yi;
        YImag = yi.Values;
        YReal = yr.Values;

        var gens = new List<int>();
        var gbus = new List<int>();
        for (var g = 0; g < pc.Generators.Count; g++)
        {
            var gen = pc.Generators[g];
            var bi = BusIndex[gen.Bus];
            if (gen.InService && pc.Buses[bi].Type != BusType.Isolated)
            {
                gens.Add(g);
                gbus.Add(bi);
            }
        }
        ActiveGenerators = [.. gens];
        GeneratorBus = [.. gbus];

        void Put(int r, int c, Complex v)
        {
            rows[k] = r;
            cols[k] = c;
            re[k] = v.Real;
            im[k] = v.Imaginary;
            k++;
        }
    }

    /// <summary>Complex power injections S = (Pg − Pd) + j(Qg − Qd) per bus, per unit.</summary>
    public void ScheduledInjection(Span<double> p, Span<double> q)
    {
        var pc = Case;
        for (var i = 0; i < BusCount; i++)
        {
            p[i] = -pc.Buses[i].PdMW / pc.BaseMVA;
            q[i] = -pc.Buses[i].QdMVAr / pc.BaseMVA;
        }
        for (var a = 0; a < ActiveGenerators.Length; a++)
        {
            var g = pc.Generators[ActiveGenerators[a]];
            p[GeneratorBus[a]] += g.PgMW / pc.BaseMVA;
            q[GeneratorBus[a]] += g.QgMVAr / pc.BaseMVA;
        }
    }
}
