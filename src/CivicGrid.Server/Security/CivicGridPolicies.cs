using System.Security.Claims;
using CivicGrid.Platform;
using Microsoft.AspNetCore.Authorization;

namespace CivicGrid.Server.Security;

/// <summary>
/// The authorization policies of the web UI and the REST API. Every endpoint names one of them (or the
/// fallback, any signed-in user, applies); operators are further checked against their region scopes
/// with <see cref="RegionOperatorRequirement"/> on the region the request acts on.
/// </summary>
public static class CivicGridPolicies
{
    /// <summary>Any account with a platform role: resident, operator, auditor or administrator.</summary>
    public const string AnyRole = "civicgrid:any-role";

    /// <summary>Reads of the infrastructure itself (assets): operators, auditors and administrators.</summary>
    public const string InfrastructureReader = "civicgrid:infrastructure-reader";

    /// <summary>Operators; the action's region must also be in the operator's scopes.</summary>
    public const string Operator = "civicgrid:operator";

    /// <summary>Operators of a region (checked per request) or administrators.</summary>
    public const string RegionSteward = "civicgrid:region-steward";

    /// <summary>Accounts and API keys.</summary>
    public const string Administrator = "civicgrid:administrator";

    /// <summary>Operational telemetry (<c>/metrics</c>): auditors and administrators.</summary>
    public const string Telemetry = "civicgrid:telemetry";

    public static void AddTo(AuthorizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.AddPolicy(AnyRole, p => p.RequireAuthenticatedUser().RequireRole(PlatformRoles.All));
        options.AddPolicy(InfrastructureReader, p => p.RequireAuthenticatedUser()
            .RequireRole(PlatformRoles.Operator, PlatformRoles.Auditor, PlatformRoles.Administrator));
        options.AddPolicy(Operator, p => p.RequireAuthenticatedUser().RequireRole(PlatformRoles.Operator));
        options.AddPolicy(RegionSteward, p => p.RequireAuthenticatedUser()
            .RequireRole(PlatformRoles.Operator, PlatformRoles.Administrator));
        options.AddPolicy(Administrator, p => p.RequireAuthenticatedUser().RequireRole(PlatformRoles.Administrator));
        options.AddPolicy(Telemetry, p => p.RequireAuthenticatedUser()
            .RequireRole(PlatformRoles.Auditor, PlatformRoles.Administrator));

        // Nothing is reachable without signing in unless it says [AllowAnonymous] (login, health, static assets).
        options.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
    }

    /// <summary>The account id of a signed-in user (Identity's user id), or null.</summary>
    public static string? UserId(this ClaimsPrincipal user) => user?.FindFirstValue(ClaimTypes.NameIdentifier);
}
