using CivicGrid.Platform.Storage;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace CivicGrid.Platform.Accounts;

/// <summary>
/// Who may act on which region. Administrators act everywhere; operators only on the regions they are
/// scoped to; residents and auditors never act on supply (auditors read everything).
/// </summary>
public sealed class RegionAccess(PlatformDbContext db, UserManager<PlatformUser> users)
{
    /// <summary>Regions the operator is scoped to, ordered by id.</summary>
    public async Task<IReadOnlyList<string>> GetOperatorRegionsAsync(string userId, CancellationToken cancellationToken) =>
        await db.OperatorRegionScopes.AsNoTracking().Where(s => s.UserId == userId).Select(s => s.RegionId)
            .OrderBy(r => r).ToListAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>True when the user may take operating decisions in <paramref name="regionId"/>.</summary>
    public async Task<bool> CanOperateAsync(string userId, string regionId, CancellationToken cancellationToken)
    {
        var user = await users.FindByIdAsync(userId).ConfigureAwait(false);
        if (user is null)
        {
            return false;
        }
        if (await users.IsInRoleAsync(user, PlatformRoles.Administrator).ConfigureAwait(false))
        {
            return true;
        }
        return await users.IsInRoleAsync(user, PlatformRoles.Operator).ConfigureAwait(false)
            && await db.OperatorRegionScopes.AnyAsync(s => s.UserId == userId && s.RegionId == regionId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Scopes an operator to a region (idempotent). Throws when the region does not exist.</summary>
    public async Task GrantAsync(string userId, string regionId, CancellationToken cancellationToken)
    {
        if (!await db.Regions.AnyAsync(r => r.Id == regionId, cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"Region '{regionId}' does not exist.");
        }
        if (!await db.OperatorRegionScopes.AnyAsync(s => s.UserId == userId && s.RegionId == regionId, cancellationToken).ConfigureAwait(false))
        {
            db.OperatorRegionScopes.Add(new OperatorRegionScope { UserId = userId, RegionId = regionId });
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task RevokeAsync(string userId, string regionId, CancellationToken cancellationToken)
    {
        await db.OperatorRegionScopes.Where(s => s.UserId == userId && s.RegionId == regionId)
            .ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
    }
}
