using System.Globalization;
using System.Text.Json.Nodes;
using CivicGrid.Platform.Storage;

namespace CivicGrid.Platform.Ngsi;

/// <summary>Builders of normalized NGSI-LD attributes.</summary>
public static class NgsiAttributes
{
    /// <summary>A Property, with a UN/CEFACT unit code when the value has a unit (MTR metre, MMT millimetre, MTQ m³ …).</summary>
    public static JsonObject Property(JsonNode? value, string? unitCode = null)
    {
        var p = new JsonObject { ["type"] = NgsiAttributeKinds.Property, ["value"] = value };
        if (unitCode is not null)
        {
            p["unitCode"] = unitCode;
        }
        return p;
    }

    /// <summary>A Property with a number rounded to 9 significant decimals (no binary noise in shared data).</summary>
    public static JsonObject Number(double value, string? unitCode = null) => Property(JsonValue.Create(Math.Round(value, 9)), unitCode);

    public static JsonObject Relationship(string target) => new() { ["type"] = NgsiAttributeKinds.Relationship, ["object"] = target };

    public static JsonObject Geo(NgsiGeometry geometry)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        return new JsonObject { ["type"] = NgsiAttributeKinds.GeoProperty, ["value"] = geometry.ToGeoJson() };
    }

    /// <summary>An entity id in the usual <c>urn:ngsi-ld:&lt;Type&gt;:&lt;local id&gt;</c> form (local id made URI-safe).</summary>
    public static string EntityId(string type, string localId)
    {
        ArgumentNullException.ThrowIfNull(localId);
        return $"urn:ngsi-ld:{type}:{Uri.EscapeDataString(localId)}";
    }
}

/// <summary>
/// Places the demo city's local coordinates (metres east and north of the city centre) on the globe: an
/// equirectangular projection around a configured origin, accurate to centimetres over a city.
/// </summary>
public sealed record CityOrigin(double Latitude, double Longitude)
{
    private const double EarthRadiusMeters = 6_371_008.8;

    public GeoPosition ToWgs84(double eastMeters, double northMeters) => new(
        Longitude + eastMeters / (EarthRadiusMeters * Math.Cos(Latitude * Math.PI / 180)) * 180 / Math.PI,
        Latitude + northMeters / EarthRadiusMeters * 180 / Math.PI);
}

