using System.Runtime.CompilerServices;
using CivicGrid.Mobility.Networks;

namespace CivicGrid.Mobility.Assignment;

/// <summary>Weights that turn toll and length into minutes of generalised cost (TNTP README "Generalized Cost Weights").</summary>
public readonly record struct GeneralisedCostWeights(double TollFactor, double DistanceFactor)
{
    public static GeneralisedCostWeights TimeOnly => new(0, 0);
}

/// <summary>
/// The road network and demand compiled for assignment: 0-based nodes, CSR forward and backward stars and
/// per-link BPR coefficients in flat arrays. Link cost is
/// <c>t(x) = FreeFlowTime + Coefficient · x^Power + FixedCost</c>, where
/// <c>Coefficient = FreeFlowTime · B / Capacity^Power</c> and <c>FixedCost = tollFactor·toll + distanceFactor·length</c>.
/// </summary>
public sealed class AssignmentNetwork
{
    private readonly double[] _fft;
    private readonly double[] _coef;
    private readonly double[] _power;
    private readonly int[] _intPower;
    private readonly double[] _fixed;

    private AssignmentNetwork(int nodes, int zones, int firstThru, int[] tail, int[] head, double[] fft, double[] coef, double[] power, double[] fixedCost, double[] demand, double[] toll, double[] length, GeneralisedCostWeights weights)
    {
        Toll = toll;
        Length = length;
        Weights = weights;
        NodeCount = nodes;
        ZoneCount = zones;
        FirstThruNode = firstThru;
        Tail = tail;
        Head = head;
        LinkCount = tail.Length;
        _fft = fft;
        _coef = coef;
        _power = power;
        _fixed = fixedCost;
        _intPower = new int[LinkCount];
        for (var a = 0; a < LinkCount; a++)
        {
            var p = power[a];
            _intPower[a] = p == Math.Floor(p) && p <= 16 ? (int)p : -1;
        }
        Demand = demand;
        (OutStart, OutLinks) = BuildStar(nodes, tail);
        (InStart, InLinks) = BuildStar(nodes, head);
    }

    public int NodeCount { get; }

    /// <summary>Toll per link (TNTP units), kept so vehicle classes can weigh it differently.</summary>
    public double[] Toll { get; }

    /// <summary>Length per link (TNTP units).</summary>
    public double[] Length { get; }

    /// <summary>The generalised-cost weights included in <see cref="Cost"/>.</summary>
    public GeneralisedCostWeights Weights { get; }

    public int LinkCount { get; }

    public int ZoneCount { get; }

    /// <summary>0-based index of the first node that paths may pass through; nodes below it (zones) are only origins or destinations.</summary>
    public int FirstThruNode { get; }

    /// <summary>0-based tail node per link.</summary>
    public int[] Tail { get; }

    /// <summary>0-based head node per link.</summary>
    public int[] Head { get; }

    /// <summary>Forward star: links leaving node i are <c>OutLinks[OutStart[i]..OutStart[i+1]]</c>.</summary>
    public int[] OutStart { get; }

    public int[] OutLinks { get; }

    /// <summary>Backward star: links entering node i are <c>InLinks[InStart[i]..InStart[i+1]]</c>.</summary>
    public int[] InStart { get; }

    public int[] InLinks { get; }

    /// <summary>Dense demand, row-major by 0-based origin zone then destination zone.</summary>
    public double[] Demand { get; }

    /// <summary>Sum of all demand.</summary>
    public double TotalDemand
    {
        get
        {
            var t = 0.0;
            foreach (var d in Demand)
            {
                t += d;
            }
            return t;
        }
    }

