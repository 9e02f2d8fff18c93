using System.Net;
using CivicGrid.Platform;
using CivicGrid.Server.Tests.Infrastructure;
using Xunit;

namespace CivicGrid.Server.Tests;

/// <summary>The OpenAPI document, metrics, and what browsers get for pages and errors.</summary>
[Collection(SqliteServerCollection.Name)]
public sealed class EndpointSurfaceTests(SqliteServerFixture fixture)
{
    [Fact]
    public async Task OpenApi_document_describes_every_endpoint_family_and_the_api_key()
    {
        var server = await fixture.ServerAsync();
        using var client = server.CreateApiClient();
        var document = await (await client.GetAtAsync("/openapi/v1.json")).JsonAsync();
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        foreach (var expected in new[] { "/api/status", "/api/regions", "/api/regions/{regionId}", "/api/assets", "/api/decisions", "/api/accounts", "/api/accounts/{id}/api-keys", "/api/api-keys/{keyId}" })
        {
            Assert.Contains(expected, paths);
        }
        var tags = document.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject())
            .SelectMany(op => op.Value.GetProperty("tags").EnumerateArray().Select(t => t.GetString()))
            .Distinct().ToList();
        Assert.Equivalent(new[] { "Status", "Regions", "Assets", "Decisions", "Accounts" }, tags);
        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey");
        Assert.Equal("X-Api-Key", scheme.GetProperty("name").GetString());
        Assert.DoesNotContain(paths, p => p.StartsWith("/account/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Metrics_are_exposed_in_prometheus_format_to_auditors()
    {
        var server = await fixture.ServerAsync();
        var auditor = await server.CreateAccountAsync("metrics-auditor", [PlatformRoles.Auditor]);
        using var client = server.CreateApiClient(auditor.ApiKey);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAtAsync("/api/status")).StatusCode);
        var response = await client.GetAtAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("http_server_request_duration_seconds", text, StringComparison.Ordinal);
        Assert.Contains("civicgrid_api_keys_authentications", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Browser_asking_for_a_page_is_sent_to_login_while_api_gets_401()
    {
        var server = await fixture.ServerAsync();
        using var client = server.CreateApiClient();
        using var page = new HttpRequestMessage(HttpMethod.Get, new Uri("/water", UriKind.Relative));
        page.Headers.Accept.ParseAdd("text/html");
        var response = await client.SendAsync(page, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/login", response.Headers.Location?.PathAndQuery ?? response.Headers.Location?.OriginalString, StringComparison.Ordinal);

        using var api = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/regions", UriKind.Relative));
        api.Headers.Accept.ParseAdd("text/html");
        await HttpAssertions.AssertProblemAsync(await client.SendAsync(api, TestContext.Current.CancellationToken), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Login_page_and_static_assets_are_served_to_anonymous_visitors()
    {
        var server = await fixture.ServerAsync();
        using var client = server.CreateApiClient();
        var login = await client.GetAtAsync("/account/login");
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var html = await login.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("id=\"sign-in\"", html, StringComparison.Ordinal);
        Assert.Contains("__RequestVerificationToken", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAtAsync("/app.css")).StatusCode);
    }

    [Fact]
    public async Task Malformed_json_body_is_a_400_problem()
    {
        var server = await fixture.ServerAsync();
        var regions = await server.RegionIdsAsync();
        var op = await server.CreateAccountAsync("malformed-operator", [PlatformRoles.Operator], [regions[0]]);
        using var client = server.CreateApiClient(op.ApiKey);
        using var content = new StringContent("{ \"kind\": ", System.Text.Encoding.UTF8, "application/json");
        var response = await client.PostAsync(new Uri("/api/decisions", UriKind.Relative), content, TestContext.Current.CancellationToken);
        await HttpAssertions.AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }
}
