using System.Text.Json;
using CivicGrid.Supply.Footprints;
using CivicGrid.Supply.Pact;
using CivicGrid.Supply.Provenance;
using Xunit;

namespace CivicGrid.Supply.Tests;

/// <summary>
/// The schema checks written from the PACT v3 OpenAPI (wbcsd/data-exchange-protocol spec/v3/openapi.yaml): issued
/// footprints conform, and each kind of violation the specification names is caught with its path.
/// </summary>
public class PactSchemaTests
{
    private static JsonElement IssuedFootprint()
    {
        using var f = new ChainFixture();
        f.Apply(f.Mine("c1", 1000));
        f.Apply(new LotTransfer("mine", f.Next("mine"), ChainFixture.T0.AddDays(1), "c1", "refiner", "plant", 20));
        return JsonSerializer.SerializeToElement(FootprintAggregator.ForLot(f.Registry, "c1", ChainFixture.T0.AddDays(2), "mine"));
    }

    private static JsonElement Edit(JsonElement element, Action<Dictionary<string, object?>> change, string? inside = null)
    {
        var root = JsonSerializer.Deserialize<Dictionary<string, object?>>(element.GetRawText())!;
        if (inside is null)
        {
            change(root);
        }
        else
        {
            var child = JsonSerializer.Deserialize<Dictionary<string, object?>>(((JsonElement)root[inside]!).GetRawText())!;
            change(child);
            root[inside] = child;
        }
        return JsonSerializer.SerializeToElement(root);
    }

    [Fact]
    public void Footprints_issued_for_lots_conform_to_the_v3_schema()
    {
        var pf = IssuedFootprint();
        Assert.Empty(PactSchema.ValidateProductFootprint(pf));
        Assert.Empty(PactSchema.ValidateGetResponse(JsonSerializer.SerializeToElement(new { data = pf })));
        Assert.Empty(PactSchema.ValidateListResponse(JsonSerializer.SerializeToElement(new { data = new[] { pf, pf } })));
        Assert.False(pf.TryGetProperty("productClassifications", out _), "an empty list would break minItems 1, so it is left undefined");
    }

