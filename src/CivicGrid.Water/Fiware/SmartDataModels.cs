using System.Globalization;
using System.Text.Json.Nodes;

namespace CivicGrid.Water.Fiware;

/// <summary>The JSON type a Smart Data Models property's value must have.</summary>
public enum SdmValueKind
{
    Number,
    Text,
    Boolean,
    DateTime,
    TextArray,
    Object,
    Geometry,
    EntityReference,
}

/// <summary>One property of a Smart Data Model: its name, NGSI-LD attribute type, value type and allowed values.</summary>
public sealed record SdmProperty(string Name, string AttributeType, SdmValueKind Kind, IReadOnlyList<string>? Allowed = null);

/// <summary>One FIWARE Smart Data Model entity type: where it is defined, its properties and the required ones.</summary>
public sealed record SdmEntityModel(string Type, string Subject, IReadOnlyList<SdmProperty> Properties, IReadOnlyList<string> Required)
{
    /// <summary>A property by name, or null.</summary>
    public SdmProperty? Find(string name) => Properties.FirstOrDefault(p => p.Name == name);
}

/// <summary>
/// The subset of FIWARE Smart Data Models (smartdatamodels.org) CivicGrid publishes, transcribed from each model's
/// <c>schema.json</c>/<c>model.yaml</c> (property names, NGSI-LD attribute types, value types, enums and required
/// properties; common GSMA and Location properties included), and a checker for normalized NGSI-LD entities against
/// them. The one catalogue of the code base: the CLI's EPANET export and the platform's NGSI-LD broker both use it, so
/// it lives in the lowest layer they share (most of it is dataModel.WaterDistributionManagementEPANET).
/// </summary>
public static class SmartDataModels
{
    /// <summary>The NGSI-LD attribute types.</summary>
    public const string Property = "Property", Relationship = "Relationship", GeoProperty = "GeoProperty";

    private const string P = Property;
    private const string R = Relationship;
    private const string G = GeoProperty;

    private static readonly string[] LinkStatus = ["OPEN", "CLOSED", "CV"];

    // GSMA-Commons and Location-Commons of common-schema.json.
    private static readonly SdmProperty[] Common =
    [
        new("name", P, SdmValueKind.Text), new("description", P, SdmValueKind.Text), new("alternateName", P, SdmValueKind.Text),
        new("dataProvider", P, SdmValueKind.Text), new("source", P, SdmValueKind.Text), new("areaServed", P, SdmValueKind.Text),
        new("dateCreated", P, SdmValueKind.DateTime), new("dateModified", P, SdmValueKind.DateTime), new("seeAlso", P, SdmValueKind.TextArray),
        new("owner", P, SdmValueKind.TextArray), new("address", P, SdmValueKind.Object), new("location", G, SdmValueKind.Geometry),
    ];

    private static readonly SdmProperty[] LinkObservations =
    [
        new("flow", P, SdmValueKind.Number), new("velocity", P, SdmValueKind.Number), new("quality", P, SdmValueKind.Number),
        new("startsAt", R, SdmValueKind.EntityReference), new("endsAt", R, SdmValueKind.EntityReference),
        new("vertices", G, SdmValueKind.Geometry), new("tag", P, SdmValueKind.Text),
        new("initialStatus", P, SdmValueKind.Text, LinkStatus), new("status", P, SdmValueKind.Text, LinkStatus),
    ];

    private static readonly SdmProperty[] NodeObservations =
    [
        new("head", P, SdmValueKind.Number), new("pressure", P, SdmValueKind.Number), new("quality", P, SdmValueKind.Number),
        new("supply", P, SdmValueKind.Number), new("elevation", P, SdmValueKind.Number), new("initialQuality", P, SdmValueKind.Number),
        new("tag", P, SdmValueKind.Text), new("sourceCategory", P, SdmValueKind.Object),
    ];

    /// <summary>The subject of the water network models (Junction, Reservoir, Tank, Pipe, Pump, Valve).</summary>
    public const string WaterDistributionEpanet = "dataModel.WaterDistributionManagementEPANET";

    private const string Epanet = WaterDistributionEpanet;

