using CivicGrid.Platform;

namespace CivicGrid.Server.Hosting;

/// <summary>Builds and runs the server after preparing the platform; unusable storage becomes a clear message.</summary>
public static class ServerRunner
{
    /// <summary>Exit code when configuration or the database cannot be used (unreachable, corrupted, misconfigured).</summary>
    public const int StorageFailureExitCode = 3;

    public static async Task<int> RunAsync(string[] args, Action<WebApplicationBuilder> configureServices, Action<WebApplication> configurePipeline)
    {
        ArgumentNullException.ThrowIfNull(configureServices);
        ArgumentNullException.ThrowIfNull(configurePipeline);
        try
        {
            var builder = WebApplication.CreateBuilder(args);
            configureServices(builder);
            var app = builder.Build();
            configurePipeline(app);

            // Creates or migrates the database, seeds the demo city and the first administrator.
            var initialization = await app.Services.InitializeCivicGridPlatformAsync(app.Lifetime.ApplicationStopping);
            Report(app, initialization);
            await app.RunAsync();
            return 0;
        }
        catch (Exception ex) when (FindStorageFailure(ex) is { } storage)
        {
            // Written for the person starting the server: what is wrong and where, no stack trace.
            await Console.Error.WriteLineAsync("CivicGrid cannot start: " + storage.Message);
            return StorageFailureExitCode;
        }
    }

    private static void Report(WebApplication app, PlatformInitialization initialization)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("CivicGrid.Server");
        logger.LogInformation("Platform data on {Provider} at {Database}; {MigrationCount} migrations applied",
            initialization.Provider, initialization.Database, initialization.AppliedMigrations.Count);
        if (initialization.DemoCity is { } city)
        {
            logger.LogInformation("Seeded the demo city {DemoCity}", city);
        }
        if (initialization.AdministratorOneTimePassword is not { } password)
        {
            return;
        }
        // Printed once, to the console only (never to the log sinks); it is stored nowhere in clear text.
        Console.WriteLine();
        Console.WriteLine("  CivicGrid created the first administrator account.");
        Console.WriteLine($"    user name:          {initialization.AdministratorUserName}");
        Console.WriteLine($"    one-time password:  {password}");
        Console.WriteLine("  It is shown only this once. Sign in and create personal accounts.");
        Console.WriteLine();
    }

    private static PlatformStorageException? FindStorageFailure(Exception? ex)
    {
        for (var current = ex; current is not null; current = current.InnerException)
        {
            if (current is PlatformStorageException storage)
            {
                return storage;
            }
            if (current is AggregateException aggregate)
            {
                return aggregate.InnerExceptions.Select(FindStorageFailure).FirstOrDefault(e => e is not null);
            }
        }
        return null;
    }
}
