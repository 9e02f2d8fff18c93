using System.Text.Json.Nodes;
using CivicGrid.Platform.Ngsi;
using CivicGrid.Water.Fiware;
using Xunit;

namespace CivicGrid.Platform.Tests;

/// <summary>The Smart Data Models checks (property names, attribute types, value types, enums, required) and the observation builders.</summary>
public sealed class NgsiSmartDataModelTests
{
    private static JsonObject ValidPipe() => new()
    {
        ["id"] = "urn:ngsi-ld:Pipe:P1",
        ["type"] = "Pipe",
        ["length"] = NgsiAttributes.Number(52.9, "MTR"),
        ["diameter"] = NgsiAttributes.Number(203, "MMT"),
        ["initialStatus"] = NgsiAttributes.Property("OPEN"),
        ["startsAt"] = NgsiAttributes.Relationship("urn:ngsi-ld:Junction:J1"),
        ["endsAt"] = NgsiAttributes.Relationship("urn:ngsi-ld:Reservoir:R1"),
    };

    [Fact]
    public void A_pipe_as_in_the_models_example_passes() => Assert.Empty(SmartDataModels.Check(ValidPipe()));

    [Fact]
    public void Unknown_properties_wrong_attribute_types_and_values_are_reported()
    {
        var pipe = ValidPipe();
        pipe["lenght"] = NgsiAttributes.Number(1);
        pipe["startsAt"] = NgsiAttributes.Property("urn:ngsi-ld:Junction:J1");
        pipe["diameter"] = NgsiAttributes.Property("203 mm");
        pipe["status"] = NgsiAttributes.Property("HALF");
        var problems = SmartDataModels.Check(pipe);
        Assert.Contains(problems, p => p.Contains("lenght is not a property", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("startsAt must be a Relationship", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("diameter must hold a Number", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'HALF' is not one of", StringComparison.Ordinal));
        Assert.Equal(4, problems.Count);
    }

    [Fact]
    public void Missing_required_property_and_unknown_type_are_reported()
    {
        var junction = new JsonObject { ["id"] = "urn:ngsi-ld:Junction:J", ["type"] = "Junction", ["location"] = NgsiAttributes.Geo(NgsiGeometry.Point(1, 2)) };
        Assert.Contains("required property elevation", Assert.Single(SmartDataModels.Check(junction)), StringComparison.Ordinal);
        Assert.Contains("not a Smart Data Model", Assert.Single(SmartDataModels.Check(new JsonObject { ["id"] = "urn:x:y", ["type"] = "Spaceship" })), StringComparison.Ordinal);
    }

    [Fact]
    public void Meter_reading_and_street_traffic_are_valid_DeviceMeasurement_and_TrafficFlowObserved()
    {
        var at = new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);
        var reading = NgsiDemoCityMapper.Measurement("urn:ngsi-ld:Device:h1-meter", "h1-meter:1", "electricityConsumption", 1.25, "KWH", at);
        Assert.Empty(SmartDataModels.Check(reading));
        Assert.Equal("2026-11-22T10:00:00.000Z", reading["numValue"]!["observedAt"]!.GetValue<string>());

        var flow = NgsiDemoCityMapper.TrafficFlow("L7", new GeoPosition(135.0, 35.0), new GeoPosition(135.001, 35.0), 600, 32, at, at.AddMinutes(15));
        Assert.Empty(SmartDataModels.Check(flow));
        // 600 vehicles per hour over 15 minutes is 150 vehicles counted.
        Assert.Equal(150, flow["intensity"]!["value"]!.GetValue<double>());
        Assert.Equal("2026-11-22T10:00:00.000Z/2026-11-22T10:15:00.000Z", flow["dateObserved"]!["value"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{ "type": "Point", "coordinates": [135.0, 95.0] }""")]
    [InlineData("""{ "type": "LineString", "coordinates": [[135.0, 35.0]] }""")]
    [InlineData("""{ "type": "Polygon", "coordinates": [[[135, 35], [136, 35], [136, 36], [135, 35.5]]] }""")]
    [InlineData("""{ "type": "Circle", "coordinates": [135, 35] }""")]
    [InlineData("""{ "type": "Point", "coordinates": ["135", "35"] }""")]
    public void A_location_that_is_not_WGS84_GeoJSON_is_reported(string geometry)
    {
        var junction = new JsonObject
        {
            ["id"] = "urn:ngsi-ld:Junction:J", ["type"] = "Junction", ["elevation"] = NgsiAttributes.Number(3, "MTR"),
            ["location"] = new JsonObject { ["type"] = "GeoProperty", ["value"] = JsonNode.Parse(geometry) },
        };
        Assert.Equal("urn:ngsi-ld:Junction:J: location must hold a Geometry value", Assert.Single(SmartDataModels.Check(junction)));
        junction["location"] = NgsiAttributes.Geo(NgsiGeometry.Point(135, 35));
        Assert.Empty(SmartDataModels.Check(junction));
    }

    [Fact]
    public void City_origin_places_local_metres_on_the_globe()
    {
        var origin = new CityOrigin(35.0, 135.0);
        var east = origin.ToWgs84(1000, 0);
        var north = origin.ToWgs84(0, 1000);
        // Round trip through the haversine distance: 1 km east and 1 km north, to 1 cm.
        Assert.Equal(1000, NgsiGeometry.DistanceMeters(new GeoPosition(135.0, 35.0), east), 0.01);
        Assert.Equal(1000, NgsiGeometry.DistanceMeters(new GeoPosition(135.0, 35.0), north), 0.01);
        Assert.Equal(35.0, east.Latitude, 12);
    }

    [Theory]
    [InlineData("""{ "id": "J1", "type": "Junction" }""", "not a URI")]
    [InlineData("""{ "id": "urn:ngsi-ld:J:1" }""", "has no type")]
    [InlineData("""{ "id": "urn:ngsi-ld:J:1", "type": "J", "a": { "type": "Property" } }""", "has no value")]
    [InlineData("""{ "id": "urn:ngsi-ld:J:1", "type": "J", "a": { "type": "Relationship", "object": "not a uri" } }""", "entity URI")]
    [InlineData("""{ "id": "urn:ngsi-ld:J:1", "type": "J", "location": { "type": "GeoProperty", "value": { "type": "Point", "coordinates": [500, 0] } } }""", "GeoJSON")]
    [InlineData("""{ "id": "urn:ngsi-ld:J:1", "type": "J", "a": { "type": "Property", "value": 1, "observedAt": "noon" } }""", "observedAt")]
    [InlineData("""{ "id": "urn:ngsi-ld:J:1", "type": "J", "a;b": 1 }""", "not a valid attribute name")]
    [InlineData("""{ "id": "urn:ngsi-ld:J:1", "type": "J", "a": { "type": "Propety", "value": 1 } }""", "not Property, Relationship")]
    public void Malformed_entity_is_BadRequestData_with_the_reason(string json, string reason)
    {
        var ex = Assert.Throws<NgsiLdException>(() => NgsiEntities.ReadEntity(JsonNode.Parse(json)!.AsObject()));
        Assert.Equal(NgsiLdErrorTypes.BadRequestData, ex.ProblemType);
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Concise_values_become_properties_and_keyValues_renders_them_back()
    {
        var (_, _, attributes) = NgsiEntities.ReadEntity(JsonNode.Parse("""
            { "id": "urn:ngsi-ld:J:1", "type": "J", "elevation": 12.5, "location": { "type": "Point", "coordinates": [135, 35] },
              "tag": { "type": "Property", "value": "DMA1" }, "startsAt": { "type": "Relationship", "object": "urn:ngsi-ld:J:0" } }
            """)!.AsObject());
        Assert.Equal("Property", attributes["elevation"]!["type"]!.GetValue<string>());
        Assert.Equal("GeoProperty", attributes["location"]!["type"]!.GetValue<string>());
        var keyValues = NgsiEntities.Render(new NgsiStoredEntity("urn:ngsi-ld:J:1", "J", attributes, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch),
            new NgsiRenderOptions(null, KeyValues: true, SystemAttributes: false));
        Assert.Equal(12.5, keyValues["elevation"]!.GetValue<double>());
        Assert.Equal("DMA1", keyValues["tag"]!.GetValue<string>());
        Assert.Equal("urn:ngsi-ld:J:0", keyValues["startsAt"]!.GetValue<string>());
        Assert.Equal("Point", keyValues["location"]!["type"]!.GetValue<string>());
    }
}
