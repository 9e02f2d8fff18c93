using System.Text.Json.Nodes;
using CivicGrid.Platform.Ngsi;
using Xunit;

namespace CivicGrid.Platform.Tests;

/// <summary>The NGSI-LD query language (ETSI GS CIM 009 clause 4.9) over normalized entities, and its error reports.</summary>
public sealed class NgsiQueryTests
{
    private static readonly JsonObject Sensor = JsonNode.Parse("""
        {
          "id": "urn:ngsi-ld:Device:s1", "type": "Device",
          "temperature": { "type": "Property", "value": 21.5, "unitCode": "CEL", "observedAt": "2026-11-22T10:00:00Z" },
          "name": { "type": "Property", "value": "North pump station" },
          "status": { "type": "Property", "value": "OPEN" },
          "active": { "type": "Property", "value": true },
          "controlledProperty": { "type": "Property", "value": ["pressure", "flow"] },
          "address": { "type": "Property", "value": { "city": "Kyoto", "ward": { "name": "Nakagyo" } } },
          "controlledAsset": { "type": "Relationship", "object": "urn:ngsi-ld:Junction:J1" },
          "level": [ { "type": "Property", "value": 3, "datasetId": "urn:a" }, { "type": "Property", "value": 8, "datasetId": "urn:b" } ]
        }
        """)!.AsObject();

    [Theory]
    [InlineData("temperature==21.5", true)]
    [InlineData("temperature!=21.5", false)]
    [InlineData("temperature>20", true)]
    [InlineData("temperature>=21.5", true)]
    [InlineData("temperature<21.5", false)]
    [InlineData("temperature<=21.5", true)]
    [InlineData("temperature==20..22", true)]
    [InlineData("temperature==22..30", false)]
    [InlineData("temperature!=22..30", true)]
    [InlineData("temperature==1,2,21.5", true)]
    [InlineData("status==\"OPEN\"", true)]
    [InlineData("status==\"CLOSED\",\"CV\"", false)]
    [InlineData("name~=North.*station", true)]
    [InlineData("name~=\"^South\"", false)]
    [InlineData("name!~=^South", true)]
    [InlineData("active==true", true)]
    [InlineData("active==false", false)]
    [InlineData("controlledProperty==\"flow\"", true)]
    [InlineData("address[city]==\"Kyoto\"", true)]
    [InlineData("address[ward.name]==\"Nakagyo\"", true)]
    [InlineData("temperature.unitCode==\"CEL\"", true)]
    [InlineData("temperature.observedAt>2026-11-22T09:00:00Z", true)]
    [InlineData("temperature.observedAt>2026-11-22T11:00:00Z", false)]
    [InlineData("controlledAsset==urn:ngsi-ld:Junction:J1", true)]
    [InlineData("level>5", true)]
    [InlineData("level>9", false)]
    [InlineData("temperature", true)]
    [InlineData("!temperature", false)]
    [InlineData("!humidity", true)]
    [InlineData("humidity==1", false)]
    [InlineData("humidity!=1", false)]
    [InlineData("temperature>30;status==\"OPEN\"", false)]
    [InlineData("temperature>30|status==\"OPEN\"", true)]
    [InlineData("status==\"CLOSED\";temperature>30|active==true", true)]
    [InlineData("status==\"CLOSED\";(temperature>30|active==true)", false)]
    [InlineData("(temperature>30|active==true);status==\"OPEN\"", true)]
    public void Expression_matches_the_entity_as_the_spec_defines(string q, bool expected) =>
        Assert.Equal(expected, NgsiQuery.Parse(q).Matches(Sensor));

    [Fact]
    public void Referenced_attributes_are_listed() =>
        Assert.Equal(["address", "status", "temperature"], NgsiQuery.Parse("temperature>1;(status==\"A\"|address[city]==\"B\")").Attributes.Order(StringComparer.Ordinal));

    [Theory]
    [InlineData("", 1, "empty")]
    [InlineData("temperature>", 13, "expected a value")]
    [InlineData("temperature=5", 12, "use '=='")]
    [InlineData("(temperature==1", 1, "never closed")]
    [InlineData("temperature==1)", 15, "unbalanced ')'")]
    [InlineData("status==\"OPEN", 9, "never closed")]
    [InlineData("temperature==1;;x", 16, "expected an attribute name")]
    [InlineData("name~=[", 7, "regular expression")]
    [InlineData("status==OPEN", 9, "quote strings")]
    [InlineData("temperature>1..5", 14, "unexpected '.'")]
    [InlineData("address[city==\"x\"", 8, "'[' is never closed")]
    [InlineData("temperature$5", 12, "expected an operator")]
    [InlineData("temperature==", 14, "expected a value")]
    public void Malformed_expression_names_column_and_reason(string q, int column, string reason)
    {
        var ex = Assert.Throws<NgsiQueryException>(() => NgsiQuery.Parse(q));
        Assert.Equal("q", ex.Parameter);
        Assert.Equal(column, ex.Column);
        Assert.Contains(reason, ex.Reason, StringComparison.Ordinal);
        Assert.Contains($"column {column}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deep_nesting_is_refused_rather_than_overflowing_the_stack()
    {
        var q = new string('(', 40) + "a==1" + new string(')', 40);
        var ex = Assert.Throws<NgsiQueryException>(() => NgsiQuery.Parse(q));
        Assert.Contains("deeper than 32", ex.Reason, StringComparison.Ordinal);
    }
}
