using CivicGrid.Platform.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

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
        services.AddModuleDbContext<GovernanceDbContext, SqliteGovernanceDbContext, PostgresGovernanceDbContext>(GovernanceDbContext.HistoryTable, o => new SqliteGovernanceDbContext(o), o => new PostgresGovernanceDbContext(o));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IModuleDatabase, GovernanceModuleDatabase>());
        services.TryAddScoped<ParticipationService>();
        return services;
    }
}
