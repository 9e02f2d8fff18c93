using CivicGrid.Platform.Storage;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CivicGrid.Platform.Tests;

/// <summary>Start-up, persistence and concurrency on the embedded SQLite default.</summary>
public sealed class PlatformDatabaseTests
{
    [Fact]
    public async Task First_start_creates_the_data_directory_migrates_seeds_and_creates_an_administrator()
    {
        await using var host = PlatformTestHost.Create();
        Assert.False(Directory.Exists(host.DataDirectory));

        var result = await host.InitializeAsync();

        Assert.True(File.Exists(Path.Combine(host.DataDirectory, "civicgrid.db")));
        Assert.Equal(StorageProvider.Sqlite, result.Provider);
        Assert.NotEmpty(result.AppliedMigrations);
        Assert.NotNull(result.DemoCity);
        Assert.Equal("admin", result.AdministratorUserName);
        Assert.NotNull(result.AdministratorOneTimePassword);
        await host.InScopeAsync(async sp =>
        {
            var users = sp.GetRequiredService<UserManager<PlatformUser>>();
            var admin = await users.FindByNameAsync("admin");
            Assert.NotNull(admin);
            Assert.True(admin.MustChangePassword);
            Assert.True(await users.CheckPasswordAsync(admin, result.AdministratorOneTimePassword!));
            Assert.True(await users.IsInRoleAsync(admin, PlatformRoles.Administrator));
            var db = sp.GetRequiredService<PlatformDbContext>();
            Assert.Equal(4, await db.Regions.CountAsync());
            Assert.Equal(PlatformRoles.All.Count, await db.Roles.CountAsync());
        });
    }

    [Fact]
    public async Task A_second_start_keeps_the_data_and_prints_no_new_password()
    {
        var folder = Testing.RepositoryPaths.CreateTempFolder();
        try
        {
            var data = Path.Combine(folder.Path, "data");
            int households;
            await using (var first = PlatformTestHost.Create(data))
            {
                await first.InitializeAsync();
                await first.InScopeAsync(async sp =>
                {
                    var city = sp.GetRequiredService<CityRepository>();
                    await city.UpdateRegionAsync("harbour", r => r.StatusNote = "Ferry pier closed", TestContext.Current.CancellationToken);
                });
                households = await first.InScopeAsync(sp => sp.GetRequiredService<PlatformDbContext>().Households.CountAsync());
            }
            await using var second = PlatformTestHost.Create(data);
            var result = await second.InitializeAsync();
            Assert.Empty(result.AppliedMigrations);
            Assert.Null(result.DemoCity);
            Assert.Null(result.AdministratorOneTimePassword);
            await second.InScopeAsync(async sp =>
            {
                var db = sp.GetRequiredService<PlatformDbContext>();
                Assert.Equal(households, await db.Households.CountAsync());
                Assert.Equal("Ferry pier closed", (await db.Regions.SingleAsync(r => r.Id == "harbour")).StatusNote);
                Assert.Equal(1, await db.Users.CountAsync());
            });
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            folder.Dispose();
        }
    }

    [Fact]
    public async Task When_nobody_is_administrator_the_next_start_restores_admin_with_a_new_password()
    {
        var folder = Testing.RepositoryPaths.CreateTempFolder();
        try
        {
            var data = Path.Combine(folder.Path, "data");
            string firstPassword;
            await using (var first = PlatformTestHost.Create(data, seed: false))
            {
                firstPassword = (await first.InitializeAsync()).AdministratorOneTimePassword!;
                await first.InScopeAsync(async sp =>
                {
                    var users = sp.GetRequiredService<UserManager<PlatformUser>>();
                    var admin = await users.FindByNameAsync("admin");
                    Assert.True((await users.RemoveFromRoleAsync(admin!, PlatformRoles.Administrator)).Succeeded);
                });
            }
            await using var second = PlatformTestHost.Create(data, seed: false);
            var result = await second.InitializeAsync();
            Assert.NotNull(result.AdministratorOneTimePassword);
            Assert.NotEqual(firstPassword, result.AdministratorOneTimePassword);
            await second.InScopeAsync(async sp =>
            {
                var users = sp.GetRequiredService<UserManager<PlatformUser>>();
                var admin = await users.FindByNameAsync("admin");
                Assert.True(await users.CheckPasswordAsync(admin!, result.AdministratorOneTimePassword!));
                Assert.False(await users.CheckPasswordAsync(admin!, firstPassword));
                Assert.True(await users.IsInRoleAsync(admin!, PlatformRoles.Administrator));
                Assert.Equal(1, await sp.GetRequiredService<PlatformDbContext>().Users.CountAsync());
            });
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            folder.Dispose();
        }
    }

