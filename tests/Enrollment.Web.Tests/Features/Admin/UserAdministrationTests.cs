using System.Security.Claims;
using Enrollment.Data;
using Enrollment.Data.Entities;
using Enrollment.Web.Features.Admin.Users;
using Enrollment.Web.Infrastructure;
using Enrollment.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Enrollment.Web.Tests.Features.Admin;

/// <summary>User administration authorizes every call itself: a hidden button is never the guard.</summary>
public sealed class UserAdministrationTests(PortalFixture fixture) : IClassFixture<PortalFixture>
{
    [Theory]
    [InlineData("requester", false)]
    [InlineData("approver", true)]
    [InlineData("admin-without-2fa", false)]
    public async Task EveryAction_ByANonAdminOrAnAdminWithoutTwoFactor_IsRefused(string kind, bool twoFactor)
    {
        string[] roles = kind switch { "approver" => [Roles.Approver], "admin-without-2fa" => [Roles.Admin], _ => [] };
        var (actor, _) = await UserAsync($"{kind}-{Guid.NewGuid():N}@example.com", twoFactor, roles);
        var (target, targetUser) = await UserAsync($"target-{Guid.NewGuid():N}@example.com", false);

        await using var scope = fixture.Portal.Services.CreateAsyncScope();
        var administration = scope.ServiceProvider.GetRequiredService<UserAdministration>();
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => administration.ListAsync(actor, null, 0, 20));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() =>
            administration.UpdateAsync(actor, targetUser.Id, new UserChanges("Mallory", null, null, [Roles.Admin]), null));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => administration.SetLockedAsync(actor, targetUser.Id, true, null));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => administration.SetDisabledAsync(actor, targetUser.Id, true, null));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => administration.ResetTwoFactorAsync(actor, targetUser.Id, null));

        var users = scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>();
        Assert.False(await users.IsInRoleAsync((await users.FindByIdAsync(targetUser.Id))!, Roles.Admin));
        _ = target;
    }

    [Fact]
    public async Task Update_RoleChangeByAnAdmin_IsAppliedAuditedAndRenewsTheSecurityStamp()
    {
        var (admin, _) = await UserAsync($"admin-{Guid.NewGuid():N}@example.com", true, Roles.Admin);
        var (_, target) = await UserAsync($"promoted-{Guid.NewGuid():N}@example.com", false);
        await using var scope = fixture.Portal.Services.CreateAsyncScope();
        var administration = scope.ServiceProvider.GetRequiredService<UserAdministration>();

        var refusal = await administration.UpdateAsync(admin, target.Id, new UserChanges("Promoted", "P-100", "promoted@corp.example", [Roles.Approver]), "192.0.2.7");

        Assert.Null(refusal);
        var users = scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>();
        var stored = (await users.FindByIdAsync(target.Id))!;
        Assert.Equal(["Approver", "Requester"], (await users.GetRolesAsync(stored)).Order());
        Assert.Equal("P-100", stored.EmployeeId);
        Assert.NotEqual(target.SecurityStamp, stored.SecurityStamp);
        var db = scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>();
        var audit = await db.AuditEvents.SingleAsync(e => e.EventType == "role.changed" && e.Target == target.Id);
        Assert.Contains("Requester -> Approver,Requester", audit.Details, StringComparison.Ordinal);
        Assert.Equal("192.0.2.7", audit.Address);
    }

    [Fact]
    public async Task Update_RemovingTheLastAdmin_IsRefused()
    {
        await using var portal = await RunningPortal.StartAsync();
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>();
        var admin = (await users.GetUsersInRoleAsync(Roles.Admin)).Single();
        await users.SetTwoFactorEnabledAsync(admin, true);
        var principal = await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<EnrollmentUser>>().CreateAsync(admin);
        var administration = scope.ServiceProvider.GetRequiredService<UserAdministration>();

        var demote = await administration.UpdateAsync(principal, admin.Id, new UserChanges("Administrator", null, null, []), null);
        var disable = await administration.SetDisabledAsync(principal, admin.Id, true, null);

        Assert.Equal(UserAdministration.LastAdmin, demote);
        Assert.Equal(UserAdministration.LastAdmin, disable);
        Assert.True(await users.IsInRoleAsync(admin, Roles.Admin));
    }

    [Fact]
    public async Task Update_EmployeeIdOfAnotherAccount_IsRefusedClearly()
    {
        var (admin, _) = await UserAsync($"admin-{Guid.NewGuid():N}@example.com", true, Roles.Admin);
        var (_, first) = await UserAsync($"first-{Guid.NewGuid():N}@example.com", false);
        var (_, second) = await UserAsync($"second-{Guid.NewGuid():N}@example.com", false);
        await using var scope = fixture.Portal.Services.CreateAsyncScope();
        var administration = scope.ServiceProvider.GetRequiredService<UserAdministration>();

        var refusal = await administration.UpdateAsync(admin, second.Id, new UserChanges("Second", first.EmployeeId, null, []), null);

        Assert.Equal("users.employee-id-taken", refusal?.Code);
    }

    private async Task<(ClaimsPrincipal Principal, EnrollmentUser User)> UserAsync(string email, bool twoFactor, params string[] roles)
    {
        var user = await fixture.AddUserAsync(email, "ID-" + Guid.NewGuid().ToString("N")[..10]);
        await using var scope = fixture.Portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>();
        var stored = (await users.FindByIdAsync(user.Id))!;
        await users.AddToRolesAsync(stored, [Roles.Requester, .. roles]);
        await users.SetTwoFactorEnabledAsync(stored, twoFactor);
        var principal = await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<EnrollmentUser>>().CreateAsync(stored);
        return (principal, stored);
    }
}
