using CivicGrid.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CivicGrid.Platform.Governance;

/// <summary>Applies the participation tables' migrations at platform start-up.</summary>
public sealed class GovernanceModuleDatabase : IModuleDatabase
{
    public string Module => "governance";

    public async Task<IReadOnlyList<string>> MigrateAsync(IServiceProvider services, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        await using var db = services.GetRequiredService<IDbContextFactory<GovernanceDbContext>>().CreateDbContext();
        var pending = (await db.Database.GetPendingMigrationsAsync(ct).ConfigureAwait(false)).ToList();
        if (pending.Count > 0)
        {
            await db.Database.MigrateAsync(ct).ConfigureAwait(false);
        }
        return pending;
    }
}
