using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CivicGrid.Platform.Ngsi;

/// <summary>An entity query: the selectors of <c>GET /entities</c> and their pagination.</summary>
public sealed record NgsiEntityQuery(
    IReadOnlyList<string>? Types = null,
    IReadOnlyList<string>? Ids = null,
    Regex? IdPattern = null,
    IReadOnlySet<string>? Attributes = null,
    NgsiQuery? Query = null,
    NgsiGeoQuery? GeoQuery = null,
    int Limit = 20,
    int Offset = 0);

/// <summary>A page of query results and the number of entities matching in total.</summary>
public sealed record NgsiQueryResult(IReadOnlyList<NgsiStoredEntity> Entities, int TotalCount);

/// <summary>An attribute an update did not change, and why.</summary>
public sealed record NgsiNotUpdated(string AttributeName, string Reason);

/// <summary>The spec's UpdateResult: attributes updated and not updated.</summary>
public sealed record NgsiUpdateResult(IReadOnlyList<string> Updated, IReadOnlyList<NgsiNotUpdated> NotUpdated);

/// <summary>One failed entity of a batch operation.</summary>
public sealed record NgsiBatchError(string EntityId, NgsiLdException Error);

/// <summary>The spec's BatchOperationResult: entity ids that succeeded and the errors of the others.</summary>
public sealed record NgsiBatchResult(IReadOnlyList<string> Success, IReadOnlyList<NgsiBatchError> Errors, IReadOnlyList<string> Created);

/// <summary>When temporal instances are returned: <c>before</c>, <c>after</c> or <c>between</c> times.</summary>
public sealed record NgsiTemporalQuery(string? TimeRelation, DateTimeOffset? TimeAt, DateTimeOffset? EndTimeAt, IReadOnlySet<string>? Attributes, int? LastN)
{
    /// <summary>Validates the <c>timerel</c>, <c>timeAt</c>, <c>endTimeAt</c> parameters.</summary>
    public static NgsiTemporalQuery Parse(string? timerel, string? timeAt, string? endTimeAt, IReadOnlySet<string>? attributes, int? lastN)
    {
        DateTimeOffset? Time(string? text, string name) => text is null ? null
            : NgsiEntities.ParseTime(JsonValue.Create(text)) ?? throw new NgsiLdException(NgsiLdErrorTypes.BadRequestData, $"{name} '{text}' is not an ISO 8601 date-time");
        var at = Time(timeAt, "timeAt");
        var end = Time(endTimeAt, "endTimeAt");
        switch (timerel)
        {
            case null when at is null && end is null:
                break;
            case null:
                throw new NgsiLdException(NgsiLdErrorTypes.BadRequestData, "timeAt needs timerel (before, after or between)");
            case "before" or "after" when at is null:
                throw new NgsiLdException(NgsiLdErrorTypes.BadRequestData, $"timerel={timerel} needs timeAt");
            case "between" when at is null || end is null:
                throw new NgsiLdException(NgsiLdErrorTypes.BadRequestData, "timerel=between needs timeAt and endTimeAt");
            case "between" when end <= at:
                throw new NgsiLdException(NgsiLdErrorTypes.BadRequestData, "endTimeAt must be after timeAt");
            case "before" or "after" or "between":
                break;
            default:
                throw new NgsiLdException(NgsiLdErrorTypes.BadRequestData, $"timerel '{timerel}' is not before, after or between");
        }
        if (lastN is <= 0)
        {
            throw new NgsiLdException(NgsiLdErrorTypes.BadRequestData, "lastN must be a positive integer");
        }
        return new NgsiTemporalQuery(timerel, at, end, attributes, lastN);
    }
}

/// <summary>
/// The NGSI-LD context broker of the platform: entities, batch operations, subscriptions and the temporal
/// representation, stored in the <c>ngsi_*</c> tables. Every change is matched against the subscriptions.
/// </summary>
public sealed class NgsiLdService(IDbContextFactory<NgsiDbContext> databases, NgsiSubscriptionMatcher matcher, TimeProvider time, IOptions<NgsiOptions> options)
{
    /// <summary>The largest page a query may ask for.</summary>
    public int MaxLimit => options.Value.MaxLimit;

