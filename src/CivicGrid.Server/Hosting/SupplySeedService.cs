using CivicGrid.Platform.Supply;

namespace CivicGrid.Server.Hosting;

/// <summary>
/// Seeds the demo supply chain in the background right after start-up (every allocation is a durable ledger append,
/// which takes a while), so the resources page can say "seeding…" instead of holding the first visitor's request.
/// </summary>
public sealed partial class SupplySeedService(SupplyChainService supply, ILogger<SupplySeedService> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Let the host finish starting before the long seed begins.
        await Task.Yield();
        try
        {
            await supply.EnsureSeededAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping during the seed: whatever batches were saved stay; the chain catches up from the tables.
        }
#pragma warning disable CA1031 // A failed seed must not stop the server; the first reader retries it and reports the error.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogSeedFailed(log, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Seeding the demo supply chain failed; the first visit of the resources page retries")]
    private static partial void LogSeedFailed(ILogger logger, Exception exception);
}
