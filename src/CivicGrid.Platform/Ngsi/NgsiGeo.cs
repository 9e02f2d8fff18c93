using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CivicGrid.Platform.Ngsi;

/// <summary>A position in WGS 84: longitude then latitude, in degrees (GeoJSON order).</summary>
public readonly record struct GeoPosition(double Longitude, double Latitude);

/// <summary>The GeoJSON geometry kinds the API understands.</summary>
public enum GeoKind
{
    Point,
    MultiPoint,
    LineString,
    Polygon,
}

/// <summary>A GeoJSON geometry (Point, MultiPoint, LineString or Polygon with holes) and the predicates of geo-queries.</summary>
public sealed class NgsiGeometry
{
    private const double EarthRadiusMeters = 6_371_008.8;

    private NgsiGeometry(GeoKind kind, IReadOnlyList<IReadOnlyList<GeoPosition>> parts)
    {
        Kind = kind;
        Parts = parts;
    }

    public GeoKind Kind { get; }

    /// <summary>Point/MultiPoint/LineString: one part with the positions; Polygon: the rings, outer first.</summary>
    public IReadOnlyList<IReadOnlyList<GeoPosition>> Parts { get; }

    public IEnumerable<GeoPosition> Vertices => Parts.SelectMany(p => p);

    public static NgsiGeometry Point(double longitude, double latitude) => new(GeoKind.Point, [[new GeoPosition(longitude, latitude)]]);

    public static NgsiGeometry LineString(IReadOnlyList<GeoPosition> positions) => new(GeoKind.LineString, [positions]);

    public static NgsiGeometry Polygon(IReadOnlyList<GeoPosition> ring) => new(GeoKind.Polygon, [ring]);

    /// <summary>Reads a GeoJSON geometry object, or null if it is not one this API understands.</summary>
    public static NgsiGeometry? FromGeoJson(JsonNode? node)
    {
        if (node is not JsonObject o || o["type"] is not JsonValue t || !t.TryGetValue<string>(out var type))
        {
            return null;
        }
        try
        {
            return Create(type, o["coordinates"]);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>The geometry of a query: <c>geometry</c> and <c>coordinates</c> parameters; errors name the parameter.</summary>
    public static NgsiGeometry Parse(string geometry, string coordinates)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        ArgumentNullException.ThrowIfNull(coordinates);
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(coordinates);
        }
        catch (JsonException ex)
        {
            throw new NgsiQueryException("coordinates", coordinates, (int)(ex.BytePositionInLine ?? 0) + 1, "not a JSON array of coordinates: " + ex.Message);
        }
        try
        {
            return Create(geometry, node);
        }
        catch (FormatException ex)
        {
            throw new NgsiQueryException(geometry is "Point" or "MultiPoint" or "LineString" or "Polygon" ? "coordinates" : "geometry",
                geometry is "Point" or "MultiPoint" or "LineString" or "Polygon" ? coordinates : geometry, 1, ex.Message);
        }
    }

    /// <summary>The GeoJSON object of this geometry.</summary>
    public JsonObject ToGeoJson()
    {
        static JsonArray Pos(GeoPosition p) => [p.Longitude, p.Latitude];
        static JsonArray Line(IReadOnlyList<GeoPosition> ps) => new([.. ps.Select(p => (JsonNode?)Pos(p))]);
        JsonNode coordinates = Kind switch
        {
            GeoKind.Point => Pos(Parts[0][0]),
            GeoKind.Polygon => new JsonArray([.. Parts.Select(r => (JsonNode?)Line(r))]),
            _ => Line(Parts[0]),
        };
        return new JsonObject { ["type"] = Kind.ToString(), ["coordinates"] = coordinates };
    }

    private static NgsiGeometry Create(string type, JsonNode? coordinates)
    {
        switch (type)
        {
            case "Point":
                return new NgsiGeometry(GeoKind.Point, [[Position(coordinates)]]);
            case "MultiPoint":
            case "LineString":
                var list = Positions(coordinates);
                if (list.Count < (type == "LineString" ? 2 : 1))
                {
                    throw new FormatException($"a {type} needs at least {(type == "LineString" ? 2 : 1)} positions");
                }
                return new NgsiGeometry(type == "LineString" ? GeoKind.LineString : GeoKind.MultiPoint, [list]);
            case "Polygon":
                if (coordinates is not JsonArray rings || rings.Count == 0)
                {
                    throw new FormatException("a Polygon's coordinates are an array of linear rings");
                }
                var parts = new List<IReadOnlyList<GeoPosition>>();
                foreach (var ring in rings)
                {
                    var r = Positions(ring);
                    if (r.Count < 4 || r[0] != r[^1])
                    {
                        throw new FormatException("a Polygon ring needs at least 4 positions and must end where it starts");
                    }
                    parts.Add(r);
                }
                return new NgsiGeometry(GeoKind.Polygon, parts);
            default:
                throw new FormatException($"geometry '{type}' is not supported (Point, MultiPoint, LineString, Polygon)");
        }
    }

