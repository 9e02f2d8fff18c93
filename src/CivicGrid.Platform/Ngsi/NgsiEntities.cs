using System.Globalization;
using System.Text.Json.Nodes;

namespace CivicGrid.Platform.Ngsi;

/// <summary>The attribute types of NGSI-LD.</summary>
public static class NgsiAttributeKinds
{
    public const string Property = "Property";
    public const string Relationship = "Relationship";
    public const string GeoProperty = "GeoProperty";
    public const string LanguageProperty = "LanguageProperty";
}

/// <summary>The JSON-LD @context values the API uses.</summary>
public static class NgsiLdContexts
{
    /// <summary>The NGSI-LD core @context (ETSI GS CIM 009).</summary>
    public const string Core = "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context.jsonld";

    /// <summary>The FIWARE Smart Data Models @context the entity and attribute names of the mapping come from.</summary>
    public const string SmartDataModels = "https://smart-data-models.github.io/data-models/context.jsonld";

    /// <summary>The <c>Link</c> header value pointing at the core context.</summary>
    public static string LinkHeader(string context = Core) =>
        $"<{context}>; rel=\"http://www.w3.org/ns/json-ld#context\"; type=\"application/ld+json\"";
}

/// <summary>An entity as stored: id, type, attributes (normalized) and system times.</summary>
public sealed record NgsiStoredEntity(string Id, string Type, JsonObject Attributes, DateTimeOffset CreatedAt, DateTimeOffset ModifiedAt)
{
    /// <summary>The normalized entity with <c>id</c> and <c>type</c> (and system attributes when asked).</summary>
    public JsonObject ToNormalized(bool systemAttributes = false) => NgsiEntities.Render(this, new NgsiRenderOptions(null, false, systemAttributes));
}

/// <summary>How an entity is rendered: which attributes, keyValues (simplified) or normalized, with system attributes.</summary>
public sealed record NgsiRenderOptions(IReadOnlySet<string>? Attributes, bool KeyValues, bool SystemAttributes);

