using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CivicGrid.Platform.Storage;

/// <summary>Registers a module's own EF Core context (one flavour per provider) on the platform's database.</summary>
public static class ModuleDbContexts
{
    /// <summary>
    /// Adds options for <typeparamref name="TSqlite"/> and <typeparamref name="TPostgres"/> on the platform's connection
    /// string with the module's own migrations history table, and an <see cref="IDbContextFactory{TContext}"/> that
    /// creates the flavour of the configured provider.
    /// </summary>
    public static IServiceCollection AddModuleDbContext<TContext, TSqlite, TPostgres>(this IServiceCollection services,
        string historyTable, Func<DbContextOptions<TSqlite>, TSqlite> sqlite, Func<DbContextOptions<TPostgres>, TPostgres> postgres)
        where TContext : DbContext
        where TSqlite : TContext
        where TPostgres : TContext
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(sp => Build<TSqlite>(sp, (b, o) =>
            b.UseSqlite(o.EffectiveConnectionString, x => x.MigrationsHistoryTable(historyTable))));
        services.TryAddSingleton(sp => Build<TPostgres>(sp, (b, o) =>
            b.UseNpgsql(o.EffectiveConnectionString, x => x.MigrationsHistoryTable(historyTable))));
        services.TryAddSingleton<IDbContextFactory<TContext>>(sp => new ProviderFactory<TContext>(() =>
            sp.GetRequiredService<IOptions<PlatformOptions>>().Value.StorageProvider == StorageProvider.PostgreSQL
                ? postgres(sp.GetRequiredService<DbContextOptions<TPostgres>>())
                : sqlite(sp.GetRequiredService<DbContextOptions<TSqlite>>())));
        return services;
    }

    private static DbContextOptions<T> Build<T>(IServiceProvider sp, Action<DbContextOptionsBuilder<T>, PlatformOptions> configure)
        where T : DbContext
    {
        var builder = new DbContextOptionsBuilder<T>();
        configure(builder, sp.GetRequiredService<IOptions<PlatformOptions>>().Value);
        return builder.Options;
    }

    private sealed class ProviderFactory<TContext>(Func<TContext> create) : IDbContextFactory<TContext>
        where TContext : DbContext
    {
        public TContext CreateDbContext() => create();
    }
}
