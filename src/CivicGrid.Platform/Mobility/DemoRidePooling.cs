using CivicGrid.Mobility.RidePooling;
using CivicGrid.Platform.DemoCity;

namespace CivicGrid.Platform.Mobility;

/// <summary>A door-to-door ride request on the demo streets: from one street corner to another, picked up in a 15-minute window.</summary>
public sealed record DemoRideRequest(int Number, string PickupNodeId, string DropoffNodeId, double EarliestPickupMinute, double LatestPickupMinute);

/// <summary>
/// Turns the demo city into a dial-a-ride instance: a morning of door-to-door requests between street corners,
/// served by minibuses from the street corner nearest the city centre. Travel time is the straight-line distance at
/// 30 km/h (500 m per minute), as in Cordeau's instances, where travel time equals Euclidean distance.
/// </summary>
public static class DemoRidePooling
{
    /// <summary>Metres a vehicle covers in one minute.</summary>
    public const double MetresPerMinute = 500;

    /// <summary>Length of the service period in minutes.</summary>
    public const double HorizonMinutes = 240;

    /// <summary>Seats per vehicle.</summary>
    public const int Capacity = 4;

    /// <summary>Longest ride a passenger accepts, in minutes.</summary>
    public const double MaxRideMinutes = 30;

    /// <summary>The requests and the instance for <paramref name="requests"/> riders and <paramref name="vehicles"/> vehicles.</summary>
    public static (DarpInstance Instance, IReadOnlyList<DemoRideRequest> Requests, DemoRoadNode Depot) Build(DemoCityModel city, int requests, int vehicles, int seed)
    {
        ArgumentNullException.ThrowIfNull(city);
        ArgumentOutOfRangeException.ThrowIfLessThan(requests, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(vehicles, 1);
        var nodes = city.Roads.Nodes;
        if (nodes.Count < 2)
        {
            throw new ArgumentException("the demo city has fewer than two street corners");
        }
        var cx = nodes.Average(n => n.XMeters);
        var cy = nodes.Average(n => n.YMeters);
        var depot = nodes.MinBy(n => Math.Pow(n.XMeters - cx, 2) + Math.Pow(n.YMeters - cy, 2))!;
        var random = new Random(seed);
        var list = new List<DemoRideRequest>(requests);
        while (list.Count < requests)
        {
            var from = nodes[random.Next(nodes.Count)];
            var to = nodes[random.Next(nodes.Count)];
            var direct = Math.Sqrt(Math.Pow(from.XMeters - to.XMeters, 2) + Math.Pow(from.YMeters - to.YMeters, 2)) / MetresPerMinute;
            // A ride worth pooling: at least two minutes long and short enough to fit the ride-time limit with detours.
            if (direct < 2 || direct > MaxRideMinutes / 2)
            {
                continue;
            }
            var earliest = Math.Round(15 + (random.NextDouble() * (HorizonMinutes - 90)));
            list.Add(new DemoRideRequest(list.Count + 1, from.Id, to.Id, earliest, earliest + 15));
        }
        var byId = nodes.ToDictionary(n => n.Id, StringComparer.Ordinal);
        var darp = new List<DarpNode>(2 * requests + 2) { Node(0, depot, 0, 0, 0, HorizonMinutes) };
        darp.AddRange(list.Select(r => Node(r.Number, byId[r.PickupNodeId], 1, 1, r.EarliestPickupMinute, r.LatestPickupMinute)));
        darp.AddRange(list.Select(r => Node(requests + r.Number, byId[r.DropoffNodeId], 1, -1, 0, HorizonMinutes)));
        darp.Add(Node((2 * requests) + 1, depot, 0, 0, 0, HorizonMinutes));
        var instance = new DarpInstance($"{city.Name} morning pooling", vehicles, HorizonMinutes, Capacity, MaxRideMinutes, darp);
        return (instance, list, depot);
    }

    private static DarpNode Node(int id, DemoRoadNode at, double service, int load, double earliest, double latest) =>
        new(id, at.XMeters / MetresPerMinute, at.YMeters / MetresPerMinute, service, load, earliest, latest);
}
