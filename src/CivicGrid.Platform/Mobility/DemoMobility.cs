using CivicGrid.Mobility.Charging;
using CivicGrid.Mobility.Networks;
using CivicGrid.Platform.DemoCity;

namespace CivicGrid.Platform.Mobility;

/// <summary>
/// Turns the demo city into the mobility engine's plain inputs: its streets as a TNTP network with a peak-hour
/// demand, and its households' electric vehicles as evening-to-morning charging sessions on each region's feeder.
/// Everything is derived from the city model (no randomness of its own), so the same seed gives the same inputs.
/// </summary>
public static class DemoMobility
{
    /// <summary>Hours of the charging horizon (hourly slots from <see cref="StartHour"/>).</summary>
    public const int Hours = 24;

    /// <summary>The charging horizon starts at noon so the overnight dwell fits in one day.</summary>
    public const int StartHour = 12;

    /// <summary>A typical day-ahead price curve in €/kWh for the hours 12:00 … 11:00 of the next day.</summary>
    public static IReadOnlyList<double> DefaultPrices { get; } =
    [
        0.16, 0.14, 0.13, 0.15, 0.20, 0.28, 0.34, 0.36, 0.32, 0.26, 0.22, 0.18, // 12:00–23:00
        0.14, 0.12, 0.11, 0.11, 0.12, 0.15, 0.22, 0.30, 0.29, 0.24, 0.20, 0.17, // 00:00–11:00
    ];

    // Share of a household's average load drawn in each hour of the horizon (evening peak, low night).
    private static readonly double[] BaseLoadShape =
    [
        0.9, 0.85, 0.85, 0.9, 1.1, 1.5, 1.8, 1.7, 1.5, 1.3, 1.1, 0.9,
        0.7, 0.6, 0.55, 0.55, 0.6, 0.8, 1.2, 1.4, 1.1, 1.0, 0.95, 0.9,
    ];

    /// <summary>The streets of every region: all road nodes are zones (like SiouxFalls), links get BPR (0.15, 4).</summary>
    public static (TntpNetwork Network, TntpTrips Trips, RoadNetworkView View) RoadNetwork(DemoCityModel city)
    {
        ArgumentNullException.ThrowIfNull(city);
        var nodes = city.Roads.Nodes;
        var number = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < nodes.Count; i++)
        {
            number[nodes[i].Id] = i + 1;
        }
        var links = new List<TntpLink>();
        var linkViews = new List<RoadLinkView>();
        foreach (var l in city.Roads.Links)
        {
            var freeFlowMinutes = l.LengthMeters / 1000 / l.SpeedLimitKilometersPerHour * 60;
            links.Add(new TntpLink(number[l.FromNodeId], number[l.ToNodeId], l.CapacityVehiclesPerHour, l.LengthMeters / 1000, freeFlowMinutes, 0.15, 4, l.SpeedLimitKilometersPerHour, 0, 1));
            linkViews.Add(new RoadLinkView(linkViews.Count, number[l.FromNodeId], number[l.ToNodeId], l.Id, l.CapacityVehiclesPerHour));
        }
        // Peak-hour trips between the street corners of the same region, falling off with distance.
        var origins = new List<TntpOriginDemand>();
        foreach (var o in nodes)
        {
            var row = new List<KeyValuePair<int, double>>();
            foreach (var d in nodes)
            {
                if (d.Id != o.Id && d.RegionId == o.RegionId)
                {
                    var distance = Math.Abs(o.XMeters - d.XMeters) + Math.Abs(o.YMeters - d.YMeters);
                    row.Add(new(number[d.Id], Math.Round(100 * Math.Exp(-distance / 400), 1)));
                }
            }
            origins.Add(new TntpOriginDemand(number[o.Id], row));
        }
        var network = new TntpNetwork(nodes.Count, nodes.Count, 1, links);
        var view = new RoadNetworkView(city.Name, nodes.Count,
            [.. nodes.Select((n, i) => new RoadNodeView(i + 1, n.Id, n.XMeters, n.YMeters))], linkViews);
        return (network, new TntpTrips(nodes.Count, origins), view);
    }

    /// <summary>
    /// Every household EV comes home in the evening (17:00–20:00), leaves in the morning (06:30–08:30) and wants
    /// 90 % charge; its daily distance and morning state of charge vary by household. Times and amounts come from a
    /// stable hash of the vehicle id.
    /// </summary>
    public static IReadOnlyList<EvTrip> EvTrips(DemoCityModel city)
    {
        ArgumentNullException.ThrowIfNull(city);
        var regionOf = city.Households.ToDictionary(h => h.Id, h => h.RegionId, StringComparer.Ordinal);
        var trips = new List<EvTrip>();
        foreach (var ev in city.Electricity.Resources.Where(r => r.Kind == DistributedResourceKind.ElectricVehicle))
        {
            var h = StableHash(ev.Id);
            var arrival = ((17 - StartHour) * 60) + (int)(h % 180);
            var leave = ((30 - StartHour) * 60) + 30 + (int)(h / 180 % 120);
            var distance = 15 + (h / 7 % 50);
            var startSoc = 0.55 + (h / 11 % 35 / 100.0);
            trips.Add(new EvTrip(ev.Id, SiteOf(regionOf[ev.HouseholdId]), arrival, leave, distance, startSoc, ev.EnergyCapacityKilowattHours, 0.18, 0.9, ev.PowerKilowatts));
        }
        return trips;
    }

    /// <summary>The charging site of a region: home chargers on the region's feeder, modelled as one site.</summary>
    public static string SiteOf(string regionId) => "home-charging-" + regionId;

    /// <summary>Power the region's feeder can give to charging per hour: rating minus the households' base load.</summary>
    public static double[] FeederHeadroom(DemoCityModel city, DemoFeeder feeder)
    {
        ArgumentNullException.ThrowIfNull(city);
        ArgumentNullException.ThrowIfNull(feeder);
        var averageKw = city.Households.Where(h => h.RegionId == feeder.RegionId).Sum(h => h.AnnualElectricityKilowattHours) / 8760;
        return [.. BaseLoadShape.Select(s => Math.Max(0, Math.Round(feeder.RatingKilowatts - (averageKw * s), 1)))];
    }

    private static ulong StableHash(string text)
    {
        // FNV-1a: string.GetHashCode is randomised per process.
        var h = 14695981039346656037UL;
        foreach (var c in text)
        {
            h = (h ^ c) * 1099511628211UL;
        }
        return h;
    }
}