    [Fact]
    public async Task A_corrupted_database_file_gives_a_clear_storage_error()
    {
        await using var host = PlatformTestHost.Create();
        Directory.CreateDirectory(host.DataDirectory);
        await File.WriteAllBytesAsync(Path.Combine(host.DataDirectory, "civicgrid.db"),
            Enumerable.Repeat((byte)0x5A, 8192).ToArray(), TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<PlatformStorageException>(host.InitializeAsync);

        Assert.Contains("corrupted", error.Message, StringComparison.Ordinal);
        Assert.Contains("civicgrid.db", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_storage_provider_is_named_in_the_error()
    {
        await using var host = PlatformTestHost.Create(settings: new Dictionary<string, string?> { ["CivicGrid:Storage:Provider"] = "Oracle" });
        var error = await Assert.ThrowsAsync<PlatformStorageException>(host.InitializeAsync);
        Assert.Contains("CivicGrid:Storage:Provider", error.Message, StringComparison.Ordinal);
        Assert.Contains("Oracle", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_demo_city_an_empty_database_stays_empty()
    {
        await using var host = PlatformTestHost.Create(seed: false);
        var result = await host.InitializeAsync();
        Assert.Null(result.DemoCity);
        Assert.Equal(0, await host.InScopeAsync(sp => sp.GetRequiredService<PlatformDbContext>().Regions.CountAsync()));
    }

    [Fact]
    public async Task A_save_based_on_a_stale_copy_is_rejected()
    {
        await using var host = PlatformTestHost.Create();
        await host.InitializeAsync();
        var ct = TestContext.Current.CancellationToken;
        await using var a = host.NewContext();
        await using var b = host.NewContext();
        var regionA = await a.Regions.SingleAsync(r => r.Id == "riverside", ct);
        var regionB = await b.Regions.SingleAsync(r => r.Id == "riverside", ct);
        regionA.StatusNote = "first";
        await a.SaveChangesAsync(ct);
        regionB.StatusNote = "second";
        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => b.SaveChangesAsync(ct));
    }

    [Fact]
    public async Task Concurrent_updates_through_the_repository_are_all_kept()
    {
        await using var host = PlatformTestHost.Create();
        await host.InitializeAsync();
        var before = await host.InScopeAsync(sp => sp.GetRequiredService<PlatformDbContext>().Regions.SingleAsync(r => r.Id == "old-town"));
        const int writers = 6;
        // Every writer reads, waits for the others to read, then writes: all but one must retry.
        using var barrier = new Barrier(writers);
        await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(() => host.InScopeAsync(async sp =>
        {
            var city = sp.GetRequiredService<CityRepository>();
            var first = true;
            await city.UpdateRegionAsync("old-town", r =>
            {
                if (first)
                {
                    first = false;
                    barrier.SignalAndWait(TimeSpan.FromSeconds(30));
                }
                r.AreaSquareKilometers += 1;
            }, CancellationToken.None);
        }))));
        var after = await host.InScopeAsync(sp => sp.GetRequiredService<PlatformDbContext>().Regions.SingleAsync(r => r.Id == "old-town"));
        Assert.Equal(before.AreaSquareKilometers + writers, after.AreaSquareKilometers, 1e-9);
    }
}
