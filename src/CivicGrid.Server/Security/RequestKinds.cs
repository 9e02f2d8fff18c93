using Microsoft.Net.Http.Headers;

namespace CivicGrid.Server.Security;

/// <summary>Tells machine requests (REST API, OpenAPI, metrics, health) from page navigations in a browser.</summary>
public static class RequestKinds
{
    private static readonly string[] MachinePrefixes = ["/api", "/openapi", "/metrics", "/health"];

    /// <summary>
    /// True for requests that should get RFC 9457 problem details and bare 401/403 status codes rather than
    /// a redirect to the login page or an HTML error page.
    /// </summary>
    public static bool IsMachineRequest(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (MachinePrefixes.Any(p => request.Path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase)))
        {
            return true;
        }
        if (request.Headers.ContainsKey(ApiKeyAuthenticationHandler.HeaderName))
        {
            return true;
        }
        var accept = request.Headers[HeaderNames.Accept].ToString();
        return !accept.Contains("text/html", StringComparison.OrdinalIgnoreCase);
    }
}
