using CivicGrid.Platform.Accounts;
using CivicGrid.Platform.Storage;
using CivicGrid.Platform.Telemetry;
using CivicGrid.Testing;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit;

namespace CivicGrid.Platform.Tests;

/// <summary>The platform as the server hosts it: a co-hosted silo, telemetry ingestion and (optionally) the MQTT broker.</summary>
internal sealed class TelemetryTestHost : IAsyncDisposable
{
    private readonly TempFolder _folder;

    private TelemetryTestHost(IHost host, TempFolder folder)
    {
        Host = host;
        _folder = folder;
    }

    public IHost Host { get; }

    public IServiceProvider Services => Host.Services;

    public IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();

    public TelemetryIngestor Ingestor => Services.GetRequiredService<TelemetryIngestor>();

    public TelemetryStore Store => Services.GetRequiredService<TelemetryStore>();

    public static async Task<TelemetryTestHost> StartAsync(string? postgres = null, IDictionary<string, string?>? settings = null)
    {
        var folder = RepositoryPaths.CreateTempFolder();
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CivicGrid:DataDirectory"] = Path.Combine(folder.Path, "data"),
            ["CivicGrid:DemoCity:Enabled"] = "false",
            ["CivicGrid:Orleans:SiloPort"] = "0",
            ["CivicGrid:Orleans:GatewayPort"] = "0",
            ["CivicGrid:Storage:Provider"] = postgres is null ? "Sqlite" : "PostgreSQL",
            ["ConnectionStrings:CivicGrid"] = postgres,
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddCivicGridPlatform(builder.Configuration);
        builder.AddCivicGridOrleans();
        builder.Services.AddTelemetryPlatform();
        var host = builder.Build();
        await host.Services.InitializeCivicGridPlatformAsync(TestContext.Current.CancellationToken);
        await host.StartAsync(TestContext.Current.CancellationToken);
        return new TelemetryTestHost(host, folder);
    }

    /// <summary>Creates an account with the given roles and returns an API key acting as it.</summary>
    public async Task<string> CreateApiKeyAsync(string userName, params string[] roles)
    {
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PlatformUser>>();
        var user = new PlatformUser { UserName = userName, DisplayName = userName };
        Assert.True((await users.CreateAsync(user, "Test-password-" + Guid.NewGuid().ToString("N")[..12])).Succeeded);
        Assert.True((await users.AddToRolesAsync(user, roles)).Succeeded);
        var key = await scope.ServiceProvider.GetRequiredService<ApiKeyService>().CreateAsync(user.Id, userName + " key", null, TestContext.Current.CancellationToken);
        return key.Key;
    }

    public async ValueTask DisposeAsync()
    {
        await Host.StopAsync(CancellationToken.None);
        Host.Dispose();
        SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }
}
