using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CivicGrid.Platform.Ngsi;
using CivicGrid.Server.Security;
using Microsoft.Extensions.Options;

namespace CivicGrid.Server.Api;

/// <summary>
/// The NGSI-LD API (ETSI GS CIM 009 core subset) under <c>/ngsi-ld/v1</c>: entities, batch entity operations,
/// subscriptions and the temporal representation of entities. Errors are the spec's ProblemDetails with
/// <c>https://uri.etsi.org/ngsi-ld/errors/…</c> types. Requests and responses are <c>application/json</c> with the
/// core @context in a Link header, or <c>application/ld+json</c> with the @context in the body. Reads are public when
/// <c>CivicGrid:Ngsi:PublicReads</c> is true, else they need an infrastructure reader; writes and subscriptions need an
/// operator or administrator. The API is specified by ETSI, so it is left out of this server's OpenAPI document.
/// </summary>
public static class NgsiLdEndpoints
{
    /// <summary>Largest request body accepted (a batch of a few thousand entities).</summary>
    public const int MaxBodyBytes = 4 * 1024 * 1024;

    private const string LdJson = "application/ld+json";
    private const string Json = "application/json";

    /// <summary>Maps the NGSI-LD API and the federation API (<c>/api/federation</c>): the two data-sharing surfaces of a node.</summary>
    public static void MapNgsiLdAndFederationEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapNgsiLdEndpoints();
        endpoints.MapGroup("/api").MapFederationEndpoints();
    }

    public static void MapNgsiLdEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var publicReads = endpoints.ServiceProvider.GetRequiredService<IOptions<NgsiOptions>>().Value.PublicReads;
        var group = endpoints.MapGroup("/ngsi-ld/v1").WithTags("NGSI-LD").ExcludeFromDescription();
        RouteHandlerBuilder Read(RouteHandlerBuilder b) => publicReads ? b.AllowAnonymous() : b.RequireAuthorization(CivicGridPolicies.InfrastructureReader);
        RouteHandlerBuilder Write(RouteHandlerBuilder b) => b.RequireAuthorization(CivicGridPolicies.RegionSteward);

        Write(group.MapPost("/entities", (HttpContext http, NgsiLdService ngsi, CancellationToken ct) => Run(http, async () =>
        {
            var entity = await ngsi.CreateEntityAsync(await ReadObjectAsync(http, ct), ct);
            return Results.Created($"/ngsi-ld/v1/entities/{Uri.EscapeDataString(entity.Id)}", null);
        })));
        Read(group.MapGet("/entities", (HttpContext http, NgsiLdService ngsi, CancellationToken ct) => Run(http, async () =>
        {
            var q = http.Request.Query;
            var render = RenderOptions(http);
            var query = new NgsiEntityQuery(
                List(q["type"]), List(q["id"]), Pattern(q["idPattern"]), render.Attributes,
                q["q"] is { Count: > 0 } qText ? NgsiQuery.Parse(qText.ToString()) : null,
                q["georel"] is { Count: > 0 } georel ? NgsiGeoQuery.Parse(georel.ToString(), q["geometry"], q["coordinates"], q["geoproperty"]) : null,
                Int(q["limit"], "limit") ?? 20, Int(q["offset"], "offset") ?? 0);
            var result = await ngsi.QueryEntitiesAsync(query, ct);
            if (Flag(http, "count"))
            {
                http.Response.Headers["NGSILD-Results-Count"] = result.TotalCount.ToString(CultureInfo.InvariantCulture);
            }
            return Payload(http, new JsonArray([.. result.Entities.Select(e => (JsonNode?)NgsiEntities.Render(e, render))]));
        })));
        Read(group.MapGet("/entities/{entityId}", (string entityId, HttpContext http, NgsiLdService ngsi, CancellationToken ct) => Run(http, async () =>
        {
            var entity = await ngsi.GetEntityAsync(entityId, ct) ?? throw NotFound(entityId);
            return Payload(http, NgsiEntities.Render(entity, RenderOptions(http)));
        })));
        Write(group.MapDelete("/entities/{entityId}", (string entityId, HttpContext http, NgsiLdService ngsi, CancellationToken ct) => Run(http, async () =>
        {
            await ngsi.DeleteEntityAsync(entityId, ct);
            return Results.NoContent();
        })));
        Write(group.MapPatch("/entities/{entityId}/attrs", (string entityId, HttpContext http, NgsiLdService ngsi, CancellationToken ct) => Run(http, async () =>
            UpdateResult(await ngsi.UpdateAttributesAsync(entityId, await ReadObjectAsync(http, ct), ct)))));
        Write(group.MapPost("/entities/{entityId}/attrs", (string entityId, HttpContext http, NgsiLdService ngsi, CancellationToken ct) => Run(http, async () =>
            UpdateResult(await ngsi.AppendAttributesAsync(entityId, await ReadObjectAsync(http, ct), Flag(http, "noOverwrite"), ct)))));
        Write(group.MapPatch("/entities/{entityId}/attrs/{attrId}", (string entityId, string attrId, HttpContext http, NgsiLdService ngsi, CancellationToken ct) => Run(http, async () =>
        {
            await ngsi.PartialAttributeUpdateAsync(entityId, attrId, await ReadObjectAsync(http, ct), ct);
            return Results.NoContent();
        })));
        Write(group.MapDelete("/entities/{entityId}/attrs/{attrId}", (string entityId, string attrId, HttpContext http, NgsiLdService ngsi, CancellationToken ct) => Run(http, async () =>
        {
            await ngsi.DeleteAttributeAsync(entityId, attrId, ct);
            return Results.NoContent();
        })));

        Write(group.MapPost("/entityOperations/create", (HttpContext http, NgsiLdService ngsi, CancellationToken ct) => Run(http, async () =>
        {
            var result = await ngsi.CreateBatchAsync(await ReadArrayAsync(http, ct), ct);
            return result.Errors.Count == 0 ? Results.Json(result.Success, statusCode: StatusCodes.Status201Created) : BatchResult(result);
        })));
        Write(group.MapPost("/entityOperations/upsert", (HttpContext http, NgsiLdService ngsi, CancellationToken ct) => Run(http, async () =>
        {
            var result = await ngsi.UpsertBatchAsync(await ReadArrayAsync(http, ct), Flag(http, "update"), ct);
            return result.Errors.Count > 0 ? BatchResult(result)
                : result.Created.Count > 0 ? Results.Json(result.Created, statusCode: StatusCodes.Status201Created) : Results.NoContent();
        })));
        Write(group.MapPost("/entityOperations/update", (HttpContext http, NgsiLdService ngsi, CancellationToken ct) => Run(http, async () =>
        {
            var result = await ngsi.UpdateBatchAsync(await ReadArrayAsync(http, ct), Flag(http, "noOverwrite"), ct);
            return result.Errors.Count > 0 ? BatchResult(result) : Results.NoContent();
        })));
        Write(group.MapPost("/entityOperations/delete", (HttpContext http, NgsiLdService ngsi, CancellationToken ct) => Run(http, async () =>
        {
            var result = await ngsi.DeleteBatchAsync(await ReadArrayAsync(http, ct), ct);
            return result.Errors.Count > 0 ? BatchResult(result) : Results.NoContent();
        })));

        Write(group.MapPost("/subscriptions", (HttpContext http, NgsiLdService ngsi, CancellationToken ct) => Run(http, async () =>
        {
            var subscription = await ngsi.CreateSubscriptionAsync(await ReadObjectAsync(http, ct), ct);
            return Results.Created($"/ngsi-ld/v1/subscriptions/{Uri.EscapeDataString(subscription.Id)}", null);
        })));
        Write(group.MapGet("/subscriptions", (HttpContext http, NgsiLdService ngsi, CancellationToken ct) => Run(http, async () =>
        {
            var (page, total) = await ngsi.ListSubscriptionsAsync(Int(http.Request.Query["limit"], "limit") ?? 20, Int(http.Request.Query["offset"], "offset") ?? 0, ct);
            if (Flag(http, "count"))
            {
                http.Response.Headers["NGSILD-Results-Count"] = total.ToString(CultureInfo.InvariantCulture);
            }
            return Payload(http, new JsonArray([.. page.Select(s => (JsonNode?)s)]));
        })));
        Write(group.MapGet("/subscriptions/{subscriptionId}", (string subscriptionId, HttpContext http, NgsiLdService ngsi, CancellationToken ct) => Run(http, async () =>
            Payload(http, await ngsi.GetSubscriptionAsync(subscriptionId, ct)
                ?? throw new NgsiLdException(NgsiLdErrorTypes.ResourceNotFound, $"subscription {subscriptionId} does not exist")))));
        Write(group.MapPatch("/subscriptions/{subscriptionId}", (string subscriptionId, HttpContext http, NgsiLdService ngsi, CancellationToken ct) => Run(http, async () =>
        {
            await ngsi.UpdateSubscriptionAsync(subscriptionId, await ReadObjectAsync(http, ct), ct);
            return Results.NoContent();
        })));
        Write(group.MapDelete("/subscriptions/{subscriptionId}", (string subscriptionId, HttpContext http, NgsiLdService ngsi, CancellationToken ct) => Run(http, async () =>
        {
            await ngsi.DeleteSubscriptionAsync(subscriptionId, ct);
            return Results.NoContent();
        })));

        Read(group.MapGet("/temporal/entities/{entityId}", (string entityId, HttpContext http, NgsiLdService ngsi, CancellationToken ct) => Run(http, async () =>
        {
            var q = http.Request.Query;
            var query = NgsiTemporalQuery.Parse(q["timerel"], q["timeAt"], q["endTimeAt"], Set(q["attrs"]), Int(q["lastN"], "lastN"));
            return Payload(http, await ngsi.GetTemporalAsync(entityId, query, ct));
        })));
    }

    private static async Task<IResult> Run(HttpContext http, Func<Task<IResult>> handler)
    {
        try
        {
            return await handler();
        }
        catch (NgsiLdException ex)
        {
            return Problem(ex.ProblemType, ex.Message, http);
        }
        catch (NgsiQueryException ex)
        {
            return Problem(NgsiLdErrorTypes.BadRequestData, ex.Message, http, ex.Parameter, ex.Column);
        }
    }

    private static IResult Problem(string type, string detail, HttpContext http, string? parameter = null, int? column = null)
    {
        var problem = new JsonObject
        {
            ["type"] = type,
            ["title"] = NgsiLdErrorTypes.TitleOf(type),
            ["status"] = NgsiLdErrorTypes.StatusOf(type),
            ["detail"] = detail,
            ["instance"] = http.Request.Path.Value,
        };
        if (parameter is not null)
        {
            problem["parameter"] = parameter;
            problem["column"] = column;
        }
        return Results.Text(problem.ToJsonString(), Json, Encoding.UTF8, NgsiLdErrorTypes.StatusOf(type));
    }

    private static NgsiLdException NotFound(string id) => new(NgsiLdErrorTypes.ResourceNotFound, $"entity {id} does not exist");

    private static IResult UpdateResult(NgsiUpdateResult result) =>
        result.NotUpdated.Count == 0 ? Results.NoContent() : Results.Json(new
        {
            updated = result.Updated,
            notUpdated = result.NotUpdated.Select(n => new { attributeName = n.AttributeName, reason = n.Reason }),
        }, statusCode: StatusCodes.Status207MultiStatus);

    private static IResult BatchResult(NgsiBatchResult result) => Results.Json(new
    {
        success = result.Success,
        errors = result.Errors.Select(e => new
        {
            entityId = e.EntityId,
            error = new { type = e.Error.ProblemType, title = NgsiLdErrorTypes.TitleOf(e.Error.ProblemType), status = e.Error.Status, detail = e.Error.Message },
        }),
    }, statusCode: StatusCodes.Status207MultiStatus);

    /// <summary>JSON with the core @context in a Link header, or JSON-LD with it in the body when the client accepts it.</summary>
    private static IResult Payload(HttpContext http, JsonNode body)
    {
        var ld = http.Request.Headers.Accept.Any(a => a?.Contains(LdJson, StringComparison.OrdinalIgnoreCase) == true);
        if (ld)
        {
            IEnumerable<JsonObject> entities = body is JsonArray list ? list.OfType<JsonObject>() : body is JsonObject one ? [one] : [];
            foreach (var entity in entities)
            {
                entity["@context"] = NgsiLdContexts.Core;
            }
            return Results.Text(body.ToJsonString(), LdJson, Encoding.UTF8);
        }
        http.Response.Headers.Link = NgsiLdContexts.LinkHeader();
        return Results.Text(body.ToJsonString(), Json, Encoding.UTF8);
    }

    private static async Task<JsonNode> ReadBodyAsync(HttpContext http, CancellationToken ct)
    {
        var mediaType = http.Request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        if (mediaType is not (Json or LdJson or "application/merge-patch+json"))
        {
            throw new NgsiLdException(NgsiLdErrorTypes.InvalidRequest, $"Content-Type must be application/json or application/ld+json, not '{http.Request.ContentType}'");
        }
        if (http.Request.ContentLength > MaxBodyBytes)
        {
            throw new NgsiLdException(NgsiLdErrorTypes.BadRequestData, $"the body is larger than {MaxBodyBytes} bytes");
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[16384];
        int read;
        while ((read = await http.Request.Body.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxBodyBytes)
            {
                throw new NgsiLdException(NgsiLdErrorTypes.BadRequestData, $"the body is larger than {MaxBodyBytes} bytes");
            }
        }
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(buffer.ToArray());
        }
        catch (JsonException ex)
        {
            throw new NgsiLdException(NgsiLdErrorTypes.InvalidRequest, "the body is not valid JSON: " + ex.Message);
        }
        if (node is null)
        {
            throw new NgsiLdException(NgsiLdErrorTypes.InvalidRequest, "the body is empty");
        }
        IEnumerable<JsonObject> items = node is JsonArray array ? array.OfType<JsonObject>() : node is JsonObject single ? [single] : [];
        foreach (var item in items)
        {
            var hasContext = item.ContainsKey("@context");
            if (mediaType == LdJson && !hasContext)
            {
                throw new NgsiLdException(NgsiLdErrorTypes.BadRequestData, "an application/ld+json body must carry its @context");
            }
            if (mediaType != LdJson && hasContext)
            {
                throw new NgsiLdException(NgsiLdErrorTypes.BadRequestData, "an application/json body must not carry @context; send it in a Link header or use application/ld+json");
            }
        }
        return node;
    }

    private static async Task<JsonObject> ReadObjectAsync(HttpContext http, CancellationToken ct) =>
        await ReadBodyAsync(http, ct) as JsonObject ?? throw new NgsiLdException(NgsiLdErrorTypes.BadRequestData, "the body must be a JSON object");

    private static async Task<JsonArray> ReadArrayAsync(HttpContext http, CancellationToken ct) =>
        await ReadBodyAsync(http, ct) as JsonArray ?? throw new NgsiLdException(NgsiLdErrorTypes.BadRequestData, "the body must be a JSON array");

    private static NgsiRenderOptions RenderOptions(HttpContext http)
    {
        var keyValues = Flag(http, "keyValues") || http.Request.Query["format"] is var f && (f == "keyValues" || f == "simplified");
        return new NgsiRenderOptions(Set(http.Request.Query["attrs"]), keyValues, Flag(http, "sysAttrs"));
    }

    /// <summary>An <c>options</c> flag (<c>options=keyValues,sysAttrs</c>) or a boolean parameter of that name.</summary>
    private static bool Flag(HttpContext http, string name) =>
        http.Request.Query["options"].SelectMany(o => (o ?? "").Split(',')).Contains(name, StringComparer.Ordinal)
        || (http.Request.Query[name] is { Count: > 0 } v && bool.TryParse(v.ToString(), out var b) && b);

    private static List<string>? List(Microsoft.Extensions.Primitives.StringValues values) =>
        values.Count == 0 ? null : [.. values.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];

    private static HashSet<string>? Set(Microsoft.Extensions.Primitives.StringValues values) => List(values)?.ToHashSet(StringComparer.Ordinal);

    private static Regex? Pattern(Microsoft.Extensions.Primitives.StringValues values)
    {
        if (values.Count == 0)
        {
            return null;
        }
        try
        {
            return new Regex(values.ToString(), RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(200));
        }
        catch (ArgumentException ex)
        {
            throw new NgsiLdException(NgsiLdErrorTypes.BadRequestData, "idPattern is not a regular expression: " + ex.Message);
        }
    }

    private static int? Int(Microsoft.Extensions.Primitives.StringValues values, string name) =>
        values.Count == 0 ? null
        : int.TryParse(values.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
        : throw new NgsiLdException(NgsiLdErrorTypes.BadRequestData, $"{name} must be a non-negative integer");
}