    /// <summary>Every model in the catalogue, by entity type.</summary>
    public static IReadOnlyDictionary<string, SdmEntityModel> Models { get; } = new Dictionary<string, SdmEntityModel>(StringComparer.Ordinal)
    {
        ["Junction"] = new("Junction", Epanet,
            [.. Common, .. NodeObservations, new("demandCategory", P, SdmValueKind.Object), new("emitterCoefficient", P, SdmValueKind.Number), new("demand", P, SdmValueKind.Number)],
            ["id", "type", "location", "elevation"]),
        ["Reservoir"] = new("Reservoir", Epanet,
            [.. Common, .. NodeObservations, new("reservoirHead", P, SdmValueKind.Number), new("headPattern", R, SdmValueKind.EntityReference),
             new("emitterCoefficient", P, SdmValueKind.Number), new("demandCategory", P, SdmValueKind.Object),
             new("hasInlet", R, SdmValueKind.EntityReference), new("hasOutlet", R, SdmValueKind.EntityReference)],
            ["id", "type", "location", "reservoirHead"]),
        ["Tank"] = new("Tank", Epanet,
            [.. Common, .. NodeObservations, new("initLevel", P, SdmValueKind.Number), new("minLevel", P, SdmValueKind.Number), new("maxLevel", P, SdmValueKind.Number),
             new("level", P, SdmValueKind.Number), new("nominalDiameter", P, SdmValueKind.Number), new("minVolume", P, SdmValueKind.Number),
             new("volumeCurve", R, SdmValueKind.EntityReference), new("bulkReactionCoefficient", P, SdmValueKind.Number),
             new("mixingModel", P, SdmValueKind.Text, ["2COMP", "FIFO", "LIFO", "MIXED"]), new("mixingFraction", P, SdmValueKind.Number),
             new("hasInlet", R, SdmValueKind.EntityReference), new("hasOutlet", R, SdmValueKind.EntityReference)],
            ["id", "type", "location"]),
        ["Pipe"] = new("Pipe", Epanet,
            [.. Common, .. LinkObservations, new("length", P, SdmValueKind.Number), new("diameter", P, SdmValueKind.Number), new("roughness", P, SdmValueKind.Number),
             new("minorLoss", P, SdmValueKind.Number), new("wallCoeff", P, SdmValueKind.Number), new("bulkCoeff", P, SdmValueKind.Number)],
            ["id", "type"]),
        ["Pump"] = new("Pump", Epanet,
            [.. Common, .. LinkObservations, new("headCurve", R, SdmValueKind.EntityReference), new("efficCurve", R, SdmValueKind.EntityReference),
             new("pumpPattern", R, SdmValueKind.EntityReference), new("energyPattern", R, SdmValueKind.EntityReference),
             new("power", P, SdmValueKind.Number), new("speed", P, SdmValueKind.Number), new("energyPrice", P, SdmValueKind.Number), new("energyUse", P, SdmValueKind.Number)],
            ["id", "type", "startsAt", "endsAt"]),
        ["Valve"] = new("Valve", Epanet,
            [.. Common, .. LinkObservations, new("valveType", P, SdmValueKind.Text, ["FCV", "GPV", "PBV", "PRV", "PSV", "TCV"]),
             new("diameter", P, SdmValueKind.Number), new("setting", P, SdmValueKind.Number), new("minorLoss", P, SdmValueKind.Number),
             new("openStatus", P, SdmValueKind.Number), new("valveCurve", R, SdmValueKind.EntityReference)],
            ["id", "type", "startsAt", "endsAt"]),
        ["Device"] = new("Device", "dataModel.Device",
            [.. Common, new("category", P, SdmValueKind.TextArray, ["actuator", "beacon", "endgun", "HVAC", "implement", "irrSection", "irrSystem", "meter", "multimedia", "network", "sensor"]),
             new("controlledProperty", P, SdmValueKind.TextArray), new("deviceState", P, SdmValueKind.Text), new("serialNumber", P, SdmValueKind.Text),
             new("value", P, SdmValueKind.Text), new("dateLastValueReported", P, SdmValueKind.DateTime), new("refDeviceModel", R, SdmValueKind.EntityReference),
             new("controlledAsset", R, SdmValueKind.EntityReference), new("batteryLevel", P, SdmValueKind.Number)],
            ["id", "type", "controlledProperty"]),
        ["DeviceMeasurement"] = new("DeviceMeasurement", "dataModel.Device",
            [.. Common, new("numValue", P, SdmValueKind.Number), new("textValue", P, SdmValueKind.Text), new("unit", P, SdmValueKind.Text),
             new("dateObserved", P, SdmValueKind.DateTime), new("controlledProperty", P, SdmValueKind.Text), new("measurementType", P, SdmValueKind.Text),
             new("outlier", P, SdmValueKind.Boolean), new("refDevice", R, SdmValueKind.EntityReference)],
            ["id", "type", "numValue", "refDevice"]),
        ["TrafficFlowObserved"] = new("TrafficFlowObserved", "dataModel.Transportation",
            [.. Common, new("intensity", P, SdmValueKind.Number), new("occupancy", P, SdmValueKind.Number), new("averageVehicleSpeed", P, SdmValueKind.Number),
             new("averageVehicleLength", P, SdmValueKind.Number), new("averageHeadwayTime", P, SdmValueKind.Number), new("congested", P, SdmValueKind.Boolean),
             new("laneId", P, SdmValueKind.Number), new("laneDirection", P, SdmValueKind.Text, ["forward", "backward"]), new("reversedLane", P, SdmValueKind.Boolean),
             new("dateObserved", P, SdmValueKind.Text), new("dateObservedFrom", P, SdmValueKind.DateTime), new("dateObservedTo", P, SdmValueKind.DateTime),
             new("vehicleType", P, SdmValueKind.Text), new("refRoadSegment", R, SdmValueKind.EntityReference)],
            ["id", "type", "dateObserved"]),
    };

