using System.Security.Cryptography;
using System.Text;
using CivicGrid.Platform.Storage;
using Microsoft.EntityFrameworkCore;

namespace CivicGrid.Platform.Accounts;

/// <summary>A newly created key. <see cref="Key"/> is shown once and never stored.</summary>
public sealed record CreatedApiKey(Guid Id, string Prefix, string Key, string Name, DateTimeOffset? ExpiresAt);

/// <summary>A key as listed: never the secret.</summary>
public sealed record ApiKeySummary(Guid Id, string Prefix, string Name, string UserId, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt);

/// <summary>A key that checked out: the account it acts for.</summary>
public sealed record ApiKeyIdentity(Guid KeyId, string Prefix, string UserId);

/// <summary>
/// API keys for machines. A key reads <c>cgk_&lt;prefix&gt;_&lt;secret&gt;</c>: the prefix (8 chars) finds the row,
/// the secret (32 random bytes, base64url) is checked against its stored SHA-256 in constant time.
/// A key acts with the roles and region scopes of the account it belongs to.
/// </summary>
public sealed class ApiKeyService(PlatformDbContext db, TimeProvider time)
{
    /// <summary>The scheme marker every key starts with.</summary>
    public const string KeyPrefix = "cgk_";

    private const string PrefixAlphabet = "abcdefghijkmnpqrstuvwxyz23456789";

    public async Task<CreatedApiKey> CreateAsync(string userId, string name, DateTimeOffset? expiresAt, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!await db.Users.AnyAsync(u => u.Id == userId, cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException($"User '{userId}' does not exist.");
        }
        var prefix = RandomNumberGenerator.GetString(PrefixAlphabet, 8);
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        var entity = new ApiKey
        {
            Id = Guid.NewGuid(),
            Prefix = prefix,
            SecretHash = SHA256.HashData(Encoding.ASCII.GetBytes(secret)),
            Name = name.Trim(),
            UserId = userId,
            CreatedAt = time.GetUtcNow(),
            ExpiresAt = expiresAt,
        };
        db.ApiKeys.Add(entity);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return new CreatedApiKey(entity.Id, prefix, $"{KeyPrefix}{prefix}_{secret}", entity.Name, expiresAt);
    }

    /// <summary>The identity behind <paramref name="presentedKey"/>, or null when it is malformed, unknown, wrong, expired or revoked.</summary>
    public async Task<ApiKeyIdentity?> ValidateAsync(string? presentedKey, CancellationToken cancellationToken)
    {
        if (!TryParse(presentedKey, out var prefix, out var secret))
        {
            return null;
        }
        var entity = await db.ApiKeys.FirstOrDefaultAsync(k => k.Prefix == prefix, cancellationToken).ConfigureAwait(false);
        if (entity is null)
        {
            return null;
        }
        var hash = SHA256.HashData(Encoding.ASCII.GetBytes(secret));
        if (!CryptographicOperations.FixedTimeEquals(hash, entity.SecretHash))
        {
            return null;
        }
        var now = time.GetUtcNow();
        if (entity.RevokedAt is not null || (entity.ExpiresAt is { } expires && expires <= now))
        {
            return null;
        }
        // Last use is informational; record it at most once a minute to keep reads cheap.
        if (entity.LastUsedAt is null || now - entity.LastUsedAt > TimeSpan.FromMinutes(1))
        {
            entity.LastUsedAt = now;
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        return new ApiKeyIdentity(entity.Id, entity.Prefix, entity.UserId);
    }

    public async Task<IReadOnlyList<ApiKeySummary>> ListAsync(string? userId, CancellationToken cancellationToken)
    {
        var query = db.ApiKeys.AsNoTracking();
        if (userId is not null)
        {
            query = query.Where(k => k.UserId == userId);
        }
        var rows = await query.ToListAsync(cancellationToken).ConfigureAwait(false);
        return [.. rows.OrderBy(k => k.CreatedAt).Select(k => new ApiKeySummary(k.Id, k.Prefix, k.Name, k.UserId, k.CreatedAt, k.ExpiresAt, k.RevokedAt, k.LastUsedAt))];
    }

    /// <summary>Revokes a key; returns false when there is no such key (or, with <paramref name="userId"/>, not one of that user's).</summary>
    public async Task<bool> RevokeAsync(Guid id, string? userId, CancellationToken cancellationToken)
    {
        var entity = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id, cancellationToken).ConfigureAwait(false);
        if (entity is null || (userId is not null && entity.UserId != userId))
        {
            return false;
        }
        entity.RevokedAt ??= time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Splits a presented key into prefix and secret; false when the shape is wrong.</summary>
    public static bool TryParse(string? presentedKey, out string prefix, out string secret)
    {
        prefix = secret = string.Empty;
        if (presentedKey is null || !presentedKey.StartsWith(KeyPrefix, StringComparison.Ordinal) || presentedKey.Length > 128)
        {
            return false;
        }
        var rest = presentedKey.AsSpan(KeyPrefix.Length);
        var separator = rest.IndexOf('_');
        if (separator != 8 || rest.Length - separator - 1 < 16)
        {
            return false;
        }
        prefix = rest[..separator].ToString();
        secret = rest[(separator + 1)..].ToString();
        return prefix.All(PrefixAlphabet.Contains);
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
