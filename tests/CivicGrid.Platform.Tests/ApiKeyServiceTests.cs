using System.Security.Cryptography;
using System.Text;
using CivicGrid.Platform.Accounts;
using CivicGrid.Platform.Storage;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CivicGrid.Platform.Tests;

public sealed class ApiKeyServiceTests
{
    private static async Task<string> CreateMachineUserAsync(PlatformTestHost host) =>
        await host.InScopeAsync(async sp =>
        {
            var users = sp.GetRequiredService<UserManager<PlatformUser>>();
            var user = new PlatformUser { UserName = "meter-gateway" };
            Assert.True((await users.CreateAsync(user)).Succeeded);
            Assert.True((await users.AddToRoleAsync(user, PlatformRoles.Operator)).Succeeded);
            return user.Id;
        });

    [Fact]
    public async Task A_created_key_authenticates_as_its_user_and_only_its_hash_is_stored()
    {
        await using var host = PlatformTestHost.Create(seed: false);
        await host.InitializeAsync();
        var userId = await CreateMachineUserAsync(host);
        var ct = TestContext.Current.CancellationToken;

        var created = await host.InScopeAsync(sp => sp.GetRequiredService<ApiKeyService>().CreateAsync(userId, "gateway", null, ct));
        var identity = await host.InScopeAsync(sp => sp.GetRequiredService<ApiKeyService>().ValidateAsync(created.Key, ct));

        Assert.StartsWith("cgk_" + created.Prefix + "_", created.Key, StringComparison.Ordinal);
        Assert.NotNull(identity);
        Assert.Equal(userId, identity.UserId);
        Assert.Equal(created.Id, identity.KeyId);
        var stored = await host.InScopeAsync(sp => sp.GetRequiredService<PlatformDbContext>().ApiKeys.SingleAsync(ct));
        var secret = created.Key[("cgk_".Length + 8 + 1)..]; // the secret is base64url and may itself contain "_"
        Assert.Equal(SHA256.HashData(Encoding.ASCII.GetBytes(secret)), stored.SecretHash);
        // The secret itself is nowhere in the database file.
        var file = await File.ReadAllBytesAsync(Path.Combine(host.DataDirectory, "civicgrid.db"), ct);
        Assert.DoesNotContain(secret, Encoding.ASCII.GetString(file), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not-a-key")]
    [InlineData("cgk_short_abc")]
    [InlineData("cgk_abcdefgh_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task Malformed_or_unknown_keys_are_rejected(string? presented)
    {
        await using var host = PlatformTestHost.Create(seed: false);
        await host.InitializeAsync();
        var identity = await host.InScopeAsync(sp => sp.GetRequiredService<ApiKeyService>().ValidateAsync(presented, TestContext.Current.CancellationToken));
        Assert.Null(identity);
    }

    [Fact]
    public async Task A_key_with_a_wrong_secret_a_revoked_key_and_an_expired_key_are_rejected()
    {
        await using var host = PlatformTestHost.Create(seed: false);
        await host.InitializeAsync();
        var userId = await CreateMachineUserAsync(host);
        var ct = TestContext.Current.CancellationToken;
        var keys = await host.InScopeAsync(async sp =>
        {
            var service = sp.GetRequiredService<ApiKeyService>();
            return (Revoked: await service.CreateAsync(userId, "a", null, ct), Expiring: await service.CreateAsync(userId, "b", host.Clock.Now.AddHours(1), ct));
        });
        var tampered = keys.Revoked.Key[..^1] + (keys.Revoked.Key[^1] == 'A' ? 'B' : 'A');

        await host.InScopeAsync(async sp =>
        {
            var service = sp.GetRequiredService<ApiKeyService>();
            Assert.Null(await service.ValidateAsync(tampered, ct));
            Assert.NotNull(await service.ValidateAsync(keys.Expiring.Key, ct));
            Assert.True(await service.RevokeAsync(keys.Revoked.Id, userId, ct));
            Assert.Null(await service.ValidateAsync(keys.Revoked.Key, ct));
            host.Clock.Advance(TimeSpan.FromHours(2));
            Assert.Null(await service.ValidateAsync(keys.Expiring.Key, ct));
            var listed = await service.ListAsync(userId, ct);
            Assert.Equal(2, listed.Count);
            Assert.NotNull(listed.Single(k => k.Id == keys.Revoked.Id).RevokedAt);
        });
    }

    [Fact]
    public async Task A_user_cannot_revoke_someone_elses_key()
    {
        await using var host = PlatformTestHost.Create(seed: false);
        await host.InitializeAsync();
        var userId = await CreateMachineUserAsync(host);
        var ct = TestContext.Current.CancellationToken;
        await host.InScopeAsync(async sp =>
        {
            var service = sp.GetRequiredService<ApiKeyService>();
            var key = await service.CreateAsync(userId, "a", null, ct);
            Assert.False(await service.RevokeAsync(key.Id, "someone-else", ct));
            Assert.NotNull(await service.ValidateAsync(key.Key, ct));
        });
    }
}
