using System.Data.Common;
using System.Net.Sockets;
using System.Security.Cryptography;
using CivicGrid.Platform.DemoCity;
using CivicGrid.Platform.Storage;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CivicGrid.Platform;

/// <summary>What happened when the platform started.</summary>
/// <param name="Provider">The database in use.</param>
/// <param name="Database">Where the data lives, without secrets (a file path or host/database).</param>
/// <param name="AppliedMigrations">Migrations applied by this start (empty when the schema was current).</param>
/// <param name="DemoCity">A one-line description of the demo city seeded by this start, or null.</param>
/// <param name="AdministratorUserName">The first administrator created by this start, or null.</param>
/// <param name="AdministratorOneTimePassword">Its generated password, to be shown once and then forgotten; null otherwise.</param>
public sealed record PlatformInitialization(
    StorageProvider Provider,
    string Database,
    IReadOnlyList<string> AppliedMigrations,
    string? DemoCity,
    string? AdministratorUserName,
    string? AdministratorOneTimePassword);

/// <summary>Brings the platform database to a usable state on start.</summary>
public static class PlatformInitializationExtensions
{
    /// <summary>
    /// Creates the data directory (SQLite), applies pending migrations, creates the roles, seeds the demo city on an
    /// empty database and creates the first administrator with a one-time password. Throws
    /// <see cref="PlatformStorageException"/> with a readable message when the database is unreachable or corrupted.
    /// </summary>
    public static async Task<PlatformInitialization> InitializeCivicGridPlatformAsync(this IServiceProvider services, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.GetRequiredService<IOptions<PlatformOptions>>().Value;
        var where = Describe(options);
        try
        {
            if (options.StorageProvider == StorageProvider.Sqlite)
            {
                PrepareSqliteFolder(options);
            }
            await using var scope = services.CreateAsyncScope();
            var sp = scope.ServiceProvider;
            var db = sp.GetRequiredService<PlatformDbContext>();

            var pending = (await db.Database.GetPendingMigrationsAsync(ct).ConfigureAwait(false)).ToList();
            await db.Database.MigrateAsync(ct).ConfigureAwait(false);
            if (options.StorageProvider == StorageProvider.Sqlite)
            {
                // WAL lets readers and one writer work side by side; the setting persists in the file.
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct).ConfigureAwait(false);
            }
            foreach (var module in sp.GetServices<IModuleDatabase>())
            {
                foreach (var migration in await module.MigrateAsync(sp, ct).ConfigureAwait(false))
                {
                    pending.Add($"{module.Module}:{migration}");
                }
            }

            var roles = sp.GetRequiredService<RoleManager<IdentityRole>>();
            foreach (var role in PlatformRoles.All)
            {
                if (!await roles.RoleExistsAsync(role).ConfigureAwait(false))
                {
                    Check(await roles.CreateAsync(new IdentityRole(role)).ConfigureAwait(false), $"create role {role}");
                }
            }

            string? seeded = null;
            if (options.SeedDemoCity && !await db.Regions.AnyAsync(ct).ConfigureAwait(false))
            {
                var city = DemoCityGenerator.Generate(options.DemoCitySeed);
                var (regions, households, assets) = DemoCitySeeder.ToEntities(city);
                db.Regions.AddRange(regions);
                db.Households.AddRange(households);
                db.Assets.AddRange(assets);
                await db.SaveChangesAsync(ct).ConfigureAwait(false);
                db.ChangeTracker.Clear();
                seeded = $"{city.Name}: {DemoCitySeeder.Describe(city)}, {assets.Count} assets";
            }

            var users = sp.GetRequiredService<UserManager<PlatformUser>>();
            string? adminName = null, adminPassword = null;
            if ((await users.GetUsersInRoleAsync(PlatformRoles.Administrator).ConfigureAwait(false)).Count == 0)
            {
                adminName = options.AdministratorUserName;
                adminPassword = GenerateOneTimePassword();
                var admin = await users.FindByNameAsync(adminName).ConfigureAwait(false);
                if (admin is null)
                {
                    admin = new PlatformUser { UserName = adminName, DisplayName = "Administrator", MustChangePassword = true };
                    Check(await users.CreateAsync(admin, adminPassword).ConfigureAwait(false), "create the first administrator");
                }
                else
                {
                    // An account of that name exists without the role: reset it rather than guess another name.
                    if (await users.HasPasswordAsync(admin).ConfigureAwait(false))
                    {
                        Check(await users.RemovePasswordAsync(admin).ConfigureAwait(false), "reset the administrator password");
                    }
                    Check(await users.AddPasswordAsync(admin, adminPassword).ConfigureAwait(false), "set the administrator password");
                    admin.MustChangePassword = true;
                    Check(await users.UpdateAsync(admin).ConfigureAwait(false), "update the administrator");
                }
                Check(await users.AddToRoleAsync(admin, PlatformRoles.Administrator).ConfigureAwait(false), "grant the administrator role");
            }

            return new PlatformInitialization(options.StorageProvider, where, pending, seeded, adminName, adminPassword);
        }
        catch (PlatformStorageException)
        {
            throw;
        }
        catch (SqliteException ex) when (ex.SqliteErrorCode is 26 or 11)
        {
            // SQLITE_NOTADB / SQLITE_CORRUPT
            throw new PlatformStorageException(
                $"The SQLite database {where} is corrupted or is not a CivicGrid database ({ex.Message.TrimEnd('.')}). " +
                "Restore it from a backup, or move it away to start with an empty database.", ex);
        }
        catch (SqliteException ex)
        {
            throw new PlatformStorageException($"The SQLite database {where} cannot be used: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is DbException or SocketException or TimeoutException or InvalidOperationException && IsConnectionFailure(ex))
        {
            throw new PlatformStorageException(
                $"The PostgreSQL database {where} is unreachable or refused the connection: {Innermost(ex).Message} " +
                "Check ConnectionStrings:CivicGrid and that the server is running.", ex);
        }
        catch (DbException ex)
        {
            throw new PlatformStorageException($"The database {where} reported an error while starting: {ex.Message}", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new PlatformStorageException($"The data directory {options.DataDirectoryFullPath} is not writable: {ex.Message}", ex);
        }
        catch (IOException ex)
        {
            throw new PlatformStorageException($"The data directory {options.DataDirectoryFullPath} cannot be used: {ex.Message}", ex);
        }
    }

    private static void PrepareSqliteFolder(PlatformOptions options)
    {
        Directory.CreateDirectory(options.DataDirectoryFullPath);
        var dataSource = new SqliteConnectionStringBuilder(options.EffectiveConnectionString).DataSource;
        var folder = Path.GetDirectoryName(Path.GetFullPath(dataSource));
        if (!string.IsNullOrEmpty(folder) && dataSource != ":memory:")
        {
            Directory.CreateDirectory(folder);
        }
    }

    private static string Describe(PlatformOptions options)
    {
        if (options.StorageProvider == StorageProvider.Sqlite)
        {
            return Path.GetFullPath(new SqliteConnectionStringBuilder(options.EffectiveConnectionString).DataSource);
        }
        try
        {
            var b = new Npgsql.NpgsqlConnectionStringBuilder(options.EffectiveConnectionString);
            return $"{b.Host}:{b.Port}/{b.Database}";
        }
        catch (ArgumentException ex)
        {
            throw new PlatformStorageException($"ConnectionStrings:CivicGrid is not a valid PostgreSQL connection string: {ex.Message}", ex);
        }
    }

    private static bool IsConnectionFailure(Exception ex)
    {
        for (var e = ex; e is not null; e = e.InnerException)
        {
            if (e is SocketException or TimeoutException || (e is Npgsql.NpgsqlException { IsTransient: true }) ||
                (e is Npgsql.PostgresException pg && pg.SqlState is "28P01" or "28000" or "3D000" or "57P03"))
            {
                return true;
            }
        }
        return false;
    }

    private static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is not null)
        {
            ex = ex.InnerException;
        }
        return ex;
    }

    private static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded)
        {
            throw new PlatformStorageException($"Could not {what}: {string.Join("; ", result.Errors.Select(e => e.Description))}");
        }
    }

    /// <summary>20 characters with every character class Identity's default password policy asks for.</summary>
    internal static string GenerateOneTimePassword()
    {
        const string lower = "abcdefghijkmnopqrstuvwxyz", upper = "ABCDEFGHJKLMNPQRSTUVWXYZ", digits = "23456789", symbols = "-_.!@#%+=";
        var chars = RandomNumberGenerator.GetString(lower + upper + digits, 16).ToCharArray().ToList();
        chars.Add(lower[RandomNumberGenerator.GetInt32(lower.Length)]);
        chars.Add(upper[RandomNumberGenerator.GetInt32(upper.Length)]);
        chars.Add(digits[RandomNumberGenerator.GetInt32(digits.Length)]);
        chars.Add(symbols[RandomNumberGenerator.GetInt32(symbols.Length)]);
        var array = chars.ToArray();
        RandomNumberGenerator.Shuffle(array.AsSpan());
        return new string(array);
    }
}
