using System.Security.Claims;
using System.Text.Encodings.Web;
using CivicGrid.Platform.Accounts;
using CivicGrid.Platform.Storage;
using CivicGrid.Server.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace CivicGrid.Server.Security;

/// <summary>
/// Authenticates machines by the <c>X-Api-Key</c> header against the platform's hashed keys. The request then
/// acts as the key's account: the same roles and region scopes, plus a claim naming the key.
/// A missing, malformed, unknown, expired or revoked key is a 401; a locked-out account too.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyService keys,
    UserManager<PlatformUser> users,
    IUserClaimsPrincipalFactory<PlatformUser> principals,
    ServerMetrics metrics)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    public const string HeaderName = "X-Api-Key";

    /// <summary>The claim carrying the public prefix of the key a request used.</summary>
    public const string KeyClaimType = "civicgrid:api_key";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(HeaderName, out var values))
        {
            return AuthenticateResult.NoResult();
        }
        if (values.Count != 1 || string.IsNullOrWhiteSpace(values[0]))
        {
            metrics.ApiKeyAuthentication(false);
            return AuthenticateResult.Fail("Send exactly one API key in the X-Api-Key header.");
        }
        var identity = await keys.ValidateAsync(values[0]!.Trim(), Context.RequestAborted);
        var user = identity is null ? null : await users.FindByIdAsync(identity.UserId);
        if (identity is null || user is null || await users.IsLockedOutAsync(user))
        {
            metrics.ApiKeyAuthentication(false);
            Logger.LogInformation("Rejected an API key on {Path}", Request.Path);
            return AuthenticateResult.Fail("The API key is not valid.");
        }
        var account = await principals.CreateAsync(user);
        var claims = account.Claims.Append(new Claim(KeyClaimType, identity.Prefix));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName, ClaimTypes.Name, ClaimTypes.Role));
        metrics.ApiKeyAuthentication(true);
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }
}