    /// <summary>
    /// Checks a normalized entity against its model: known type, required properties present, every attribute a
    /// property of the model with the right NGSI-LD attribute type, value type and (where the model has one) allowed value.
    /// </summary>
    public static IReadOnlyList<string> Check(JsonObject entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var problems = new List<string>();
        var id = entity["id"]?.GetValue<string>() ?? "(no id)";
        var type = entity["type"]?.GetValue<string>();
        if (type is null || !Models.TryGetValue(type, out var model))
        {
            return [$"{id}: type '{type}' is not a Smart Data Model of the catalogue"];
        }
        foreach (var required in model.Required.Where(r => !entity.ContainsKey(r)))
        {
            problems.Add($"{id}: required property {required} of {type} is missing");
        }
        foreach (var (name, value) in entity)
        {
            if (name is "id" or "type" or "@context" or "createdAt" or "modifiedAt")
            {
                continue;
            }
            var property = model.Find(name);
            if (property is null)
            {
                problems.Add($"{id}: {name} is not a property of {model.Subject}/{type}");
                continue;
            }
            if (value is not JsonObject attribute || attribute["type"]?.GetValue<string>() != property.AttributeType)
            {
                problems.Add($"{id}: {name} must be a {property.AttributeType}");
                continue;
            }
            var content = property.AttributeType == R ? attribute["object"] : attribute["value"];
            if (!HasKind(content, property.Kind))
            {
                problems.Add($"{id}: {name} must hold a {property.Kind} value");
            }
            else if (property.Allowed is { } allowed && Texts(content).FirstOrDefault(t => !allowed.Contains(t)) is { } bad)
            {
                problems.Add($"{id}: {name} = '{bad}' is not one of {string.Join(", ", allowed)}");
            }
        }
        return problems;
    }

    private static IEnumerable<string> Texts(JsonNode? node) => node switch
    {
        JsonArray a => a.Select(x => x?.ToString() ?? ""),
        JsonValue v when v.TryGetValue<string>(out var s) => [s],
        _ => [],
    };

    private static bool HasKind(JsonNode? node, SdmValueKind kind) => kind switch
    {
        SdmValueKind.Number => TryNumber(node, out _),
        SdmValueKind.Text => node is JsonValue v && v.TryGetValue<string>(out _),
        SdmValueKind.Boolean => node is JsonValue v && v.TryGetValue<bool>(out _),
        SdmValueKind.DateTime => node is JsonValue v && v.TryGetValue<string>(out var s)
            && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _),
        SdmValueKind.TextArray => node is JsonArray a && a.All(x => x is JsonValue v && v.TryGetValue<string>(out _)),
        SdmValueKind.Object => node is JsonObject,
        SdmValueKind.Geometry => IsGeoJsonGeometry(node),
        _ => node is JsonValue v && v.TryGetValue<string>(out var uri) && IsUri(uri),
    };

    /// <summary>An absolute URI as NGSI-LD entity ids and relationship objects must be (no white space, at most 512 characters).</summary>
    public static bool IsUri(string value) =>
        value is not null && value.Length <= 512 && !value.Any(char.IsWhiteSpace) && value.IndexOf(':', StringComparison.Ordinal) > 0
        && Uri.TryCreate(value, UriKind.Absolute, out _);

    /// <summary>A GeoJSON Point, MultiPoint, LineString or Polygon with WGS 84 positions (RFC 7946).</summary>
    public static bool IsGeoJsonGeometry(JsonNode? node)
    {
        if (node is not JsonObject o || o["type"] is not JsonValue t || !t.TryGetValue<string>(out var type))
        {
            return false;
        }
        var coordinates = o["coordinates"];
        return type switch
        {
            "Point" => IsPosition(coordinates),
            "MultiPoint" => coordinates is JsonArray { Count: >= 1 } points && points.All(IsPosition),
            "LineString" => coordinates is JsonArray { Count: >= 2 } line && line.All(IsPosition),
            "Polygon" => coordinates is JsonArray { Count: >= 1 } rings && rings.All(r => r is JsonArray { Count: >= 4 } ring && ring.All(IsPosition)
                && JsonNode.DeepEquals(ring[0], ring[^1])),
            _ => false,
        };
    }

    private static bool IsPosition(JsonNode? node) =>
        node is JsonArray { Count: 2 or 3 } p && p.All(x => TryNumber(x, out var d) && double.IsFinite(d))
        && TryNumber(p[0], out var longitude) && Math.Abs(longitude) <= 180 && TryNumber(p[1], out var latitude) && Math.Abs(latitude) <= 90;

    private static bool TryNumber(JsonNode? node, out double value)
    {
        value = double.NaN;
        if (node is not JsonValue v)
        {
            return false;
        }
        if (v.TryGetValue(out double d))
        {
            value = d;
        }
        else if (v.TryGetValue(out long l))
        {
            value = l;
        }
        else if (v.TryGetValue(out int i))
        {
            value = i;
        }
        else if (v.TryGetValue(out decimal m))
        {
            value = (double)m;
        }
        return !double.IsNaN(value);
    }
}