    private static List<GeoPosition> Positions(JsonNode? node)
    {
        if (node is not JsonArray array)
        {
            throw new FormatException("expected an array of positions");
        }
        return [.. array.Select(Position)];
    }

    private static GeoPosition Position(JsonNode? node)
    {
        if (node is not JsonArray { Count: 2 or 3 } p || !TryNumber(p[0], out var lon) || !TryNumber(p[1], out var lat))
        {
            throw new FormatException("a position is [longitude, latitude] in degrees");
        }
        if (lon is < -180 or > 180 || lat is < -90 or > 90)
        {
            throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"position [{lon}, {lat}] is outside longitude -180..180 / latitude -90..90"));
        }
        return new GeoPosition(lon, lat);
    }

    private static bool TryNumber(JsonNode? node, out double value)
    {
        value = 0;
        return node is JsonValue v && (v.TryGetValue(out value) || (v.TryGetValue<long>(out var l) && (value = l) == l) || (v.TryGetValue<int>(out var i) && (value = i) == i));
    }

    /// <summary>Great-circle distance in metres between two positions (haversine).</summary>
    public static double DistanceMeters(GeoPosition a, GeoPosition b)
    {
        var dLat = ToRadians(b.Latitude - a.Latitude);
        var dLon = ToRadians(b.Longitude - a.Longitude);
        var h = Math.Sin(dLat / 2) * Math.Sin(dLat / 2)
            + Math.Cos(ToRadians(a.Latitude)) * Math.Cos(ToRadians(b.Latitude)) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2);
        return 2 * EarthRadiusMeters * Math.Asin(Math.Min(1, Math.Sqrt(h)));
    }

    /// <summary>Shortest distance in metres from <paramref name="point"/> to this geometry (0 inside a polygon).</summary>
    public double DistanceMeters(GeoPosition point)
    {
        if (Kind == GeoKind.Polygon && Contains(point))
        {
            return 0;
        }
        var best = Vertices.Min(v => DistanceMeters(point, v));
        foreach (var (a, b) in Segments())
        {
            // City-scale segments: a local equirectangular projection around the point is accurate to well under 0.1 %.
            var (ax, ay) = Project(point, a);
            var (bx, by) = Project(point, b);
            var dx = bx - ax;
            var dy = by - ay;
            var lengthSquared = dx * dx + dy * dy;
            var t = lengthSquared == 0 ? 0 : Math.Clamp(-(ax * dx + ay * dy) / lengthSquared, 0, 1);
            best = Math.Min(best, Math.Sqrt(Math.Pow(ax + t * dx, 2) + Math.Pow(ay + t * dy, 2)));
        }
        return best;
    }

    /// <summary>True if the geometries share at least one point.</summary>
    public bool Intersects(NgsiGeometry other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Kind == GeoKind.Polygon && Vertices.Any(other.ContainsOrTouches))
        {
            return true;
        }
        if (Kind == GeoKind.Polygon && other.Vertices.Any(ContainsOrTouches))
        {
            return true;
        }
        if (Vertices.Any(v => other.Touches(v)) || other.Vertices.Any(Touches))
        {
            return true;
        }
        var mine = Segments().ToList();
        return other.Segments().Any(s => mine.Any(m => SegmentsCross(m.A, m.B, s.A, s.B)));
    }

    /// <summary>True if every point of this geometry lies inside (or on the boundary of) <paramref name="other"/>, a polygon.</summary>
    public bool Within(NgsiGeometry other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Kind != GeoKind.Polygon)
        {
            return other.Kind == GeoKind.Point && Kind == GeoKind.Point && SameShape(other);
        }
        if (!Vertices.All(other.ContainsOrTouches))
        {
            return false;
        }
        // A line or polygon whose vertices are all inside may still leave through a hole or a concave notch.
        var mine = Segments().ToList();
        return !other.Segments().Any(s => mine.Any(m => SegmentsCrossProperly(m.A, m.B, s.A, s.B)));
    }

    /// <summary>Same kind and the same positions (to 1e-9 degrees).</summary>
    public bool SameShape(NgsiGeometry other) =>
        other is not null && Kind == other.Kind && Parts.Count == other.Parts.Count
        && Parts.Zip(other.Parts).All(p => p.First.Count == p.Second.Count
            && p.First.Zip(p.Second).All(q => Math.Abs(q.First.Longitude - q.Second.Longitude) < 1e-9 && Math.Abs(q.First.Latitude - q.Second.Latitude) < 1e-9));

    /// <summary>Point in polygon (outer ring minus holes), ray casting; false for other kinds.</summary>
    public bool Contains(GeoPosition p)
    {
        if (Kind != GeoKind.Polygon)
        {
            return false;
        }
        if (!InRing(Parts[0], p))
        {
            return false;
        }
        return !Parts.Skip(1).Any(hole => InRing(hole, p));
    }

    private bool ContainsOrTouches(GeoPosition p) => Contains(p) || Touches(p);

    private bool Touches(GeoPosition p) =>
        Vertices.Any(v => DistanceMeters(v, p) < 0.01) || Segments().Any(s => OnSegment(s.A, s.B, p));

    private IEnumerable<(GeoPosition A, GeoPosition B)> Segments()
    {
        if (Kind is GeoKind.Point or GeoKind.MultiPoint)
        {
            yield break;
        }
        foreach (var part in Parts)
        {
            for (var i = 0; i + 1 < part.Count; i++)
            {
                yield return (part[i], part[i + 1]);
            }
        }
    }

    private static bool InRing(IReadOnlyList<GeoPosition> ring, GeoPosition p)
    {
        var inside = false;
        for (int i = 0, j = ring.Count - 1; i < ring.Count; j = i++)
        {
            var a = ring[i];
            var b = ring[j];
            if ((a.Latitude > p.Latitude) != (b.Latitude > p.Latitude)
                && p.Longitude < (b.Longitude - a.Longitude) * (p.Latitude - a.Latitude) / (b.Latitude - a.Latitude) + a.Longitude)
            {
                inside = !inside;
            }
        }
        return inside;
    }

    private static bool OnSegment(GeoPosition a, GeoPosition b, GeoPosition p)
    {
        var cross = (b.Longitude - a.Longitude) * (p.Latitude - a.Latitude) - (b.Latitude - a.Latitude) * (p.Longitude - a.Longitude);
        var length = Math.Sqrt(Math.Pow(b.Longitude - a.Longitude, 2) + Math.Pow(b.Latitude - a.Latitude, 2));
        if (length == 0 || Math.Abs(cross) / length > 1e-9)
        {
            return false;
        }
        return p.Longitude >= Math.Min(a.Longitude, b.Longitude) - 1e-12 && p.Longitude <= Math.Max(a.Longitude, b.Longitude) + 1e-12
            && p.Latitude >= Math.Min(a.Latitude, b.Latitude) - 1e-12 && p.Latitude <= Math.Max(a.Latitude, b.Latitude) + 1e-12;
    }

    private static double Orientation(GeoPosition a, GeoPosition b, GeoPosition c) =>
        (b.Longitude - a.Longitude) * (c.Latitude - a.Latitude) - (b.Latitude - a.Latitude) * (c.Longitude - a.Longitude);

    private static bool SegmentsCross(GeoPosition a, GeoPosition b, GeoPosition c, GeoPosition d) =>
        SegmentsCrossProperly(a, b, c, d) || OnSegment(a, b, c) || OnSegment(a, b, d) || OnSegment(c, d, a) || OnSegment(c, d, b);

    private static bool SegmentsCrossProperly(GeoPosition a, GeoPosition b, GeoPosition c, GeoPosition d)
    {
        var o1 = Orientation(a, b, c);
        var o2 = Orientation(a, b, d);
        var o3 = Orientation(c, d, a);
        var o4 = Orientation(c, d, b);
        return o1 * o2 < 0 && o3 * o4 < 0;
    }

    private static (double X, double Y) Project(GeoPosition origin, GeoPosition p) =>
        (ToRadians(p.Longitude - origin.Longitude) * Math.Cos(ToRadians(origin.Latitude)) * EarthRadiusMeters,
         ToRadians(p.Latitude - origin.Latitude) * EarthRadiusMeters);

    private static double ToRadians(double degrees) => degrees * Math.PI / 180;
}