    public async Task<NgsiStoredEntity> CreateEntityAsync(JsonObject body, CancellationToken ct)
    {
        var (id, type, attributes) = NgsiEntities.ReadEntity(body);
        await using var db = await databases.CreateDbContextAsync(ct).ConfigureAwait(false);
        if (await db.Entities.AnyAsync(e => e.Id == id, ct).ConfigureAwait(false))
        {
            throw new NgsiLdException(NgsiLdErrorTypes.AlreadyExists, $"entity {id} already exists");
        }
        var now = time.GetUtcNow();
        var row = new NgsiEntityRow { Id = id, Type = type, Document = attributes.ToJsonString(), CreatedAt = now, ModifiedAt = now };
        db.Entities.Add(row);
        Record(db, id, attributes, now);
        await SaveAsync(db, ct).ConfigureAwait(false);
        var stored = ToStored(row);
        await NotifyAsync(stored, [.. attributes.Select(a => a.Key)], ct).ConfigureAwait(false);
        return stored;
    }

    /// <summary>True if any entity is stored.</summary>
    public async Task<bool> AnyEntityAsync(CancellationToken ct)
    {
        await using var db = await databases.CreateDbContextAsync(ct).ConfigureAwait(false);
        return await db.Entities.AnyAsync(ct).ConfigureAwait(false);
    }

    public async Task<NgsiStoredEntity?> GetEntityAsync(string id, CancellationToken ct)
    {
        await using var db = await databases.CreateDbContextAsync(ct).ConfigureAwait(false);
        var row = await db.Entities.AsNoTracking().FirstOrDefaultAsync(e => e.Id == id, ct).ConfigureAwait(false);
        return row is null ? null : ToStored(row);
    }

