using CivicGrid.Platform;
using CivicGrid.Platform.Storage;
using CivicGrid.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CivicGrid.Platform.Tests;

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Now += by;
}

/// <summary>The platform's services over a temporary data directory (SQLite) or a given PostgreSQL database.</summary>
internal sealed class PlatformTestHost : IAsyncDisposable
{
    private readonly TempFolder? _folder;

    private PlatformTestHost(ServiceProvider services, TempFolder? folder, string dataDirectory, ManualTimeProvider clock)
    {
        Services = services;
        _folder = folder;
        DataDirectory = dataDirectory;
        Clock = clock;
    }

    public ServiceProvider Services { get; }

    public string DataDirectory { get; }

    public ManualTimeProvider Clock { get; }

    public static PlatformTestHost Create(string? dataDirectory = null, IDictionary<string, string?>? settings = null, bool seed = true)
    {
        var folder = dataDirectory is null ? RepositoryPaths.CreateTempFolder() : null;
        var data = dataDirectory ?? Path.Combine(folder!.Path, "data");
        var values = new Dictionary<string, string?>
        {
            ["CivicGrid:DataDirectory"] = data,
            ["CivicGrid:DemoCity:Enabled"] = seed ? "true" : "false",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 11, 22, 21, 0, 0, TimeSpan.Zero));
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<TimeProvider>(clock);
        services.AddCivicGridPlatform(configuration);
        return new PlatformTestHost(services.BuildServiceProvider(), folder, data, clock);
    }

    public static PlatformTestHost CreatePostgres(string connectionString, bool seed = true) =>
        Create(settings: new Dictionary<string, string?>
        {
            ["CivicGrid:Storage:Provider"] = "PostgreSQL",
            ["ConnectionStrings:CivicGrid"] = connectionString,
        }, seed: seed);

    public Task<PlatformInitialization> InitializeAsync() =>
        Services.InitializeCivicGridPlatformAsync(TestContext.Current.CancellationToken);

    /// <summary>Runs <paramref name="work"/> in a fresh DI scope (a fresh DbContext).</summary>
    public async Task<T> InScopeAsync<T>(Func<IServiceProvider, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider);
    }

    public async Task InScopeAsync(Func<IServiceProvider, Task> work)
    {
        await using var scope = Services.CreateAsyncScope();
        await work(scope.ServiceProvider);
    }

    public PlatformDbContext NewContext() => Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<PlatformDbContext>>().CreateDbContext();

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder?.Dispose();
    }
}
