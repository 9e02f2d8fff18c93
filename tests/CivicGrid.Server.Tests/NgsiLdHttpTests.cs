using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CivicGrid.Platform;
using CivicGrid.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Xunit;

namespace CivicGrid.Server.Tests;

/// <summary>The NGSI-LD API over HTTP on the real server: entities, queries, batches, subscriptions with notifications, temporal, errors, access.</summary>
[Collection(SqliteServerCollection.Name)]
public sealed class NgsiLdHttpTests(SqliteServerFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Unique(string type) => $"urn:ngsi-ld:{type}:{Guid.NewGuid():N}";

    private static StringContent Json(JsonNode body, string mediaType = "application/json") => new(body.ToJsonString(), Encoding.UTF8, mediaType);

    private static JsonObject Junction(string id, double elevation, double lon = 135.0, double lat = 35.0) => JsonNode.Parse($$"""
        { "id": "{{id}}", "type": "Junction",
          "elevation": { "type": "Property", "value": {{elevation.ToString(System.Globalization.CultureInfo.InvariantCulture)}}, "unitCode": "MTR" },
          "location": { "type": "GeoProperty", "value": { "type": "Point", "coordinates": [{{lon.ToString(System.Globalization.CultureInfo.InvariantCulture)}}, {{lat.ToString(System.Globalization.CultureInfo.InvariantCulture)}}] } } }
        """)!.AsObject();

    private async Task<(HttpClient Writer, HttpClient Reader)> ClientsAsync(string name)
    {
        var server = await fixture.ServerAsync();
        var regions = await server.RegionIdsAsync();
        var op = await server.CreateAccountAsync(name + "-op", [PlatformRoles.Operator], [regions[0]]);
        var auditor = await server.CreateAccountAsync(name + "-aud", [PlatformRoles.Auditor]);
        return (server.CreateApiClient(op.ApiKey), server.CreateApiClient(auditor.ApiKey));
    }

    private static async Task<JsonObject> ProblemAsync(HttpResponseMessage response, HttpStatusCode status, string type)
    {
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(status == response.StatusCode, $"{(int)response.StatusCode}: {body}");
        var problem = JsonNode.Parse(body)!.AsObject();
        Assert.Equal("https://uri.etsi.org/ngsi-ld/errors/" + type, problem["type"]!.GetValue<string>());
        Assert.Equal((int)status, problem["status"]!.GetValue<int>());
        return problem;
    }

    [Fact]
    public async Task Entity_lifecycle_with_json_and_json_ld_representations()
    {
        var (writer, reader) = await ClientsAsync("ngsi-crud");
        var id = Unique("Junction");
        var created = await writer.PostAsync(new Uri("/ngsi-ld/v1/entities", UriKind.Relative), Json(Junction(id, 12.5)), Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"/ngsi-ld/v1/entities/{Uri.EscapeDataString(id)}", created.Headers.Location?.OriginalString);
        await ProblemAsync(await writer.PostAsync(new Uri("/ngsi-ld/v1/entities", UriKind.Relative), Json(Junction(id, 1)), Ct), HttpStatusCode.Conflict, "AlreadyExists");

        var read = await reader.GetAsync(new Uri($"/ngsi-ld/v1/entities/{id}", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("application/json", read.Content.Headers.ContentType?.MediaType);
        Assert.Contains("ngsi-ld-core-context", string.Join(",", read.Headers.GetValues("Link")), StringComparison.Ordinal);
        var entity = JsonNode.Parse(await read.Content.ReadAsStringAsync(Ct))!;
        Assert.Equal(12.5, entity["elevation"]!["value"]!.GetValue<double>());

        using var ld = new HttpRequestMessage(HttpMethod.Get, new Uri($"/ngsi-ld/v1/entities/{id}?options=keyValues,sysAttrs", UriKind.Relative));
        ld.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/ld+json"));
        var ldResponse = await reader.SendAsync(ld, Ct);
        Assert.Equal("application/ld+json", ldResponse.Content.Headers.ContentType?.MediaType);
        var compact = JsonNode.Parse(await ldResponse.Content.ReadAsStringAsync(Ct))!;
        Assert.Equal("https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld", compact["@context"]!.GetValue<string>());
        Assert.Equal(12.5, compact["elevation"]!.GetValue<double>());
        Assert.NotNull(compact["createdAt"]);

        var patch = await writer.PatchAsync(new Uri($"/ngsi-ld/v1/entities/{id}/attrs", UriKind.Relative),
            Json(JsonNode.Parse("""{ "elevation": { "type": "Property", "value": 13 } }""")!), Ct);
        Assert.Equal(HttpStatusCode.NoContent, patch.StatusCode);
        var partial = await writer.PatchAsync(new Uri($"/ngsi-ld/v1/entities/{id}/attrs", UriKind.Relative),
            Json(JsonNode.Parse("""{ "elevation": { "type": "Property", "value": 14 }, "pressure": { "type": "Property", "value": 3 } }""")!), Ct);
        Assert.Equal(HttpStatusCode.MultiStatus, partial.StatusCode);
        var updateResult = JsonNode.Parse(await partial.Content.ReadAsStringAsync(Ct))!;
        Assert.Equal("elevation", updateResult["updated"]![0]!.GetValue<string>());
        Assert.Equal("pressure", updateResult["notUpdated"]![0]!["attributeName"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.NoContent, (await writer.DeleteAsync(new Uri($"/ngsi-ld/v1/entities/{id}", UriKind.Relative), Ct)).StatusCode);
        await ProblemAsync(await reader.GetAsync(new Uri($"/ngsi-ld/v1/entities/{id}", UriKind.Relative), Ct), HttpStatusCode.NotFound, "ResourceNotFound");
    }

    [Fact]
    public async Task Query_language_geo_query_and_pagination_over_http()
    {
        var (writer, reader) = await ClientsAsync("ngsi-query");
        var type = "TestJunction" + Guid.NewGuid().ToString("N")[..8];
        var batch = new JsonArray();
        for (var i = 0; i < 6; i++)
        {
            var e = Junction($"urn:ngsi-ld:{type}:{i}", i * 10, 135.0 + i * 0.01, 35.0);
            e["type"] = type;
            batch.Add(e);
        }
        var created = await writer.PostAsync(new Uri("/ngsi-ld/v1/entityOperations/create", UriKind.Relative), Json(batch), Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var page = await reader.GetAsync(new Uri($"/ngsi-ld/v1/entities?type={type}&q=elevation%3E%3D20&limit=2&offset=1&count=true", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("4", page.Headers.GetValues("NGSILD-Results-Count").Single());
        var ids = JsonNode.Parse(await page.Content.ReadAsStringAsync(Ct))!.AsArray().Select(e => e!["id"]!.GetValue<string>()).ToList();
        Assert.Equal([$"urn:ngsi-ld:{type}:3", $"urn:ngsi-ld:{type}:4"], ids);

        // 0.01° of longitude at 35°N is about 911 m: within 1.5 km of entity 0 are entities 0 and 1.
        var near = await reader.GetAsync(new Uri($"/ngsi-ld/v1/entities?type={type}&georel=near%3BmaxDistance%3D%3D1500&geometry=Point&coordinates=%5B135.0,35.0%5D", UriKind.Relative), Ct);
        Assert.Equal(2, JsonNode.Parse(await near.Content.ReadAsStringAsync(Ct))!.AsArray().Count);

        var bad = await ProblemAsync(await reader.GetAsync(new Uri($"/ngsi-ld/v1/entities?type={type}&q=elevation%3D5", UriKind.Relative), Ct), HttpStatusCode.BadRequest, "BadRequestData");
        Assert.Equal(10, bad["column"]!.GetValue<int>());
        Assert.Equal("q", bad["parameter"]!.GetValue<string>());
        await ProblemAsync(await reader.GetAsync(new Uri($"/ngsi-ld/v1/entities?type={type}&georel=within&geometry=Point&coordinates=%5B0,0%5D", UriKind.Relative), Ct), HttpStatusCode.BadRequest, "BadRequestData");
        await ProblemAsync(await reader.GetAsync(new Uri("/ngsi-ld/v1/entities", UriKind.Relative), Ct), HttpStatusCode.BadRequest, "BadRequestData");
        await ProblemAsync(await reader.GetAsync(new Uri($"/ngsi-ld/v1/entities?type={type}&limit=100000", UriKind.Relative), Ct), HttpStatusCode.Forbidden, "TooManyResults");
    }

    [Fact]
    public async Task Batch_operations_answer_207_with_the_failed_entities()
    {
        var (writer, _) = await ClientsAsync("ngsi-batch");
        var a = Unique("Junction");
        var b = Unique("Junction");
        var mixed = new JsonArray(Junction(a, 1), JsonNode.Parse("""{ "id": "not-a-uri", "type": "Junction" }"""));
        var response = await writer.PostAsync(new Uri("/ngsi-ld/v1/entityOperations/create", UriKind.Relative), Json(mixed), Ct);
        Assert.Equal(HttpStatusCode.MultiStatus, response.StatusCode);
        var result = JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!;
        Assert.Equal(a, result["success"]![0]!.GetValue<string>());
        Assert.Equal("not-a-uri", result["errors"]![0]!["entityId"]!.GetValue<string>());
        Assert.Equal("https://uri.etsi.org/ngsi-ld/errors/BadRequestData", result["errors"]![0]!["error"]!["type"]!.GetValue<string>());

        var upsert = await writer.PostAsync(new Uri("/ngsi-ld/v1/entityOperations/upsert", UriKind.Relative), Json(new JsonArray(Junction(a, 2), Junction(b, 3))), Ct);
        Assert.Equal(HttpStatusCode.Created, upsert.StatusCode);
        Assert.Equal([b], JsonNode.Parse(await upsert.Content.ReadAsStringAsync(Ct))!.AsArray().Select(x => x!.GetValue<string>()));
        var again = await writer.PostAsync(new Uri("/ngsi-ld/v1/entityOperations/upsert?options=update", UriKind.Relative), Json(new JsonArray(Junction(a, 4))), Ct);
        Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
        var delete = await writer.PostAsync(new Uri("/ngsi-ld/v1/entityOperations/delete", UriKind.Relative), Json(new JsonArray(a, b)), Ct);
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
    }

    [Fact]
    public async Task Content_types_and_access_follow_the_spec_and_the_platform_roles()
    {
        var (writer, reader) = await ClientsAsync("ngsi-access");
        var server = await fixture.ServerAsync();
        var id = Unique("Junction");
        await ProblemAsync(await writer.PostAsync(new Uri("/ngsi-ld/v1/entities", UriKind.Relative), new StringContent("x", Encoding.UTF8, "text/plain"), Ct), HttpStatusCode.BadRequest, "InvalidRequest");
        await ProblemAsync(await writer.PostAsync(new Uri("/ngsi-ld/v1/entities", UriKind.Relative), Json(Junction(id, 1), "application/ld+json"), Ct), HttpStatusCode.BadRequest, "BadRequestData");
        var withContext = Junction(id, 1);
        withContext["@context"] = "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld";
        await ProblemAsync(await writer.PostAsync(new Uri("/ngsi-ld/v1/entities", UriKind.Relative), Json(withContext), Ct), HttpStatusCode.BadRequest, "BadRequestData");
        Assert.Equal(HttpStatusCode.Created, (await writer.PostAsync(new Uri("/ngsi-ld/v1/entities", UriKind.Relative), Json(withContext, "application/ld+json"), Ct)).StatusCode);
        await ProblemAsync(await writer.PostAsync(new Uri("/ngsi-ld/v1/entities", UriKind.Relative), new StringContent("{", Encoding.UTF8, "application/json"), Ct), HttpStatusCode.BadRequest, "InvalidRequest");

        using var anonymous = server.CreateApiClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(new Uri($"/ngsi-ld/v1/entities/{id}", UriKind.Relative), Ct)).StatusCode);
        var resident = await server.CreateAccountAsync("ngsi-resident", [PlatformRoles.Resident]);
        using var residentClient = server.CreateApiClient(resident.ApiKey);
        Assert.Equal(HttpStatusCode.Forbidden, (await residentClient.GetAsync(new Uri($"/ngsi-ld/v1/entities/{id}", UriKind.Relative), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await reader.GetAsync(new Uri($"/ngsi-ld/v1/entities/{id}", UriKind.Relative), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.DeleteAsync(new Uri($"/ngsi-ld/v1/entities/{id}", UriKind.Relative), Ct)).StatusCode);
    }

    [Fact]
    public async Task Subscription_sends_an_http_notification_when_a_watched_attribute_changes()
    {
        var (writer, reader) = await ClientsAsync("ngsi-sub");
        var received = new List<string>();
        var arrived = new SemaphoreSlim(0);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        await using var listener = builder.Build();
        listener.MapPost("/notify", async (HttpContext http) =>
        {
            using var reader2 = new StreamReader(http.Request.Body);
            var body = await reader2.ReadToEndAsync();
            lock (received)
            {
                received.Add(body);
            }
            arrived.Release();
            return Results.NoContent();
        });
        await listener.StartAsync(Ct);
        var endpoint = listener.Urls.First().TrimEnd('/') + "/notify";

        var id = Unique("Junction");
        Assert.Equal(HttpStatusCode.Created, (await writer.PostAsync(new Uri("/ngsi-ld/v1/entities", UriKind.Relative), Json(Junction(id, 10)), Ct)).StatusCode);
        var subscription = JsonNode.Parse($$"""
            { "type": "Subscription", "entities": [ { "type": "Junction", "id": "{{id}}" } ], "watchedAttributes": ["pressure"], "q": "pressure<20",
              "notification": { "attributes": ["pressure"], "format": "keyValues", "endpoint": { "uri": "{{endpoint}}", "accept": "application/json" } } }
            """)!;
        var created = await writer.PostAsync(new Uri("/ngsi-ld/v1/subscriptions", UriKind.Relative), Json(subscription), Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var subscriptionPath = created.Headers.Location!.OriginalString;

        await writer.PostAsync(new Uri($"/ngsi-ld/v1/entities/{id}/attrs", UriKind.Relative), Json(JsonNode.Parse("""{ "pressure": { "type": "Property", "value": 35 } }""")!), Ct);
        await writer.PostAsync(new Uri($"/ngsi-ld/v1/entities/{id}/attrs", UriKind.Relative), Json(JsonNode.Parse("""{ "pressure": { "type": "Property", "value": 12 } }""")!), Ct);
        Assert.True(await arrived.WaitAsync(TimeSpan.FromSeconds(30), Ct), "no notification arrived");
        string notification;
        lock (received)
        {
            notification = Assert.Single(received);
        }
        var body = JsonNode.Parse(notification)!;
        Assert.Equal("Notification", body["type"]!.GetValue<string>());
        Assert.Equal(Uri.UnescapeDataString(subscriptionPath["/ngsi-ld/v1/subscriptions/".Length..]), body["subscriptionId"]!.GetValue<string>());
        Assert.Equal(12, body["data"]![0]!["pressure"]!.GetValue<double>());
        Assert.Null(body["data"]![0]!["elevation"]);

        var view = JsonNode.Parse(await (await writer.GetAsync(new Uri(subscriptionPath, UriKind.Relative), Ct)).Content.ReadAsStringAsync(Ct))!;
        Assert.Equal("active", view["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.GetAsync(new Uri(subscriptionPath, UriKind.Relative), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await writer.DeleteAsync(new Uri(subscriptionPath, UriKind.Relative), Ct)).StatusCode);
        await ProblemAsync(await writer.GetAsync(new Uri(subscriptionPath, UriKind.Relative), Ct), HttpStatusCode.NotFound, "ResourceNotFound");
    }

    [Fact]
    public async Task Temporal_retrieval_returns_attribute_instances_by_time()
    {
        var (writer, reader) = await ClientsAsync("ngsi-temporal");
        var id = Unique("Device");
        var device = JsonNode.Parse($$"""
            { "id": "{{id}}", "type": "Device", "controlledProperty": { "type": "Property", "value": ["pressure"] },
              "value": { "type": "Property", "value": "41.0", "observedAt": "2026-11-20T08:00:00Z" } }
            """)!;
        Assert.Equal(HttpStatusCode.Created, (await writer.PostAsync(new Uri("/ngsi-ld/v1/entities", UriKind.Relative), Json(device), Ct)).StatusCode);
        foreach (var (v, at) in new[] { ("42.0", "2026-11-20T09:00:00Z"), ("43.0", "2026-11-20T10:00:00Z") })
        {
            var patch = await writer.PatchAsync(new Uri($"/ngsi-ld/v1/entities/{id}/attrs", UriKind.Relative),
                Json(JsonNode.Parse($$"""{ "value": { "type": "Property", "value": "{{v}}", "observedAt": "{{at}}" } }""")!), Ct);
            Assert.Equal(HttpStatusCode.NoContent, patch.StatusCode);
        }
        var between = await reader.GetAsync(new Uri($"/ngsi-ld/v1/temporal/entities/{id}?attrs=value&timerel=between&timeAt=2026-11-20T08:30:00Z&endTimeAt=2026-11-20T10:30:00Z", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, between.StatusCode);
        var temporal = JsonNode.Parse(await between.Content.ReadAsStringAsync(Ct))!;
        Assert.Equal(["42.0", "43.0"], temporal["value"]!.AsArray().Select(i => i!["value"]!.GetValue<string>()));
        Assert.Null(temporal["controlledProperty"]);
        await ProblemAsync(await reader.GetAsync(new Uri($"/ngsi-ld/v1/temporal/entities/{id}?timerel=between&timeAt=2026-11-20T08:30:00Z", UriKind.Relative), Ct), HttpStatusCode.BadRequest, "BadRequestData");
        await ProblemAsync(await reader.GetAsync(new Uri($"/ngsi-ld/v1/temporal/entities/{Unique("Device")}", UriKind.Relative), Ct), HttpStatusCode.NotFound, "ResourceNotFound");
    }
}
