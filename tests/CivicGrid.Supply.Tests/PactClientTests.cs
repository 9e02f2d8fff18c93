using System.Net;
using System.Text;
using System.Text.Json;
using CivicGrid.Supply.Footprints;
using CivicGrid.Supply.Pact;
using CivicGrid.Supply.Provenance;
using Xunit;

namespace CivicGrid.Supply.Tests;

/// <summary>The PACT client against a scripted host: authentication, pagination by Link header, errors and token renewal.</summary>
public class PactClientTests
{
    private static readonly Uri Base = new("https://owner.example/pact/");

    private static IReadOnlyList<ProductFootprint> Footprints(int count)
    {
        using var f = new ChainFixture();
        var list = new List<ProductFootprint>();
        for (var i = 0; i < count; i++)
        {
            f.Apply(f.Mine($"c{i}", 1000 + i));
            f.Apply(new LotTransfer("mine", f.Next("mine"), ChainFixture.T0.AddDays(1), $"c{i}", "refiner", "plant", 20));
            list.Add(FootprintAggregator.ForLot(f.Registry, $"c{i}", ChainFixture.T0.AddDays(2), "mine"));
        }
        return list;
    }

    /// <summary>
    /// Answers requests with a function of the request; records what was asked. Unless <paramref name="discovery"/> is
    /// given, the host offers no OpenID configuration (404), so clients fall back to <c>/auth/token</c>.
    /// </summary>
    private sealed class ScriptedHost(Func<HttpRequestMessage, HttpResponseMessage> answer, Func<HttpRequestMessage, HttpResponseMessage>? discovery = null) : HttpMessageHandler
    {
        public List<string> Requests { get; } = [];

