using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CivicGrid.Platform.Ngsi;

/// <summary>Which entities a subscription watches: a type, and optionally an id or an id pattern.</summary>
public sealed record NgsiEntitySelector(string? Type, string? Id, Regex? IdPattern)
{
    public bool Matches(string id, string type) =>
        (Type is null || Type == type) && (Id is null || Id == id) && (IdPattern is null || IdPattern.IsMatch(id));
}

/// <summary>A validated NGSI-LD subscription (ETSI GS CIM 009 clause 5.2.12).</summary>
public sealed record NgsiSubscription(
    string Id,
    IReadOnlyList<NgsiEntitySelector> Entities,
    IReadOnlyList<string>? WatchedAttributes,
    NgsiQuery? Query,
    NgsiGeoQuery? GeoQuery,
    IReadOnlyList<string>? NotificationAttributes,
    bool KeyValues,
    Uri Endpoint,
    string Accept,
    double ThrottlingSeconds,
    bool IsActive,
    DateTimeOffset? Expires,
    JsonObject Document)
{
    /// <summary>Validates a subscription body (id generated when absent); errors are BadRequestData problems.</summary>
    public static NgsiSubscription Read(JsonObject body, string? id = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        var document = (JsonObject)body.DeepClone();
        document.Remove("@context");
        foreach (var status in new[] { "status", "createdAt", "modifiedAt" })
        {
            document.Remove(status);
        }
        if (document["type"] is JsonValue t && t.GetValue<string>() != "Subscription")
        {
            throw new NgsiLdException(NgsiLdErrorTypes.BadRequestData, "a subscription's type is Subscription");
        }
        document["type"] = "Subscription";
        id ??= document["id"] is null ? "urn:ngsi-ld:Subscription:" + Guid.NewGuid().ToString("N") : NgsiEntities.ReadId(document["id"], "subscription id");
        document["id"] = id;

        var selectors = new List<NgsiEntitySelector>();
        if (document["entities"] is { } entities)
        {
            if (entities is not JsonArray list || list.Count == 0)
            {
                throw new NgsiLdException(NgsiLdErrorTypes.BadRequestData, "entities must be a non-empty array of {type, id?, idPattern?}");
            }
            foreach (var e in list)
            {
                if (e is not JsonObject selector || selector["type"] is not JsonValue type || !type.TryGetValue<string>(out var typeName))
                {
                    throw new NgsiLdException(NgsiLdErrorTypes.BadRequestData, "each entities item needs a type");
                }
                Regex? pattern = null;
                if (selector["idPattern"] is JsonValue p && p.TryGetValue<string>(out var patternText))
                {
                    try
                    {
                        pattern = new Regex(patternText, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(200));
                    }
                    catch (ArgumentException ex)
                    {
                        throw new NgsiLdException(NgsiLdErrorTypes.BadRequestData, "idPattern is not a regular expression: " + ex.Message);
                    }
                }
                selectors.Add(new NgsiEntitySelector(typeName, selector["id"] is null ? null : NgsiEntities.ReadId(selector["id"], "entities id"), pattern));
            }
        }
        var watched = ReadNames(document["watchedAttributes"], "watchedAttributes");
        if (selectors.Count == 0 && watched is null)
        {
            throw new NgsiLdException(NgsiLdErrorTypes.BadRequestData, "a subscription needs entities or watchedAttributes");
        }
        NgsiQuery? query = null;
        if (document["q"] is JsonValue q && q.TryGetValue<string>(out var qText))
        {
            query = Parse(() => NgsiQuery.Parse(qText));
        }
        NgsiGeoQuery? geo = null;
        if (document["geoQ"] is JsonObject geoQ)
        {
            var coordinates = geoQ["coordinates"] switch
            {
                JsonArray a => a.ToJsonString(),
                JsonValue v when v.TryGetValue<string>(out var s) => s,
                _ => null,
            };
            geo = Parse(() => NgsiGeoQuery.Parse(geoQ["georel"]?.GetValue<string>() ?? "", geoQ["geometry"]?.GetValue<string>(), coordinates, geoQ["geoproperty"]?.GetValue<string>()));
        }
        if (document["notification"] is not JsonObject notification || notification["endpoint"] is not JsonObject endpoint
            || endpoint["uri"] is not JsonValue uriValue || !uriValue.TryGetValue<string>(out var uriText)
            || !Uri.TryCreate(uriText, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new NgsiLdException(NgsiLdErrorTypes.BadRequestData, "notification.endpoint.uri must be an absolute http(s) URL");
        }
        var format = notification["format"]?.GetValue<string>() ?? "normalized";
        if (format is not ("normalized" or "keyValues"))
        {
            throw new NgsiLdException(NgsiLdErrorTypes.BadRequestData, $"notification.format '{format}' is not normalized or keyValues");
        }
        var accept = endpoint["accept"]?.GetValue<string>() ?? "application/json";
        if (accept is not ("application/json" or "application/ld+json"))
        {
            throw new NgsiLdException(NgsiLdErrorTypes.BadRequestData, $"notification.endpoint.accept '{accept}' is not application/json or application/ld+json");
        }
        var throttling = 0.0;
        if (document["throttling"] is { } th && (th is not JsonValue tv || !tv.TryGetValue(out throttling) && !(tv.TryGetValue<long>(out var tl) && (throttling = tl) >= 0) || throttling < 0))
        {
            throw new NgsiLdException(NgsiLdErrorTypes.BadRequestData, "throttling is a non-negative number of seconds");
        }
        DateTimeOffset? expires = null;
        if (document["expiresAt"] is { } expiresNode)
        {
            expires = NgsiEntities.ParseTime(expiresNode) ?? throw new NgsiLdException(NgsiLdErrorTypes.BadRequestData, "expiresAt is not a date-time");
        }
        var active = document["isActive"] is not JsonValue act || !act.TryGetValue<bool>(out var isActive) || isActive;
        return new NgsiSubscription(id, selectors, watched, query, geo, ReadNames(notification["attributes"], "notification.attributes"),
            format == "keyValues", uri, accept, throttling, active, expires, document);
    }

    private static T Parse<T>(Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (NgsiQueryException ex)
        {
            throw new NgsiLdException(NgsiLdErrorTypes.BadRequestData, ex.Message);
        }
    }

    private static List<string>? ReadNames(JsonNode? node, string what)
    {
        if (node is null)
        {
            return null;
        }
        if (node is not JsonArray list || list.Count == 0 || !list.All(x => x is JsonValue v && v.TryGetValue<string>(out _)))
        {
            throw new NgsiLdException(NgsiLdErrorTypes.BadRequestData, $"{what} must be a non-empty array of attribute names");
        }
        return [.. list.Select(x => x!.GetValue<string>())];
    }

    /// <summary>True if a change of <paramref name="changed"/> attributes of the entity should be notified.</summary>
    public bool Watches(JsonObject entity, IReadOnlyCollection<string> changed, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(entity);
        ArgumentNullException.ThrowIfNull(changed);
        if (!IsActive || (Expires is { } e && e <= now))
        {
            return false;
        }
        var id = entity["id"]!.GetValue<string>();
        var type = entity["type"]!.GetValue<string>();
        if (Entities.Count > 0 && !Entities.Any(s => s.Matches(id, type)))
        {
            return false;
        }
        if (WatchedAttributes is { } watched && !watched.Any(changed.Contains))
        {
            return false;
        }
        return (Query is null || Query.Matches(entity)) && (GeoQuery is null || GeoQuery.Matches(entity));
    }
}

/// <summary>Per-subscription notification status (kept in memory, shown in the subscription's <c>notification</c> member).</summary>
public sealed class NgsiSubscriptionStatus
{
    private long _timesSent;

    public long TimesSent => Interlocked.Read(ref _timesSent);

    public DateTimeOffset? LastNotification { get; set; }

    public DateTimeOffset? LastSuccess { get; set; }

    public DateTimeOffset? LastFailure { get; set; }

    public string? LastFailureReason { get; set; }

    internal void CountSent() => Interlocked.Increment(ref _timesSent);
}

/// <summary>One notification to deliver.</summary>
public sealed record NgsiNotification(NgsiSubscription Subscription, JsonObject Body);

/// <summary>
/// Matches entity changes against the subscriptions, applies throttling, and queues notifications for
/// <see cref="NgsiNotificationService"/>. The queue is bounded: under overload the oldest pending notification is dropped.
/// </summary>
public sealed class NgsiSubscriptionMatcher(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, NgsiSubscription> _subscriptions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, NgsiSubscriptionStatus> _status = new(StringComparer.Ordinal);
    private readonly Channel<NgsiNotification> _queue = Channel.CreateBounded<NgsiNotification>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest });
    private volatile bool _loaded;

    internal bool Loaded => _loaded;

    internal ChannelReader<NgsiNotification> Queue => _queue.Reader;

    internal void Load(IEnumerable<NgsiSubscription> subscriptions)
    {
        foreach (var s in subscriptions)
        {
            _subscriptions.TryAdd(s.Id, s);
        }
        _loaded = true;
    }

    internal void Set(NgsiSubscription subscription) => _subscriptions[subscription.Id] = subscription;

    internal void Remove(string id)
    {
        _subscriptions.TryRemove(id, out _);
        _status.TryRemove(id, out _);
    }

    /// <summary>The notification status of a subscription.</summary>
    public NgsiSubscriptionStatus StatusOf(string id) => _status.GetOrAdd(id, _ => new NgsiSubscriptionStatus());

    /// <summary>Queues a notification to every subscription watching this change of <paramref name="entity"/> (normalized).</summary>
    public int OnChanged(JsonObject entity, IReadOnlyCollection<string> changedAttributes)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var now = time.GetUtcNow();
        var queued = 0;
        foreach (var subscription in _subscriptions.Values)
        {
            if (!subscription.Watches(entity, changedAttributes, now))
            {
                continue;
            }
            var status = StatusOf(subscription.Id);
            lock (status)
            {
                if (subscription.ThrottlingSeconds > 0 && status.LastNotification is { } last && (now - last).TotalSeconds < subscription.ThrottlingSeconds)
                {
                    continue;
                }
                status.LastNotification = now;
            }
            var attributes = subscription.NotificationAttributes?.ToHashSet(StringComparer.Ordinal);
            var data = Filter(entity, attributes, subscription.KeyValues);
            var body = new JsonObject
            {
                ["id"] = "urn:ngsi-ld:Notification:" + Guid.NewGuid().ToString("N"),
                ["type"] = "Notification",
                ["subscriptionId"] = subscription.Id,
                ["notifiedAt"] = NgsiEntities.FormatTime(now),
                ["data"] = new JsonArray(data),
            };
            if (subscription.Accept == "application/ld+json")
            {
                body["@context"] = NgsiLdContexts.Core;
            }
            _queue.Writer.TryWrite(new NgsiNotification(subscription, body));
            queued++;
        }
        return queued;
    }

    private static JsonObject Filter(JsonObject entity, HashSet<string>? attributes, bool keyValues)
    {
        var result = new JsonObject();
        foreach (var (name, value) in entity)
        {
            if (name is "id" or "type" || attributes is null || attributes.Contains(name))
            {
                result[name] = keyValues && name is not ("id" or "type" or "createdAt" or "modifiedAt") ? NgsiEntities.KeyValue(value) : value?.DeepClone();
            }
        }
        return result;
    }
}

