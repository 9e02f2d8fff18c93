using CivicGrid.Platform.Runtime.Grains;
using CivicGrid.Platform.Storage;
using CivicGrid.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Xunit;

namespace CivicGrid.Platform.Tests;

/// <summary>The platform as the server hosts it: options, database, Orleans silo, switched by configuration only.</summary>
public sealed class HostingTests
{
    private static IHost BuildHost(IDictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddCivicGridPlatform(builder.Configuration);
        builder.AddCivicGridOrleans();
        return builder.Build();
    }

    private static async Task<string?> RunOnceAsync(IDictionary<string, string?> settings, string? restrictionToSet)
    {
        var ct = TestContext.Current.CancellationToken;
        using var host = BuildHost(settings);
        await host.Services.InitializeCivicGridPlatformAsync(ct);
        await host.StartAsync(ct);
        try
        {
            var region = host.Services.GetRequiredService<IGrainFactory>().GetGrain<IRegionGrain>("riverside");
            if (restrictionToSet is not null)
            {
                await region.SetRestrictionAsync(restrictionToSet);
            }
            return (await region.GetSnapshotAsync()).Restriction;
        }
        finally
        {
            await host.StopAsync(ct);
        }
    }

    [Fact]
    public async Task The_embedded_default_keeps_grain_state_in_sqlite_across_restarts()
    {
        using var folder = RepositoryPaths.CreateTempFolder();
        var settings = new Dictionary<string, string?>
        {
            ["CivicGrid:DataDirectory"] = Path.Combine(folder.Path, "data"),
            ["CivicGrid:Orleans:SiloPort"] = "0",
            ["CivicGrid:Orleans:GatewayPort"] = "0",
        };
        try
        {
            Assert.Equal("Rolling outages 18:00-19:00", await RunOnceAsync(settings, "Rolling outages 18:00-19:00"));
            Assert.Equal("Rolling outages 18:00-19:00", await RunOnceAsync(settings, null));
            Assert.True(File.Exists(Path.Combine(folder.Path, "data", "grains.db")));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
        }
    }

    [Fact]
    public async Task Postgres_configuration_uses_adonet_clustering_and_persistence_and_creates_the_orleans_tables()
    {
        await using var database = await PostgresTestDatabase.CreateAsync(NpgsqlFactory.Instance, TestContext.Current.CancellationToken);
        using var folder = RepositoryPaths.CreateTempFolder();
        var settings = new Dictionary<string, string?>
        {
            ["CivicGrid:Storage:Provider"] = "PostgreSQL",
            ["ConnectionStrings:CivicGrid"] = database.ConnectionString,
            ["CivicGrid:Orleans:Clustering"] = "AdoNet",
            ["CivicGrid:DataDirectory"] = Path.Combine(folder.Path, "data"),
            ["CivicGrid:Orleans:SiloPort"] = "0",
            ["CivicGrid:Orleans:GatewayPort"] = "0",
        };

        Assert.Equal("Boil water notice", await RunOnceAsync(settings, "Boil water notice"));
        Assert.Equal("Boil water notice", await RunOnceAsync(settings, null));

        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand("SELECT (SELECT count(*) FROM orleansstorage), (SELECT count(*) FROM orleansmembershiptable)", connection);
        await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
        Assert.True(await reader.ReadAsync(TestContext.Current.CancellationToken));
        Assert.True(reader.GetInt64(0) >= 1, "grain state rows");
        Assert.True(reader.GetInt64(1) >= 2, "one membership row per silo start");
    }

    [Fact]
    public void Adonet_clustering_without_postgres_is_a_configuration_error()
    {
        var error = Assert.Throws<PlatformStorageException>(() => BuildHost(new Dictionary<string, string?> { ["CivicGrid:Orleans:Clustering"] = "AdoNet" }));
        Assert.Contains("PostgreSQL", error.Message, StringComparison.Ordinal);
    }
}

