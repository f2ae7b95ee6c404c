using Enrollment.Data.Entities;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Enrollment.Web.Features.Account;

/// <summary>
/// Identity's sign-in manager, refusing accounts an administrator disabled, counting wrong recovery
/// codes towards lockout, spending the same work on an unknown account as on a known one, and keeping
/// passwords to administrators where single sign-on is the rule (Enrollment:Sso:LocalSignIn).
/// </summary>
public sealed class EnrollmentSignInManager(
    UserManager<EnrollmentUser> userManager, IHttpContextAccessor contextAccessor, IUserClaimsPrincipalFactory<EnrollmentUser> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor, ILogger<SignInManager<EnrollmentUser>> logger, IAuthenticationSchemeProvider schemes,
    IUserConfirmation<EnrollmentUser> confirmation, UnknownAccountLockout unknownAccounts, IOptions<Sso.SsoOptions> sso)
    : SignInManager<EnrollmentUser>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    /// <summary>A password hash of a password nobody has, checked when the account does not exist.</summary>
    private static readonly Lazy<string> DecoyHash = new(() => new PasswordHasher<EnrollmentUser>().HashPassword(new EnrollmentUser(), Guid.NewGuid().ToString()));

    public override async Task<bool> CanSignInAsync(EnrollmentUser user) => !user.Disabled && await base.CanSignInAsync(user);

    /// <summary>
    /// Identity answers an unknown account at once, without hashing, so the time taken told which
    /// accounts exist. An unknown account now costs one password verification too, and fails the same way.
    /// </summary>
    public override async Task<SignInResult> PasswordSignInAsync(string userName, string password, bool isPersistent, bool lockoutOnFailure)
    {
        if (await UserManager.FindByNameAsync(userName) is { } user)
        {
            return await PasswordSignInAsync(user, password, isPersistent, lockoutOnFailure);
        }
        UserManager.PasswordHasher.VerifyHashedPassword(new EnrollmentUser(), DecoyHash.Value, password);
        // A known account locks after so many failures; an unknown name must look the same, or the
        // lockout page itself would tell which accounts exist.
        return unknownAccounts.Fail(userName, Options.Lockout) ? SignInResult.LockedOut : SignInResult.Failed;
    }

    /// <summary>
    /// Where only administrators may use a password, anyone else is told to use the provider, and only
    /// after giving the right password: the answer tells nobody else which accounts exist.
    /// </summary>
    public override async Task<SignInResult> PasswordSignInAsync(EnrollmentUser user, string password, bool isPersistent, bool lockoutOnFailure)
    {
        if (sso.Value.LocalSignIn != Sso.LocalSignIn.AdministratorsOnly || await UserManager.IsInRoleAsync(user, Web.Shared.Roles.Admin))
        {
            return await base.PasswordSignInAsync(user, password, isPersistent, lockoutOnFailure);
        }
        var proof = await CheckPasswordSignInAsync(user, password, lockoutOnFailure);
        return proof.Succeeded ? new ProviderSignInOnly() : proof;
    }

    /// <summary>Identity does not count wrong recovery codes (it trusts their randomness); here they count like wrong passwords.</summary>
    public override async Task<SignInResult> TwoFactorRecoveryCodeSignInAsync(string recoveryCode)
    {
        if (await GetTwoFactorAuthenticationUserAsync() is { } pending && await UserManager.IsLockedOutAsync(pending))
        {
            return SignInResult.LockedOut;
        }
        var result = await base.TwoFactorRecoveryCodeSignInAsync(recoveryCode);
        if (result.Succeeded || await GetTwoFactorAuthenticationUserAsync() is not { } user)
        {
            return result;
        }
        await UserManager.AccessFailedAsync(user);
        return await UserManager.IsLockedOutAsync(user) ? SignInResult.LockedOut : result;
    }
}

/// <summary>The password was right, but this account signs in through the organisation's provider.</summary>
public sealed class ProviderSignInOnly : SignInResult
{
    public ProviderSignInOnly() => IsNotAllowed = true;
}
