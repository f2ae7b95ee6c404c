using System.Security.Claims;
using Enrollment.Data.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Enrollment.Web.Features.Account;

/// <summary>
/// Facts about the account carried in the sign-in cookie, so the account gate needs no database
/// read per request. They are refreshed on every sign-in and security-stamp revalidation.
/// </summary>
public sealed class AccountClaims(UserManager<EnrollmentUser> users, RoleManager<IdentityRole> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<EnrollmentUser, IdentityRole>(users, roles, options)
{
    public const string TwoFactorEnabled = "enrollment:2fa";
    public const string MustChangePassword = "enrollment:must-change-password";
    public const string DisplayName = "enrollment:display-name";

    /// <summary>
    /// The session began with a multi-factor sign-in at a provider the configuration trusts for it
    /// (SsoProviderOptions.TrustProviderMfa): it stands for the portal's own second factor.
    /// </summary>
    public const string ProviderMfa = "enrollment:provider-mfa";

    /// <summary>Claims of the sign-in itself, not of the user record: a refreshed principal keeps them.</summary>
    public static readonly string[] OfTheSignIn = [Sessions.DatabaseTicketStore.SessionClaim, ClaimTypes.AuthenticationMethod, ProviderMfa];

    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(EnrollmentUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(TwoFactorEnabled, user.TwoFactorEnabled ? "true" : "false"));
        identity.AddClaim(new Claim(MustChangePassword, user.MustChangePassword ? "true" : "false"));
        identity.AddClaim(new Claim(DisplayName, user.DisplayName));
        return identity;
    }
}

public static class ClaimsPrincipalExtensions
{
    public static bool Has(this ClaimsPrincipal principal, string claim) => principal.FindFirstValue(claim) == "true";

    /// <summary>Approvers and admins must use two-factor sign-in (docs/design.md, "Flow" step 1).</summary>
    public static bool NeedsTwoFactor(this ClaimsPrincipal principal) =>
        principal.IsInRole(Web.Shared.Roles.Approver) || principal.IsInRole(Web.Shared.Roles.Admin);

    /// <summary>The session has a second factor: the portal's own, or a trusted provider's multi-factor sign-in.</summary>
    public static bool HasSecondFactor(this ClaimsPrincipal principal) =>
        principal.Has(AccountClaims.TwoFactorEnabled) || principal.Has(AccountClaims.ProviderMfa);
}