/// <summary>
/// Maps the platform's assets to FIWARE Smart Data Models entities: the water network to
/// dataModel.WaterDistributionManagementEPANET (Junction, Pipe, Tank, Reservoir), sensors, meters and energy
/// resources to dataModel.Device (Device), and provides DeviceMeasurement and TrafficFlowObserved for observations.
/// Assets without a Smart Data Model counterpart (feeders' internal lines, road nodes) are not published.
/// </summary>
public static class NgsiDemoCityMapper
{
    /// <summary>The entities of the city's assets.</summary>
    public static IReadOnlyList<JsonObject> Map(IReadOnlyList<Asset> assets, CityOrigin origin)
    {
        ArgumentNullException.ThrowIfNull(assets);
        ArgumentNullException.ThrowIfNull(origin);
        var props = assets.ToDictionary(a => a.Id, a => JsonNode.Parse(a.PropertiesJson) as JsonObject ?? [], StringComparer.Ordinal);
        var positions = new Dictionary<string, GeoPosition>(StringComparer.Ordinal);
        foreach (var a in assets)
        {
            if (props[a.Id]["x_m"] is JsonValue x && props[a.Id]["y_m"] is JsonValue y)
            {
                positions[a.Id] = origin.ToWgs84(x.GetValue<double>(), y.GetValue<double>());
            }
        }
        var ids = assets.ToDictionary(a => a.Id, a => NgsiAttributes.EntityId(TypeOf(a.Kind), a.Id), StringComparer.Ordinal);
        // Tanks sit on a junction; reservoirs take the position of the node their first pipe reaches.
        foreach (var a in assets)
        {
            if (a.Kind == AssetKind.WaterTank && Text(props[a.Id], "junction") is { } j && positions.TryGetValue(j, out var p))
            {
                positions[a.Id] = p;
            }
        }
        foreach (var reservoir in assets.Where(a => a.Kind == AssetKind.WaterReservoir))
        {
            var pipe = assets.FirstOrDefault(a => a.Kind == AssetKind.WaterPipe && (Text(props[a.Id], "from") == reservoir.Id || Text(props[a.Id], "to") == reservoir.Id));
            var other = pipe is null ? null : Text(props[pipe.Id], "from") == reservoir.Id ? Text(props[pipe.Id], "to") : Text(props[pipe.Id], "from");
            positions[reservoir.Id] = other is not null && positions.TryGetValue(other, out var p) ? new GeoPosition(p.Longitude - 0.002, p.Latitude) : origin.ToWgs84(0, 0);
        }

        var result = new List<JsonObject>();
        foreach (var a in assets)
        {
            var pr = props[a.Id];
            var entity = new JsonObject { ["id"] = ids[a.Id], ["type"] = TypeOf(a.Kind), ["name"] = NgsiAttributes.Property(a.Name), ["areaServed"] = NgsiAttributes.Property(a.RegionId) };
            if (positions.TryGetValue(a.Id, out var position))
            {
                entity["location"] = NgsiAttributes.Geo(NgsiGeometry.Point(position.Longitude, position.Latitude));
            }
            switch (a.Kind)
            {
                case AssetKind.WaterJunction:
                    entity["elevation"] = NgsiAttributes.Number(Number(pr, "elevation_m"), "MTR");
                    entity["demandCategory"] = NgsiAttributes.Property(new JsonObject { ["baseDemand"] = Math.Round(Number(pr, "base_demand_m3s") * 1000, 9), ["unitCode"] = "L2" });
                    break;
                case AssetKind.WaterReservoir:
                    entity["reservoirHead"] = NgsiAttributes.Number(Number(pr, "head_m"), "MTR");
                    break;
                case AssetKind.WaterTank:
                    entity["elevation"] = NgsiAttributes.Number(Number(pr, "elevation_m"), "MTR");
                    entity["initLevel"] = NgsiAttributes.Number(Number(pr, "initial_level_m"), "MTR");
                    entity["minLevel"] = NgsiAttributes.Number(0, "MTR");
                    entity["maxLevel"] = NgsiAttributes.Number(Number(pr, "max_level_m"), "MTR");
                    entity["nominalDiameter"] = NgsiAttributes.Number(Number(pr, "diameter_m"), "MTR");
                    break;
                case AssetKind.WaterPipe:
                    var from = Text(pr, "from")!;
                    var to = Text(pr, "to")!;
                    entity.Remove("location");
                    if (positions.TryGetValue(from, out var fp) && positions.TryGetValue(to, out var tp))
                    {
                        entity["location"] = NgsiAttributes.Geo(NgsiGeometry.LineString([fp, tp]));
                    }
                    entity["length"] = NgsiAttributes.Number(Number(pr, "length_m"), "MTR");
                    entity["diameter"] = NgsiAttributes.Number(Number(pr, "diameter_m") * 1000, "MMT");
                    entity["roughness"] = NgsiAttributes.Number(Number(pr, "roughness_hw"), "C62");
                    entity["initialStatus"] = NgsiAttributes.Property("OPEN");
                    if (ids.TryGetValue(from, out var fromId))
                    {
                        entity["startsAt"] = NgsiAttributes.Relationship(fromId);
                    }
                    if (ids.TryGetValue(to, out var toId))
                    {
                        entity["endsAt"] = NgsiAttributes.Relationship(toId);
                    }
                    break;
                default:
                    var (category, controlled) = DeviceRole(a.Kind);
                    entity["category"] = NgsiAttributes.Property(new JsonArray(category));
                    entity["controlledProperty"] = NgsiAttributes.Property(new JsonArray([.. controlled.Select(c => (JsonNode?)c)]));
                    entity["deviceState"] = NgsiAttributes.Property("ok");
                    if (a.ParentAssetId is { } parent && ids.TryGetValue(parent, out var parentId))
                    {
                        entity["controlledAsset"] = NgsiAttributes.Relationship(parentId);
                    }
                    entity["description"] = NgsiAttributes.Property(Describe(a));
                    break;
            }
            result.Add(entity);
        }
        return result;
    }

    /// <summary>Which assets are published (the others have no Smart Data Model counterpart here).</summary>
    public static bool IsPublished(AssetKind kind) => kind is not (AssetKind.RoadNode or AssetKind.RoadLink or AssetKind.Intersection);

