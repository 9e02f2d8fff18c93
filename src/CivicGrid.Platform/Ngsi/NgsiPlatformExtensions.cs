using CivicGrid.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CivicGrid.Platform.Ngsi;

/// <summary>Settings of the NGSI-LD API, bound from <c>CivicGrid:Ngsi</c>.</summary>
public sealed class NgsiOptions
{
    public const string SectionName = "CivicGrid:Ngsi";

    /// <summary>True: anyone may read entities, subscriptions excepted; false: reads need an account with the infrastructure-reader roles.</summary>
    public bool PublicReads { get; set; }

    /// <summary>Publish the demo city's assets as Smart Data Models entities at start (once, when no entity exists).</summary>
    public bool PublishDemoCity { get; set; } = true;

    /// <summary>Latitude of the city centre the demo city's local coordinates are placed around (WGS 84 degrees).</summary>
    public double OriginLatitude { get; set; } = 35.0116;

    /// <summary>Longitude of the city centre (WGS 84 degrees).</summary>
    public double OriginLongitude { get; set; } = 135.7681;

    /// <summary>The largest page (<c>limit</c>) a query may ask for; larger gives TooManyResults.</summary>
    public int MaxLimit { get; set; } = 1000;
}

/// <summary>Registers the NGSI-LD context broker: tables, service, subscription matcher and notifier, demo-city publication.</summary>
public static class NgsiPlatformExtensions
{
    public static IServiceCollection AddNgsiPlatform(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<NgsiOptions>().BindConfiguration(NgsiOptions.SectionName);
        services.AddModuleDbContext<NgsiDbContext, SqliteNgsiDbContext, PostgresNgsiDbContext>(NgsiDbContext.HistoryTable, o => new SqliteNgsiDbContext(o), o => new PostgresNgsiDbContext(o));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IModuleDatabase, NgsiModuleDatabase>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<NgsiSubscriptionMatcher>();
        services.TryAddSingleton<NgsiLdService>();
        services.AddHttpClient(NgsiNotificationService.HttpClientName);
        services.AddHostedService<NgsiNotificationService>();
        services.AddHostedService<NgsiDemoCityPublication>();
        return services;
    }
}

/// <summary>Publishes the demo city's assets as NGSI-LD entities once the databases are ready (retrying until they are).</summary>
public sealed class NgsiDemoCityPublication(
    NgsiLdService ngsi, IDbContextFactory<PlatformDbContext> platform, IOptions<NgsiOptions> options, ILogger<NgsiDemoCityPublication> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.PublishDemoCity)
        {
            return;
        }
        for (var attempt = 0; attempt < 60 && !stoppingToken.IsCancellationRequested; attempt++)
        {
            try
            {
                var count = await PublishAsync(stoppingToken).ConfigureAwait(false);
                if (count >= 0)
                {
                    if (count > 0)
                    {
                        logger.LogInformation("Published {Count} demo-city entities over NGSI-LD", count);
                    }
                    return;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is InvalidOperationException or DbUpdateException or NpgsqlException or Microsoft.Data.Sqlite.SqliteException or NgsiLdException)
            {
                // Migrations may not have run yet at start.
                logger.LogDebug(ex, "NGSI-LD demo-city publication not ready; retrying");
            }
            await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>Publishes the entities when none exist yet; returns how many, 0 if already published, -1 if the city is not seeded yet.</summary>
    public async Task<int> PublishAsync(CancellationToken ct)
    {
        if (await ngsi.AnyEntityAsync(ct).ConfigureAwait(false))
        {
            return 0;
        }
        await using var db = await platform.CreateDbContextAsync(ct).ConfigureAwait(false);
        var assets = await db.Assets.AsNoTracking().OrderBy(a => a.Id).ToListAsync(ct).ConfigureAwait(false);
        if (assets.Count == 0)
        {
            return -1;
        }
        var origin = new CityOrigin(options.Value.OriginLatitude, options.Value.OriginLongitude);
        var entities = NgsiDemoCityMapper.Map([.. assets.Where(a => NgsiDemoCityMapper.IsPublished(a.Kind))], origin);
        foreach (var entity in entities)
        {
            await ngsi.UpsertAsync(entity, update: false, ct).ConfigureAwait(false);
        }
        return entities.Count;
    }
}
