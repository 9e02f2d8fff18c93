using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CivicGrid.Supply.Footprints;

namespace CivicGrid.Supply.Pact;

/// <summary>What a PACT host answered with an error: HTTP status, the <c>Error.code</c> (or OAuth2 <c>error</c>) and message.</summary>
public sealed class PactClientException : Exception
{
    public PactClientException(string message, HttpStatusCode? status = null, string? code = null, IReadOnlyList<string>? violations = null, Exception? inner = null)
        : base(message, inner)
    {
        Status = status;
        Code = code;
        Violations = violations ?? [];
    }

    public PactClientException()
        : this("PACT request failed")
    {
    }

    public PactClientException(string message)
        : this(message, (HttpStatusCode?)null)
    {
    }

    public PactClientException(string message, Exception innerException)
        : this(message, null, null, null, innerException)
    {
    }

    public HttpStatusCode? Status { get; }

    /// <summary>PACT error code (BadRequest, TokenExpired …) or OAuth2 error (invalid_client …) when the body carried one.</summary>
    public string? Code { get; }

    /// <summary>Schema violations of the response, when the failure is a non-conforming answer.</summary>
    public IReadOnlyList<string> Violations { get; }
}

/// <summary>The footprints fetched by following pagination, with the pages read and any schema violations found.</summary>
public sealed record PactListResult(IReadOnlyList<ProductFootprint> Footprints, int Pages, IReadOnlyList<string> Violations);

