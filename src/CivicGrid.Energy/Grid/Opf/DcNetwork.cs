using CivicGrid.Energy.Grid.Matpower;

namespace CivicGrid.Energy.Grid.Opf;

/// <summary>The two DC network conventions in use; results differ whenever branches have resistance, taps or shifts.</summary>
public enum DcConvention
{
    /// <summary>MATPOWER: b = 1/(x·tap), phase shifts kept as injections.</summary>
    Matpower,

    /// <summary>PowerModels (and PGLib's published DC objectives): b = x/(r²+x²), taps and shifts ignored.</summary>
    PowerModels,
}

/// <summary>Per-branch DC susceptances (per unit) and phase-shift angles (radians) of the in-service branches.</summary>
public sealed class DcNetwork
{
    private DcNetwork(PowerCase pc, DcConvention convention)
    {
        Case = pc;
        Convention = convention;
        BusIndex = pc.BusIndex();
    }

    public PowerCase Case { get; }
    public DcConvention Convention { get; }
    public Dictionary<int, int> BusIndex { get; }
    public int[] ActiveBranches { get; private set; } = [];
    public int[] From { get; private set; } = [];
    public int[] To { get; private set; } = [];
    public double[] SusceptancePu { get; private set; } = [];
    public double[] ShiftRad { get; private set; } = [];
    public int ReferenceBus { get; private set; } = -1;

    public static DcNetwork Build(PowerCase powerCase, DcConvention convention)
    {
        ArgumentNullException.ThrowIfNull(powerCase);
        var n = new DcNetwork(powerCase, convention);
        var active = new List<int>();
        for (var l = 0; l < powerCase.Branches.Count; l++)
        {
            var br = powerCase.Branches[l];
            if (br.InService && powerCase.Buses[n.BusIndex[br.FromBus]].Type != BusType.Isolated && powerCase.Buses[n.BusIndex[br.ToBus]].Type != BusType.Isolated)
            {
                active.Add(l);
            }
        }
        n.ActiveBranches = [.. active];
        n.From = active.Select(l => n.BusIndex[powerCase.Branches[l].FromBus]).ToArray();
        n.To = active.Select(l => n.BusIndex[powerCase.Branches[l].ToBus]).ToArray();
        n.SusceptancePu = active.Select(l =>
        {
            var br = powerCase.Branches[l];
            return convention == DcConvention.Matpower
                ? 1.0 / (br.XPu * br.EffectiveTap)
                : br.XPu / (br.RPu * br.RPu + br.XPu * br.XPu);
        }).ToArray();
        n.ShiftRad = active.Select(l => convention == DcConvention.Matpower ? powerCase.Branches[l].ShiftDeg * Math.PI / 180 : 0.0).ToArray();
        for (var i = 0; i < powerCase.Buses.Count; i++)
        {
            if (powerCase.Buses[i].Type == BusType.Reference)
            {
                n.ReferenceBus = i;
                break;
            }
        }
        if (n.ReferenceBus < 0)
        {
            throw new InvalidOperationException("The case has no reference bus (type 3).");
        }
        return n;
    }
}
