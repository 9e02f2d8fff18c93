using CivicGrid.Platform;
using CivicGrid.Platform.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace CivicGrid.Server.Security;

/// <summary>
/// The user may act on the region given as the authorization resource (its id, a string): an operator
/// scoped to that region, or, when <see cref="AllowAdministrators"/>, an administrator.
/// </summary>
public sealed class RegionOperatorRequirement(bool allowAdministrators) : IAuthorizationRequirement
{
    /// <summary>Only operators scoped to the region (e.g. appending a decision).</summary>
    public static RegionOperatorRequirement OperatorsOnly { get; } = new(false);

    /// <summary>Operators scoped to the region, or administrators (e.g. editing the region's notice).</summary>
    public static RegionOperatorRequirement OperatorsOrAdministrators { get; } = new(true);

    public bool AllowAdministrators { get; } = allowAdministrators;
}

/// <summary>Checks <see cref="RegionOperatorRequirement"/> against the operator↔region scopes in the platform database.</summary>
public sealed class RegionOperatorHandler(PlatformDbContext db) : AuthorizationHandler<RegionOperatorRequirement, string>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, RegionOperatorRequirement requirement, string resource)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(requirement);
        var user = context.User;
        if (user.Identity?.IsAuthenticated != true)
        {
            return;
        }
        if (requirement.AllowAdministrators && user.IsInRole(PlatformRoles.Administrator))
        {
            context.Succeed(requirement);
            return;
        }
        var userId = user.UserId();
        if (userId is null || !user.IsInRole(PlatformRoles.Operator))
        {
            return;
        }
        var scoped = await db.OperatorRegionScopes.AsNoTracking()
            .AnyAsync(s => s.UserId == userId && s.RegionId == resource);
        if (scoped)
        {
            context.Succeed(requirement);
        }
    }
}
