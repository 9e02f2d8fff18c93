using CivicGrid.Platform.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CivicGrid.Platform.Supply;

/// <summary>Applies the supply-chain tables' migrations at platform start-up.</summary>
public sealed class SupplyModuleDatabase : IModuleDatabase
{
    public string Module => "supply";

    public async Task<IReadOnlyList<string>> MigrateAsync(IServiceProvider services, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(services);
        await using var db = services.GetRequiredService<IDbContextFactory<SupplyDbContext>>().CreateDbContext();
        var pending = (await db.Database.GetPendingMigrationsAsync(ct).ConfigureAwait(false)).ToList();
        if (pending.Count > 0)
        {
            await db.Database.MigrateAsync(ct).ConfigureAwait(false);
        }
        return pending;
    }
}
