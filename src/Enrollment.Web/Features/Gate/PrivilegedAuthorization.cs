using System.Security.Claims;
using Enrollment.Data.Entities;
using Enrollment.Web.Features.Account;
using Enrollment.Web.Shared;
using Microsoft.AspNetCore.Identity;

namespace Enrollment.Web.Features.Gate;

/// <summary>Thrown when the acting user lacks the role or two-factor sign-in a privileged action needs.</summary>
public sealed class RoleRequiredException(string role)
    : UnauthorizedAccessException($"Only an {(role == Roles.Admin ? "administrator" : role.ToLowerInvariant())} with two-factor sign-in may do this.")
{
    public string Role { get; } = role;
}

/// <summary>
/// The server-side check every privileged action makes (approving, administration): an enabled user
/// with the role, read from the database now (so a demotion counts at once), and a second factor (the
/// portal's, or a trusted provider's multi-factor sign-in), whose connection presents a verified
/// certificate of their own (docs/design.md, "Client-certificate gate").
/// Page attributes are never the guard.
/// </summary>
public sealed class PrivilegedAuthorization(UserManager<EnrollmentUser> users, ClientCertificateGate gate)
{
    public Task<EnrollmentUser> DemandAdminAsync(ClaimsPrincipal actor, ConnectionCertificate connection) =>
        DemandAsync(actor, connection, Roles.Admin);

    public async Task<EnrollmentUser> DemandAsync(ClaimsPrincipal actor, ConnectionCertificate connection, string role)
    {
        var user = await users.GetUserAsync(actor);
        var secondFactor = user is { TwoFactorEnabled: true } || actor.Has(AccountClaims.ProviderMfa);
        if (user is not { Disabled: false } || !secondFactor || !await users.IsInRoleAsync(user, role))
        {
            throw new RoleRequiredException(role);
        }
        var result = await gate.EvaluateAsync(connection, actor);
        return result.IsAccepted ? user : throw new CertificateRequiredException(result);
    }
}
