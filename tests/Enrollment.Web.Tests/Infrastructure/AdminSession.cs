using System.Security.Claims;
using Enrollment.Data.Entities;
using Enrollment.Web.Features.Gate;
using Enrollment.Web.Shared;
using Microsoft.AspNetCore.Identity;

namespace Enrollment.Web.Tests.Infrastructure;

/// <summary>What the admin services see: a principal, and a connection presenting a certificate the portal issued.</summary>
public static class AdminSession
{
    /// <summary>A new admin (or user of another privileged role) with two-factor and an own valid certificate.</summary>
    public static async Task<(ClaimsPrincipal Principal, ConnectionCertificate Connection)> CreateAsync(
        RunningPortal portal, string address = "127.0.0.1", string role = Roles.Admin)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>();
        var email = $"{role.ToLowerInvariant()}-{Guid.NewGuid():N}@example.com";
        var admin = new EnrollmentUser { UserName = email, Email = email, DisplayName = "Test " + role.ToLowerInvariant(), EmployeeId = "AD-" + Guid.NewGuid().ToString("N")[..8], CreatedAt = DateTime.UtcNow };
        await users.CreateAsync(admin);
        await users.AddToRolesAsync(admin, [Roles.Requester, role]);
        await users.SetTwoFactorEnabledAsync(admin, true);
        var principal = await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<EnrollmentUser>>().CreateAsync(admin);
        return (principal, await ConnectionOfAsync(portal, admin, address));
    }

    /// <summary>A connection presenting a certificate freshly issued to the user by the portal.</summary>
    public static Task<ConnectionCertificate> ConnectionOfAsync(RunningPortal portal, EnrollmentUser user, string address = "127.0.0.1") =>
        Testing.Actors.CertifiedConnectionAsync(portal.Services, user, address);
}