    public async Task<NgsiQueryResult> QueryEntitiesAsync(NgsiEntityQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Types is null && query.Ids is null && query.IdPattern is null && query.Attributes is null && query.Query is null && query.GeoQuery is null)
        {
            throw new NgsiLdException(NgsiLdErrorTypes.BadRequestData, "a query needs at least one of type, id, idPattern, attrs, q or a geo-query");
        }
        if (query.Limit < 0 || query.Offset < 0)
        {
            throw new NgsiLdException(NgsiLdErrorTypes.BadRequestData, "limit and offset must not be negative");
        }
        if (query.Limit > MaxLimit)
        {
            throw new NgsiLdException(NgsiLdErrorTypes.TooManyResults, $"limit {query.Limit} is above the maximum of {MaxLimit}");
        }
        await using var db = await databases.CreateDbContextAsync(ct).ConfigureAwait(false);
        IQueryable<NgsiEntityRow> rows = db.Entities.AsNoTracking();
        if (query.Types is { } types)
        {
            rows = rows.Where(e => types.Contains(e.Type));
        }
        if (query.Ids is { } ids)
        {
            rows = rows.Where(e => ids.Contains(e.Id));
        }
        var matching = new List<NgsiStoredEntity>();
        await foreach (var row in rows.OrderBy(e => e.Id).AsAsyncEnumerable().WithCancellation(ct).ConfigureAwait(false))
        {
            if (query.IdPattern is { } pattern && !pattern.IsMatch(row.Id))
            {
                continue;
            }
            var entity = ToStored(row);
            if (query.Attributes is { } attrs && !attrs.Any(entity.Attributes.ContainsKey))
            {
                continue;
            }
            if ((query.Query is null || query.Query.Matches(entity.Attributes)) && (query.GeoQuery is null || query.GeoQuery.Matches(entity.Attributes)))
            {
                matching.Add(entity);
            }
        }
        return new NgsiQueryResult([.. matching.Skip(query.Offset).Take(query.Limit)], matching.Count);
    }

    /// <summary>PATCH /entities/{id}/attrs: replaces attributes that exist; others are reported as not updated.</summary>
    public Task<NgsiUpdateResult> UpdateAttributesAsync(string id, JsonObject fragment, CancellationToken ct) =>
        ChangeAsync(id, fragment, existingOnly: true, noOverwrite: false, ct);

    /// <summary>POST /entities/{id}/attrs: appends attributes, overwriting existing ones unless <paramref name="noOverwrite"/>.</summary>
    public Task<NgsiUpdateResult> AppendAttributesAsync(string id, JsonObject fragment, bool noOverwrite, CancellationToken ct) =>
        ChangeAsync(id, fragment, existingOnly: false, noOverwrite, ct);

    /// <summary>PATCH /entities/{id}/attrs/{attr}: merges the members given into one existing attribute.</summary>
    public async Task PartialAttributeUpdateAsync(string id, string attribute, JsonObject fragment, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(fragment);
        await using var db = await databases.CreateDbContextAsync(ct).ConfigureAwait(false);
        var row = await FindAsync(db, id, ct).ConfigureAwait(false);
        var attributes = Parse(row.Document);
        if (attributes[attribute] is not JsonObject existing)
        {
            throw new NgsiLdException(NgsiLdErrorTypes.ResourceNotFound, $"entity {id} has no attribute {attribute}");
        }
        var merged = (JsonObject)existing.DeepClone();
        foreach (var (key, value) in fragment)
        {
            if (key != "@context")
            {
                merged[key] = value?.DeepClone();
            }
        }
        var checkedAttribute = NgsiEntities.ReadAttributes(new JsonObject { [attribute] = merged }, id);
        attributes[attribute] = checkedAttribute[attribute]!.DeepClone();
        var now = time.GetUtcNow();
        row.Document = attributes.ToJsonString();
        row.ModifiedAt = now;
        Record(db, id, checkedAttribute, now);
        await SaveAsync(db, ct).ConfigureAwait(false);
        await NotifyAsync(ToStored(row), [attribute], ct).ConfigureAwait(false);
    }

    public async Task DeleteAttributeAsync(string id, string attribute, CancellationToken ct)
    {
        await using var db = await databases.CreateDbContextAsync(ct).ConfigureAwait(false);
        var row = await FindAsync(db, id, ct).ConfigureAwait(false);
        var attributes = Parse(row.Document);
        if (!attributes.Remove(attribute))
        {
            throw new NgsiLdException(NgsiLdErrorTypes.ResourceNotFound, $"entity {id} has no attribute {attribute}");
        }
        row.Document = attributes.ToJsonString();
        row.ModifiedAt = time.GetUtcNow();
        await SaveAsync(db, ct).ConfigureAwait(false);
        await NotifyAsync(ToStored(row), [attribute], ct).ConfigureAwait(false);
    }

    public async Task DeleteEntityAsync(string id, CancellationToken ct)
    {
        await using var db = await databases.CreateDbContextAsync(ct).ConfigureAwait(false);
        var row = await FindAsync(db, id, ct).ConfigureAwait(false);
        db.Entities.Remove(row);
        await db.AttributeInstances.Where(a => a.EntityId == id).ExecuteDeleteAsync(ct).ConfigureAwait(false);
        await SaveAsync(db, ct).ConfigureAwait(false);
    }

    /// <summary>POST /entityOperations/create.</summary>
    public async Task<NgsiBatchResult> CreateBatchAsync(JsonArray entities, CancellationToken ct) =>
        await BatchAsync(entities, async (body, ct2) =>
        {
            var created = await CreateEntityAsync(body, ct2).ConfigureAwait(false);
            return (created.Id, true);
        }, ct).ConfigureAwait(false);

    /// <summary>POST /entityOperations/upsert: creates missing entities; replaces (default) or updates existing ones.</summary>
    public async Task<NgsiBatchResult> UpsertBatchAsync(JsonArray entities, bool update, CancellationToken ct) =>
        await BatchAsync(entities, (body, ct2) => UpsertAsync(body, update, ct2), ct).ConfigureAwait(false);

    /// <summary>POST /entityOperations/update: appends attributes to existing entities.</summary>
    public async Task<NgsiBatchResult> UpdateBatchAsync(JsonArray entities, bool noOverwrite, CancellationToken ct) =>
        await BatchAsync(entities, async (body, ct2) =>
        {
            var id = NgsiEntities.ReadId(body["id"], "id");
            await AppendAttributesAsync(id, body, noOverwrite, ct2).ConfigureAwait(false);
            return (id, false);
        }, ct).ConfigureAwait(false);

    /// <summary>POST /entityOperations/delete: the body is an array of entity ids.</summary>
    public async Task<NgsiBatchResult> DeleteBatchAsync(JsonArray ids, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var success = new List<string>();
        var errors = new List<NgsiBatchError>();
        foreach (var node in ids)
        {
            var id = node is JsonValue v && v.TryGetValue<string>(out var s) ? s : node?.ToJsonString() ?? "null";
            try
            {
                await DeleteEntityAsync(NgsiEntities.ReadId(node, "entity id"), ct).ConfigureAwait(false);
                success.Add(id);
            }
            catch (NgsiLdException ex)
            {
                errors.Add(new NgsiBatchError(id, ex));
            }
        }
        return new NgsiBatchResult(success, errors, []);
    }

    /// <summary>Creates or replaces (or, with <paramref name="update"/>, merges into) one entity.</summary>
    public async Task<(string Id, bool Created)> UpsertAsync(JsonObject body, bool update, CancellationToken ct)
    {
        var (id, type, attributes) = NgsiEntities.ReadEntity(body);
        await using var db = await databases.CreateDbContextAsync(ct).ConfigureAwait(false);
        var row = await db.Entities.FirstOrDefaultAsync(e => e.Id == id, ct).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var created = row is null;
        if (row is null)
        {
            row = new NgsiEntityRow { Id = id, Type = type, Document = attributes.ToJsonString(), CreatedAt = now, ModifiedAt = now };
            db.Entities.Add(row);
        }
        else
        {
            if (row.Type != type)
            {
                throw new NgsiLdException(NgsiLdErrorTypes.BadRequestData, $"entity {id} is a {row.Type}, not a {type}");
            }
            var merged = update ? Parse(row.Document) : [];
            foreach (var (name, value) in attributes)
            {
                merged[name] = value?.DeepClone();
            }
            row.Document = merged.ToJsonString();
            row.ModifiedAt = now;
        }
        Record(db, id, attributes, now);
        await SaveAsync(db, ct).ConfigureAwait(false);
        await NotifyAsync(ToStored(row), [.. attributes.Select(a => a.Key)], ct).ConfigureAwait(false);
        return (id, created);
    }

    public async Task<JsonObject> GetTemporalAsync(string id, NgsiTemporalQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        await using var db = await databases.CreateDbContextAsync(ct).ConfigureAwait(false);
        var row = await db.Entities.AsNoTracking().FirstOrDefaultAsync(e => e.Id == id, ct).ConfigureAwait(false)
            ?? throw new NgsiLdException(NgsiLdErrorTypes.ResourceNotFound, $"entity {id} does not exist");
        IQueryable<NgsiAttributeInstanceRow> instances = db.AttributeInstances.AsNoTracking().Where(a => a.EntityId == id);
        if (query.TimeAt is { } at)
        {
            instances = query.TimeRelation switch
            {
                "before" => instances.Where(a => a.ObservedAt < at),
                "after" => instances.Where(a => a.ObservedAt > at),
                _ => instances.Where(a => a.ObservedAt >= at && a.ObservedAt < query.EndTimeAt!.Value),
            };
        }
        var rows = await instances.ToListAsync(ct).ConfigureAwait(false);
        var result = new JsonObject { ["id"] = row.Id, ["type"] = row.Type };
        foreach (var group in rows.Where(r => query.Attributes is null || query.Attributes.Contains(r.Attribute))
            .GroupBy(r => r.Attribute, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var ordered = group.OrderBy(r => r.ObservedAt).ThenBy(r => r.Id).ToList();
            if (query.LastN is { } n)
            {
                ordered = ordered.Skip(Math.Max(0, ordered.Count - n)).ToList();
            }
            result[group.Key] = new JsonArray([.. ordered.Select(r =>
            {
                var instance = Parse(r.Instance);
                if (instance["observedAt"] is null)
                {
                    instance["modifiedAt"] = NgsiEntities.FormatTime(r.ObservedAt);
                }
                return (JsonNode?)instance;
            })]);
        }
        return result;
    }

    public async Task<NgsiSubscription> CreateSubscriptionAsync(JsonObject body, CancellationToken ct)
    {
        var subscription = NgsiSubscription.Read(body);
        await EnsureSubscriptionsLoadedAsync(ct).ConfigureAwait(false);
        await using var db = await databases.CreateDbContextAsync(ct).ConfigureAwait(false);
        if (await db.Subscriptions.AnyAsync(s => s.Id == subscription.Id, ct).ConfigureAwait(false))
        {
            throw new NgsiLdException(NgsiLdErrorTypes.AlreadyExists, $"subscription {subscription.Id} already exists");
        }
        var now = time.GetUtcNow();
        db.Subscriptions.Add(new NgsiSubscriptionRow { Id = subscription.Id, Document = subscription.Document.ToJsonString(), CreatedAt = now, ModifiedAt = now });
        await SaveAsync(db, ct).ConfigureAwait(false);
        matcher.Set(subscription);
        return subscription;
    }

    /// <summary>A subscription as the API shows it, with its status and notification counters.</summary>
    public async Task<JsonObject?> GetSubscriptionAsync(string id, CancellationToken ct)
    {
        await using var db = await databases.CreateDbContextAsync(ct).ConfigureAwait(false);
        var row = await db.Subscriptions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct).ConfigureAwait(false);
        return row is null ? null : View(row);
    }

    public async Task<(IReadOnlyList<JsonObject> Page, int Total)> ListSubscriptionsAsync(int limit, int offset, CancellationToken ct)
    {
        if (limit < 0 || offset < 0 || limit > MaxLimit)
        {
            throw new NgsiLdException(limit > MaxLimit ? NgsiLdErrorTypes.TooManyResults : NgsiLdErrorTypes.BadRequestData, "limit must be 0..max and offset not negative");
        }
        await using var db = await databases.CreateDbContextAsync(ct).ConfigureAwait(false);
        var total = await db.Subscriptions.CountAsync(ct).ConfigureAwait(false);
        var rows = await db.Subscriptions.AsNoTracking().OrderBy(s => s.Id).Skip(offset).Take(limit).ToListAsync(ct).ConfigureAwait(false);
        return (rows.Select(View).ToList(), total);
    }

    /// <summary>PATCH /subscriptions/{id}: the members given replace the subscription's.</summary>
    public async Task UpdateSubscriptionAsync(string id, JsonObject fragment, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(fragment);
        await EnsureSubscriptionsLoadedAsync(ct).ConfigureAwait(false);
        await using var db = await databases.CreateDbContextAsync(ct).ConfigureAwait(false);
        var row = await db.Subscriptions.FirstOrDefaultAsync(s => s.Id == id, ct).ConfigureAwait(false)
            ?? throw new NgsiLdException(NgsiLdErrorTypes.ResourceNotFound, $"subscription {id} does not exist");
        var document = Parse(row.Document);
        foreach (var (key, value) in fragment)
        {
            if (key is not ("id" or "@context"))
            {
                document[key] = value?.DeepClone();
            }
        }
        var subscription = NgsiSubscription.Read(document, id);
        row.Document = subscription.Document.ToJsonString();
        row.ModifiedAt = time.GetUtcNow();
        await SaveAsync(db, ct).ConfigureAwait(false);
        matcher.Set(subscription);
    }

    public async Task DeleteSubscriptionAsync(string id, CancellationToken ct)
    {
        await using var db = await databases.CreateDbContextAsync(ct).ConfigureAwait(false);
        var deleted = await db.Subscriptions.Where(s => s.Id == id).ExecuteDeleteAsync(ct).ConfigureAwait(false);
        if (deleted == 0)
        {
            throw new NgsiLdException(NgsiLdErrorTypes.ResourceNotFound, $"subscription {id} does not exist");
        }
        matcher.Remove(id);
    }

    /// <summary>Loads the stored subscriptions into the matcher once (after a restart).</summary>
    public async Task EnsureSubscriptionsLoadedAsync(CancellationToken ct)
    {
        if (matcher.Loaded)
        {
            return;
        }
        await using var db = await databases.CreateDbContextAsync(ct).ConfigureAwait(false);
        var rows = await db.Subscriptions.AsNoTracking().ToListAsync(ct).ConfigureAwait(false);
        matcher.Load(rows.Select(r => NgsiSubscription.Read(Parse(r.Document), r.Id)));
    }

    private JsonObject View(NgsiSubscriptionRow row)
    {
        var view = Parse(row.Document);
        var status = matcher.StatusOf(row.Id);
        var active = view["isActive"] is not JsonValue a || !a.TryGetValue<bool>(out var isActive) || isActive;
        var expired = NgsiEntities.ParseTime(view["expiresAt"]) is { } e && e <= time.GetUtcNow();
        view["status"] = expired ? "expired" : active ? "active" : "paused";
        view["createdAt"] = NgsiEntities.FormatTime(row.CreatedAt);
        view["modifiedAt"] = NgsiEntities.FormatTime(row.ModifiedAt);
        if (view["notification"] is JsonObject notification)
        {
            notification["timesSent"] = status.TimesSent;
            if (status.LastNotification is { } last)
            {
                notification["lastNotification"] = NgsiEntities.FormatTime(last);
            }
            if (status.LastSuccess is { } ok)
            {
                notification["lastSuccess"] = NgsiEntities.FormatTime(ok);
            }
            if (status.LastFailure is { } failed)
            {
                notification["lastFailure"] = NgsiEntities.FormatTime(failed);
            }
            notification["status"] = status.LastFailure is { } f && (status.LastSuccess is not { } s || f > s) ? "failed" : "ok";
        }
        return view;
    }

    private async Task<NgsiUpdateResult> ChangeAsync(string id, JsonObject fragment, bool existingOnly, bool noOverwrite, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(fragment);
        var changes = NgsiEntities.ReadAttributes(fragment, id);
        if (changes.Count == 0)
        {
            throw new NgsiLdException(NgsiLdErrorTypes.BadRequestData, "the body names no attribute");
        }
        await using var db = await databases.CreateDbContextAsync(ct).ConfigureAwait(false);
        var row = await FindAsync(db, id, ct).ConfigureAwait(false);
        var attributes = Parse(row.Document);
        var updated = new List<string>();
        var notUpdated = new List<NgsiNotUpdated>();
        var applied = new JsonObject();
        foreach (var (name, value) in changes)
        {
            var exists = attributes.ContainsKey(name);
            if (existingOnly && !exists)
            {
                notUpdated.Add(new NgsiNotUpdated(name, "the entity has no such attribute"));
                continue;
            }
            if (noOverwrite && exists)
            {
                notUpdated.Add(new NgsiNotUpdated(name, "the attribute exists and noOverwrite was asked"));
                continue;
            }
            attributes[name] = value?.DeepClone();
            applied[name] = value?.DeepClone();
            updated.Add(name);
        }
        if (updated.Count > 0)
        {
            var now = time.GetUtcNow();
            row.Document = attributes.ToJsonString();
            row.ModifiedAt = now;
            Record(db, id, applied, now);
            await SaveAsync(db, ct).ConfigureAwait(false);
            await NotifyAsync(ToStored(row), updated, ct).ConfigureAwait(false);
        }
        return new NgsiUpdateResult(updated, notUpdated);
    }

    private static async Task<NgsiBatchResult> BatchAsync(JsonArray entities, Func<JsonObject, CancellationToken, Task<(string Id, bool Created)>> operation, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(entities);
        if (entities.Count == 0)
        {
            throw new NgsiLdException(NgsiLdErrorTypes.BadRequestData, "a batch operation needs at least one entity");
        }
        var success = new List<string>();
        var created = new List<string>();
        var errors = new List<NgsiBatchError>();
        foreach (var node in entities)
        {
            var id = node is JsonObject o && o["id"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : "";
            try
            {
                if (node is not JsonObject body)
                {
                    throw new NgsiLdException(NgsiLdErrorTypes.BadRequestData, "each batch item is an entity object");
                }
                var (done, wasCreated) = await operation(body, ct).ConfigureAwait(false);
                success.Add(done);
                if (wasCreated)
                {
                    created.Add(done);
                }
            }
            catch (NgsiLdException ex)
            {
                errors.Add(new NgsiBatchError(id, ex));
            }
        }
        return new NgsiBatchResult(success, errors, created);
    }

    private static async Task<NgsiEntityRow> FindAsync(NgsiDbContext db, string id, CancellationToken ct) =>
        await db.Entities.FirstOrDefaultAsync(e => e.Id == id, ct).ConfigureAwait(false)
            ?? throw new NgsiLdException(NgsiLdErrorTypes.ResourceNotFound, $"entity {id} does not exist");

    private static void Record(NgsiDbContext db, string id, JsonObject attributes, DateTimeOffset now)
    {
        foreach (var (name, value) in attributes)
        {
            foreach (var (instance, at) in NgsiEntities.Instances(value, now))
            {
                db.AttributeInstances.Add(new NgsiAttributeInstanceRow { EntityId = id, Attribute = name, ObservedAt = at, Instance = instance.ToJsonString() });
            }
        }
    }

    private static async Task SaveAsync(NgsiDbContext db, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct).ConfigureAwait(false);
        }
        catch (DbUpdateException ex)
        {
            // Two writers raced on the same id: the loser sees what the spec calls AlreadyExists.
            throw new NgsiLdException(NgsiLdErrorTypes.AlreadyExists, "the entity was written concurrently: " + (ex.InnerException?.Message ?? ex.Message));
        }
    }

    private async Task NotifyAsync(NgsiStoredEntity entity, IReadOnlyCollection<string> changed, CancellationToken ct)
    {
        await EnsureSubscriptionsLoadedAsync(ct).ConfigureAwait(false);
        matcher.OnChanged(entity.ToNormalized(systemAttributes: true), changed);
    }

    private static NgsiStoredEntity ToStored(NgsiEntityRow row) => new(row.Id, row.Type, Parse(row.Document), row.CreatedAt, row.ModifiedAt);

    private static JsonObject Parse(string json)
    {
        try
        {
            return JsonNode.Parse(json) as JsonObject ?? [];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