/// <summary>The geo-relationships of NGSI-LD geo-queries.</summary>
public enum GeoRelation
{
    Near,
    Within,
    Contains,
    Intersects,
    Disjoint,
    Equal,
    Overlaps,
}

/// <summary>A geo-query: <c>georel</c> (with <c>maxDistance</c>/<c>minDistance</c> for near), the query geometry and the geoproperty.</summary>
public sealed record NgsiGeoQuery(GeoRelation Relation, NgsiGeometry Geometry, double? MaxDistanceMeters, double? MinDistanceMeters, string GeoProperty)
{
    /// <summary>Parses the request parameters; errors name the parameter, column and reason.</summary>
    public static NgsiGeoQuery Parse(string georel, string? geometry, string? coordinates, string? geoproperty)
    {
        ArgumentNullException.ThrowIfNull(georel);
        if (string.IsNullOrEmpty(geometry))
        {
            throw new NgsiQueryException("geometry", "", 1, "georel needs a geometry (Point, MultiPoint, LineString or Polygon)");
        }
        if (string.IsNullOrEmpty(coordinates))
        {
            throw new NgsiQueryException("coordinates", "", 1, "georel needs coordinates");
        }
        var parts = georel.Split(';');
        GeoRelation relation = parts[0] switch
        {
            "near" => GeoRelation.Near,
            "within" => GeoRelation.Within,
            "contains" => GeoRelation.Contains,
            "intersects" => GeoRelation.Intersects,
            "disjoint" => GeoRelation.Disjoint,
            "equals" => GeoRelation.Equal,
            "overlaps" => GeoRelation.Overlaps,
            _ => throw new NgsiQueryException("georel", georel, 1, $"'{parts[0]}' is not a geo-relationship (near, within, contains, intersects, disjoint, equals, overlaps)"),
        };
        double? max = null, min = null;
        var column = parts[0].Length + 2;
        foreach (var modifier in parts.Skip(1))
        {
            var kv = modifier.Split("==", 2);
            if (relation != GeoRelation.Near)
            {
                throw new NgsiQueryException("georel", georel, column, "only near takes a distance");
            }
            if (kv.Length != 2 || kv[0] is not ("maxDistance" or "minDistance")
                || !double.TryParse(kv[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var distance) || distance < 0 || !double.IsFinite(distance))
            {
                throw new NgsiQueryException("georel", georel, column, $"'{modifier}' is not maxDistance==<metres> or minDistance==<metres>");
            }
            if (kv[0] == "maxDistance")
            {
                max = distance;
            }
            else
            {
                min = distance;
            }
            column += modifier.Length + 1;
        }
        if (relation == GeoRelation.Near && max is null && min is null)
        {
            throw new NgsiQueryException("georel", georel, 1, "near needs ;maxDistance==<metres> or ;minDistance==<metres>");
        }
        var shape = NgsiGeometry.Parse(geometry, coordinates);
        if (relation == GeoRelation.Near && shape.Kind != GeoKind.Point)
        {
            throw new NgsiQueryException("geometry", geometry, 1, "near is measured from a Point");
        }
        if (relation == GeoRelation.Within && shape.Kind != GeoKind.Polygon)
        {
            throw new NgsiQueryException("geometry", geometry, 1, "within needs a Polygon");
        }
        return new NgsiGeoQuery(relation, shape, max, min, string.IsNullOrEmpty(geoproperty) ? "location" : geoproperty);
    }

    /// <summary>True if the entity's geoproperty satisfies the relation; entities without it never match.</summary>
    public bool Matches(JsonObject entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var attribute = entity[GeoProperty];
        if (attribute is JsonArray many)
        {
            attribute = many.FirstOrDefault();
        }
        if (NgsiGeometry.FromGeoJson(attribute?["value"]) is not { } target)
        {
            return false;
        }
        switch (Relation)
        {
            case GeoRelation.Near:
                var distance = target.DistanceMeters(Geometry.Parts[0][0]);
                return (MaxDistanceMeters is not { } max || distance <= max) && (MinDistanceMeters is not { } min || distance >= min);
            case GeoRelation.Within:
                return target.Within(Geometry);
            case GeoRelation.Contains:
                return Geometry.Within(target);
            case GeoRelation.Intersects:
                return target.Intersects(Geometry);
            case GeoRelation.Disjoint:
                return !target.Intersects(Geometry);
            case GeoRelation.Equal:
                return target.SameShape(Geometry);
            default:
                return target.Intersects(Geometry) && !target.Within(Geometry) && !Geometry.Within(target);
        }
    }
}