    /// <summary>Builds the assignment network from TNTP network and trips with the given generalised-cost weights.</summary>
    public static AssignmentNetwork FromTntp(TntpNetwork network, TntpTrips trips, GeneralisedCostWeights weights)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(trips);
        if (trips.Zones != network.Zones)
        {
            throw new ArgumentException($"trips have {trips.Zones} zones but the network has {network.Zones}", nameof(trips));
        }
        var m = network.Links.Count;
        var tail = new int[m];
        var head = new int[m];
        var fft = new double[m];
        var coef = new double[m];
        var power = new double[m];
        var fixedCost = new double[m];
        var toll = new double[m];
        var length = new double[m];
        for (var a = 0; a < m; a++)
        {
            var l = network.Links[a];
            tail[a] = l.Tail - 1;
            head[a] = l.Head - 1;
            fft[a] = l.FreeFlowTime;
            power[a] = l.Power;
            coef[a] = l.FreeFlowTime == 0 || l.B == 0 ? 0 : l.FreeFlowTime * l.B / Math.Pow(l.Capacity, l.Power);
            fixedCost[a] = (weights.TollFactor * l.Toll) + (weights.DistanceFactor * l.Length);
            toll[a] = l.Toll;
            length[a] = l.Length;
        }
        var firstThru = Math.Min(network.FirstThruNode - 1, network.Zones);
        return new AssignmentNetwork(network.Nodes, network.Zones, Math.Max(firstThru, 0), tail, head, fft, coef, power, fixedCost, trips.ToMatrix(), toll, length, weights);
    }

    /// <summary>
    /// The same links and demand with new end nodes, plus extra constant-cost links (turn movements) appended after
    /// the original ones; used by <see cref="TurnExpandedNetwork"/>.
    /// </summary>
    internal AssignmentNetwork WithTopology(int nodes, int[] tail, int[] head, double[] extraConstantCost)
    {
        var m = LinkCount;
        var total = tail.Length;
        var fft = new double[total];
        var coef = new double[total];
        var power = new double[total];
        var fixedCost = new double[total];
        var toll = new double[total];
        var length = new double[total];
        Array.Copy(_fft, fft, m);
        Array.Copy(_coef, coef, m);
        Array.Copy(_power, power, m);
        Array.Copy(_fixed, fixedCost, m);
        Array.Copy(Toll, toll, m);
        Array.Copy(Length, length, m);
        for (var a = m; a < total; a++)
        {
            fixedCost[a] = extraConstantCost[a - m];
        }
        return new AssignmentNetwork(nodes, ZoneCount, FirstThruNode, tail, head, fft, coef, power, fixedCost, Demand, toll, length, Weights);
    }

    /// <summary>The toll and length part of the link's generalised cost under the network's own weights.</summary>
    public double WeightedFixedCost(int a) => (Weights.TollFactor * Toll[a]) + (Weights.DistanceFactor * Length[a]);

    /// <summary>True when paths of <paramref name="origin"/> may not leave <paramref name="node"/> (a zone that is not the origin).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsBlocked(int node, int origin) => node < FirstThruNode && node != origin;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private double PowerOf(int a, double x)
    {
        switch (_intPower[a])
        {
            case 0: return 1;
            case 1: return x;
            case 2: return x * x;
            case 4:
                var x2 = x * x;
                return x2 * x2;
            case < 0: return Math.Pow(x, _power[a]);
            default:
                var r = x;
                for (var k = 1; k < _intPower[a]; k++)
                {
                    r *= x;
                }
                return r;
        }
    }

    /// <summary>Generalised cost of link <paramref name="a"/> at flow <paramref name="x"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Cost(int a, double x) => _fft[a] + _fixed[a] + (_coef[a] == 0 ? 0 : _coef[a] * PowerOf(a, x));

    /// <summary>Derivative of the cost of link <paramref name="a"/> with respect to its flow.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Derivative(int a, double x)
    {
        var c = _coef[a];
        if (c == 0 || _power[a] == 0)
        {
            return 0;
        }
        var p = _power[a];
        if (_intPower[a] > 0)
        {
            var r = 1.0;
            for (var k = 1; k < _intPower[a]; k++)
            {
                r *= x;
            }
            return c * p * r;
        }
        return x > 0 ? c * p * Math.Pow(x, p - 1) : 0;
    }

    /// <summary>Beckmann integral of the cost of link <paramref name="a"/> from 0 to <paramref name="x"/>.</summary>
    public double Integral(int a, double x)
    {
        var v = (_fft[a] + _fixed[a]) * x;
        if (_coef[a] != 0)
        {
            v += _coef[a] * x * PowerOf(a, x) / (_power[a] + 1);
        }
        return v;
    }

    /// <summary>Beckmann objective of the link flows.</summary>
    public double Objective(ReadOnlySpan<double> flows)
    {
        var z = 0.0;
        for (var a = 0; a < LinkCount; a++)
        {
            z += Integral(a, flows[a]);
        }
        return z;
    }

    private static (int[] Start, int[] Links) BuildStar(int nodes, int[] key)
    {
        var start = new int[nodes + 1];
        foreach (var k in key)
        {
            start[k + 1]++;
        }
        for (var i = 0; i < nodes; i++)
        {
            start[i + 1] += start[i];
        }
        var fill = (int[])start.Clone();
        var links = new int[key.Length];
        for (var a = 0; a < key.Length; a++)
        {
            links[fill[key[a]]++] = a;
        }
        return (start, links);
    }
}
