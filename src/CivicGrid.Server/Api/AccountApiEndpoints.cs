using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using CivicGrid.Platform;
using CivicGrid.Platform.Accounts;
using CivicGrid.Platform.Storage;
using CivicGrid.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace CivicGrid.Server.Api;

/// <summary>An account with its roles and (for operators) region scopes.</summary>
public sealed record AccountView(string Id, string UserName, string? DisplayName, string? Email, IReadOnlyList<string> Roles, IReadOnlyList<string> Regions, bool MustChangePassword);

/// <summary>A new account. Without a password, a one-time password is generated and returned once.</summary>
public sealed class CreateAccount
{
    [Required]
    [StringLength(64, MinimumLength = 2)]
    [RegularExpression("^[A-Za-z0-9._@-]+$", ErrorMessage = "Use letters, digits and . _ @ - only.")]
    public string UserName { get; set; } = "";

    [StringLength(200)]
    public string? DisplayName { get; set; }

    [EmailAddress]
    public string? Email { get; set; }

    [StringLength(128, MinimumLength = 12)]
    public string? Password { get; set; }

    [Required]
    [MinLength(1)]
    public IReadOnlyList<string> Roles { get; set; } = [];

    /// <summary>Regions an operator may act on.</summary>
    public IReadOnlyList<string> Regions { get; set; } = [];
}

/// <summary>The roles and region scopes an account should have from now on.</summary>
public sealed class UpdateAccess
{
    [Required]
    public IReadOnlyList<string> Roles { get; set; } = [];

    public IReadOnlyList<string> Regions { get; set; } = [];
}

/// <summary>The account as created, with its one-time password when one was generated.</summary>
public sealed record CreatedAccount(AccountView Account, string? OneTimePassword);

/// <summary>A new API key for an account.</summary>
public sealed class CreateApiKey
{
    [Required]
    [StringLength(200, MinimumLength = 1)]
    public string Name { get; set; } = "";

    public DateTimeOffset? ExpiresAt { get; set; }
}

/// <summary><c>/api/accounts</c> and <c>/api/api-keys</c>: administrators manage accounts, roles, region scopes and API keys.</summary>
public static class AccountApiEndpoints
{
    public static void MapAccountApiEndpoints(this IEndpointRouteBuilder api)
    {
        var accounts = api.MapGroup("/accounts").WithTags("Accounts").RequireAuthorization(CivicGridPolicies.Administrator);
        accounts.MapGet("/", ListAsync).WithName("ListAccounts").WithSummary("All accounts").WithDescription("Administrators.");
        accounts.MapGet("/{id}", GetAsync).WithName("GetAccount").WithSummary("One account").WithDescription("Administrators.");
        accounts.MapPost("/", CreateAsync).WithName("CreateAccount").WithSummary("Create an account with roles and region scopes")
            .WithDescription("Administrators. Without a password, a one-time password is generated and returned once.");
        accounts.MapPut("/{id}/access", UpdateAccessAsync).WithName("UpdateAccountAccess")
            .WithSummary("Replace an account's roles and region scopes").WithDescription("Administrators.");
        accounts.MapGet("/{id}/api-keys", async Task<Results<Ok<IReadOnlyList<ApiKeySummary>>, NotFound>> (string id, UserManager<PlatformUser> users, [FromServices] ApiKeyService keys, CancellationToken ct) =>
                await users.FindByIdAsync(id) is null ? TypedResults.NotFound() : TypedResults.Ok(await keys.ListAsync(id, ct)))
            .WithName("ListApiKeys").WithSummary("An account's API keys (never their secrets)").WithDescription("Administrators.");
        accounts.MapPost("/{id}/api-keys", CreateKeyAsync).WithName("CreateApiKey")
            .WithSummary("Create an API key acting as the account").WithDescription("Administrators. The key is returned once; only its hash is stored.");

        var apiKeys = api.MapGroup("/api-keys").WithTags("Accounts").RequireAuthorization(CivicGridPolicies.Administrator);
        apiKeys.MapDelete("/{keyId:guid}", async Task<Results<NoContent, NotFound>> (Guid keyId, [FromServices] ApiKeyService keys, CancellationToken ct) =>
                await keys.RevokeAsync(keyId, null, ct) ? TypedResults.NoContent() : TypedResults.NotFound())
            .WithName("RevokeApiKey").WithSummary("Revoke an API key").WithDescription("Administrators.");
    }

