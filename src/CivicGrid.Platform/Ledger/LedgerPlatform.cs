using CivicGrid.Platform.Decisions;
using CivicGrid.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CivicGrid.Platform.Ledger;

/// <summary>Registers the ledger's platform services: federation options, witness, publisher, explorer, PostgreSQL schema.</summary>
public static class LedgerPlatformExtensions
{
    /// <summary>
    /// Adds <see cref="LedgerOptions"/> (bound from <c>CivicGrid:Ledger</c>), <see cref="LedgerWitness"/>,
    /// <see cref="LedgerPublisher"/> with its background publication loop, <see cref="LedgerRegions"/>,
    /// <see cref="LedgerExplorer"/> and the ledger's PostgreSQL tables as a module database. Call after
    /// <c>AddCivicGridPlatform</c>: the region logs become <see cref="LedgerTransparencyLogs"/> aware of the options.
    /// </summary>
    public static IServiceCollection AddLedgerPlatform(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<LedgerOptions>().BindConfiguration(LedgerOptions.SectionName);
        services.TryAddSingleton<LedgerTransparencyLogs>();
        services.Replace(ServiceDescriptor.Singleton<ITransparencyLogs>(sp => sp.GetRequiredService<LedgerTransparencyLogs>()));
        services.TryAddSingleton<LedgerWitness>();
        services.TryAddSingleton<LedgerWitnessMonitor>();
        services.TryAddSingleton<LedgerPublisher>();
        services.TryAddSingleton<LedgerRegions>();
        services.TryAddScoped<LedgerExplorer>();
        services.AddHttpClient(LedgerPublisher.HttpClientName);
        services.AddHostedService<LedgerPublicationService>();
        services.AddHostedService<LedgerWitnessMonitorService>();
        services.AddSingleton<IModuleDatabase, LedgerModuleDatabase>();
        return services;
    }
}

/// <summary>The regions that have a transparency log (every region of the city).</summary>
public sealed class LedgerRegions(IDbContextFactory<PlatformDbContext> databases)
{
    /// <summary>True if <paramref name="regionId"/> is a region of the city.</summary>
    public async Task<bool> ExistsAsync(string regionId, CancellationToken cancellationToken)
    {
        if (!LedgerTransparencyLogs.IsValidRegionId(regionId))
        {
            return false;
        }
        await using var db = await databases.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        return await db.Regions.AnyAsync(r => r.Id == regionId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>All region ids, ordered.</summary>
    public async Task<IReadOnlyList<string>> AllAsync(CancellationToken cancellationToken)
    {
        await using var db = await databases.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        return await db.Regions.OrderBy(r => r.Id).Select(r => r.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>Sends new region checkpoints to the witnesses every <see cref="LedgerPublicationOptions.IntervalMilliseconds"/>.</summary>
public sealed class LedgerPublicationService(
    LedgerPublisher publisher, LedgerRegions regions, IOptions<LedgerOptions> options, ILogger<LedgerPublicationService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Publication.RequiresWitnessing)
        {
            return;
        }
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Max(50, options.Value.Publication.IntervalMilliseconds)));
        do
        {
            try
            {
                foreach (var region in await regions.AllAsync(stoppingToken).ConfigureAwait(false))
                {
                    await publisher.PublishAsync(region, stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is PlatformStorageException or InvalidOperationException or DbUpdateException or IOException or NpgsqlException)
            {
                // The database may not be migrated yet at start, or be briefly unreachable: try again next round.
                logger.LogWarning(ex, "Publishing region checkpoints failed; retrying in the next round");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }
}

/// <summary>The ledger's own PostgreSQL tables (history in <c>__ledger_migrations</c>); nothing to do on SQLite, where logs are files.</summary>
public sealed class LedgerModuleDatabase(IOptions<PlatformOptions> options) : IModuleDatabase
{
    public string Module => "ledger";

    public async Task<IReadOnlyList<string>> MigrateAsync(IServiceProvider services, CancellationToken ct)
    {
        if (options.Value.StorageProvider != StorageProvider.PostgreSQL)
        {
            return [];
        }
        await using var connection = new NpgsqlConnection(options.Value.EffectiveConnectionString);
        await connection.OpenAsync(ct).ConfigureAwait(false);
        return LedgerSchema.EnsureCreated(connection);
    }
}