/// <summary>The platform database on a real PostgreSQL server (CIVICGRID_TEST_POSTGRES).</summary>
public sealed class PostgresPlatformTests
{
    [Fact]
    public async Task Postgres_start_migrates_seeds_and_a_second_start_keeps_the_data()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await PostgresTestDatabase.CreateAsync(NpgsqlFactory.Instance, ct);
        await using (var first = PlatformTestHost.CreatePostgres(database.ConnectionString))
        {
            var result = await first.InitializeAsync();
            Assert.Equal(StorageProvider.PostgreSQL, result.Provider);
            Assert.NotEmpty(result.AppliedMigrations);
            Assert.NotNull(result.AdministratorOneTimePassword);
            Assert.DoesNotContain("Password", result.Database, StringComparison.OrdinalIgnoreCase);
            await first.InScopeAsync(sp => sp.GetRequiredService<CityRepository>().UpdateRegionAsync("hillcrest", r => r.StatusNote = "ok", ct));
        }
        await using var second = PlatformTestHost.CreatePostgres(database.ConnectionString);
        var again = await second.InitializeAsync();
        Assert.Empty(again.AppliedMigrations);
        Assert.Null(again.AdministratorOneTimePassword);
        Assert.Equal("ok", (await second.InScopeAsync(sp => sp.GetRequiredService<CityRepository>().GetRegionAsync("hillcrest", ct)))!.StatusNote);
    }

    [Fact]
    public async Task Postgres_rejects_a_stale_write_and_the_repository_keeps_concurrent_updates()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await PostgresTestDatabase.CreateAsync(NpgsqlFactory.Instance, ct);
        await using var host = PlatformTestHost.CreatePostgres(database.ConnectionString);
        await host.InitializeAsync();
        await using (var a = host.NewContext())
        await using (var b = host.NewContext())
        {
            var ra = await a.Households.FirstAsync(h => h.Id == "riverside-h001", ct);
            var rb = await b.Households.FirstAsync(h => h.Id == "riverside-h001", ct);
            ra.Residents++;
            await a.SaveChangesAsync(ct);
            rb.Residents += 2;
            await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => b.SaveChangesAsync(ct));
        }
        var before = (await host.InScopeAsync(sp => sp.GetRequiredService<PlatformDbContext>().Households.AsNoTracking().FirstAsync(h => h.Id == "riverside-h002", ct))).Residents;
        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Task.Run(() =>
            host.InScopeAsync(sp => sp.GetRequiredService<CityRepository>().UpdateHouseholdAsync("riverside-h002", h => h.Residents++, ct)))));
        var after = (await host.InScopeAsync(sp => sp.GetRequiredService<PlatformDbContext>().Households.AsNoTracking().FirstAsync(h => h.Id == "riverside-h002", ct))).Residents;
        Assert.Equal(before + 5, after);
    }

    [Fact]
    public async Task An_unreachable_postgres_server_gives_a_clear_storage_error()
    {
        // Port 1 on loopback: nothing listens there.
        await using var host = PlatformTestHost.CreatePostgres("Host=127.0.0.1;Port=1;Username=postgres;Database=nowhere;Timeout=3");
        var error = await Assert.ThrowsAsync<PlatformStorageException>(host.InitializeAsync);
        Assert.Contains("unreachable", error.Message, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1:1/nowhere", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_orleans_schema_is_created_once_and_is_idempotent()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var database = await PostgresTestDatabase.CreateAsync(NpgsqlFactory.Instance, ct);
        Assert.True(await Runtime.PostgresOrleansSchema.EnsureCreatedAsync(database.ConnectionString, ct));
        Assert.False(await Runtime.PostgresOrleansSchema.EnsureCreatedAsync(database.ConnectionString, ct));
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT count(*) FROM orleansquery", connection);
        Assert.Equal(13L, await command.ExecuteScalarAsync(ct)); // 9 membership + 4 storage queries
    }
}
