using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CivicGrid.Server.Hosting;
using CivicGrid.Server.Tests.Infrastructure;
using CivicGrid.Supply.Pact;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CivicGrid.Server.Tests;

/// <summary>
/// The PACT Technical Specifications v3 API served at the root (/auth/token, /3/footprints, /3/events) on the demo
/// supply chain: every response is checked with the schema checks written from the v3 OpenAPI, including the error
/// bodies and Link-header pagination, and the project's own client reads it back.
/// </summary>
[Collection(SqliteServerCollection.Name)]
public sealed class PactApiTests(SqliteServerFixture fixture)
{
    private const string Secret = "pact-test-secret";

    private static async Task<CivicGridServerFactory> ServerWithClientsAsync(SqliteServerFixture fixture)
    {
        var server = await fixture.ServerAsync();
        var options = server.Services.GetRequiredService<PactOptions>();
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(Secret));
        options.Clients["recipient"] = new PactClientRegistration("recipient", hash, [], PactClientRegistration.AllScopes);
        options.Clients["refiner-a-only"] = new PactClientRegistration("refiner-a-only", hash, ["refiner-a"], PactClientRegistration.AllScopes);
        options.Clients["no-list"] = new PactClientRegistration("no-list", hash, [], ["footprint:read"]);
        return server;
    }

    private static async Task<string> TokenAsync(HttpClient http, string clientId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/auth/token", UriKind.Relative))
        {
            Content = new FormUrlEncodedContent([new("grant_type", "client_credentials")]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(clientId + ":" + Secret)));
        var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        var body = await response.JsonAsync();
        Assert.Empty(PactSchema.ValidateTokenResponse(body));
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        return body.GetProperty("access_token").GetString()!;
    }

    private static async Task<(HttpResponseMessage Response, JsonElement Body)> GetAsync(HttpClient http, string path, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.RelativeOrAbsolute));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (response, JsonDocument.Parse(text).RootElement.Clone());
    }

    private static void AssertError(HttpResponseMessage response, JsonElement body, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(PactSchema.ValidateError(body));
        Assert.Equal(code, body.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Token_endpoint_answers_rfc_6749_errors_for_bad_credentials_and_grants()
    {
        var server = await ServerWithClientsAsync(fixture);
        using var http = server.CreateApiClient();
        async Task<(HttpStatusCode, JsonElement)> Post(string? basic, params KeyValuePair<string, string>[] form)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/auth/token", UriKind.Relative)) { Content = new FormUrlEncodedContent(form) };
            if (basic is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(basic)));
            }
            var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
            var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.Clone();
            return (response.StatusCode, json);
        }
        var (status, body) = await Post("recipient:wrong", KeyValuePair.Create("grant_type", "client_credentials"));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Empty(PactSchema.ValidateOAuthError(body));
        Assert.Equal("invalid_client", body.GetProperty("error").GetString());
        (status, body) = await Post("recipient:" + Secret, KeyValuePair.Create("grant_type", "password"));
        Assert.Equal((HttpStatusCode.BadRequest, "unsupported_grant_type"), (status, body.GetProperty("error").GetString()));
        (status, body) = await Post("recipient:" + Secret);
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_request"), (status, body.GetProperty("error").GetString()));
    }

    [Fact]
    public async Task Listing_paginates_with_absolute_next_links_and_every_page_conforms()
    {
        var server = await ServerWithClientsAsync(fixture);
        using var http = server.CreateApiClient();
        var token = await TokenAsync(http, "recipient");
        var ids = new List<string>();
        var next = "/3/footprints?limit=40";
        var pages = 0;
        while (next is not null)
        {
            var (response, body) = await GetAsync(http, next, token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Empty(PactSchema.ValidateListResponse(body));
            var count = body.GetProperty("data").GetArrayLength();
            Assert.InRange(count, 1, 40);
            ids.AddRange(body.GetProperty("data").EnumerateArray().Select(f => f.GetProperty("id").GetString()!));
            pages++;
            next = null;
            if (response.Headers.TryGetValues("Link", out var links))
            {
                var link = Assert.Single(links);
                Assert.EndsWith("; rel=\"next\"", link, StringComparison.Ordinal);
                var target = new Uri(link[1..link.IndexOf('>', StringComparison.Ordinal)]);
                Assert.True(target.IsAbsoluteUri);
                Assert.Equal(http.BaseAddress!.Authority, target.Authority);
                next = target.AbsoluteUri;
            }
        }
        Assert.True(pages >= 3, $"the demo chain spans several pages of 40 (got {pages})");
        Assert.Equal(ids.Count, ids.Distinct().Count());

        // The project's client follows the same links and finds the same footprints.
        var client = new PactClient(http, http.BaseAddress!, "recipient", Secret);
        var fetched = await client.ListAsync(null, 40, 100, TestContext.Current.CancellationToken);
        Assert.Empty(fetched.Violations);
        Assert.Equal(ids, fetched.Footprints.Select(f => f.Id));
        Assert.Equal(pages, fetched.Pages);
    }

    [Fact]
    public async Task Filters_select_footprints_and_malformed_filters_are_bad_requests()
    {
        var server = await ServerWithClientsAsync(fixture);
        using var http = server.CreateApiClient();
        var client = new PactClient(http, http.BaseAddress!, "recipient", Secret);
        var all = await client.ListAsync(null, null, 100, TestContext.Current.CancellationToken);
        var some = all.Footprints[0];
        var byProduct = await client.ListAsync(new FootprintFilter { ProductIds = [some.ProductIds[0].ToUpperInvariant()] }, null, 10, TestContext.Current.CancellationToken);
        Assert.Equal([some.Id], byProduct.Footprints.Select(f => f.Id));
        var byCompany = await client.ListAsync(new FootprintFilter { CompanyIds = ["urn:civicgrid:organisation:refiner-b"] }, null, 100, TestContext.Current.CancellationToken);
        Assert.NotEmpty(byCompany.Footprints);
        Assert.All(byCompany.Footprints, f => Assert.Equal(["urn:civicgrid:organisation:refiner-b"], f.CompanyIds));
        Assert.True(byCompany.Footprints.Count < all.Footprints.Count);
        var none = await client.ListAsync(new FootprintFilter { Status = "Deprecated" }, null, 10, TestContext.Current.CancellationToken);
        Assert.Empty(none.Footprints);

        var token = await TokenAsync(http, "recipient");
        foreach (var bad in new[] { "/3/footprints?validOn=tomorrow", "/3/footprints?limit=0", "/3/footprints?limit=ten", "/3/footprints?status=Gone" })
        {
            var (response, body) = await GetAsync(http, bad, token);
            AssertError(response, body, HttpStatusCode.BadRequest, "BadRequest");
        }
    }

    [Fact]
    public async Task Get_footprint_answers_not_found_access_denied_and_token_errors_as_the_specification_defines()
    {
        var server = await ServerWithClientsAsync(fixture);
        using var http = server.CreateApiClient();
        var token = await TokenAsync(http, "recipient");
        var (list, listBody) = await GetAsync(http, "/3/footprints?companyId=urn:civicgrid:organisation:refiner-b&limit=1", token);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        var id = listBody.GetProperty("data")[0].GetProperty("id").GetString()!;

        var (ok, okBody) = await GetAsync(http, "/3/footprints/" + id, token);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Empty(PactSchema.ValidateGetResponse(okBody));

        var (missing, missingBody) = await GetAsync(http, "/3/footprints/" + Guid.NewGuid(), token);
        AssertError(missing, missingBody, HttpStatusCode.NotFound, "NotFound");

        var restricted = await TokenAsync(http, "refiner-a-only");
        var (denied, deniedBody) = await GetAsync(http, "/3/footprints/" + id, restricted);
        AssertError(denied, deniedBody, HttpStatusCode.Forbidden, "AccessDenied");

        var noList = await TokenAsync(http, "no-list");
        var (forbidden, forbiddenBody) = await GetAsync(http, "/3/footprints", noList);
        AssertError(forbidden, forbiddenBody, HttpStatusCode.Forbidden, "AccessDenied");

        var (invalid, invalidBody) = await GetAsync(http, "/3/footprints/" + id, "invalid-access-token");
        AssertError(invalid, invalidBody, HttpStatusCode.BadRequest, "BadRequest");
        var (anonymous, anonymousBody) = await GetAsync(http, "/3/footprints", null);
        AssertError(anonymous, anonymousBody, HttpStatusCode.BadRequest, "BadRequest");

        var options = server.Services.GetRequiredService<PactOptions>();
        var lifetime = options.TokenLifetime;
        options.TokenLifetime = TimeSpan.Zero;
        string expired;
        try
        {
            expired = await TokenAsync(http, "recipient");
        }
        finally
        {
            options.TokenLifetime = lifetime;
        }
        var (late, lateBody) = await GetAsync(http, "/3/footprints", expired);
        AssertError(late, lateBody, HttpStatusCode.Unauthorized, "TokenExpired");
    }

    [Fact]
    public async Task Pact_tokens_do_not_open_the_platform_api()
    {
        var server = await ServerWithClientsAsync(fixture);
        using var http = server.CreateApiClient();
        var token = await TokenAsync(http, "recipient");
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/decisions", UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Events_endpoint_accepts_valid_cloud_events_and_refuses_invalid_ones()
    {
        var server = await ServerWithClientsAsync(fixture);
        using var http = server.CreateApiClient();
        var client = new PactClient(http, http.BaseAddress!, "recipient", Secret);
        var now = DateTimeOffset.UtcNow;
        await client.PostEventAsync(PactCloudEvent.RequestCreated("req-" + Guid.NewGuid(), "//recipient.example/3/events", now,
            new FootprintFilter { Geographies = ["JP"] }, "Please send the current copper footprint."), TestContext.Current.CancellationToken);
        await client.PostEventAsync(PactCloudEvent.Published("pub-" + Guid.NewGuid(), "//supplier.example/3/events", now, [Guid.NewGuid().ToString()]), TestContext.Current.CancellationToken);

        var token = await TokenAsync(http, "recipient");
        async Task<(HttpResponseMessage, JsonElement)> Post(string json, string mediaType)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/3/events", UriKind.Relative)) { Content = new StringContent(json, Encoding.UTF8, mediaType) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
            return (response, JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.Clone());
        }
        var unknownType = """{"type":"org.example.Unknown","specversion":"1.0","id":"x1","source":"//a","time":"2026-01-01T00:00:00Z","data":{}}""";
        var (r1, b1) = await Post(unknownType, PactCloudEvent.MediaType);
        AssertError(r1, b1, HttpStatusCode.BadRequest, "BadRequest");
        var wrongMedia = JsonSerializer.Serialize(PactCloudEvent.Published("x2", "//a", now, [Guid.NewGuid().ToString()]));
        var (r2, b2) = await Post(wrongMedia, "text/plain");
        AssertError(r2, b2, HttpStatusCode.BadRequest, "BadRequest");
        var (r3, b3) = await Post("{not json", PactCloudEvent.MediaType);
        AssertError(r3, b3, HttpStatusCode.BadRequest, "BadRequest");
    }
}