/// <summary>
/// A PACT v3 data-recipient client: authenticates with OAuth2 client credentials (RFC 6749 §4.4, HTTP Basic), lists
/// footprints following RFC 8288 <c>Link: rel="next"</c> pagination, gets single footprints and posts CloudEvents.
/// Every response body is checked with <see cref="PactSchema"/>; a token that expired is renewed once.
/// </summary>
public sealed class PactClient
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly HttpClient _http;
    private readonly Uri _base;
    private readonly Uri _authBase;
    private readonly string _clientId;
    private readonly string _clientSecret;
    private string? _token;

    /// <param name="http">The HTTP client (its own base address is not used).</param>
    /// <param name="baseUri">The host system's base URL (with its subpath, if any).</param>
    /// <param name="clientId">OAuth2 client id issued by the data owner.</param>
    /// <param name="clientSecret">OAuth2 client secret.</param>
    /// <param name="authBaseUri">Where <c>/auth/token</c> lives when it differs from <paramref name="baseUri"/>.</param>
    public PactClient(HttpClient http, Uri baseUri, string clientId, string clientSecret, Uri? authBaseUri = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(baseUri);
        _http = http;
        _base = WithSlash(baseUri);
        _authBase = WithSlash(authBaseUri ?? baseUri);
        _clientId = clientId;
        _clientSecret = clientSecret;
    }

    /// <summary>The token endpoint in use: found through OpenID discovery, else <c>$auth-base-url$/auth/token</c> (null before the first authentication).</summary>
    public Uri? TokenEndpoint { get; private set; }

    /// <summary>
    /// Finds the token endpoint as the specification asks: the <c>token_endpoint</c> of the OpenID Provider
    /// Configuration Document at <c>$auth-base-url$/.well-known/openid-configuration</c> when the host offers one,
    /// otherwise <c>$auth-base-url$/auth/token</c>.
    /// </summary>
    public async Task<Uri> DiscoverTokenEndpointAsync(CancellationToken ct)
    {
        if (TokenEndpoint is { } known)
        {
            return known;
        }
        var fallback = new Uri(_authBase, "auth/token");
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_authBase, ".well-known/openid-configuration"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await Send(request, ct).ConfigureAwait(false);
        Uri endpoint = fallback;
        if (response.IsSuccessStatusCode && await ReadJson(response, ct).ConfigureAwait(false) is { ValueKind: JsonValueKind.Object } document
            && document.TryGetProperty("token_endpoint", out var token) && token.ValueKind == JsonValueKind.String)
        {
            if (!Uri.TryCreate(token.GetString(), UriKind.Absolute, out var discovered) || (discovered.Scheme != Uri.UriSchemeHttps && discovered.Scheme != Uri.UriSchemeHttp))
            {
                throw new PactClientException($"the OpenID configuration names token_endpoint '{token.GetString()}', which is not an absolute http(s) URL");
            }
            endpoint = discovered;
        }
        TokenEndpoint = endpoint;
        return endpoint;
    }

    /// <summary>Requests an access token from the token endpoint (found by discovery) and keeps it for later calls.</summary>
    public async Task<string> AuthenticateAsync(CancellationToken ct)
    {
        var tokenEndpoint = await DiscoverTokenEndpointAsync(ct).ConfigureAwait(false);
        using var request = new HttpRequestMessage(HttpMethod.Post, tokenEndpoint)
        {
            Content = new FormUrlEncodedContent([new KeyValuePair<string, string>("grant_type", "client_credentials")]),
        };
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.EscapeDataString(_clientId) + ":" + Uri.EscapeDataString(_clientSecret)));
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", basic);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await Send(request, ct).ConfigureAwait(false);
        var body = await ReadJson(response, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var code = body is { ValueKind: JsonValueKind.Object } b && b.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
            var violations = body is { } x ? PactSchema.ValidateOAuthError(x) : ["$: the error response has no JSON body"];
            throw new PactClientException($"authentication failed with HTTP {(int)response.StatusCode}" + (code is null ? "" : $" ({code})"), response.StatusCode, code, violations);
        }
        if (body is not { } token || PactSchema.ValidateTokenResponse(token) is { Count: > 0 } problems)
        {
            throw new PactClientException("the token response does not conform to RFC 6749 §5.1", response.StatusCode, null,
                body is null ? ["$: not JSON"] : PactSchema.ValidateTokenResponse(body.Value));
        }
        _token = token.GetProperty("access_token").GetString()!;
        return _token;
    }

    /// <summary>
    /// Lists footprints meeting <paramref name="filter"/>, <paramref name="limit"/> per page, following pagination links
    /// for at most <paramref name="maxPages"/> pages. Throws when a page is refused, is not valid JSON, or a pagination
    /// link breaks the specification (relative, another host, a loop); schema violations of footprints are collected.
    /// </summary>
    public async Task<PactListResult> ListAsync(FootprintFilter? filter, int? limit, int maxPages, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxPages);
        var query = (filter ?? new FootprintFilter()).ToQuery().ToList();
        if (limit is { } l)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(l);
            query.Add(new("limit", l.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        var first = new Uri(_base, "3/footprints" + (query.Count == 0 ? "" : "?" + string.Join("&", query.Select(kv => Uri.EscapeDataString(kv.Key) + "=" + Uri.EscapeDataString(kv.Value)))));
        var footprints = new List<ProductFootprint>();
        var violations = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        Uri? next = first;
        var pages = 0;
        while (next is not null && pages < maxPages)
        {
            if (!seen.Add(next.AbsoluteUri))
            {
                throw new PactClientException($"pagination loops back to {next}");
            }
            var (body, headers) = await GetJson(next, ct).ConfigureAwait(false);
            pages++;
            var page = PactSchema.ValidateListResponse(body);
            violations.AddRange(page.Select(p => $"page {pages}: {p}"));
            if (body.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array)
            {
                var count = 0;
                foreach (var item in data.EnumerateArray())
                {
                    count++;
                    if (PactSchema.ValidateProductFootprint(item).Count == 0)
                    {
                        footprints.Add(item.Deserialize<ProductFootprint>(Json)!);
                    }
                }
                if (limit is { } max && count > max)
                {
                    violations.Add($"page {pages}: {count} footprints returned although limit was {max}");
                }
            }
            next = NextLink(headers, first);
        }
        return new PactListResult(footprints, pages, violations);
    }

    /// <summary>Gets one footprint by id; throws <see cref="PactClientException"/> (e.g. code NotFound) when refused.</summary>
    public async Task<ProductFootprint> GetAsync(string id, CancellationToken ct)
    {
        var (body, _) = await GetJson(new Uri(_base, "3/footprints/" + Uri.EscapeDataString(id)), ct).ConfigureAwait(false);
        if (PactSchema.ValidateGetResponse(body) is { Count: > 0 } violations)
        {
            throw new PactClientException($"footprint {id} does not conform to the PACT v3 schema", HttpStatusCode.OK, null, violations);
        }
        return body.GetProperty("data").Deserialize<ProductFootprint>(Json)!;
    }

    /// <summary>Posts a CloudEvent to Action Events; returns when the host answered 200.</summary>
    public async Task PostEventAsync(PactCloudEvent cloudEvent, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(cloudEvent);
        var payload = JsonSerializer.Serialize(cloudEvent, Json);
        using var response = await Authorized(() => new HttpRequestMessage(HttpMethod.Post, new Uri(_base, "3/events"))
        {
            Content = new StringContent(payload, Encoding.UTF8, PactCloudEvent.MediaType),
        }, ct).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw await Failure(response, ct).ConfigureAwait(false);
        }
    }

    private async Task<(JsonElement Body, HttpResponseHeaders Headers)> GetJson(Uri uri, CancellationToken ct)
    {
        using var response = await Authorized(() => new HttpRequestMessage(HttpMethod.Get, uri), ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw await Failure(response, ct).ConfigureAwait(false);
        }
        var body = await ReadJson(response, ct).ConfigureAwait(false)
            ?? throw new PactClientException($"{uri} answered {(int)response.StatusCode} without a JSON body", response.StatusCode);
        return (body, response.Headers);
    }

    private async Task<HttpResponseMessage> Authorized(Func<HttpRequestMessage> create, CancellationToken ct)
    {
        _token ??= await AuthenticateAsync(ct).ConfigureAwait(false);
        for (var attempt = 0; ; attempt++)
        {
            using var request = create();
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            var response = await Send(request, ct).ConfigureAwait(false);
            if (attempt == 0 && response.StatusCode == HttpStatusCode.Unauthorized)
            {
                // A token that expired is renewed once (the specification: recipients MUST get a new token).
                response.Dispose();
                _token = await AuthenticateAsync(ct).ConfigureAwait(false);
                continue;
            }
            return response;
        }
    }

    private async Task<HttpResponseMessage> Send(HttpRequestMessage request, CancellationToken ct)
    {
        try
        {
            return await _http.SendAsync(request, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new PactClientException($"{request.RequestUri}: {ex.Message}", ex);
        }
    }

    private static async Task<PactClientException> Failure(HttpResponseMessage response, CancellationToken ct)
    {
        var body = await ReadJson(response, ct).ConfigureAwait(false);
        var violations = body is { } b ? PactSchema.ValidateError(b) : ["$: the error response has no JSON body"];
        var code = violations.Count == 0 ? body!.Value.GetProperty("code").GetString() : null;
        var message = violations.Count == 0 ? body!.Value.GetProperty("message").GetString() : null;
        return new PactClientException(
            $"{response.RequestMessage?.RequestUri} answered HTTP {(int)response.StatusCode}" + (code is null ? "" : $" {code}: {message}"),
            response.StatusCode, code, violations);
    }

    private static async Task<JsonElement?> ReadJson(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The <c>rel="next"</c> target of an RFC 8288 Link header; it must be absolute and on the original host.</summary>
    internal static Uri? NextLink(HttpResponseHeaders headers, Uri original)
    {
        if (!headers.TryGetValues("Link", out var values))
        {
            return null;
        }
        foreach (var link in values.SelectMany(SplitLinks))
        {
            var close = link.IndexOf('>', StringComparison.Ordinal);
            if (!link.StartsWith('<') || close < 0)
            {
                throw new PactClientException($"malformed Link header value '{link}'");
            }
            var target = link[1..close];
            var parameters = link[(close + 1)..].Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            var isNext = parameters.Any(p => p.Replace(" ", "", StringComparison.Ordinal) is "rel=\"next\"" or "rel=next");
            if (!isNext)
            {
                continue;
            }
            // On Unix "/path" parses as an absolute file: URI, so the scheme is checked too.
            if (!Uri.TryCreate(target, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            {
                throw new PactClientException($"pagination link '{target}' is not absolute, as the specification requires");
            }
            if (!string.Equals(uri.Authority, original.Authority, StringComparison.OrdinalIgnoreCase))
            {
                throw new PactClientException($"pagination link '{target}' points to another host than the request ({original.Authority})");
            }
            return uri;
        }
        return null;
    }

    private static IEnumerable<string> SplitLinks(string header)
    {
        // Commas separate link values, except inside <…> or quotes.
        var start = 0;
        var inUri = false;
        var inQuote = false;
        for (var i = 0; i < header.Length; i++)
        {
            switch (header[i])
            {
                case '<' when !inQuote: inUri = true; break;
                case '>' when !inQuote: inUri = false; break;
                case '"' when !inUri: inQuote = !inQuote; break;
                case ',' when !inUri && !inQuote:
                    yield return header[start..i].Trim();
                    start = i + 1;
                    break;
            }
        }
        if (start < header.Length)
        {
            yield return header[start..].Trim();
        }
    }

    private static Uri WithSlash(Uri uri) => uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
}
