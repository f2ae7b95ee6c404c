using System.Security.Claims;
using Enrollment.Ca.Gate;
using Enrollment.Data;
using Enrollment.Data.Entities;
using Enrollment.Web.Features.Admin.Users;
using Enrollment.Web.Features.Certificates;
using Enrollment.Web.Features.Gate;
using Enrollment.Web.Shared;
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
        var (actor, actorUser) = await UserAsync($"{kind}-{Guid.NewGuid():N}@example.com", twoFactor, roles);
        var (target, targetUser) = await UserAsync($"target-{Guid.NewGuid():N}@example.com", false);

        await using var scope = fixture.Portal.Services.CreateAsyncScope();
        var administration = scope.ServiceProvider.GetRequiredService<UserAdministration>();
        var connection = await OwnCertificateAsync(actorUser);
        await Assert.ThrowsAsync<RoleRequiredException>(() => administration.ListAsync(actor, connection, null, 0, 20));
        await Assert.ThrowsAsync<RoleRequiredException>(() =>
            administration.UpdateAsync(actor, connection, targetUser.Id, new UserChanges("Mallory", null, null, [Roles.Admin])));
        await Assert.ThrowsAsync<RoleRequiredException>(() => administration.SetLockedAsync(actor, connection, targetUser.Id, true));
        await Assert.ThrowsAsync<RoleRequiredException>(() => administration.SetDisabledAsync(actor, connection, targetUser.Id, true));
        await Assert.ThrowsAsync<RoleRequiredException>(() => administration.ResetTwoFactorAsync(actor, connection, targetUser.Id));

        var users = scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>();
        Assert.False(await users.IsInRoleAsync((await users.FindByIdAsync(targetUser.Id))!, Roles.Admin));
        _ = target;
    }

    [Fact]
    public async Task Update_RoleChangeByAnAdmin_IsAppliedAuditedAndRenewsTheSecurityStamp()
    {
        var (admin, adminUser) = await UserAsync($"admin-{Guid.NewGuid():N}@example.com", true, Roles.Admin);
        var (_, target) = await UserAsync($"promoted-{Guid.NewGuid():N}@example.com", false);
        var connection = await OwnCertificateAsync(adminUser, "192.0.2.7");
        await using var scope = fixture.Portal.Services.CreateAsyncScope();
        var administration = scope.ServiceProvider.GetRequiredService<UserAdministration>();

        var refusal = await administration.UpdateAsync(admin, connection, target.Id, new UserChanges("Promoted", "P-100", "promoted@corp.example", [Roles.Approver]));

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
        admin.EmployeeId = "ADMIN-1";
        await users.UpdateAsync(admin);
        var principal = await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<EnrollmentUser>>().CreateAsync(admin);
        var administration = scope.ServiceProvider.GetRequiredService<UserAdministration>();
        var connection = await AdminSession.ConnectionOfAsync(portal, admin);

        var demote = await administration.UpdateAsync(principal, connection, admin.Id, new UserChanges("Administrator", "ADMIN-1", null, []));
        var disable = await administration.SetDisabledAsync(principal, connection, admin.Id, true);

        Assert.Equal(UserAdministration.LastAdmin, demote);
        Assert.Equal(UserAdministration.LastAdmin, disable);
        Assert.True(await users.IsInRoleAsync(admin, Roles.Admin));
    }

    /// <summary>
    /// The last-admin check and the change are one transaction, so two admins disabling each other at
    /// once cannot both pass the check. (On SQLite the window between them never opened in 60 rounds
    /// against the code before the transaction; this guards the invariant on every provider.)
    /// </summary>
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task TwoLastAdmins_DisablingEachOtherAtOnce_LeaveOneActiveAdmin_EveryRound(DatabaseProvider provider)
    {
        await using var portal = await RunningPortal.StartAsync(PortalDatabases.For(provider));
        await using (var scope = portal.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>();
            var bootstrap = (await users.GetUsersInRoleAsync(Roles.Admin)).Single();
            bootstrap.Disabled = true;
            await users.UpdateAsync(bootstrap);
        }
        var outcomes = new List<string>();
        for (var round = 0; round < 8; round++)
        {
            var (a, aConnection) = await AdminSession.CreateAsync(portal);
            var (b, bConnection) = await AdminSession.CreateAsync(portal);
            var administration = portal.Services.GetRequiredService<UserAdministration>();

            var results = await Task.WhenAll(
                DisableAsync(administration, a, aConnection, b), DisableAsync(administration, b, bConnection, a));

            outcomes.Add(string.Join(",", results.Order()));
            await using var scope = portal.Services.CreateAsyncScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>();
            Assert.Contains(await users.GetUsersInRoleAsync(Roles.Admin), admin => !admin.Disabled);
            // The round's survivor is the only active admin: disable it too, so the next round starts from two again.
            foreach (var survivor in (await users.GetUsersInRoleAsync(Roles.Admin)).Where(admin => !admin.Disabled))
            {
                survivor.Disabled = true;
                await users.UpdateAsync(survivor);
            }
        }

        // One disables the other; the other is refused (last admin, or no longer an admin by the time it is checked).
        Assert.All(outcomes, outcome => Assert.Single(outcome.Split(','), part => part == "done"));
    }

    private static async Task<string> DisableAsync(UserAdministration administration, ClaimsPrincipal actor, ConnectionCertificate connection, ClaimsPrincipal target)
    {
        try
        {
            return (await administration.SetDisabledAsync(actor, connection, target.FindFirstValue(ClaimTypes.NameIdentifier)!, true))?.Code ?? "done";
        }
        catch (UnauthorizedAccessException)
        {
            return "forbidden";
        }
    }

    [Fact]
    public async Task Update_EmployeeIdOfAnotherAccount_IsRefusedClearly()
    {
        var (admin, adminUser) = await UserAsync($"admin-{Guid.NewGuid():N}@example.com", true, Roles.Admin);
        var (_, first) = await UserAsync($"first-{Guid.NewGuid():N}@example.com", false);
        var (_, second) = await UserAsync($"second-{Guid.NewGuid():N}@example.com", false);
        var connection = await OwnCertificateAsync(adminUser);
        await using var scope = fixture.Portal.Services.CreateAsyncScope();
        var administration = scope.ServiceProvider.GetRequiredService<UserAdministration>();

        var refusal = await administration.UpdateAsync(admin, connection, second.Id, new UserChanges("Second", first.EmployeeId, null, []));

        Assert.Equal("users.employee-id-taken", refusal?.Code);
    }

    [Theory]
    [InlineData("none")]
    [InlineData("another user's")]
    [InlineData("revoked")]
    public async Task EveryAction_ByAnAdminWithoutAnOwnValidCertificate_IsRefusedWithTheGatesReason(string certificate)
    {
        var (admin, adminUser) = await UserAsync($"admin-{Guid.NewGuid():N}@example.com", true, Roles.Admin);
        var (_, target) = await UserAsync($"target-{Guid.NewGuid():N}@example.com", false);
        var connection = certificate switch
        {
            "none" => new ConnectionCertificate(null, "127.0.0.1"),
            "another user's" => await OwnCertificateAsync(target),
            _ => await OwnCertificateAsync(adminUser),
        };
        if (certificate == "revoked")
        {
            await fixture.Portal.Services.GetRequiredService<RevocationService>().RevokeAsync(
                Ca.Serials.SerialNumber.Canonicalize(connection.Certificate!.SerialNumber), Ca.Revocation.RevocationReason.KeyCompromise, "test", null, default);
        }
        await using var scope = fixture.Portal.Services.CreateAsyncScope();
        var administration = scope.ServiceProvider.GetRequiredService<UserAdministration>();

        var refused = await Assert.ThrowsAsync<CertificateRequiredException>(() =>
            administration.UpdateAsync(admin, connection, target.Id, new UserChanges("Changed", target.EmployeeId, null, [Roles.Admin])));

        var expected = certificate switch { "none" => GateFailure.NoCertificate, "another user's" => GateFailure.AnotherUser, _ => GateFailure.Revoked };
        Assert.Equal(expected, refused.Result.Verdict.Failure);
        Assert.NotNull(refused.Result.ReferenceCode);
        var users = scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>();
        Assert.False(await users.IsInRoleAsync((await users.FindByIdAsync(target.Id))!, Roles.Admin));
        var db = scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>();
        Assert.True(await db.AuditEvents.AnyAsync(e => e.EventType == "gate.refused" && e.Target == refused.Result.ReferenceCode));
    }

    private Task<ConnectionCertificate> OwnCertificateAsync(EnrollmentUser user, string address = "127.0.0.1") =>
        AdminSession.ConnectionOfAsync(fixture.Portal, user, address);

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
