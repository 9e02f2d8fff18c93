using System.Text.Json.Nodes;
using CivicGrid.Platform.Ngsi;
using CivicGrid.Platform.Storage;
using CivicGrid.Testing;
using CivicGrid.Water.Fiware;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit;

namespace CivicGrid.Platform.Tests;

/// <summary>The NGSI-LD broker on SQLite: entities, queries with pagination, updates, batches, temporal instances, subscriptions.</summary>
public sealed class NgsiServiceTests : NgsiServiceContract
{
    protected override Task<IDictionary<string, string?>> StorageSettingsAsync() =>
        Task.FromResult<IDictionary<string, string?>>(new Dictionary<string, string?>());
}

/// <summary>
/// The same NGSI-LD behaviour on a real PostgreSQL database (the production store): skips without
/// <c>CIVICGRID_TEST_POSTGRES</c> locally, fails without it in CI.
/// </summary>
public sealed class NgsiServicePostgresTests : NgsiServiceContract
{
    private PostgresTestDatabase? _database;

    protected override async Task<IDictionary<string, string?>> StorageSettingsAsync()
    {
        _database = await PostgresTestDatabase.CreateAsync(NpgsqlFactory.Instance, Ct);
        return new Dictionary<string, string?>
        {
            ["CivicGrid:Storage:Provider"] = "PostgreSQL",
            ["ConnectionStrings:CivicGrid"] = _database.ConnectionString,
        };
    }

    protected override async ValueTask DisposeStorageAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}

