using System.Globalization;

namespace CivicGrid.Mobility.RidePooling;

/// <summary>One vertex of a dial-a-ride instance.</summary>
public sealed record DarpNode(int Id, double X, double Y, double ServiceDuration, int Load, double Earliest, double Latest);

/// <summary>
/// A Cordeau (2006) dial-a-ride instance: vertex 0 is the start depot, 1..n pickups, n+1..2n drop-offs and
/// 2n+1 the end depot (a copy of vertex 0 when the file has none). Travel time equals Euclidean distance.
/// </summary>
public sealed class DarpInstance
{
    private readonly double[,] travel;

    public DarpInstance(string name, int vehicles, double maxRouteDuration, int capacity, double maxRideTime, IReadOnlyList<DarpNode> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        if (nodes.Count < 2 || nodes.Count % 2 != 0)
        {
            throw new ArgumentException("nodes must hold start depot, n pickups, n drop-offs and end depot", nameof(nodes));
        }
        Name = name;
        Vehicles = vehicles;
        MaxRouteDuration = maxRouteDuration;
        Capacity = capacity;
        MaxRideTime = maxRideTime;
        Nodes = nodes;
        Requests = (nodes.Count - 2) / 2;
        var count = nodes.Count;
        travel = new double[count, count];
        for (var i = 0; i < count; i++)
        {
            for (var j = 0; j < count; j++)
            {
                travel[i, j] = Math.Sqrt(((nodes[i].X - nodes[j].X) * (nodes[i].X - nodes[j].X)) + ((nodes[i].Y - nodes[j].Y) * (nodes[i].Y - nodes[j].Y)));
            }
        }
    }

    public string Name { get; }

    public int Vehicles { get; }

    public double MaxRouteDuration { get; }

    public int Capacity { get; }

    public double MaxRideTime { get; }

    /// <summary>Number of requests n.</summary>
    public int Requests { get; }

    /// <summary>Vertices 0..2n+1.</summary>
    public IReadOnlyList<DarpNode> Nodes { get; }

    /// <summary>Index of the end depot (2n+1).</summary>
    public int EndDepot => (2 * Requests) + 1;

    /// <summary>Travel time (= distance) between two vertices.</summary>
    public double Travel(int from, int to) => travel[from, to];

    /// <summary>True for pickup vertices 1..n.</summary>
    public bool IsPickup(int node) => node >= 1 && node <= Requests;

    /// <summary>True for drop-off vertices n+1..2n.</summary>
    public bool IsDropoff(int node) => node > Requests && node <= 2 * Requests;

    /// <summary>The request (1..n) a pickup or drop-off vertex belongs to.</summary>
    public int RequestOf(int node) => node > Requests ? node - Requests : node;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name}: {Vehicles} vehicles, {Requests} requests");
}