    /// <summary>A meter or sensor reading as a dataModel.Device DeviceMeasurement.</summary>
    public static JsonObject Measurement(string deviceEntityId, string measurementId, string controlledProperty, double value, string unitCode, DateTimeOffset observedAt)
    {
        var at = NgsiEntities.FormatTime(observedAt);
        var numValue = NgsiAttributes.Number(value, unitCode);
        numValue["observedAt"] = at;
        return new JsonObject
        {
            ["id"] = NgsiAttributes.EntityId("DeviceMeasurement", measurementId),
            ["type"] = "DeviceMeasurement",
            ["numValue"] = numValue,
            ["unit"] = NgsiAttributes.Property(unitCode),
            ["controlledProperty"] = NgsiAttributes.Property(controlledProperty),
            ["dateObserved"] = NgsiAttributes.Property(at),
            ["refDevice"] = NgsiAttributes.Relationship(deviceEntityId),
        };
    }

    /// <summary>A street's traffic over an interval as a dataModel.Transportation TrafficFlowObserved.</summary>
    public static JsonObject TrafficFlow(string linkId, GeoPosition from, GeoPosition to, double vehiclesPerHour, double averageSpeedKilometersPerHour, DateTimeOffset start, DateTimeOffset end)
    {
        var interval = $"{NgsiEntities.FormatTime(start)}/{NgsiEntities.FormatTime(end)}";
        var hours = (end - start).TotalHours;
        return new JsonObject
        {
            ["id"] = NgsiAttributes.EntityId("TrafficFlowObserved", linkId + ":" + start.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)),
            ["type"] = "TrafficFlowObserved",
            ["location"] = NgsiAttributes.Geo(NgsiGeometry.LineString([from, to])),
            // intensity counts vehicles over the observation interval (the model's definition), not a rate.
            ["intensity"] = NgsiAttributes.Number(Math.Round(vehiclesPerHour * hours)),
            ["averageVehicleSpeed"] = NgsiAttributes.Number(averageSpeedKilometersPerHour, "KMH"),
            ["dateObserved"] = NgsiAttributes.Property(interval),
            ["dateObservedFrom"] = NgsiAttributes.Property(NgsiEntities.FormatTime(start)),
            ["dateObservedTo"] = NgsiAttributes.Property(NgsiEntities.FormatTime(end)),
            ["laneDirection"] = NgsiAttributes.Property("forward"),
            ["name"] = NgsiAttributes.Property(linkId),
        };
    }

    private static string TypeOf(AssetKind kind) => kind switch
    {
        AssetKind.WaterJunction => "Junction",
        AssetKind.WaterPipe => "Pipe",
        AssetKind.WaterTank => "Tank",
        AssetKind.WaterReservoir => "Reservoir",
        _ => "Device",
    };

    private static (string Category, string[] Controlled) DeviceRole(AssetKind kind) => kind switch
    {
        AssetKind.ElectricityMeter => ("meter", ["electricityConsumption"]),
        AssetKind.WaterSensor => ("sensor", ["pressure"]),
        AssetKind.PhotovoltaicSystem => ("actuator", ["power", "energy", "solarRadiation"]),
        AssetKind.Battery => ("actuator", ["power", "energy"]),
        AssetKind.ElectricVehicleCharger => ("actuator", ["power", "energy"]),
        _ => ("actuator", ["power", "voltage"]),
    };

    private static string Describe(Asset a) => a.Kind switch
    {
        AssetKind.Substation => string.Create(CultureInfo.InvariantCulture, $"substation, {a.Rating} kV"),
        AssetKind.Feeder => string.Create(CultureInfo.InvariantCulture, $"distribution feeder, rating {a.Rating} kW"),
        AssetKind.PhotovoltaicSystem or AssetKind.Battery or AssetKind.ElectricVehicleCharger => string.Create(CultureInfo.InvariantCulture, $"{a.Kind}, {a.Rating} kW"),
        _ => a.Kind.ToString(),
    };

    private static double Number(JsonObject o, string name) => o[name] is JsonValue v && v.TryGetValue<double>(out var d) ? d : 0;

    private static string? Text(JsonObject o, string name) => o[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
}