    private static async Task<Ok<List<AccountView>>> ListAsync(PlatformDbContext db, UserManager<PlatformUser> users, CancellationToken ct)
    {
        var all = await db.Users.AsNoTracking().OrderBy(u => u.UserName).ToListAsync(ct);
        var views = new List<AccountView>(all.Count);
        foreach (var user in all)
        {
            views.Add(await ViewAsync(user, db, users, ct));
        }
        return TypedResults.Ok(views);
    }

    private static async Task<Results<Ok<AccountView>, NotFound>> GetAsync(string id, PlatformDbContext db, UserManager<PlatformUser> users, CancellationToken ct) =>
        await users.FindByIdAsync(id) is { } user ? TypedResults.Ok(await ViewAsync(user, db, users, ct)) : TypedResults.NotFound();

    private static async Task<Results<Created<CreatedAccount>, ValidationProblem>> CreateAsync(
        CreateAccount body, PlatformDbContext db, UserManager<PlatformUser> users, RegionAccess access, ILoggerFactory loggers, HttpContext http, CancellationToken ct)
    {
        var problems = await CheckAccessAsync(body.Roles, body.Regions, db, ct);
        if (problems is not null)
        {
            return TypedResults.ValidationProblem(problems);
        }
        var generated = body.Password is null ? GeneratePassword() : null;
        var user = new PlatformUser
        {
            UserName = body.UserName,
            DisplayName = body.DisplayName,
            Email = body.Email,
            MustChangePassword = generated is not null,
        };
        var result = await users.CreateAsync(user, body.Password ?? generated!);
        if (result.Succeeded)
        {
            result = await users.AddToRolesAsync(user, body.Roles.Distinct(StringComparer.Ordinal));
        }
        if (!result.Succeeded)
        {
            if (user.Id is not null && await users.FindByIdAsync(user.Id) is { } partial)
            {
                await users.DeleteAsync(partial);
            }
            return TypedResults.ValidationProblem(Errors(result));
        }
        foreach (var region in body.Regions.Distinct(StringComparer.Ordinal))
        {
            await access.GrantAsync(user.Id, region, ct);
        }
        loggers.CreateLogger(typeof(AccountApiEndpoints)).LogInformation(
            "Administrator {AdminId} created account {UserName} with roles {Roles}", http.User.UserId(), user.UserName, string.Join(",", body.Roles));
        var view = await ViewAsync(user, db, users, ct);
        return TypedResults.Created($"/api/accounts/{user.Id}", new CreatedAccount(view, generated));
    }

    private static async Task<Results<Ok<AccountView>, NotFound, ValidationProblem>> UpdateAccessAsync(
        string id, UpdateAccess body, PlatformDbContext db, UserManager<PlatformUser> users, RegionAccess access, CancellationToken ct)
    {
        var user = await users.FindByIdAsync(id);
        if (user is null)
        {
            return TypedResults.NotFound();
        }
        var problems = await CheckAccessAsync(body.Roles, body.Regions, db, ct);
        if (problems is not null)
        {
            return TypedResults.ValidationProblem(problems);
        }
        var current = await users.GetRolesAsync(user);
        var wanted = body.Roles.Distinct(StringComparer.Ordinal).ToList();
        var result = await users.RemoveFromRolesAsync(user, current.Except(wanted, StringComparer.Ordinal));
        if (result.Succeeded)
        {
            result = await users.AddToRolesAsync(user, wanted.Except(current, StringComparer.Ordinal));
        }
        if (!result.Succeeded)
        {
            return TypedResults.ValidationProblem(Errors(result));
        }
        foreach (var region in await access.GetOperatorRegionsAsync(id, ct))
        {
            if (!body.Regions.Contains(region, StringComparer.Ordinal))
            {
                await access.RevokeAsync(id, region, ct);
            }
        }
        foreach (var region in body.Regions.Distinct(StringComparer.Ordinal))
        {
            await access.GrantAsync(id, region, ct);
        }
        return TypedResults.Ok(await ViewAsync(user, db, users, ct));
    }

