using CivicGrid.Platform.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

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
                o.SeedDemoChain = section["SeedDemoChain"] is { Length: > 0 } seed
                    ? bool.TryParse(seed, out var parsed) ? parsed
                        : throw new PlatformStorageException($"Configuration value CivicGrid:Supply:SeedDemoChain = '{seed}' is not valid: expected true or false.")
                    : o.SeedDemoChain;
            }
        });
        services.AddModuleDbContext<SupplyDbContext, SqliteSupplyDbContext, PostgresSupplyDbContext>(SupplyDbContext.HistoryTable, o => new SqliteSupplyDbContext(o), o => new PostgresSupplyDbContext(o));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IModuleDatabase, SupplyModuleDatabase>());
        services.TryAddSingleton<SupplyChainService>();
        return services;
    }
}
