using System.Text.Json;
using CivicGrid.Supply.Footprints;

namespace CivicGrid.Supply.Pact;

/// <summary>
/// Answers a PACT v3 RequestCreatedEvent (Action Events, asynchronous request/response): the footprints that the
/// requester may see and that meet the request's criteria go back in a RequestFulfilledEvent; a request none meets
/// gets a RequestRejectedEvent with the specification's <c>NotFound</c> error, and a malformed criterion a
/// <c>BadRequest</c> one. The answer is addressed to the requester's events endpoint, the request's <c>source</c>.
/// </summary>
public static class PactRequestResponder
{
    /// <summary>The answer to <paramref name="request"/> (a RequestCreatedEvent already checked against the events schema).</summary>
    /// <param name="request">The received CloudEvent.</param>
    /// <param name="visible">The footprints the requesting client may see.</param>
    /// <param name="source">This host's own events endpoint (the answer's <c>source</c>), e.g. <c>//pact.city.example/3/events</c>.</param>
    /// <param name="id">The answer's event id.</param>
    /// <param name="time">When the answer is made.</param>
    public static PactCloudEvent Respond(JsonElement request, IReadOnlyList<ProductFootprint> visible, string source, string id, DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(visible);
        var requestId = request.GetProperty("id").GetString()!;
        var data = request.GetProperty("data");
        var filter = FootprintFilter.Parse(name => Values(data, name), out var error);
        if (filter is null)
        {
            return PactCloudEvent.RequestRejected(id, source, time, requestId, "BadRequest", error ?? "The request's criteria are malformed.");
        }
        var matches = visible.Where(filter.Matches).ToList();
        return matches.Count == 0
            ? PactCloudEvent.RequestRejected(id, source, time, requestId, "NotFound", "No footprint available to you meets the request's criteria.")
            : PactCloudEvent.RequestFulfilled(id, source, time, requestId, matches);
    }

    /// <summary>
    /// The events endpoint a CloudEvent <c>source</c> names: a scheme-relative reference such as
    /// <c>//api.recipient.org/3/events</c> (https assumed unless <paramref name="defaultScheme"/> says otherwise) or an
    /// absolute http(s) URL. Null when the source is not such a reference.
    /// </summary>
    public static Uri? EventsEndpoint(string source, string defaultScheme = "https")
    {
        ArgumentNullException.ThrowIfNull(source);
        var text = source.StartsWith("//", StringComparison.Ordinal) ? defaultScheme + ":" + source : source;
        return Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) && uri.Host.Length > 0
            ? uri
            : null;
    }

    /// <summary>A comparison key of an events endpoint that ignores the scheme and a trailing slash: <c>//host:port/path</c>.</summary>
    public static string EndpointKey(Uri endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return "//" + endpoint.Authority.ToLowerInvariant() + endpoint.AbsolutePath.TrimEnd('/');
    }

    private static List<string> Values(JsonElement data, string name)
    {
        if (!data.TryGetProperty(name, out var value))
        {
            return [];
        }
        return value.ValueKind switch
        {
            JsonValueKind.Array => [.. value.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? v.GetString()! : v.GetRawText())],
            JsonValueKind.String => [value.GetString()!],
            _ => [value.GetRawText()],
        };
    }
}
