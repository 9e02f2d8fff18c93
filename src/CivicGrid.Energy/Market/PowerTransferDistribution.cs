using CivicGrid.Energy.Grid.Matpower;
using CivicGrid.Energy.Grid.Opf;
using CivicGrid.Numerics.Lu;
using CivicGrid.Numerics.Sparse;

namespace CivicGrid.Energy.Market;

/// <summary>
/// Power transfer distribution factors of a case (MATPOWER DC convention): the MW change of each in-service
/// branch's flow per MW injected at a bus and withdrawn at the reference bus. Because trades balance, the choice of
/// reference bus does not change the flows a set of trades causes.
/// </summary>
public sealed class PowerTransferDistribution
{
    private readonly double[][] _factors;

    private PowerTransferDistribution(PowerCase pc, DcNetwork net, double[][] factors)
    {
        Case = pc;
        Network = net;
        _factors = factors;
    }

    public PowerCase Case { get; }

    internal DcNetwork Network { get; }

    /// <summary>Case branch indices of the in-service branches, in the order of <see cref="Factor"/>'s first index.</summary>
    public IReadOnlyList<int> Branches => Network.ActiveBranches;

    /// <summary>MW of flow on active branch <paramref name="activeBranch"/> per MW injected at bus row <paramref name="busRow"/>.</summary>
    public double Factor(int activeBranch, int busRow) => _factors[activeBranch][busRow];

    public static PowerTransferDistribution Build(PowerCase powerCase)
    {
        ArgumentNullException.ThrowIfNull(powerCase);
        var net = DcNetwork.Build(powerCase, DcConvention.Matpower);
        var nb = powerCase.Buses.Count;
        var refBus = net.ReferenceBus;
        int Unknown(int bus) => bus == refBus ? -1 : bus < refBus ? bus : bus - 1;
        var rows = new List<int>();
        var cols = new List<int>();
        var vals = new List<double>();
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
        for (var a = 0; a < net.ActiveBranches.Length; a++)
        {
            int f = net.From[a], t = net.To[a];
            var b = net.SusceptancePu[a];
            Add(f, f, b);
            Add(f, t, -b);
            Add(t, f, -b);
            Add(t, t, b);
        }
        for (var i = 0; i < nb; i++)
        {
            // Isolated buses get a unit diagonal so the reduced matrix stays regular; nothing flows to them.
            if (powerCase.Buses[i].Type == BusType.Isolated && i != refBus)
            {
                Add(i, i, 1.0);
            }
        }
        var factors = new double[net.ActiveBranches.Length][];
        for (var a = 0; a < factors.Length; a++)
        {
            factors[a] = new double[nb];
        }
        if (nb > 1)
        {
            var lu = SparseLu.Factorize(CompressedColumnMatrix.FromTriplets(nb - 1, nb - 1, rows.ToArray(), cols.ToArray(), vals.ToArray()));
            var rhs = new double[nb - 1];
            for (var bus = 0; bus < nb; bus++)
            {
                var u = Unknown(bus);
                if (u < 0 || powerCase.Buses[bus].Type == BusType.Isolated)
                {
                    continue;
                }
                Array.Clear(rhs);
                rhs[u] = 1.0;
                lu.Solve(rhs);
                for (var a = 0; a < factors.Length; a++)
                {
                    var tf = Unknown(net.From[a]) is var x && x >= 0 ? rhs[x] : 0.0;
                    var tt = Unknown(net.To[a]) is var y && y >= 0 ? rhs[y] : 0.0;
                    factors[a][bus] = net.SusceptancePu[a] * (tf - tt);
                }
            }
        }
        return new PowerTransferDistribution(powerCase, net, factors);
    }
}
