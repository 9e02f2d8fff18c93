using CivicGrid.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CivicGrid.Platform.Supply;

/// <summary>Registers the supply-chain module: its tables, its module database and <see cref="SupplyChainService"/>.</summary>
public static class SupplyPlatformExtensions
{
    /// <summary>
    /// Adds <see cref="SupplyDbContext"/> (a factory over the configured provider, on the platform's connection string),
    /// <see cref="SupplyModuleDatabase"/> as an <see cref="IModuleDatabase"/>, <see cref="SupplyOptions"/> from
    /// <c>CivicGrid:Supply</c>, and the singleton <see cref="SupplyChainService"/>. Call after <c>AddCivicGridPlatform</c>.
    /// </summary>
    public static IServiceCollection AddSupplyPlatform(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<SupplyOptions>().Configure<IServiceProvider>((o, sp) =>
        {
            if (sp.GetService<IConfiguration>() is { } configuration)
            {
                var section = configuration.GetSection("CivicGrid:Supply");
                o.RegionId = section["RegionId"] is { Length: > 0 } region ? region : o.RegionId;
                o.SeedDemoChain = section["SeedDemoChain"] is { Length: > 0 } seed ? bool.Parse(seed) : o.SeedDemoChain;
            }
        });
        services.TryAddSingleton(sp => Options<SqliteSupplyDbContext>(sp, (b, o) =>
            b.UseSqlite(o.EffectiveConnectionString, x => x.MigrationsHistoryTable(SupplyDbContext.HistoryTable))));
        services.TryAddSingleton(sp => Options<PostgresSupplyDbContext>(sp, (b, o) =>
            b.UseNpgsql(o.EffectiveConnectionString, x => x.MigrationsHistoryTable(SupplyDbContext.HistoryTable))));
        services.TryAddSingleton<IDbContextFactory<SupplyDbContext>, SupplyDbContextFactory>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IModuleDatabase, SupplyModuleDatabase>());
        services.TryAddSingleton<SupplyChainService>();
        return services;
    }

    private static DbContextOptions<T> Options<T>(IServiceProvider sp, Action<DbContextOptionsBuilder<T>, PlatformOptions> configure)
        where T : DbContext
    {
        var options = sp.GetRequiredService<IOptions<PlatformOptions>>().Value;
        var builder = new DbContextOptionsBuilder<T>();
        configure(builder, options);
        return builder.Options;
    }
}

/// <summary>Creates the <see cref="SupplyDbContext"/> flavour of the configured provider.</summary>
public sealed class SupplyDbContextFactory(IOptions<PlatformOptions> options, IServiceProvider services) : IDbContextFactory<SupplyDbContext>
{
    public SupplyDbContext CreateDbContext() => options.Value.StorageProvider switch
    {
        StorageProvider.PostgreSQL => new PostgresSupplyDbContext(services.GetRequiredService<DbContextOptions<PostgresSupplyDbContext>>()),
        _ => new SqliteSupplyDbContext(services.GetRequiredService<DbContextOptions<SqliteSupplyDbContext>>()),
    };
}