/// <summary>Delivers queued notifications by HTTP POST to each subscription's endpoint.</summary>
public sealed class NgsiNotificationService(NgsiSubscriptionMatcher matcher, IHttpClientFactory httpClients, TimeProvider time, ILogger<NgsiNotificationService> logger) : BackgroundService
{
    /// <summary>The named <see cref="HttpClient"/> notifications are sent with.</summary>
    public const string HttpClientName = "CivicGrid.Ngsi.Notifications";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var notification in matcher.Queue.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                await SendAsync(notification, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task SendAsync(NgsiNotification notification, CancellationToken ct)
    {
        var status = matcher.StatusOf(notification.Subscription.Id);
        try
        {
            using var client = httpClients.CreateClient(HttpClientName);
            client.Timeout = TimeSpan.FromSeconds(10);
            using var content = new StringContent(notification.Body.ToJsonString(), Encoding.UTF8, notification.Subscription.Accept);
            using var request = new HttpRequestMessage(HttpMethod.Post, notification.Subscription.Endpoint) { Content = content };
            if (notification.Subscription.Accept == "application/json")
            {
                request.Headers.TryAddWithoutValidation("Link", NgsiLdContexts.LinkHeader());
            }
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            using var response = await client.SendAsync(request, ct).ConfigureAwait(false);
            status.CountSent();
            if (response.IsSuccessStatusCode)
            {
                status.LastSuccess = time.GetUtcNow();
            }
            else
            {
                status.LastFailure = time.GetUtcNow();
                status.LastFailureReason = string.Create(CultureInfo.InvariantCulture, $"endpoint answered {(int)response.StatusCode}");
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            status.LastFailure = time.GetUtcNow();
            status.LastFailureReason = ex.Message;
            logger.LogWarning("Notification of subscription {Subscription} to {Endpoint} failed: {Reason}", notification.Subscription.Id, notification.Subscription.Endpoint, ex.Message);
        }
    }
}
