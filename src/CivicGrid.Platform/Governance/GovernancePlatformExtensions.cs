using CivicGrid.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CivicGrid.Platform.Governance;

/// <summary>Registers the participation module: its tables, its module database and its services.</summary>
public static class GovernancePlatformExtensions
{
    /// <summary>
    /// Adds <see cref="GovernanceDbContext"/> (a factory over the configured provider, on the platform's
    /// connection string), <see cref="GovernanceModuleDatabase"/> as an <see cref="IModuleDatabase"/>, and the
    /// scoped <see cref="ParticipationService"/>. Call after <c>AddCivicGridPlatform</c>.
    /// </summary>
    public static IServiceCollection AddGovernancePlatform(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(sp => Options<SqliteGovernanceDbContext>(sp, (b, o) =>
            b.UseSqlite(o.EffectiveConnectionString, x => x.MigrationsHistoryTable(GovernanceDbContext.HistoryTable))));
        services.TryAddSingleton(sp => Options<PostgresGovernanceDbContext>(sp, (b, o) =>
            b.UseNpgsql(o.EffectiveConnectionString, x => x.MigrationsHistoryTable(GovernanceDbContext.HistoryTable))));
        services.TryAddSingleton<IDbContextFactory<GovernanceDbContext>, GovernanceDbContextFactory>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IModuleDatabase, GovernanceModuleDatabase>());
        services.TryAddScoped<ParticipationService>();
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

/// <summary>Creates the <see cref="GovernanceDbContext"/> flavour of the configured provider.</summary>
public sealed class GovernanceDbContextFactory(IOptions<PlatformOptions> options, IServiceProvider services) : IDbContextFactory<GovernanceDbContext>
{
    public GovernanceDbContext CreateDbContext() => options.Value.StorageProvider switch
    {
        StorageProvider.PostgreSQL => new PostgresGovernanceDbContext(services.GetRequiredService<DbContextOptions<PostgresGovernanceDbContext>>()),
        _ => new SqliteGovernanceDbContext(services.GetRequiredService<DbContextOptions<SqliteGovernanceDbContext>>()),
    };
}
