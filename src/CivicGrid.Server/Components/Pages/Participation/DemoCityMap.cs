using CivicGrid.Platform;
using CivicGrid.Platform.DemoCity;
using CivicGrid.Platform.Storage;
using Microsoft.Extensions.Options;

namespace CivicGrid.Server.Components.Pages.Participation;

/// <summary>
/// The demo city drawn as a map: each region a square around its centre (metres from the city origin), split
/// into 3 × 3 cells a resident clicks to place an issue. Map points are WGS 84 degrees around a fixed origin.
/// </summary>
public sealed class DemoCityMap
{
    public const double OriginLatitude = 48.0;
    public const double OriginLongitude = 11.0;
    public const double RegionSizeMeters = 1200;
    private const double MetersPerDegreeLatitude = 111_320;

    private DemoCityMap(IReadOnlyList<MapRegion> regions)
    {
        Regions = regions;
        MinX = regions.Count == 0 ? 0 : regions.Min(r => r.CentreX) - (RegionSizeMeters / 2);
        MaxY = regions.Count == 0 ? 0 : regions.Max(r => r.CentreY) + (RegionSizeMeters / 2);
        Width = regions.Count == 0 ? RegionSizeMeters : regions.Max(r => r.CentreX) + (RegionSizeMeters / 2) - MinX;
        Height = regions.Count == 0 ? RegionSizeMeters : MaxY - (regions.Min(r => r.CentreY) - (RegionSizeMeters / 2));
    }

    public sealed record MapRegion(string Id, string Name, double CentreX, double CentreY);

    public IReadOnlyList<MapRegion> Regions { get; }

    public double MinX { get; }

    public double MaxY { get; }

    public double Width { get; }

    public double Height { get; }

    /// <summary>Places the stored regions where the demo city generator put them (others in a grid after them).</summary>
    public static DemoCityMap Create(IReadOnlyList<Region> regions, IOptions<PlatformOptions> options)
    {
        ArgumentNullException.ThrowIfNull(regions);
        ArgumentNullException.ThrowIfNull(options);
        var demo = DemoCityGenerator.Generate(options.Value.DemoCitySeed, 1).Regions.ToDictionary(r => r.Id, StringComparer.Ordinal);
        var placed = regions.Select((r, i) => demo.TryGetValue(r.Id, out var d)
            ? new MapRegion(r.Id, r.Name, d.CentreXMeters, d.CentreYMeters)
            : new MapRegion(r.Id, r.Name, (i % 2) * RegionSizeMeters, (i / 2) * RegionSizeMeters)).ToList();
        return new DemoCityMap(placed);
    }

    /// <summary>SVG x of a point (metres east), y flipped so north is up.</summary>
    public double SvgX(double xMeters) => xMeters - MinX;

    public double SvgY(double yMeters) => MaxY - yMeters;

    public static (double Latitude, double Longitude) ToDegrees(double xMeters, double yMeters) =>
        (Math.Round(OriginLatitude + (yMeters / MetersPerDegreeLatitude), 6),
         Math.Round(OriginLongitude + (xMeters / (MetersPerDegreeLatitude * Math.Cos(OriginLatitude * Math.PI / 180))), 6));

    public static (double X, double Y) ToMeters(double latitude, double longitude) =>
        ((longitude - OriginLongitude) * MetersPerDegreeLatitude * Math.Cos(OriginLatitude * Math.PI / 180),
         (latitude - OriginLatitude) * MetersPerDegreeLatitude);

    /// <summary>The centres of the 3 × 3 clickable cells of a region.</summary>
    public static IEnumerable<(int Index, double X, double Y)> Cells(MapRegion region)
    {
        ArgumentNullException.ThrowIfNull(region);
        const double step = RegionSizeMeters / 3;
        for (var i = 0; i < 9; i++)
        {
            yield return (i, region.CentreX - step + ((i % 3) * step), region.CentreY + step - ((i / 3) * step));
        }
    }
}
