using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CivicGrid.Platform.Supply;
using CivicGrid.Server.Hosting;
using CivicGrid.Supply.Footprints;
using CivicGrid.Supply.Pact;
using Microsoft.Extensions.Primitives;

namespace CivicGrid.Server.Api;

/// <summary>
/// The PACT Technical Specifications v3 HTTP API at the root paths the specification names: Action Authenticate
/// (<c>POST /auth/token</c>, OAuth2 client credentials), Action ListFootprints (<c>GET /3/footprints</c>, filtering and
/// Link-header pagination), Action GetFootprint (<c>GET /3/footprints/{id}</c>) and Action Events
/// (<c>POST /3/events</c>, CloudEvents). These endpoints use only the PACT bearer tokens issued by
/// <see cref="PactTokenService"/>: they are anonymous to the platform's cookie and API-key schemes and grant nothing else.
/// Errors are the specification's <c>{"code", "message"}</c> bodies (OAuth2 <c>{"error"}</c> bodies for the token endpoint).
/// </summary>
public static class PactEndpoints
{
    /// <summary>Page size when the recipient gives no <c>limit</c> (the host MAY return fewer, with a next link).</summary>
    public const int DefaultPageSize = 100;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static void MapPactEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet("/.well-known/openid-configuration", OpenIdConfiguration).AllowAnonymous().ExcludeFromDescription().WithTags("PACT");
        endpoints.MapPost("/auth/token", TokenAsync).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription().WithTags("PACT");
        endpoints.MapGet("/3/footprints", ListAsync).AllowAnonymous().ExcludeFromDescription().WithTags("PACT");
        endpoints.MapGet("/3/footprints/{id}", GetAsync).AllowAnonymous().ExcludeFromDescription().WithTags("PACT");
        endpoints.MapPost("/3/events", EventsAsync).AllowAnonymous().DisableAntiforgery().ExcludeFromDescription().WithTags("PACT");
    }

    /// <summary>
    /// The OpenID Provider Configuration Document the specification recommends, so clients discover the token endpoint
    /// (<c>/auth/token</c> here) instead of assuming it.
    /// </summary>
    private static IResult OpenIdConfiguration(HttpContext http)
    {
        var issuer = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}/";
        return Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = issuer,
            ["token_endpoint"] = issuer + "auth/token",
            ["grant_types_supported"] = new[] { "client_credentials" },
            ["token_endpoint_auth_methods_supported"] = new[] { "client_secret_basic", "client_secret_post" },
            ["response_types_supported"] = new[] { "token" },
        });
    }

    private static async Task<IResult> TokenAsync(HttpContext http, PactTokenService tokens, CancellationToken ct)
    {
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.Pragma = "no-cache";
        if (!http.Request.HasFormContentType)
        {
            return OAuthError(StatusCodes.Status400BadRequest, "invalid_request", "The body must be application/x-www-form-urlencoded.");
        }
        var form = await http.Request.ReadFormAsync(ct);
        string? clientId = null, secret = null;
        if (AuthenticationHeaderValue.TryParse(http.Request.Headers.Authorization, out var header) &&
            header.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase) && header.Parameter is { } parameter)
        {
            try
            {
                var pair = Encoding.UTF8.GetString(Convert.FromBase64String(parameter));
                var colon = pair.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0)
                {
                    // RFC 6749 §2.3.1: id and secret are form-urlencoded before Basic encoding.
                    clientId = Uri.UnescapeDataString(pair[..colon].Replace('+', ' '));
                    secret = Uri.UnescapeDataString(pair[(colon + 1)..].Replace('+', ' '));
                }
            }
            catch (FormatException)
            {
                clientId = null;
            }
        }
        else if (form.TryGetValue("client_id", out var id) && form.TryGetValue("client_secret", out var s))
        {
            clientId = id.ToString();
            secret = s.ToString();
        }
        var grant = form["grant_type"].ToString();
        if (grant.Length == 0)
        {
            return OAuthError(StatusCodes.Status400BadRequest, "invalid_request", "grant_type is missing.");
        }
        if (grant != "client_credentials")
        {
            return OAuthError(StatusCodes.Status400BadRequest, "unsupported_grant_type", "Only client_credentials is supported.");
        }
        var client = clientId is null || secret is null ? null : tokens.Authenticate(clientId, secret);
        if (client is null)
        {
            http.Response.Headers.WWWAuthenticate = "Basic realm=\"pact\"";
            return OAuthError(StatusCodes.Status401Unauthorized, "invalid_client", "Authentication failed");
        }
        var (token, lifetime) = tokens.Issue(client);
        return Results.Json(new Dictionary<string, object>
        {
            ["access_token"] = token,
            ["token_type"] = "bearer",
            ["expires_in"] = (long)lifetime.TotalSeconds,
            ["scope"] = string.Join(' ', client.Scopes),
        });
    }

    private static async Task<IResult> ListAsync(HttpContext http, PactTokenService tokens, SupplyChainService supply, CancellationToken ct)
    {
        var (client, denied) = Authorize(http, tokens, "footprint:list");
        if (denied is not null)
        {
            return denied;
        }
        var query = http.Request.Query;
        var filter = FootprintFilter.Parse(name => query.TryGetValue(name, out var v) ? v.Where(x => x is not null).Select(x => x!).ToList() : [], out var problem);
        if (filter is null)
        {
            return Error(StatusCodes.Status400BadRequest, "BadRequest", problem!);
        }
        if (!TryNonNegative(query, "limit", out var limit, positive: true) || !TryNonNegative(query, "offset", out var offset, positive: false))
        {
            return Error(StatusCodes.Status400BadRequest, "BadRequest", "limit must be a positive integer and offset a non-negative integer.");
        }
        try
        {
            var visible = await VisibleAsync(supply, client!, ct);
            var matching = visible.Where(filter.Matches).ToList();
            var size = Math.Min(limit ?? DefaultPageSize, DefaultPageSize);
            var start = offset ?? 0;
            var page = matching.Skip(start).Take(size).ToList();
            if (start + page.Count < matching.Count)
            {
                var next = filter.ToQuery().Append(new("limit", size.ToString(CultureInfo.InvariantCulture)))
                    .Append(new("offset", (start + page.Count).ToString(CultureInfo.InvariantCulture)));
                // Absolute, on the host the recipient called (the specification requires both).
                var target = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}/3/footprints?" +
                    string.Join("&", next.Select(kv => Uri.EscapeDataString(kv.Key) + "=" + Uri.EscapeDataString(kv.Value)));
                http.Response.Headers.Link = $"<{target}>; rel=\"next\"";
            }
            return Results.Json(new { data = page }, Json);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return Internal(http, ex);
        }
    }

    private static async Task<IResult> GetAsync(string id, HttpContext http, PactTokenService tokens, SupplyChainService supply, CancellationToken ct)
    {
        var (client, denied) = Authorize(http, tokens, "footprint:read");
        if (denied is not null)
        {
            return denied;
        }
        try
        {
            var footprint = (await supply.FootprintsAsync(ct)).FirstOrDefault(f => f.Id.Equals(id, StringComparison.OrdinalIgnoreCase));
            if (footprint is null)
            {
                return Error(StatusCodes.Status404NotFound, "NotFound", "The specified footprint does not exist.");
            }
            if (!client!.Allows(OrganisationOf(footprint)))
            {
                return Error(StatusCodes.Status403Forbidden, "AccessDenied", "Access denied");
            }
            return Results.Json(new { data = footprint }, Json);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return Internal(http, ex);
        }
    }

    private static async Task<IResult> EventsAsync(HttpContext http, PactTokenService tokens, SupplyChainService supply, PactEventDispatcher dispatcher, CancellationToken ct)
    {
        var (client, denied) = Authorize(http, tokens, "events:write");
        if (denied is not null)
        {
            return denied;
        }
        if (!MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var media) ||
            !string.Equals(media.MediaType, PactCloudEvent.MediaType, StringComparison.OrdinalIgnoreCase))
        {
            return Error(StatusCodes.Status400BadRequest, "BadRequest", $"Events are CloudEvents in structured mode: content type {PactCloudEvent.MediaType}.");
        }
        JsonElement body;
        string text;
        try
        {
            using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
            text = await reader.ReadToEndAsync(ct);
            using var document = JsonDocument.Parse(text);
            body = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            return Error(StatusCodes.Status400BadRequest, "BadRequest", "The body is not JSON: " + ex.Message);
        }
        var violations = PactSchema.ValidateEvent(body);
        if (violations.Count > 0)
        {
            return Error(StatusCodes.Status400BadRequest, "BadRequest", "The event does not conform to the PACT v3 events schema: " + string.Join("; ", violations.Take(10)));
        }
        try
        {
            var isNew = await supply.RecordPactEventAsync(body.GetProperty("id").GetString()!, body.GetProperty("source").GetString()!,
                body.GetProperty("type").GetString()!, client!.ClientId, text, ct);
            if (isNew && body.GetProperty("type").GetString() == PactSchema.RequestCreatedEventType)
            {
                // Acknowledged now; the answer is computed and posted to the requester's events endpoint asynchronously.
                var own = tokens.Options.PublicBaseUrl is { } configured
                    ? PactRequestResponder.EndpointKey(new Uri(new Uri(configured.AbsoluteUri.TrimEnd('/') + "/"), "3/events"))
                    : $"//{http.Request.Host}{http.Request.PathBase}/3/events";
                dispatcher.Enqueue(body, client, own);
            }
            return Results.Ok();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return Internal(http, ex);
        }
    }

    private static async Task<IReadOnlyList<ProductFootprint>> VisibleAsync(SupplyChainService supply, PactClientRegistration client, CancellationToken ct) =>
        [.. (await supply.FootprintsAsync(ct)).Where(f => client.Allows(OrganisationOf(f)))];

    private static string OrganisationOf(ProductFootprint footprint) =>
        footprint.CompanyIds.Select(c => c.StartsWith("urn:civicgrid:organisation:", StringComparison.Ordinal) ? c["urn:civicgrid:organisation:".Length..] : null)
            .FirstOrDefault(c => c is not null) ?? "";

    /// <summary>
    /// Checks the bearer token: none or unknown → 400 BadRequest (as the PACT conformance tests expect), expired → 401
    /// TokenExpired, a client without the scope → 403 AccessDenied.
    /// </summary>
    private static (PactClientRegistration? Client, IResult? Denied) Authorize(HttpContext http, PactTokenService tokens, string scope)
    {
        if (!AuthenticationHeaderValue.TryParse(http.Request.Headers.Authorization, out var header) ||
            !header.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase) || string.IsNullOrEmpty(header.Parameter))
        {
            http.Response.Headers.WWWAuthenticate = "Bearer realm=\"pact\"";
            return (null, Error(StatusCodes.Status400BadRequest, "BadRequest", "A bearer access token from /auth/token is required."));
        }
        var (state, client) = tokens.Check(header.Parameter);
        switch (state)
        {
            case PactTokenState.Expired:
                http.Response.Headers.WWWAuthenticate = "Bearer realm=\"pact\", error=\"invalid_token\", error_description=\"The access token expired\"";
                return (null, Error(StatusCodes.Status401Unauthorized, "TokenExpired", "The specified access token has expired"));
            case PactTokenState.Invalid:
                http.Response.Headers.WWWAuthenticate = "Bearer realm=\"pact\", error=\"invalid_token\"";
                return (null, Error(StatusCodes.Status400BadRequest, "BadRequest", "Invalid token provided"));
        }
        return client!.Scopes.Contains(scope, StringComparer.Ordinal)
            ? (client, null)
            : (null, Error(StatusCodes.Status403Forbidden, "AccessDenied", $"The client is not granted {scope}."));
    }

    private static bool TryNonNegative(IQueryCollection query, string name, out int? value, bool positive)
    {
        value = null;
        if (!query.TryGetValue(name, out StringValues raw))
        {
            return true;
        }
        if (raw.Count != 1 || !int.TryParse(raw[0], NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || (positive && parsed == 0))
        {
            return false;
        }
        value = parsed;
        return true;
    }

    private static IResult Error(int status, string code, string message) =>
        Results.Json(new { code, message }, statusCode: status);

    private static IResult OAuthError(int status, string error, string description) =>
        Results.Json(new Dictionary<string, string> { ["error"] = error, ["error_description"] = description }, statusCode: status);

    private static IResult Internal(HttpContext http, Exception ex)
    {
        http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(PactEndpoints)).LogError(ex, "PACT request failed");
        return Error(StatusCodes.Status500InternalServerError, "InternalError", "An internal or unexpected error has occurred");
    }
}
