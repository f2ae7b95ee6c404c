using System.Text;
using Enrollment.Data.Entities;
using Enrollment.Web.Shared;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;

namespace Enrollment.Web.Features.Account;

/// <summary>
/// Invites a user made by an administrator: a one-time link to choose a password. Following it
/// also confirms the address, since only its owner can read the link; until then sign-in is refused.
/// </summary>
public sealed class Invitations(UserManager<EnrollmentUser> users, IEmailSender<EnrollmentUser> email, PortalLinks links)
{
    public async Task SendAsync(EnrollmentUser user)
    {
        var code = WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(await users.GeneratePasswordResetTokenAsync(user)));
        var link = links.To("account/reset-password", new Dictionary<string, string?> { ["code"] = code, ["email"] = user.Email });
        await email.SendConfirmationLinkAsync(user, user.Email!, link);
    }
}