    private static async Task<Results<Created<CreatedApiKey>, NotFound, ValidationProblem>> CreateKeyAsync(
        string id, CreateApiKey body, UserManager<PlatformUser> users, [FromServices] ApiKeyService keys, TimeProvider time, CancellationToken ct)
    {
        if (await users.FindByIdAsync(id) is null)
        {
            return TypedResults.NotFound();
        }
        if (body.ExpiresAt is { } expires && expires <= time.GetUtcNow())
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["expiresAt"] = ["The expiry must be in the future."] });
        }
        var created = await keys.CreateAsync(id, body.Name, body.ExpiresAt, ct);
        return TypedResults.Created($"/api/accounts/{id}/api-keys", created);
    }

    private static async Task<Dictionary<string, string[]>?> CheckAccessAsync(
        IReadOnlyList<string> roles, IReadOnlyList<string> regions, PlatformDbContext db, CancellationToken ct)
    {
        var problems = new Dictionary<string, string[]>();
        var unknownRoles = roles.Where(r => !PlatformRoles.All.Contains(r, StringComparer.Ordinal)).ToList();
        if (unknownRoles.Count > 0)
        {
            problems["roles"] = [$"Unknown roles: {string.Join(", ", unknownRoles)}. Use {string.Join(", ", PlatformRoles.All)}."];
        }
        if (regions.Count > 0 && !roles.Contains(PlatformRoles.Operator, StringComparer.Ordinal))
        {
            problems["regions"] = ["Only operators are scoped to regions."];
        }
        var distinct = regions.Distinct(StringComparer.Ordinal).ToList();
        var existing = await db.Regions.AsNoTracking().Where(r => distinct.Contains(r.Id)).Select(r => r.Id).ToListAsync(ct);
        var unknownRegions = distinct.Except(existing, StringComparer.Ordinal).ToList();
        if (unknownRegions.Count > 0)
        {
            problems["regions"] = [$"Unknown regions: {string.Join(", ", unknownRegions)}."];
        }
        return problems.Count > 0 ? problems : null;
    }

    private static async Task<AccountView> ViewAsync(PlatformUser user, PlatformDbContext db, UserManager<PlatformUser> users, CancellationToken ct)
    {
        var roles = (await users.GetRolesAsync(user)).Order(StringComparer.Ordinal).ToList();
        var regions = await db.OperatorRegionScopes.AsNoTracking().Where(s => s.UserId == user.Id)
            .Select(s => s.RegionId).OrderBy(r => r).ToListAsync(ct);
        return new AccountView(user.Id, user.UserName ?? "", user.DisplayName, user.Email, roles, regions, user.MustChangePassword);
    }

    private static Dictionary<string, string[]> Errors(IdentityResult result) =>
        result.Errors.GroupBy(e => e.Code.Contains("Password", StringComparison.Ordinal) ? "password" : e.Code.Contains("UserName", StringComparison.Ordinal) ? "userName" : "account")
            .ToDictionary(g => g.Key, g => g.Select(e => e.Description).ToArray());

    // 20 characters from four classes so that it passes Identity's default password rules.
    private static string GeneratePassword()
    {
        const string lower = "abcdefghijkmnopqrstuvwxyz";
        const string upper = "ABCDEFGHJKLMNPQRSTUVWXYZ";
        const string digits = "23456789";
        const string symbols = "-_.!#%+=";
        var chars = (RandomNumberGenerator.GetString(lower + upper + digits, 16)
            + RandomNumberGenerator.GetString(lower, 1) + RandomNumberGenerator.GetString(upper, 1)
            + RandomNumberGenerator.GetString(digits, 1) + RandomNumberGenerator.GetString(symbols, 1)).ToCharArray();
        RandomNumberGenerator.Shuffle(chars.AsSpan());
        return new string(chars);
    }
}