    [Theory]
    [InlineData("id", "not-a-uuid", "$.id", "not a UUID")]
    [InlineData("status", "Retired", "$.status", "not one of")]
    [InlineData("created", "2026-01-01", "$.created", "not an RFC 3339 date-time")]
    [InlineData("specVersion", "3", "$.specVersion", "major.minor.patch")]
    [InlineData("companyName", "", "$.companyName", "must not be empty")]
    public void Wrong_values_of_footprint_properties_are_reported_with_their_path(string property, string value, string path, string reason)
    {
        var pf = Edit(IssuedFootprint(), d => d[property] = value);
        var violation = Assert.Single(PactSchema.ValidateProductFootprint(pf));
        Assert.StartsWith(path + ":", violation, StringComparison.Ordinal);
        Assert.Contains(reason, violation, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pcfExcludingBiogenicUptake")]
    [InlineData("fossilGhgEmissions")]
    [InlineData("declaredUnitOfMeasurement")]
    [InlineData("referencePeriodStart")]
    [InlineData("exemptedEmissionsPercent")]
    [InlineData("crossSectoralStandards")]
    public void Missing_required_carbon_footprint_properties_are_reported(string property)
    {
        var pf = Edit(IssuedFootprint(), d => d.Remove(property), "pcf");
        Assert.Contains($"$.pcf.{property}: required property missing", PactSchema.ValidateProductFootprint(pf));
    }

    [Theory]
    [InlineData("pcfExcludingBiogenicUptake", 1.5, "expected string")]
    [InlineData("pcfExcludingBiogenicUptake", "1e3", "is not a decimal")]
    [InlineData("fossilGhgEmissions", "-2", "is not a decimal >= 0")]
    [InlineData("declaredUnitAmount", "0", "is not a decimal > 0")]
    [InlineData("geographyCountry", "Japan", "ISO 3166-1 alpha-2")]
    [InlineData("declaredUnitOfMeasurement", "tonne", "not one of")]
    public void Decimals_units_and_geographies_follow_the_specification_formats(string property, object value, string reason)
    {
        var pf = Edit(IssuedFootprint(), d => d[property] = value, "pcf");
        Assert.Contains(PactSchema.ValidateProductFootprint(pf), v => v.StartsWith($"$.pcf.{property}", StringComparison.Ordinal) && v.Contains(reason, StringComparison.Ordinal));
    }

    [Fact]
    public void Company_and_product_ids_must_be_unique_non_empty_urn_lists()
    {
        Assert.Contains(PactSchema.ValidateProductFootprint(Edit(IssuedFootprint(), d => d["productIds"] = new[] { "lot-1" })), v => v.Contains("is not a URN", StringComparison.Ordinal));
        Assert.Contains(PactSchema.ValidateProductFootprint(Edit(IssuedFootprint(), d => d["companyIds"] = Array.Empty<string>())), v => v.Contains("at least 1", StringComparison.Ordinal));
        Assert.Contains(PactSchema.ValidateProductFootprint(Edit(IssuedFootprint(), d => d["companyIds"] = new[] { "urn:a:b", "urn:a:b" })), v => v.Contains("unique", StringComparison.Ordinal));
    }

    [Fact]
    public void List_response_needs_a_data_array_even_when_empty()
    {
        Assert.Empty(PactSchema.ValidateListResponse(JsonDocument.Parse("""{"data": []}""").RootElement));
        Assert.Contains("$.data: required property missing", PactSchema.ValidateListResponse(JsonDocument.Parse("""{"data": null}""").RootElement));
        Assert.Contains("$.data: required property missing", PactSchema.ValidateListResponse(JsonDocument.Parse("{}").RootElement));
    }

    [Theory]
    [InlineData("""{"code":"NotFound","message":"no such footprint"}""", 0)]
    [InlineData("""{"code":"NoSuchThing","message":"x"}""", 1)]
    [InlineData("""{"code":"BadRequest"}""", 1)]
    [InlineData("""[]""", 1)]
    public void Error_bodies_need_a_known_code_and_a_message(string json, int violations)
    {
        Assert.Equal(violations, PactSchema.ValidateError(JsonDocument.Parse(json).RootElement).Count);
    }

    [Fact]
    public void Token_responses_follow_rfc_6749()
    {
        Assert.Empty(PactSchema.ValidateTokenResponse(JsonDocument.Parse("""{"access_token":"abc","token_type":"Bearer","expires_in":3600}""").RootElement));
        Assert.NotEmpty(PactSchema.ValidateTokenResponse(JsonDocument.Parse("""{"access_token":"abc","token_type":"mac"}""").RootElement));
        Assert.NotEmpty(PactSchema.ValidateTokenResponse(JsonDocument.Parse("""{"token_type":"bearer"}""").RootElement));
        Assert.Empty(PactSchema.ValidateOAuthError(JsonDocument.Parse("""{"error":"invalid_client","error_description":"Authentication failed"}""").RootElement));
        Assert.NotEmpty(PactSchema.ValidateOAuthError(JsonDocument.Parse("""{"error":"denied"}""").RootElement));
    }

    [Fact]
    public void Cloud_events_of_the_four_v3_types_are_checked_by_type()
    {
        var request = PactCloudEvent.RequestCreated("e1", "//recipient.example/3/events", ChainFixture.T0,
            new FootprintFilter { ProductIds = ["urn:civicgrid:lot:c1"], Geographies = ["JP"], ValidOn = ChainFixture.T0 }, "please");
        Assert.Empty(PactSchema.ValidateEvent(JsonSerializer.SerializeToElement(request)));
        var published = PactCloudEvent.Published("e2", "//owner.example/3/events", ChainFixture.T0, [Guid.NewGuid().ToString()]);
        Assert.Empty(PactSchema.ValidateEvent(JsonSerializer.SerializeToElement(published)));
        Assert.Contains(PactSchema.ValidateEvent(JsonSerializer.SerializeToElement(published with { Data = JsonSerializer.SerializeToElement(new { pfIds = new[] { "x" } }) })),
            v => v.Contains("not a UUID", StringComparison.Ordinal));
        Assert.Contains(PactSchema.ValidateEvent(JsonSerializer.SerializeToElement(published with { Type = "org.example.Other" })),
            v => v.Contains("not a PACT v3 event type", StringComparison.Ordinal));
        Assert.Contains(PactSchema.ValidateEvent(JsonSerializer.SerializeToElement(published with { SpecVersion = "0.3" })),
            v => v.StartsWith("$.specversion", StringComparison.Ordinal));
        var fulfilled = JsonDocument.Parse($$$"""{"type":"{{{PactSchema.RequestFulfilledEventType}}}","specversion":"1.0","id":"e3","source":"//x","time":"2026-01-01T00:00:00Z","data":{"requestEventId":"e1","pfs":[]} }""").RootElement;
        Assert.Contains("$.data.pfs: needs at least 1 item(s)", PactSchema.ValidateEvent(fulfilled));
        var rejected = JsonDocument.Parse($$$"""{"type":"{{{PactSchema.RequestRejectedEventType}}}","specversion":"1.0","id":"e4","source":"//x","time":"2026-01-01T00:00:00Z","data":{"requestEventId":"e1","error":{"code":"NotFound","message":"none"} } }""").RootElement;
        Assert.Empty(PactSchema.ValidateEvent(rejected));
        var noTime = JsonDocument.Parse($$$"""{"type":"{{{PactSchema.PublishedEventType}}}","specversion":"1.0","id":"e5","source":"//x","data":{"pfIds":[]} }""").RootElement;
        Assert.Contains("$.time: required property missing", PactSchema.ValidateEvent(noTime));
    }
}
