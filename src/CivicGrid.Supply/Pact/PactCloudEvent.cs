using System.Text.Json;
using System.Text.Json.Serialization;
using CivicGrid.Supply.Footprints;

namespace CivicGrid.Supply.Pact;

/// <summary>
/// A CloudEvents 1.0 event in structured JSON mode, as Action Events exchanges them
/// (<c>application/cloudevents+json</c>). <see cref="Data"/> is kept as JSON; its shape depends on <see cref="Type"/>.
/// </summary>
public sealed record PactCloudEvent
{
    [JsonPropertyName("type")] public required string Type { get; init; }

    [JsonPropertyName("specversion")] public string SpecVersion { get; init; } = "1.0";

    [JsonPropertyName("id")] public required string Id { get; init; }

    [JsonPropertyName("source")] public required string Source { get; init; }

    [JsonPropertyName("time")] public required DateTimeOffset Time { get; init; }

    [JsonPropertyName("data")] public required JsonElement Data { get; init; }

    /// <summary>The media type of a structured-mode CloudEvent.</summary>
    public const string MediaType = "application/cloudevents+json";

    /// <summary>A RequestCreatedEvent asking for footprints that meet <paramref name="filter"/>.</summary>
    public static PactCloudEvent RequestCreated(string id, string source, DateTimeOffset time, FootprintFilter filter, string? comment = null)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var group in filter.ToQuery().GroupBy(kv => kv.Key, StringComparer.Ordinal))
        {
            data[group.Key] = group.Key is "productId" or "companyId" or "geography" or "classification"
                ? group.Select(kv => kv.Value).ToArray()
                : group.First().Value;
        }
        if (comment is not null)
        {
            data["comment"] = comment;
        }
        return new PactCloudEvent { Type = PactSchema.RequestCreatedEventType, Id = id, Source = source, Time = time, Data = JsonSerializer.SerializeToElement(data) };
    }

    /// <summary>A RequestFulfilledEvent answering the request <paramref name="requestEventId"/> with footprints.</summary>
    public static PactCloudEvent RequestFulfilled(string id, string source, DateTimeOffset time, string requestEventId, IReadOnlyList<ProductFootprint> footprints) =>
        new()
        {
            Type = PactSchema.RequestFulfilledEventType,
            Id = id,
            Source = source,
            Time = time,
            Data = JsonSerializer.SerializeToElement(new Dictionary<string, object> { ["requestEventId"] = requestEventId, ["pfs"] = footprints }),
        };

    /// <summary>A RequestRejectedEvent answering the request <paramref name="requestEventId"/> with a PACT error (<c>code</c>, <c>message</c>).</summary>
    public static PactCloudEvent RequestRejected(string id, string source, DateTimeOffset time, string requestEventId, string code, string message) =>
        new()
        {
            Type = PactSchema.RequestRejectedEventType,
            Id = id,
            Source = source,
            Time = time,
            Data = JsonSerializer.SerializeToElement(new Dictionary<string, object>
            {
                ["requestEventId"] = requestEventId,
                ["error"] = new Dictionary<string, string> { ["code"] = code, ["message"] = message },
            }),
        };

    /// <summary>A PublishedEvent naming new or updated footprints.</summary>
    public static PactCloudEvent Published(string id, string source, DateTimeOffset time, IReadOnlyList<string> footprintIds) =>
        new() { Type = PactSchema.PublishedEventType, Id = id, Source = source, Time = time, Data = JsonSerializer.SerializeToElement(new { pfIds = footprintIds }) };
}
