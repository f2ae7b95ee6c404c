using System.Security.Claims;
using Enrollment.Data.Entities;
using Enrollment.Web.Shared;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Enrollment.Web.Features.Account.Sso;

/// <summary>What became of a sign-in the provider vouched for.</summary>
public enum SsoOutcome
{
    SignedIn,
    TwoFactorRequired,
    LockedOut,
    /// <summary>An account with the same e-mail exists and is not linked: never linked by the e-mail alone.</summary>
    EmailTaken,
    /// <summary>Unknown to the portal, and provisioning is off.</summary>
    Unknown,
    /// <summary>The provider's answer lacked what an account needs (subject, e-mail).</summary>
    Incomplete,
    NotAllowed,
}

/// <summary>
/// Signs in the person an OpenID Connect provider vouched for. Accounts are linked by the
/// provider's immutable identity, issuer and subject (Identity's login provider and key), never
/// by e-mail alone; an unknown person gets a requester account when provisioning is on; name,
/// e-mail and employee ID follow the provider at every sign-in.
/// </summary>
public sealed partial class SsoSignIn(
    SignInManager<EnrollmentUser> signIn, UserManager<EnrollmentUser> users, AccountAudit audit, IOptions<SsoOptions> options,
    TimeProvider time, ILogger<SsoSignIn> logger)
{
    public async Task<SsoOutcome> SignInAsync(HttpContext context, OidcProviderOptions provider, ClaimsPrincipal vouched)
    {
        var subject = vouched.FindFirst("sub");
        var email = vouched.FindFirstValue("email")?.Trim();
        if (subject is null || string.IsNullOrEmpty(email))
        {
            await audit.RecordAsync(context, email ?? "unknown", "signin.sso-refused", null, $"provider={provider.Name} reason=incomplete");
            return SsoOutcome.Incomplete;
        }
        // The token's issuer, which the handler validated: one subject per issuer.
        var issuer = subject.Issuer;
        var attributes = new SsoAttributes(vouched.FindFirstValue("name") ?? email, email, vouched.FindFirstValue(provider.EmployeeIdClaim));
        var user = await users.FindByLoginAsync(issuer, subject.Value);
        if (user is null)
        {
            if (await users.FindByEmailAsync(email) is not null)
            {
                await audit.RecordAsync(context, email, "signin.sso-refused", null, $"provider={provider.Name} reason=email-taken issuer={issuer}");
                return SsoOutcome.EmailTaken;
            }
            if (!options.Value.ProvisionUnknownUsers)
            {
                await audit.RecordAsync(context, email, "signin.sso-refused", null, $"provider={provider.Name} reason=unknown issuer={issuer}");
                return SsoOutcome.Unknown;
            }
            user = await ProvisionAsync(context, provider, issuer, subject.Value, attributes);
        }
        else
        {
            await RefreshAsync(context, user, attributes);
        }
        var result = await signIn.ExternalLoginSignInAsync(issuer, subject.Value, isPersistent: false, bypassTwoFactor: false);
        if (result.Succeeded)
        {
            await audit.RecordAsync(context, user.Email!, "signin.sso", user.Id, $"provider={provider.Name} issuer={issuer}");
            return SsoOutcome.SignedIn;
        }
        return result.RequiresTwoFactor ? SsoOutcome.TwoFactorRequired : result.IsLockedOut ? SsoOutcome.LockedOut : SsoOutcome.NotAllowed;
    }

    private async Task<EnrollmentUser> ProvisionAsync(HttpContext context, OidcProviderOptions provider, string issuer, string subject, SsoAttributes attributes)
    {
        var user = new EnrollmentUser
        {
            UserName = attributes.Email, Email = attributes.Email, EmailConfirmed = true, DisplayName = attributes.DisplayName,
            EmployeeId = attributes.EmployeeId, CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        Check(await users.CreateAsync(user));
        Check(await users.AddToRoleAsync(user, Roles.Requester));
        Check(await users.AddLoginAsync(user, new UserLoginInfo(issuer, subject, provider.DisplayName)));
        await audit.RecordAsync(context, attributes.Email, "user.sso-provisioned", user.Id, $"provider={provider.Name} issuer={issuer}");
        LogProvisioned(provider.Name);
        return user;
    }

    /// <summary>The provider owns these attributes: what it says now replaces what the portal had.</summary>
    private async Task RefreshAsync(HttpContext context, EnrollmentUser user, SsoAttributes attributes)
    {
        var before = new SsoAttributes(user.DisplayName, user.Email!, user.EmployeeId);
        if (before == attributes)
        {
            return;
        }
        (user.DisplayName, user.Email, user.UserName, user.EmployeeId) = (attributes.DisplayName, attributes.Email, attributes.Email, attributes.EmployeeId);
        Check(await users.UpdateAsync(user));
        await audit.RecordAsync(context, attributes.Email, "user.sso-attributes-changed", user.Id, $"from={before} to={attributes}");
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => e.Description)));
        }
    }

    private sealed record SsoAttributes(string DisplayName, string Email, string? EmployeeId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Provisioned an account at its first sign-in through {Provider}")]
    private partial void LogProvisioned(string provider);
}
