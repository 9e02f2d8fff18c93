using System.Security.Claims;
using CivicGrid.Platform;
using CivicGrid.Platform.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace CivicGrid.Server.Security;

/// <summary>Sign-out and the OpenID Connect round trip for the web UI (the login form itself is a page).</summary>
public static class AccountEndpoints
{
    public static void MapAccountEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var account = endpoints.MapGroup("/account").ExcludeFromDescription();

        account.MapPost("/logout", async (SignInManager<PlatformUser> signIn, [FromForm] string? returnUrl) =>
        {
            await signIn.SignOutAsync();
            return TypedResults.LocalRedirect("/account/login" + (returnUrl is null ? "" : "?returnUrl=" + Uri.EscapeDataString(ReturnUrls.Local(returnUrl))));
        }).RequireAuthorization();

        account.MapPost("/external-login", (HttpContext context, SignInManager<PlatformUser> signIn, [FromForm] string provider, [FromForm] string? returnUrl) =>
        {
            var redirect = "/account/external-callback?returnUrl=" + Uri.EscapeDataString(ReturnUrls.Local(returnUrl));
            var properties = signIn.ConfigureExternalAuthenticationProperties(provider, redirect);
            return TypedResults.Challenge(properties, [provider]);
        }).AllowAnonymous();

        account.MapGet("/external-callback", ExternalCallbackAsync).AllowAnonymous();
    }

    // A person who signs in through the identity provider for the first time gets a local account with the
    // resident role; an administrator grants more (operator scopes, auditor) through the accounts API.
    private static async Task<IResult> ExternalCallbackAsync(
        SignInManager<PlatformUser> signIn, UserManager<PlatformUser> users, ILoggerFactory loggers, string? returnUrl)
    {
        var logger = loggers.CreateLogger(typeof(AccountEndpoints));
        var target = ReturnUrls.Local(returnUrl);
        var info = await signIn.GetExternalLoginInfoAsync();
        if (info is null)
        {
            return TypedResults.LocalRedirect("/account/login?error=external");
        }
        var result = await signIn.ExternalLoginSignInAsync(info.LoginProvider, info.ProviderKey, isPersistent: false, bypassTwoFactor: true);
        if (result.Succeeded)
        {
            return TypedResults.LocalRedirect(target);
        }
        if (result.IsLockedOut || result.IsNotAllowed)
        {
            return TypedResults.LocalRedirect("/account/login?error=external");
        }

        var email = info.Principal.FindFirstValue("email") ?? info.Principal.FindFirstValue(ClaimTypes.Email);
        var name = info.Principal.FindFirstValue("name") ?? info.Principal.FindFirstValue(ClaimTypes.Name) ?? email;
        var user = new PlatformUser
        {
            UserName = $"{info.LoginProvider}-{info.ProviderKey}",
            Email = email,
            DisplayName = name,
        };
        var created = await users.CreateAsync(user);
        if (created.Succeeded)
        {
            created = await users.AddLoginAsync(user, info);
        }
        if (created.Succeeded)
        {
            created = await users.AddToRoleAsync(user, PlatformRoles.Resident);
        }
        if (!created.Succeeded)
        {
            logger.LogWarning("Could not create a local account for external login {Provider}: {Errors}",
                info.LoginProvider, string.Join("; ", created.Errors.Select(e => e.Description)));
            return TypedResults.LocalRedirect("/account/login?error=external");
        }
        logger.LogInformation("Created account {UserName} for a first sign-in through {Provider}", user.UserName, info.LoginProvider);
        await signIn.SignInAsync(user, isPersistent: false, info.LoginProvider);
        return TypedResults.LocalRedirect(target);
    }
}
