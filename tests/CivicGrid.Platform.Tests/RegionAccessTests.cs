using CivicGrid.Platform.Accounts;
using CivicGrid.Platform.Storage;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CivicGrid.Platform.Tests;

public sealed class RegionAccessTests
{
    [Fact]
    public async Task An_operator_may_act_only_on_the_regions_they_are_scoped_to()
    {
        await using var host = PlatformTestHost.Create();
        var init = await host.InitializeAsync();
        var ct = TestContext.Current.CancellationToken;
        await host.InScopeAsync(async sp =>
        {
            var users = sp.GetRequiredService<UserManager<PlatformUser>>();
            var access = sp.GetRequiredService<RegionAccess>();
            var op = new PlatformUser { UserName = "op" };
            var resident = new PlatformUser { UserName = "res" };
            await users.CreateAsync(op);
            await users.CreateAsync(resident);
            await users.AddToRoleAsync(op, PlatformRoles.Operator);
            await users.AddToRoleAsync(resident, PlatformRoles.Resident);
            await access.GrantAsync(op.Id, "riverside", ct);
            await access.GrantAsync(op.Id, "riverside", ct); // idempotent
            await access.GrantAsync(resident.Id, "harbour", ct); // a scope alone does not make an operator

            Assert.True(await access.CanOperateAsync(op.Id, "riverside", ct));
            Assert.False(await access.CanOperateAsync(op.Id, "harbour", ct));
            Assert.False(await access.CanOperateAsync(resident.Id, "harbour", ct));
            var admin = await users.FindByNameAsync(init.AdministratorUserName!);
            Assert.True(await access.CanOperateAsync(admin!.Id, "harbour", ct));
            Assert.Equal(["riverside"], await access.GetOperatorRegionsAsync(op.Id, ct));

            await access.RevokeAsync(op.Id, "riverside", ct);
            Assert.False(await access.CanOperateAsync(op.Id, "riverside", ct));
            await Assert.ThrowsAsync<InvalidOperationException>(() => access.GrantAsync(op.Id, "atlantis", ct));
        });
    }
}
