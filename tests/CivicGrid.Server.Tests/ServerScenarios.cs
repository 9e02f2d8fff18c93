using System.Net;
using System.Text.Json;
using CivicGrid.Platform;
using CivicGrid.Platform.Storage;
using CivicGrid.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CivicGrid.Server.Tests;

/// <summary>HTTP-level behaviour of the server, run once on SQLite and once on PostgreSQL (subclasses below).</summary>
public abstract class ServerScenarios(ServerFixture fixture)
{
    protected ServerFixture Fixture { get; } = fixture;

    [Fact]
    public async Task Health_endpoints_report_the_process_and_the_database()
    {
        var server = await Fixture.ServerAsync();
        using var client = server.CreateApiClient();
        var live = await (await client.GetAtAsync("/health/live")).JsonAsync();
        Assert.Equal("Healthy", live.GetProperty("status").GetString());
        var ready = await (await client.GetAtAsync("/health/ready")).JsonAsync();
        Assert.Equal("Healthy", ready.GetProperty("status").GetString());
        Assert.Equal("Healthy", ready.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Status_reports_the_demo_city_as_stored_in_the_database()
    {
        var server = await Fixture.ServerAsync();
        var auditor = await server.CreateAccountAsync("status-auditor-" + Fixture.Storage, [PlatformRoles.Auditor]);
        using var client = server.CreateApiClient(auditor.ApiKey);
        var status = await (await client.GetAtAsync("/api/status")).JsonAsync();

        using var scope = server.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PlatformDbContext>();
        var ct = TestContext.Current.CancellationToken;
        Assert.Equal(await db.Regions.CountAsync(ct), status.GetProperty("regions").GetInt32());
        Assert.Equal(await db.Households.CountAsync(ct), status.GetProperty("households").GetInt32());
        Assert.Equal(await db.Assets.CountAsync(ct), status.GetProperty("assets").GetInt32());
        Assert.True(status.GetProperty("regions").GetInt32() > 0, "the demo city has regions");
        Assert.Equal(Fixture.Storage.ToString(), status.GetProperty("storageProvider").GetString());
    }

    [Fact]
    public async Task Scoped_operator_appends_a_decision_that_everyone_can_read_back()
    {
        var server = await Fixture.ServerAsync();
        var regions = await server.RegionIdsAsync();
        var op = await server.CreateAccountAsync("append-operator-" + Fixture.Storage, [PlatformRoles.Operator], [regions[0]]);
        var resident = await server.CreateAccountAsync("append-resident-" + Fixture.Storage, [PlatformRoles.Resident]);
        using var operatorClient = server.CreateApiClient(op.ApiKey);
        var reason = "Feeder overload test " + Guid.NewGuid().ToString("N");

        var created = await operatorClient.PostJsonAtAsync("/api/decisions", Decision(regions[0], reason));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var record = await created.JsonAsync();
        Assert.Equal(op.Id, record.GetProperty("operatorId").GetString());
        Assert.Equal("operator", record.GetProperty("actorKind").GetString());
        Assert.False(string.IsNullOrEmpty(record.GetProperty("receipt").GetString()));
        var id = record.GetProperty("id").GetGuid();
        Assert.Equal($"/api/decisions/{id}", created.Headers.Location?.OriginalString);

        using var residentClient = server.CreateApiClient(resident.ApiKey);
        var read = await (await residentClient.GetAtAsync($"/api/decisions/{id}")).JsonAsync();
        Assert.Equal(reason, read.GetProperty("reason").GetString());
        var list = await (await residentClient.GetAtAsync($"/api/decisions?regionId={regions[0]}")).JsonAsync();
        Assert.Contains(list.EnumerateArray(), d => d.GetProperty("id").GetGuid() == id);
        var status = await (await residentClient.GetAtAsync("/api/status")).JsonAsync();
        Assert.Contains(status.GetProperty("latestDecisions").EnumerateArray(), d => d.GetProperty("id").GetGuid() == id);
    }

    [Fact]
    public async Task Decision_without_a_reason_is_a_validation_problem()
    {
        var server = await Fixture.ServerAsync();
        var regions = await server.RegionIdsAsync();
        var op = await server.CreateAccountAsync("invalid-operator-" + Fixture.Storage, [PlatformRoles.Operator], [regions[0]]);
        using var client = server.CreateApiClient(op.ApiKey);
        var response = await client.PostJsonAtAsync("/api/decisions", Decision(regions[0], reason: ""));
        var problem = await HttpAssertions.AssertProblemAsync(response, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.Contains(errors.EnumerateObject(), e => e.Name.Equals("reason", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Unknown_region_is_a_404_problem()
    {
        var server = await Fixture.ServerAsync();
        var resident = await server.CreateAccountAsync("missing-resident-" + Fixture.Storage, [PlatformRoles.Resident]);
        using var client = server.CreateApiClient(resident.ApiKey);
        await HttpAssertions.AssertProblemAsync(await client.GetAtAsync("/api/regions/no-such-region"), HttpStatusCode.NotFound);
        await HttpAssertions.AssertProblemAsync(await client.GetAtAsync("/api/no-such-family"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Administrator_creates_an_account_whose_api_key_works_until_revoked()
    {
        var server = await Fixture.ServerAsync();
        var regions = await server.RegionIdsAsync();
        var admin = await server.CreateAccountAsync("keys-admin-" + Fixture.Storage, [PlatformRoles.Administrator]);
        using var adminClient = server.CreateApiClient(admin.ApiKey);

        var created = await (await adminClient.PostJsonAtAsync("/api/accounts", new
        {
            userName = "machine-" + Fixture.Storage.ToString().ToLowerInvariant(),
            roles = new[] { PlatformRoles.Operator },
            regions = new[] { regions[^1] },
        })).JsonAsync();
        var oneTimePassword = created.GetProperty("oneTimePassword").GetString();
        Assert.False(string.IsNullOrEmpty(oneTimePassword));
        var accountId = created.GetProperty("account").GetProperty("id").GetString();
        Assert.Equal([regions[^1]], created.GetProperty("account").GetProperty("regions").EnumerateArray().Select(r => r.GetString()));

        var key = await (await adminClient.PostJsonAtAsync($"/api/accounts/{accountId}/api-keys", new { name = "scada bridge" })).JsonAsync();
        var secret = key.GetProperty("key").GetString()!;
        using var machine = server.CreateApiClient(secret);
        Assert.Equal(HttpStatusCode.OK, (await machine.GetAtAsync("/api/assets?take=5")).StatusCode);

        // The stored key is a hash: the secret appears nowhere in the database.
        using (var scope = server.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<PlatformDbContext>();
            var stored = await db.ApiKeys.AsNoTracking().SingleAsync(k => k.Id == key.GetProperty("id").GetGuid(), TestContext.Current.CancellationToken);
            Assert.DoesNotContain(secret.Split('_')[^1], Convert.ToBase64String(stored.SecretHash), StringComparison.Ordinal);
            Assert.Equal(32, stored.SecretHash.Length);
        }

        var revoke = await adminClient.DeleteAsync(new Uri($"/api/api-keys/{key.GetProperty("id").GetGuid()}", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        await HttpAssertions.AssertProblemAsync(await machine.GetAtAsync("/api/assets?take=5"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Asset_paging_out_of_range_is_a_validation_problem()
    {
        var server = await Fixture.ServerAsync();
        var auditor = await server.CreateAccountAsync("paging-auditor-" + Fixture.Storage, [PlatformRoles.Auditor]);
        using var client = server.CreateApiClient(auditor.ApiKey);
        var problem = await HttpAssertions.AssertProblemAsync(await client.GetAtAsync("/api/assets?take=0"), HttpStatusCode.BadRequest);
        Assert.True(problem.TryGetProperty("errors", out _));
        await HttpAssertions.AssertProblemAsync(await client.GetAtAsync("/api/assets?kind=Volcano"), HttpStatusCode.BadRequest);

        var page = await (await client.GetAtAsync("/api/assets?take=3&skip=1")).JsonAsync();
        Assert.Equal(3, page.GetProperty("items").GetArrayLength());
        Assert.True(page.GetProperty("total").GetInt32() > 3);
    }

    internal static object Decision(string regionId, string reason) => new
    {
        kind = "LoadShedding",
        regionId,
        assetIds = Array.Empty<string>(),
        algorithm = "manual",
        algorithmVersion = "1",
        parameters = new Dictionary<string, string> { ["blockKilowatts"] = "120" },
        inputDigest = "sha256:" + new string('0', 64),
        outcome = "shed 120 kW for 30 minutes",
        reason,
    };
}

[Collection(SqliteServerCollection.Name)]
public sealed class SqliteServerTests(SqliteServerFixture fixture) : ServerScenarios(fixture);

[Collection(PostgresServerCollection.Name)]
public sealed class PostgresServerTests(PostgresServerFixture fixture) : ServerScenarios(fixture);
