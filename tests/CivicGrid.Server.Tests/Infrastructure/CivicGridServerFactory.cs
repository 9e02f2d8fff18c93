using System.Net;
using System.Net.Sockets;
using CivicGrid.Platform;
using CivicGrid.Platform.Accounts;
using CivicGrid.Platform.Storage;
using CivicGrid.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CivicGrid.Server.Tests.Infrastructure;

/// <summary>
/// The real server (Program) in process, on its own data directory or PostgreSQL database and its own
/// Orleans ports, so test classes can run side by side. Settings are given both as host settings and, while
/// the host starts, as environment variables: code that reads configuration while the host is being built
/// sees them either way. Starting is serialised because environment variables are process-wide.
/// </summary>
public sealed class CivicGridServerFactory : WebApplicationFactory<Program>
{
    private static readonly SemaphoreSlim StartLock = new(1, 1);
    private readonly Dictionary<string, string?> settings;

    public CivicGridServerFactory(string dataDirectory, string? postgresConnectionString = null)
    {
        DataDirectory = dataDirectory;
        settings = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["CivicGrid:DataDirectory"] = dataDirectory,
            ["CivicGrid:Orleans:SiloPort"] = FreeTcpPort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["CivicGrid:Orleans:GatewayPort"] = FreeTcpPort().ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["CivicGrid:Storage:Provider"] = postgresConnectionString is null ? "Sqlite" : "PostgreSQL",
            ["ConnectionStrings:CivicGrid"] = postgresConnectionString,
            ["Logging:LogLevel:Default"] = "Warning",
            // Decision counts in these tests must not move at a wall-clock quarter hour; the re-plan has its own tests.
            ["CivicGrid:Energy:VppReplan:Enabled"] = "false",
            ["Logging:LogLevel:Orleans"] = "Error",
        };
    }

    public string DataDirectory { get; }

    /// <summary>Starts the host (database migration, demo city, Orleans silo) if it is not running yet.</summary>
    public async Task StartAsync()
    {
        await StartLock.WaitAsync(TestContext.Current.CancellationToken);
        var previous = settings.Keys.ToDictionary(k => k, k => Environment.GetEnvironmentVariable(EnvName(k)));
        try
        {
            foreach (var (key, value) in settings)
            {
                Environment.SetEnvironmentVariable(EnvName(key), value);
            }
            _ = Services;
        }
        finally
        {
            foreach (var (key, value) in previous)
            {
                Environment.SetEnvironmentVariable(EnvName(key), value);
            }
            StartLock.Release();
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }
    }

    /// <summary>An HTTP client that does not follow redirects (so 302 to the login page is visible).</summary>
    public HttpClient CreateApiClient(string? apiKey = null)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        }
        return client;
    }

    /// <summary>Creates an account with the roles and operator regions given and returns an API key acting as it.</summary>
    public async Task<TestAccount> CreateAccountAsync(string userName, string[] roles, string[]? regions = null)
    {
        await StartAsync();
        using var scope = Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PlatformUser>>();
        var access = scope.ServiceProvider.GetRequiredService<RegionAccess>();
        var keys = scope.ServiceProvider.GetRequiredService<ApiKeyService>();
        var password = "Test-password-" + Guid.NewGuid().ToString("N")[..12];
        var user = new PlatformUser { UserName = userName, DisplayName = userName };
        Check(await users.CreateAsync(user, password));
        Check(await users.AddToRolesAsync(user, roles));
        foreach (var region in regions ?? [])
        {
            await access.GrantAsync(user.Id, region, TestContext.Current.CancellationToken);
        }
        var key = await keys.CreateAsync(user.Id, userName + " test key", null, TestContext.Current.CancellationToken);
        return new TestAccount(user.Id, userName, password, key.Key);
    }

    /// <summary>The ids of the regions in the database, ordered.</summary>
    public async Task<IReadOnlyList<string>> RegionIdsAsync()
    {
        await StartAsync();
        using var scope = Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<PlatformDbContext>();
        return await db.Regions.OrderBy(r => r.Id).Select(r => r.Id).ToListAsync(TestContext.Current.CancellationToken);
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => e.Description)));
        }
    }

    private static string EnvName(string key) => key.Replace(":", "__", StringComparison.Ordinal);

    public static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>An account made for a test: its id, credentials and an API key acting as it.</summary>
public sealed record TestAccount(string Id, string UserName, string Password, string ApiKey);