        public int DiscoveryRequests { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri!.AbsolutePath.EndsWith("/.well-known/openid-configuration", StringComparison.Ordinal))
            {
                DiscoveryRequests++;
                return Task.FromResult(discovery?.Invoke(request) ?? new HttpResponseMessage(HttpStatusCode.NotFound));
            }
            Requests.Add($"{request.Method} {request.RequestUri!.PathAndQuery} {request.Headers.Authorization}");
            return Task.FromResult(answer(request));
        }
    }

    private static HttpResponseMessage Json(HttpStatusCode status, object body) =>
        new(status) { Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json") };

    private static HttpResponseMessage Token(string token = "t1") => Json(HttpStatusCode.OK, new { access_token = token, token_type = "bearer", expires_in = 3600 });

    [Fact]
    public async Task Listing_follows_next_links_until_the_last_page()
    {
        var all = Footprints(5);
        var host = new ScriptedHost(request =>
        {
            if (request.RequestUri!.AbsolutePath.EndsWith("/auth/token", StringComparison.Ordinal))
            {
                Assert.Equal("Basic", request.Headers.Authorization!.Scheme);
                Assert.Equal("grant_type=client_credentials", request.Content!.ReadAsStringAsync().Result);
                return Token();
            }
            var query = System.Web.HttpUtility.ParseQueryString(request.RequestUri.Query);
            var offset = int.Parse(query["offset"] ?? "0", System.Globalization.CultureInfo.InvariantCulture);
            var limit = int.Parse(query["limit"]!, System.Globalization.CultureInfo.InvariantCulture);
            var response = Json(HttpStatusCode.OK, new { data = all.Skip(offset).Take(limit) });
            if (offset + limit < all.Count)
            {
                response.Headers.Add("Link", $"<https://owner.example/pact/3/footprints?limit={limit}&offset={offset + limit}>; rel=\"next\"");
            }
            return response;
        });
        var client = new PactClient(new HttpClient(host), Base, "recipient", "secret");
        var result = await client.ListAsync(null, 2, 10, TestContext.Current.CancellationToken);
        Assert.Equal(3, result.Pages);
        Assert.Empty(result.Violations);
        Assert.Equal(all.Select(f => f.Id), result.Footprints.Select(f => f.Id));
        Assert.All(host.Requests.Skip(1), r => Assert.EndsWith("Bearer t1", r, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("</pact/3/footprints?offset=2>; rel=\"next\"", "not absolute")]
    [InlineData("<https://elsewhere.example/3/footprints?offset=2>; rel=\"next\"", "another host")]
    public async Task Pagination_links_that_break_the_specification_are_refused(string link, string reason)
    {
        var host = new ScriptedHost(request =>
        {
            if (request.RequestUri!.AbsolutePath.EndsWith("/auth/token", StringComparison.Ordinal))
            {
                return Token();
            }
            var response = Json(HttpStatusCode.OK, new { data = Array.Empty<object>() });
            response.Headers.TryAddWithoutValidation("Link", link);
            return response;
        });
        var client = new PactClient(new HttpClient(host), Base, "recipient", "secret");
        var ex = await Assert.ThrowsAsync<PactClientException>(() => client.ListAsync(null, 2, 10, TestContext.Current.CancellationToken));
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Non_conforming_footprints_are_reported_not_returned()
    {
        var good = Footprints(1)[0];
        var host = new ScriptedHost(request => request.RequestUri!.AbsolutePath.EndsWith("/auth/token", StringComparison.Ordinal)
            ? Token()
            : Json(HttpStatusCode.OK, new { data = new object[] { good, new { id = "x" } } }));
        var client = new PactClient(new HttpClient(host), Base, "recipient", "secret");
        var result = await client.ListAsync(null, null, 1, TestContext.Current.CancellationToken);
        Assert.Equal([good.Id], result.Footprints.Select(f => f.Id));
        Assert.Contains(result.Violations, v => v.Contains("$.data[1].id", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_expired_token_is_renewed_once()
    {
        var tokens = 0;
        var pf = Footprints(1)[0];
        var host = new ScriptedHost(request =>
        {
            if (request.RequestUri!.AbsolutePath.EndsWith("/auth/token", StringComparison.Ordinal))
            {
                return Token("t" + ++tokens);
            }
            return request.Headers.Authorization!.Parameter == "t1"
                ? Json(HttpStatusCode.Unauthorized, new { code = "TokenExpired", message = "The specified access token has expired" })
                : Json(HttpStatusCode.OK, new { data = pf });
        });
        var client = new PactClient(new HttpClient(host), Base, "recipient", "secret");
        var got = await client.GetAsync(pf.Id, TestContext.Current.CancellationToken);
        Assert.Equal(pf.Id, got.Id);
        Assert.Equal(2, tokens);
    }

    [Fact]
    public async Task Error_responses_surface_their_code_and_refused_credentials_their_oauth_error()
    {
        var host = new ScriptedHost(request => request.RequestUri!.AbsolutePath.EndsWith("/auth/token", StringComparison.Ordinal)
            ? Token()
            : Json(HttpStatusCode.NotFound, new { code = "NotFound", message = "The specified footprint does not exist." }));
        var client = new PactClient(new HttpClient(host), Base, "recipient", "secret");
        var ex = await Assert.ThrowsAsync<PactClientException>(() => client.GetAsync(Guid.NewGuid().ToString(), TestContext.Current.CancellationToken));
        Assert.Equal(HttpStatusCode.NotFound, ex.Status);
        Assert.Equal("NotFound", ex.Code);

        var refusing = new ScriptedHost(_ => Json(HttpStatusCode.Unauthorized, new { error = "invalid_client", error_description = "Authentication failed" }));
        var denied = await Assert.ThrowsAsync<PactClientException>(() => new PactClient(new HttpClient(refusing), Base, "x", "y").AuthenticateAsync(TestContext.Current.CancellationToken));
        Assert.Equal("invalid_client", denied.Code);
        Assert.Empty(denied.Violations);
    }

    [Fact]
    public async Task Token_endpoint_is_discovered_from_the_openid_configuration_once()
    {
        var host = new ScriptedHost(
            request => request.RequestUri!.AbsoluteUri == "https://id.example/oauth2/token" ? Token("d1") : Json(HttpStatusCode.OK, new { data = Array.Empty<object>() }),
            _ => Json(HttpStatusCode.OK, new { issuer = "https://id.example/", token_endpoint = "https://id.example/oauth2/token" }));
        var client = new PactClient(new HttpClient(host), Base, "recipient", "secret");
        var result = await client.ListAsync(null, 10, 1, TestContext.Current.CancellationToken);
        Assert.Empty(result.Footprints);
        Assert.Equal(new Uri("https://id.example/oauth2/token"), client.TokenEndpoint);
        Assert.Equal("POST /oauth2/token Basic cmVjaXBpZW50OnNlY3JldA==", host.Requests[0]);
        Assert.EndsWith("Bearer d1", host.Requests[1], StringComparison.Ordinal);
        await client.AuthenticateAsync(TestContext.Current.CancellationToken);
        Assert.Equal(1, host.DiscoveryRequests);
    }

    [Fact]
    public async Task Without_an_openid_configuration_the_client_uses_auth_token_under_the_auth_base()
    {
        var host = new ScriptedHost(_ => Token());
        var client = new PactClient(new HttpClient(host), Base, "recipient", "secret");
        await client.AuthenticateAsync(TestContext.Current.CancellationToken);
        Assert.Equal(new Uri(Base, "auth/token"), client.TokenEndpoint);
        Assert.StartsWith("POST /pact/auth/token", host.Requests[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_endpoint_that_is_not_an_absolute_url_is_refused()
    {
        var host = new ScriptedHost(_ => Token(), _ => Json(HttpStatusCode.OK, new { token_endpoint = "/relative" }));
        var client = new PactClient(new HttpClient(host), Base, "recipient", "secret");
        var ex = await Assert.ThrowsAsync<PactClientException>(() => client.AuthenticateAsync(TestContext.Current.CancellationToken));
        Assert.Contains("token_endpoint", ex.Message, StringComparison.Ordinal);
    }
}
