using System.Security.Claims;
using Enrollment.Data.Entities;
using Enrollment.Web.Features.Gate;
using Enrollment.Web.Infrastructure;
using Microsoft.AspNetCore.Identity;

namespace Enrollment.Web.Features.Admin;

/// <summary>
/// The server-side check every admin action makes: an enabled admin with two-factor, read from the
/// database now (so a demotion counts at once), whose connection presents a verified certificate
/// of their own (DESIGN.md, "Client-certificate gate"). Page attributes are never the guard.
/// </summary>
public sealed class AdminAuthorization(UserManager<EnrollmentUser> users, ClientCertificateGate gate)
{
    public const string ForbiddenMessage = "Only an administrator with two-factor sign-in may do this.";

    public async Task<EnrollmentUser> DemandAsync(ClaimsPrincipal actor, ConnectionCertificate connection)
    {
        var user = await users.GetUserAsync(actor);
        if (user is not { Disabled: false, TwoFactorEnabled: true } || !await users.IsInRoleAsync(user, Roles.Admin))
        {
            throw new UnauthorizedAccessException(ForbiddenMessage);
        }
        var result = await gate.EvaluateAsync(connection, actor);
        return result.IsAccepted ? user : throw new CertificateRequiredException(result);
    }
}
