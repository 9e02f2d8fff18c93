using System.Text.Json.Nodes;
using CivicGrid.Platform.Ngsi;
using Xunit;

namespace CivicGrid.Platform.Tests;

/// <summary>Geo-queries: near with distances, within/contains/intersects/disjoint/equals for points, lines and polygons.</summary>
public sealed class NgsiGeoTests
{
    private const string Square = "[[[135.0,35.0],[135.1,35.0],[135.1,35.1],[135.0,35.1],[135.0,35.0]]]";

    private static JsonObject At(NgsiGeometry geometry) => new() { ["id"] = "urn:x:1", ["type"] = "T", ["location"] = NgsiAttributes.Geo(geometry) };

    [Fact]
    public void One_degree_of_latitude_is_the_haversine_distance_on_the_mean_earth_radius()
    {
        // 2π·6371008.8 m / 360 = 111 195.08 m (IUGG mean radius); tolerance 0.01 m.
        Assert.Equal(111_195.08, NgsiGeometry.DistanceMeters(new GeoPosition(0, 0), new GeoPosition(0, 1)), 0.01);
    }

    [Theory]
    [InlineData("near;maxDistance==1200", true)]
    [InlineData("near;maxDistance==1000", false)]
    [InlineData("near;minDistance==1000", true)]
    [InlineData("near;minDistance==1000;maxDistance==1100", false)]
    public void Near_compares_the_great_circle_distance(string georel, bool expected)
    {
        // The entity is 0.01° of latitude (1 111.95 m) north of the query point.
        var entity = At(NgsiGeometry.Point(135.0, 35.01));
        Assert.Equal(expected, NgsiGeoQuery.Parse(georel, "Point", "[135.0,35.0]", null).Matches(entity));
    }

    [Fact]
    public void Near_measures_to_the_closest_point_of_a_line()
    {
        // A line running east 0.001° north of the query point: about 111 m away, although its ends are farther.
        var line = At(NgsiGeometry.LineString([new GeoPosition(134.99, 35.001), new GeoPosition(135.01, 35.001)]));
        Assert.True(NgsiGeoQuery.Parse("near;maxDistance==120", "Point", "[135.0,35.0]", null).Matches(line));
        Assert.False(NgsiGeoQuery.Parse("near;maxDistance==100", "Point", "[135.0,35.0]", null).Matches(line));
    }

    [Fact]
    public void Within_contains_intersects_disjoint_and_equals_follow_the_geometry()
    {
        var inside = At(NgsiGeometry.Point(135.05, 35.05));
        var outside = At(NgsiGeometry.Point(135.2, 35.05));
        var crossing = At(NgsiGeometry.LineString([new GeoPosition(135.05, 35.05), new GeoPosition(135.2, 35.05)]));
        var within = NgsiGeoQuery.Parse("within", "Polygon", Square, null);
        Assert.True(within.Matches(inside));
        Assert.False(within.Matches(outside));
        Assert.False(within.Matches(crossing));
        var intersects = NgsiGeoQuery.Parse("intersects", "Polygon", Square, null);
        Assert.True(intersects.Matches(crossing));
        Assert.False(intersects.Matches(outside));
        Assert.True(NgsiGeoQuery.Parse("disjoint", "Polygon", Square, null).Matches(outside));
        Assert.True(NgsiGeoQuery.Parse("equals", "Point", "[135.05,35.05]", null).Matches(inside));
        var area = At(NgsiGeometry.Polygon([new(135.0, 35.0), new(135.1, 35.0), new(135.1, 35.1), new(135.0, 35.1), new(135.0, 35.0)]));
        Assert.True(NgsiGeoQuery.Parse("contains", "Point", "[135.05,35.05]", null).Matches(area));
        Assert.False(NgsiGeoQuery.Parse("contains", "Point", "[135.5,35.05]", null).Matches(area));
    }

    [Fact]
    public void A_point_in_a_polygon_hole_is_not_within_it()
    {
        const string withHole = "[[[135.0,35.0],[135.1,35.0],[135.1,35.1],[135.0,35.1],[135.0,35.0]],[[135.04,35.04],[135.06,35.04],[135.06,35.06],[135.04,35.06],[135.04,35.04]]]";
        var within = NgsiGeoQuery.Parse("within", "Polygon", withHole, null);
        Assert.False(within.Matches(At(NgsiGeometry.Point(135.05, 35.05))));
        Assert.True(within.Matches(At(NgsiGeometry.Point(135.02, 35.02))));
    }

    [Fact]
    public void Entities_without_the_geoproperty_never_match()
    {
        var entity = new JsonObject { ["id"] = "urn:x:1", ["type"] = "T" };
        Assert.False(NgsiGeoQuery.Parse("near;maxDistance==1e9", "Point", "[0,0]", null).Matches(entity));
        Assert.True(NgsiGeoQuery.Parse("within", "Polygon", Square, "position")
            .Matches(new JsonObject { ["position"] = NgsiAttributes.Geo(NgsiGeometry.Point(135.05, 35.05)) }));
    }

    [Theory]
    [InlineData("nearby;maxDistance==5", "Point", "[0,0]", "georel", "not a geo-relationship")]
    [InlineData("near", "Point", "[0,0]", "georel", "needs ;maxDistance")]
    [InlineData("near;maxDistance==-1", "Point", "[0,0]", "georel", "maxDistance==<metres>")]
    [InlineData("within;maxDistance==5", "Polygon", Square, "georel", "only near takes a distance")]
    [InlineData("near;maxDistance==5", "Polygon", Square, "geometry", "measured from a Point")]
    [InlineData("within", "Point", "[0,0]", "geometry", "needs a Polygon")]
    [InlineData("intersects", "Circle", "[0,0]", "geometry", "not supported")]
    [InlineData("intersects", "Point", "[0,", "coordinates", "not a JSON array")]
    [InlineData("intersects", "Point", "[200,0]", "coordinates", "outside longitude")]
    [InlineData("intersects", "Polygon", "[[[0,0],[1,0],[1,1],[0,1]]]", "coordinates", "must end where it starts")]
    [InlineData("intersects", null, "[0,0]", "geometry", "needs a geometry")]
    public void Malformed_geo_query_names_the_parameter_and_reason(string georel, string? geometry, string coordinates, string parameter, string reason)
    {
        var ex = Assert.Throws<NgsiQueryException>(() => NgsiGeoQuery.Parse(georel, geometry, coordinates, null));
        Assert.Equal(parameter, ex.Parameter);
        Assert.Contains(reason, ex.Reason, StringComparison.Ordinal);
    }
}
