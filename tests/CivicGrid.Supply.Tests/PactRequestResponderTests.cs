using System.Text.Json;
using CivicGrid.Supply.Footprints;
using CivicGrid.Supply.Pact;
using CivicGrid.Supply.Provenance;
using Xunit;

namespace CivicGrid.Supply.Tests;

/// <summary>
/// Answers to PACT v3 RequestCreatedEvents: fulfilled with the matching footprints, rejected with the specification's
/// error codes; every answer conforms to the v3 events schema (the schema checks written from the OpenAPI).
/// </summary>
public class PactRequestResponderTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 3, 0, 0, TimeSpan.Zero);

    private static IReadOnlyList<ProductFootprint> Footprints()
    {
        using var f = new ChainFixture();
        var list = new List<ProductFootprint>();
        for (var i = 0; i < 3; i++)
        {
            f.Apply(f.Mine($"c{i}", 1000 + i));
            f.Apply(new LotTransfer("mine", f.Next("mine"), ChainFixture.T0.AddDays(1), $"c{i}", "refiner", "plant", 20));
            list.Add(FootprintAggregator.ForLot(f.Registry, $"c{i}", ChainFixture.T0.AddDays(2), "mine"));
        }
        return list;
    }

    private static JsonElement Request(object data) => JsonSerializer.SerializeToElement(new
    {
        type = PactSchema.RequestCreatedEventType,
        specversion = "1.0",
        id = "848dcf00-2c18-400d-bcb8-11e45bbf7ebd",
        source = "//api.recipient.example/3/events",
        time = "2026-11-23T02:59:00Z",
        data,
    });

    [Fact]
    public void A_request_for_an_existing_product_is_fulfilled_with_exactly_its_footprints()
    {
        var all = Footprints();
        var wanted = all[1].ProductIds[0];
        var answer = PactRequestResponder.Respond(Request(new { productId = new[] { wanted } }), all, "//city.example/3/events", "a1", Now);
        var json = JsonSerializer.SerializeToElement(answer);
        Assert.Empty(PactSchema.ValidateEvent(json));
        Assert.Equal(PactSchema.RequestFulfilledEventType, answer.Type);
        Assert.Equal("848dcf00-2c18-400d-bcb8-11e45bbf7ebd", answer.Data.GetProperty("requestEventId").GetString());
        var pfs = answer.Data.GetProperty("pfs").EnumerateArray().Select(p => p.GetProperty("id").GetString()).ToList();
        Assert.Equal([all[1].Id], pfs);
    }

    [Fact]
    public void A_request_nothing_meets_is_rejected_with_not_found()
    {
        var answer = PactRequestResponder.Respond(Request(new { productId = new[] { "urn:gtin:0000000000000" } }), Footprints(), "//city.example/3/events", "a2", Now);
        Assert.Empty(PactSchema.ValidateEvent(JsonSerializer.SerializeToElement(answer)));
        Assert.Equal(PactSchema.RequestRejectedEventType, answer.Type);
        Assert.Equal("NotFound", answer.Data.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public void A_malformed_criterion_is_rejected_as_a_bad_request()
    {
        var answer = PactRequestResponder.Respond(Request(new { validOn = "yesterday" }), Footprints(), "//city.example/3/events", "a3", Now);
        Assert.Empty(PactSchema.ValidateEvent(JsonSerializer.SerializeToElement(answer)));
        Assert.Equal("BadRequest", answer.Data.GetProperty("error").GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("//api.recipient.example/3/events", "https://api.recipient.example/3/events")]
    [InlineData("http://127.0.0.1:5123/3/events", "http://127.0.0.1:5123/3/events")]
    public void Sources_name_the_requesters_events_endpoint(string source, string expected) =>
        Assert.Equal(new Uri(expected), PactRequestResponder.EventsEndpoint(source));

    [Theory]
    [InlineData("urn:example:system")]
    [InlineData("ftp://files.example/3/events")]
    [InlineData("")]
    public void Sources_that_are_no_http_endpoint_name_none(string source) => Assert.Null(PactRequestResponder.EventsEndpoint(source));

    [Fact]
    public void Endpoint_keys_ignore_scheme_case_and_trailing_slash() =>
        Assert.Equal(PactRequestResponder.EndpointKey(new Uri("https://API.example:8443/pact/3/events/")), PactRequestResponder.EndpointKey(new Uri("http://api.example:8443/pact/3/events")));
}