/// <summary>What the NGSI-LD broker does whatever database holds it; each storage flavour derives one test class.</summary>
public abstract class NgsiServiceContract : IAsyncLifetime
{
    private readonly TempFolder _folder = RepositoryPaths.CreateTempFolder();
    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2026, 11, 22, 21, 0, 0, TimeSpan.Zero));
    private ServiceProvider? _services;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ServiceProvider Services => _services ?? throw new InvalidOperationException("not initialised");

    private NgsiLdService Ngsi => Services.GetRequiredService<NgsiLdService>();

    /// <summary>Storage settings of the flavour (empty: the SQLite default in a temporary data directory).</summary>
    protected abstract Task<IDictionary<string, string?>> StorageSettingsAsync();

    protected virtual ValueTask DisposeStorageAsync() => ValueTask.CompletedTask;

    public async ValueTask InitializeAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            ["CivicGrid:DataDirectory"] = Path.Combine(_folder.Path, "data"),
            ["CivicGrid:DemoCity:Enabled"] = "true",
        };
        foreach (var (key, value) in await StorageSettingsAsync())
        {
            settings[key] = value;
        }
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<TimeProvider>(_clock);
        services.AddCivicGridPlatform(configuration);
        services.AddNgsiPlatform();
        _services = services.BuildServiceProvider();
        await _services.InitializeCivicGridPlatformAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }
        NpgsqlConnection.ClearAllPools();
        await DisposeStorageAsync();
        _folder.Dispose();
        GC.SuppressFinalize(this);
    }

    private static JsonObject Junction(string id, double elevation, double lon, double lat) => new()
    {
        ["id"] = $"urn:ngsi-ld:Junction:{id}",
        ["type"] = "Junction",
        ["elevation"] = NgsiAttributes.Number(elevation, "MTR"),
        ["location"] = NgsiAttributes.Geo(NgsiGeometry.Point(lon, lat)),
    };

    [Fact]
    public async Task Created_entity_is_read_back_and_a_second_create_is_AlreadyExists()
    {
        await Ngsi.CreateEntityAsync(Junction("a", 10, 135.0, 35.0), Ct);
        var read = await Ngsi.GetEntityAsync("urn:ngsi-ld:Junction:a", Ct);
        Assert.NotNull(read);
        Assert.Equal(10, read.Attributes["elevation"]!["value"]!.GetValue<double>());
        Assert.Equal(_clock.Now, read.CreatedAt);
        var again = await Assert.ThrowsAsync<NgsiLdException>(() => Ngsi.CreateEntityAsync(Junction("a", 11, 135.0, 35.0), Ct));
        Assert.Equal(NgsiLdErrorTypes.AlreadyExists, again.ProblemType);
        Assert.Equal(409, again.Status);
    }

    [Fact]
    public async Task Query_filters_by_type_q_and_geometry_and_pages_with_a_total_count()
    {
        for (var i = 0; i < 12; i++)
        {
            await Ngsi.CreateEntityAsync(Junction($"q{i:00}", i * 10, 135.0 + i * 0.001, 35.0), Ct);
        }
        await Ngsi.CreateEntityAsync(new JsonObject { ["id"] = "urn:ngsi-ld:Device:d", ["type"] = "Device", ["controlledProperty"] = NgsiAttributes.Property(new JsonArray("pressure")) }, Ct);

        var high = await Ngsi.QueryEntitiesAsync(new NgsiEntityQuery(Types: ["Junction"], Query: NgsiQuery.Parse("elevation>=50"), Limit: 3, Offset: 2), Ct);
        Assert.Equal(7, high.TotalCount);
        Assert.Equal(["urn:ngsi-ld:Junction:q07", "urn:ngsi-ld:Junction:q08", "urn:ngsi-ld:Junction:q09"], high.Entities.Select(e => e.Id));

        // 0.001° of longitude at 35°N is about 91 m: within 200 m of q00 are q00, q01 and q02.
        var near = await Ngsi.QueryEntitiesAsync(new NgsiEntityQuery(Types: ["Junction"], GeoQuery: NgsiGeoQuery.Parse("near;maxDistance==200", "Point", "[135.0,35.0]", null)), Ct);
        Assert.Equal(["urn:ngsi-ld:Junction:q00", "urn:ngsi-ld:Junction:q01", "urn:ngsi-ld:Junction:q02"], near.Entities.Select(e => e.Id));

        var byAttribute = await Ngsi.QueryEntitiesAsync(new NgsiEntityQuery(Attributes: new HashSet<string> { "controlledProperty" }), Ct);
        Assert.Equal("urn:ngsi-ld:Device:d", Assert.Single(byAttribute.Entities).Id);

        var unbounded = await Assert.ThrowsAsync<NgsiLdException>(() => Ngsi.QueryEntitiesAsync(new NgsiEntityQuery(), Ct));
        Assert.Equal(NgsiLdErrorTypes.BadRequestData, unbounded.ProblemType);
        var tooMany = await Assert.ThrowsAsync<NgsiLdException>(() => Ngsi.QueryEntitiesAsync(new NgsiEntityQuery(Types: ["Junction"], Limit: 5000), Ct));
        Assert.Equal(NgsiLdErrorTypes.TooManyResults, tooMany.ProblemType);
    }

    [Fact]
    public async Task Patch_updates_existing_attributes_and_reports_the_others()
    {
        await Ngsi.CreateEntityAsync(Junction("p", 10, 135.0, 35.0), Ct);
        _clock.Advance(TimeSpan.FromMinutes(5));
        var result = await Ngsi.UpdateAttributesAsync("urn:ngsi-ld:Junction:p",
            new JsonObject { ["elevation"] = NgsiAttributes.Number(12), ["pressure"] = NgsiAttributes.Number(40) }, Ct);
        Assert.Equal(["elevation"], result.Updated);
        Assert.Equal("pressure", Assert.Single(result.NotUpdated).AttributeName);
        var read = await Ngsi.GetEntityAsync("urn:ngsi-ld:Junction:p", Ct);
        Assert.Equal(12, read!.Attributes["elevation"]!["value"]!.GetValue<double>());
        Assert.False(read.Attributes.ContainsKey("pressure"));
        Assert.Equal(_clock.Now, read.ModifiedAt);

        var appended = await Ngsi.AppendAttributesAsync("urn:ngsi-ld:Junction:p", new JsonObject { ["pressure"] = NgsiAttributes.Number(40), ["elevation"] = NgsiAttributes.Number(99) }, noOverwrite: true, Ct);
        Assert.Equal(["pressure"], appended.Updated);
        Assert.Equal("elevation", Assert.Single(appended.NotUpdated).AttributeName);

        var missing = await Assert.ThrowsAsync<NgsiLdException>(() => Ngsi.UpdateAttributesAsync("urn:ngsi-ld:Junction:none", new JsonObject { ["elevation"] = NgsiAttributes.Number(1) }, Ct));
        Assert.Equal(NgsiLdErrorTypes.ResourceNotFound, missing.ProblemType);
    }

    [Fact]
    public async Task Batch_operations_report_success_and_errors_per_entity()
    {
        var created = await Ngsi.CreateBatchAsync([Junction("b1", 1, 135, 35), Junction("b2", 2, 135, 35), new JsonObject { ["id"] = "not a uri", ["type"] = "Junction" }], Ct);
        Assert.Equal(["urn:ngsi-ld:Junction:b1", "urn:ngsi-ld:Junction:b2"], created.Success);
        var error = Assert.Single(created.Errors);
        Assert.Equal("not a uri", error.EntityId);
        Assert.Equal(NgsiLdErrorTypes.BadRequestData, error.Error.ProblemType);

        var upserted = await Ngsi.UpsertBatchAsync([Junction("b2", 20, 135, 35), Junction("b3", 3, 135, 35)], update: false, Ct);
        Assert.Equal(["urn:ngsi-ld:Junction:b3"], upserted.Created);
        Assert.Equal(20, (await Ngsi.GetEntityAsync("urn:ngsi-ld:Junction:b2", Ct))!.Attributes["elevation"]!["value"]!.GetValue<double>());

        var updated = await Ngsi.UpdateBatchAsync([new JsonObject { ["id"] = "urn:ngsi-ld:Junction:b1", ["type"] = "Junction", ["tag"] = NgsiAttributes.Property("DMA1") },
            new JsonObject { ["id"] = "urn:ngsi-ld:Junction:zz", ["type"] = "Junction", ["tag"] = NgsiAttributes.Property("DMA1") }], noOverwrite: false, Ct);
        Assert.Equal(["urn:ngsi-ld:Junction:b1"], updated.Success);
        Assert.Equal(NgsiLdErrorTypes.ResourceNotFound, Assert.Single(updated.Errors).Error.ProblemType);

        var deleted = await Ngsi.DeleteBatchAsync(["urn:ngsi-ld:Junction:b1", "urn:ngsi-ld:Junction:zz"], Ct);
        Assert.Equal(["urn:ngsi-ld:Junction:b1"], deleted.Success);
        Assert.Single(deleted.Errors);
        Assert.Null(await Ngsi.GetEntityAsync("urn:ngsi-ld:Junction:b1", Ct));
    }

    [Fact]
    public async Task Temporal_representation_returns_the_instances_in_the_asked_interval()
    {
        var id = "urn:ngsi-ld:Device:t";
        JsonObject Reading(double value, string at) => new() { ["level"] = new JsonObject { ["type"] = "Property", ["value"] = value, ["observedAt"] = at } };
        var entity = new JsonObject { ["id"] = id, ["type"] = "Device", ["controlledProperty"] = NgsiAttributes.Property(new JsonArray("level")) };
        entity["level"] = Reading(1, "2026-11-22T10:00:00Z")["level"]!.DeepClone();
        await Ngsi.CreateEntityAsync(entity, Ct);
        await Ngsi.UpdateAttributesAsync(id, Reading(2, "2026-11-22T11:00:00Z"), Ct);
        await Ngsi.UpdateAttributesAsync(id, Reading(3, "2026-11-22T12:00:00Z"), Ct);

        var between = await Ngsi.GetTemporalAsync(id, NgsiTemporalQuery.Parse("between", "2026-11-22T10:30:00Z", "2026-11-22T12:00:00Z", new HashSet<string> { "level" }, null), Ct);
        Assert.Equal([2.0], between["level"]!.AsArray().Select(i => i!["value"]!.GetValue<double>()));
        var after = await Ngsi.GetTemporalAsync(id, NgsiTemporalQuery.Parse("after", "2026-11-22T10:30:00Z", null, null, null), Ct);
        Assert.Equal([2.0, 3.0], after["level"]!.AsArray().Select(i => i!["value"]!.GetValue<double>()));
        var last = await Ngsi.GetTemporalAsync(id, NgsiTemporalQuery.Parse(null, null, null, null, 1), Ct);
        Assert.Equal([3.0], last["level"]!.AsArray().Select(i => i!["value"]!.GetValue<double>()));

        Assert.Equal(NgsiLdErrorTypes.BadRequestData, Assert.Throws<NgsiLdException>(() => NgsiTemporalQuery.Parse("between", "2026-11-22T10:30:00Z", null, null, null)).ProblemType);
        Assert.Equal(NgsiLdErrorTypes.BadRequestData, Assert.Throws<NgsiLdException>(() => NgsiTemporalQuery.Parse("during", "2026-11-22T10:30:00Z", null, null, null)).ProblemType);
        Assert.Equal(NgsiLdErrorTypes.BadRequestData, Assert.Throws<NgsiLdException>(() => NgsiTemporalQuery.Parse("before", "yesterday", null, null, null)).ProblemType);
    }

    [Fact]
    public async Task Subscriptions_notify_on_watched_changes_matching_q_and_respect_throttling()
    {
        var matcher = Services.GetRequiredService<NgsiSubscriptionMatcher>();
        var subscription = await Ngsi.CreateSubscriptionAsync(JsonNode.Parse("""
            { "type": "Subscription", "entities": [ { "type": "Junction" } ], "watchedAttributes": ["pressure"],
              "q": "pressure<20", "throttling": 60,
              "notification": { "attributes": ["pressure"], "endpoint": { "uri": "http://127.0.0.1:9/notify" } } }
            """)!.AsObject(), Ct);
        await Ngsi.CreateEntityAsync(Junction("s", 5, 135, 35), Ct);

        JsonObject Pressure(double p) => new() { ["pressure"] = NgsiAttributes.Number(p) };
        await Ngsi.AppendAttributesAsync("urn:ngsi-ld:Junction:s", Pressure(30), noOverwrite: false, Ct);
        Assert.Null(matcher.StatusOf(subscription.Id).LastNotification);

        await Ngsi.AppendAttributesAsync("urn:ngsi-ld:Junction:s", Pressure(10), noOverwrite: false, Ct);
        Assert.Equal(_clock.Now, matcher.StatusOf(subscription.Id).LastNotification);

        // Within the throttling period a second matching change is not notified.
        var first = _clock.Now;
        _clock.Advance(TimeSpan.FromSeconds(30));
        await Ngsi.AppendAttributesAsync("urn:ngsi-ld:Junction:s", Pressure(9), noOverwrite: false, Ct);
        Assert.Equal(first, matcher.StatusOf(subscription.Id).LastNotification);
        _clock.Advance(TimeSpan.FromSeconds(31));
        await Ngsi.AppendAttributesAsync("urn:ngsi-ld:Junction:s", Pressure(8), noOverwrite: false, Ct);
        Assert.Equal(_clock.Now, matcher.StatusOf(subscription.Id).LastNotification);

        // An unwatched attribute does not notify; a paused subscription does not either.
        _clock.Advance(TimeSpan.FromMinutes(5));
        var before = matcher.StatusOf(subscription.Id).LastNotification;
        await Ngsi.AppendAttributesAsync("urn:ngsi-ld:Junction:s", new JsonObject { ["elevation"] = NgsiAttributes.Number(6) }, noOverwrite: false, Ct);
        await Ngsi.UpdateSubscriptionAsync(subscription.Id, new JsonObject { ["isActive"] = false }, Ct);
        await Ngsi.AppendAttributesAsync("urn:ngsi-ld:Junction:s", Pressure(1), noOverwrite: false, Ct);
        Assert.Equal(before, matcher.StatusOf(subscription.Id).LastNotification);
        Assert.Equal("paused", (await Ngsi.GetSubscriptionAsync(subscription.Id, Ct))!["status"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{ "entities": [ { "type": "Junction" } ], "notification": { "endpoint": { "uri": "ftp://x/y" } } }""", "http(s)")]
    [InlineData("""{ "notification": { "endpoint": { "uri": "http://x/y" } } }""", "entities or watchedAttributes")]
    [InlineData("""{ "entities": [ { "type": "Junction" } ], "q": "a==", "notification": { "endpoint": { "uri": "http://x/y" } } }""", "column")]
    [InlineData("""{ "entities": [ { "type": "Junction" } ], "throttling": -1, "notification": { "endpoint": { "uri": "http://x/y" } } }""", "throttling")]
    [InlineData("""{ "type": "Notification", "entities": [ { "type": "Junction" } ], "notification": { "endpoint": { "uri": "http://x/y" } } }""", "type is Subscription")]
    public void Malformed_subscription_is_BadRequestData(string json, string reason)
    {
        var ex = Assert.Throws<NgsiLdException>(() => NgsiSubscription.Read(JsonNode.Parse(json)!.AsObject()));
        Assert.Equal(NgsiLdErrorTypes.BadRequestData, ex.ProblemType);
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_city_is_published_as_smart_data_models_that_pass_the_schema_checks()
    {
        var publication = ActivatorUtilities.CreateInstance<NgsiDemoCityPublication>(Services);
        var count = await publication.PublishAsync(Ct);
        await using var platform = await Services.GetRequiredService<IDbContextFactory<PlatformDbContext>>().CreateDbContextAsync(Ct);
        var assets = await platform.Assets.CountAsync(a => a.Kind != AssetKind.RoadLink && a.Kind != AssetKind.RoadNode && a.Kind != AssetKind.Intersection, Ct);
        Assert.Equal(assets, count);
        Assert.Equal(0, await publication.PublishAsync(Ct));
        var all = new List<NgsiStoredEntity>();
        foreach (var type in new[] { "Junction", "Pipe", "Tank", "Reservoir", "Device" })
        {
            var page = await Ngsi.QueryEntitiesAsync(new NgsiEntityQuery(Types: [type], Limit: 1000), Ct);
            Assert.True(page.TotalCount > 0, type);
            all.AddRange(page.Entities);
        }
        var problems = all.SelectMany(e => SmartDataModels.Check(e.ToNormalized())).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems.Take(20)));
        // Pipes are drawn between their junctions: each pipe's line starts where its startsAt junction is.
        var pipe = all.First(e => e.Type == "Pipe" && e.Attributes.ContainsKey("location"));
        var from = all.Single(e => e.Id == pipe.Attributes["startsAt"]!["object"]!.GetValue<string>());
        Assert.Equal(from.Attributes["location"]!["value"]!["coordinates"]!.ToJsonString(), pipe.Attributes["location"]!["value"]!["coordinates"]![0]!.ToJsonString());
    }
}