/// <summary>Validation and rendering of NGSI-LD entities (normalized representation).</summary>
public static class NgsiEntities
{
    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal) { "id", "type", "@context", "createdAt", "modifiedAt", "deletedAt", "scope" };

    /// <summary>Validates a request body as an entity; returns its id, type and normalized attributes.</summary>
    public static (string Id, string Type, JsonObject Attributes) ReadEntity(JsonObject body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var id = ReadId(body["id"], "id");
        var type = ReadType(body["type"]) ?? throw new NgsiLdException(NgsiLdErrorTypes.BadRequestData, $"entity {id} has no type");
        return (id, type, ReadAttributes(body, id));
    }

    /// <summary>Validates the attributes of a fragment (PATCH/POST attrs bodies, upserts); keys like id/type are ignored.</summary>
    public static JsonObject ReadAttributes(JsonObject body, string entityId)
    {
        ArgumentNullException.ThrowIfNull(body);
        var attributes = new JsonObject();
        foreach (var (name, value) in body)
        {
            if (Reserved.Contains(name))
            {
                continue;
            }
            ValidateName(name, "attribute name");
            attributes[name] = ReadAttribute(name, value, entityId);
        }
        return attributes;
    }

    /// <summary>An entity id: an absolute URI (e.g. <c>urn:ngsi-ld:Junction:J1</c>).</summary>
    public static string ReadId(JsonNode? node, string what)
    {
        if (node is not JsonValue v || !v.TryGetValue<string>(out var id) || string.IsNullOrWhiteSpace(id))
        {
            throw new NgsiLdException(NgsiLdErrorTypes.BadRequestData, $"{what} is missing or not a string");
        }
        if (!IsUri(id))
        {
            throw new NgsiLdException(NgsiLdErrorTypes.BadRequestData, $"{what} '{id}' is not a URI (use e.g. urn:ngsi-ld:<Type>:<local id>)");
        }
        return id;
    }

    /// <summary>True for an absolute URI without spaces.</summary>
    public static bool IsUri(string value) =>
        value.Length <= 512 && !value.Any(char.IsWhiteSpace) && value.IndexOf(':', StringComparison.Ordinal) > 0 && Uri.TryCreate(value, UriKind.Absolute, out _);

    private static string? ReadType(JsonNode? node)
    {
        var type = node switch
        {
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            JsonArray { Count: 1 } a when a[0] is JsonValue v && v.TryGetValue<string>(out var s) => s,
            null => null,
            _ => throw new NgsiLdException(NgsiLdErrorTypes.BadRequestData, "type must be one entity type name"),
        };
        if (type is not null)
        {
            ValidateName(type, "entity type");
        }
        return type;
    }

    /// <summary>Names may not contain the characters the query language and URLs reserve.</summary>
    public static void ValidateName(string name, string what)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 256 || name.Any(c => char.IsWhiteSpace(c) || c is '<' or '>' or '"' or '\'' or '=' or ';' or '(' or ')' or '[' or ']' or ',' or '|' or '&' or '?' or '\\'))
        {
            throw new NgsiLdException(NgsiLdErrorTypes.BadRequestData, $"'{name}' is not a valid {what}");
        }
    }

    private static JsonNode ReadAttribute(string name, JsonNode? value, string entityId)
    {
        if (value is JsonArray instances && instances.Count > 0 && instances.All(i => i is JsonObject o && o.ContainsKey("type")))
        {
            // Multi-attribute: instances told apart by datasetId.
            var datasets = new HashSet<string>(StringComparer.Ordinal);
            var result = new JsonArray();
            foreach (var instance in instances)
            {
                var normalized = ReadInstance(name, instance, entityId);
                var dataset = normalized["datasetId"]?.GetValue<string>() ?? "@default";
                if (!datasets.Add(dataset))
                {
                    throw new NgsiLdException(NgsiLdErrorTypes.BadRequestData, $"attribute {name} of {entityId} has two instances with datasetId {dataset}");
                }
                result.Add(normalized);
            }
            return result;
        }
        return ReadInstance(name, value, entityId);
    }

    private static JsonObject ReadInstance(string name, JsonNode? value, string entityId)
    {
        if (value is null)
        {
            throw new NgsiLdException(NgsiLdErrorTypes.BadRequestData, $"attribute {name} of {entityId} is null");
        }
        if (value is not JsonObject o || o["type"] is not JsonValue tv || !tv.TryGetValue<string>(out var kind)
            || kind is not (NgsiAttributeKinds.Property or NgsiAttributeKinds.Relationship or NgsiAttributeKinds.GeoProperty or NgsiAttributeKinds.LanguageProperty))
        {
            // Concise form: a bare value is a Property, a bare GeoJSON geometry a GeoProperty.
            if (value is JsonObject maybeGeo && NgsiGeometry.FromGeoJson(maybeGeo) is not null)
            {
                return new JsonObject { ["type"] = NgsiAttributeKinds.GeoProperty, ["value"] = value.DeepClone() };
            }
            if (value is JsonObject withType && withType.ContainsKey("type") && (withType.ContainsKey("value") || withType.ContainsKey("object")))
            {
                throw new NgsiLdException(NgsiLdErrorTypes.BadRequestData, $"attribute {name} of {entityId} has type '{withType["type"]?.ToJsonString()}', not Property, Relationship, GeoProperty or LanguageProperty");
            }
            return new JsonObject { ["type"] = NgsiAttributeKinds.Property, ["value"] = value.DeepClone() };
        }
        var normalized = (JsonObject)o.DeepClone();
        normalized.Remove("createdAt");
        normalized.Remove("modifiedAt");
        switch (kind)
        {
            case NgsiAttributeKinds.Property:
                if (normalized["value"] is null)
                {
                    throw new NgsiLdException(NgsiLdErrorTypes.BadRequestData, $"Property {name} of {entityId} has no value");
                }
                break;
            case NgsiAttributeKinds.Relationship:
                var target = normalized["object"];
                var targets = target is JsonArray list ? list.ToList() : [target];
                if (targets.Count == 0 || !targets.All(t => t is JsonValue tv2 && tv2.TryGetValue<string>(out var uri) && IsUri(uri)))
                {
                    throw new NgsiLdException(NgsiLdErrorTypes.BadRequestData, $"Relationship {name} of {entityId} needs an object that is an entity URI");
                }
                break;
            case NgsiAttributeKinds.GeoProperty:
                if (NgsiGeometry.FromGeoJson(normalized["value"]) is null)
                {
                    throw new NgsiLdException(NgsiLdErrorTypes.BadRequestData, $"GeoProperty {name} of {entityId} is not a GeoJSON Point, MultiPoint, LineString or Polygon");
                }
                break;
            default:
                if (normalized["languageMap"] is not JsonObject)
                {
                    throw new NgsiLdException(NgsiLdErrorTypes.BadRequestData, $"LanguageProperty {name} of {entityId} needs a languageMap object");
                }
                break;
        }
        if (normalized["observedAt"] is { } observed && ParseTime(observed) is null)
        {
            throw new NgsiLdException(NgsiLdErrorTypes.BadRequestData, $"observedAt of {name} of {entityId} is not an ISO 8601 date-time");
        }
        return normalized;
    }

    /// <summary>An ISO 8601 date-time from a JSON string, or null.</summary>
    public static DateTimeOffset? ParseTime(JsonNode? node) =>
        node is JsonValue v && v.TryGetValue<string>(out var s) && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t.ToUniversalTime() : null;

    /// <summary>ISO 8601 UTC with milliseconds, as NGSI-LD brokers write system times.</summary>
    public static string FormatTime(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Renders a stored entity.</summary>
    public static JsonObject Render(NgsiStoredEntity entity, NgsiRenderOptions options)
    {
        ArgumentNullException.ThrowIfNull(entity);
        ArgumentNullException.ThrowIfNull(options);
        var result = new JsonObject { ["id"] = entity.Id, ["type"] = entity.Type };
        if (options.SystemAttributes)
        {
            result["createdAt"] = FormatTime(entity.CreatedAt);
            result["modifiedAt"] = FormatTime(entity.ModifiedAt);
        }
        foreach (var (name, value) in entity.Attributes)
        {
            if (options.Attributes is { } wanted && !wanted.Contains(name))
            {
                continue;
            }
            result[name] = options.KeyValues ? KeyValue(value) : value?.DeepClone();
        }
        return result;
    }

    /// <summary>The simplified (keyValues) value of an attribute.</summary>
    public static JsonNode? KeyValue(JsonNode? attribute) => attribute switch
    {
        JsonArray many => many.Count > 0 ? KeyValue(many[0]) : null,
        JsonObject o => o["type"]?.GetValue<string>() switch
        {
            NgsiAttributeKinds.Relationship => o["object"]?.DeepClone(),
            NgsiAttributeKinds.LanguageProperty => o["languageMap"]?.DeepClone(),
            _ => o["value"]?.DeepClone(),
        },
        _ => attribute?.DeepClone(),
    };

    /// <summary>The times an attribute instance is stamped with in the temporal store: its observedAt, else <paramref name="now"/>.</summary>
    public static IEnumerable<(JsonObject Instance, DateTimeOffset At)> Instances(JsonNode? attribute, DateTimeOffset now)
    {
        IEnumerable<JsonObject> list = attribute is JsonArray many ? many.OfType<JsonObject>() : attribute is JsonObject one ? [one] : [];
        foreach (var instance in list)
        {
            yield return (instance, ParseTime(instance["observedAt"]) ?? now);
        }
    }
}
