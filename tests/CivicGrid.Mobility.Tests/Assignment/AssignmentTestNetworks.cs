using CivicGrid.Mobility.Assignment;
using CivicGrid.Mobility.Networks;

namespace CivicGrid.Mobility.Tests.Assignment;

internal static class AssignmentTestNetworks
{
    /// <summary>Builds a network from (tail, head, fft, b, capacity, power) rows with a dense demand matrix.</summary>
    public static AssignmentNetwork Build(int zones, int nodes, int firstThru, (int Tail, int Head, double Fft, double B, double Cap, double Power)[] links, double[,] demand)
    {
        var tl = new List<TntpLink>();
        foreach (var l in links)
        {
            tl.Add(new TntpLink(l.Tail, l.Head, l.Cap, 1, l.Fft, l.B, l.Power, 0, 0, 1));
        }
        var net = new TntpNetwork(zones, nodes, firstThru, tl);
        var origins = new List<TntpOriginDemand>();
        for (var o = 0; o < zones; o++)
        {
            var list = new List<KeyValuePair<int, double>>();
            for (var d = 0; d < zones; d++)
            {
                if (demand[o, d] > 0)
                {
                    list.Add(new(d + 1, demand[o, d]));
                }
            }
            origins.Add(new TntpOriginDemand(o + 1, list));
        }
        return AssignmentNetwork.FromTntp(net, new TntpTrips(zones, origins), GeneralisedCostWeights.TimeOnly);
    }

    /// <summary>Braess's network as in the TNTP Braess-Example: t13 = 10x, t14 = 50 + x, t32 = 50 + x, t34 = 10 + x, t42 = 10x; 6 trips 1→2.</summary>
    public static AssignmentNetwork Braess() => Build(2, 4, 1,
        [(1, 3, 1e-8, 1e9, 1, 1), (1, 4, 50, 0.02, 1, 1), (3, 2, 50, 0.02, 1, 1), (3, 4, 10, 0.1, 1, 1), (4, 2, 1e-8, 1e9, 1, 1)],
        new double[,] { { 0, 6 }, { 0, 0 } });
}
