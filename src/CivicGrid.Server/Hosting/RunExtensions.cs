using CivicGrid.Platform;

namespace CivicGrid.Server.Hosting;

/// <summary>Starts the server after preparing the platform, and turns unusable storage into a clear message.</summary>
public static class RunExtensions
{
    /// <summary>Exit code when the database cannot be used (unreachable, corrupted, misconfigured).</summary>
    public const int StorageFailureExitCode = 3;

    public static async Task<int> RunCivicGridAsync(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        try
        {
            var initialization = await app.Services.InitializeCivicGridPlatformAsync(app.Lifetime.ApplicationStopping);
            AnnounceFirstAdministrator(initialization);
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

    private static void AnnounceFirstAdministrator(PlatformInitialization initialization)
    {
        if (initialization.AdministratorPassword is not { } password)
        {
            return;
        }
        // Printed once, to the console only (never to the log sinks): it is not stored anywhere in clear text.
        Console.WriteLine();
        Console.WriteLine("  CivicGrid created the first administrator account.");
        Console.WriteLine($"    user name: {initialization.AdministratorUserName}");
        Console.WriteLine($"    one-time password: {password}");
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
