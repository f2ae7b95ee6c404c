using System.Security.Claims;
using System.Security.Cryptography;
using Enrollment.Data.Entities;
using Enrollment.Web.Shared;
using Microsoft.AspNetCore.Identity;
using Microsoft.IdentityModel.JsonWebTokens;
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
    /// <summary>The portal's account is disabled or may not sign in.</summary>
    NotAllowed,
    /// <summary>The provider's sign-in did not complete: cancelled, refused, or its answer did not validate.</summary>
    Failed,
    /// <summary>A linked person's new e-mail at the provider belongs to another portal account.</summary>
    EmailInUse,
}

/// <summary>An outcome, and for a refusal the reference its audit event carries (ref=...).</summary>
public sealed record SsoResult(SsoOutcome Outcome, string? Reference = null);

/// <summary>A provider's sign-in as this portal knows it: its name (the scheme) and its settings.</summary>
public sealed record SsoProvider(string Name, SsoProviderOptions Settings)
{
    /// <summary>
    /// The person's immutable identity at the provider, Identity's login provider and key: for Entra ID
    /// tenant and object ID (its "sub" differs per application), elsewhere the validated issuer and subject.
    /// </summary>
    public (string LoginProvider, string Key)? IdentityOf(ClaimsPrincipal vouched)
    {
        if (Settings is EntraProviderOptions)
        {
            var tenant = ValueOf(vouched, "tid");
            var objectId = ValueOf(vouched, "oid");
            return string.IsNullOrEmpty(tenant) || string.IsNullOrEmpty(objectId) ? null : ("entra:" + tenant, objectId);
        }
        return ClaimsOf(vouched, "sub").FirstOrDefault() is { Value.Length: > 0 } subject ? (subject.Issuer, subject.Value) : null;
    }

    /// <summary>Whether the provider says the person signed in with several factors, and the configuration trusts it to.</summary>
    public bool VouchesForMfa(ClaimsPrincipal vouched) => Settings.TrustProviderMfa
        && (ClaimsOf(vouched, "amr").Any(c => c.Value == "mfa") || ValueOf(vouched, "acr") is { } acr && Settings.MfaAcrValues.Contains(acr));

    /// <summary>
    /// The claims of a token's claim type, under its own name or the long name the token handler maps it
    /// to: Microsoft.Identity.Web maps them (tid, oid, roles, amr) whatever the options say.
    /// </summary>
    public static IEnumerable<Claim> ClaimsOf(ClaimsPrincipal vouched, string type) =>
        JsonWebTokenHandler.DefaultInboundClaimTypeMap.TryGetValue(type, out var mapped) && mapped != type
            ? vouched.FindAll(type).Concat(vouched.FindAll(mapped))
            : vouched.FindAll(type);

    public static string? ValueOf(ClaimsPrincipal vouched, string type) => ClaimsOf(vouched, type).FirstOrDefault()?.Value;
}

/// <summary>
/// Signs in the person an OpenID Connect provider vouched for. Accounts are linked by the
/// provider's immutable identity (<see cref="SsoProvider.IdentityOf"/>), never by e-mail alone; an
/// unknown person gets a requester account when provisioning is on; name, e-mail, UPN, employee ID
/// and, where the provider owns them, the roles Approver and Admin follow the provider at every sign-in.
/// </summary>
public sealed partial class SsoSignIn(
    SignInManager<EnrollmentUser> signIn, UserManager<EnrollmentUser> users, AccountAudit audit, IOptions<SsoOptions> options,
    TimeProvider time, ILogger<SsoSignIn> logger)
{
    /// <summary>The user token that lets the next sign-in with the account's e-mail link it (granted by an administrator).</summary>
    public const string LinkAllowanceToken = "SsoLinkAllowedUntil";

    public async Task<SsoResult> SignInAsync(HttpContext context, SsoProvider provider, ClaimsPrincipal vouched)
    {
        var identity = provider.IdentityOf(vouched);
        var email = SsoProvider.ValueOf(vouched, "email")?.Trim();
        if (identity is not var (loginProvider, key) || string.IsNullOrEmpty(email))
        {
            return await RefuseAsync(context, email ?? "unknown", provider, SsoOutcome.Incomplete, "incomplete");
        }
        var attributes = new SsoAttributes(
            SsoProvider.ValueOf(vouched, "name") ?? email, email, SsoProvider.ValueOf(vouched, provider.Settings.UpnClaim),
            SsoProvider.ValueOf(vouched, provider.Settings.EmployeeIdClaim));
        var user = await users.FindByLoginAsync(loginProvider, key);
        if (user is null)
        {
            if (await users.FindByEmailAsync(email) is { } sameEmail)
            {
                if (!await TakeLinkAllowanceAsync(sameEmail))
                {
                    return await RefuseAsync(context, email, provider, SsoOutcome.EmailTaken, "email-taken", $"issuer={loginProvider}");
                }
                await LinkAsync(context, sameEmail, provider, loginProvider, key, "administrator");
                user = sameEmail;
            }
            else if (!options.Value.ProvisionUnknownUsers)
            {
                return await RefuseAsync(context, email, provider, SsoOutcome.Unknown, "unknown", $"issuer={loginProvider}");
            }
            else
            {
                user = await ProvisionAsync(context, provider, loginProvider, key, attributes);
            }
        }
        if (!string.Equals(user.Email, email, StringComparison.OrdinalIgnoreCase) && await users.FindByEmailAsync(email) is { } other && other.Id != user.Id)
        {
            return await RefuseAsync(context, email, provider, SsoOutcome.EmailInUse, "email-in-use", $"issuer={loginProvider} account={user.Id}");
        }
        await RefreshAsync(context, user, attributes);
        await ApplyRolesAsync(context, user, provider, vouched);

        var result = await SignInAsync(user, provider, vouched, loginProvider, key);
        if (result.Succeeded)
        {
            await audit.RecordAsync(context, user.Email!, "signin.sso", user.Id,
                $"provider={provider.Name} issuer={loginProvider} factor={(provider.VouchesForMfa(vouched) ? "provider-mfa" : "provider")}");
            return new(SsoOutcome.SignedIn);
        }
        return result.RequiresTwoFactor ? new(SsoOutcome.TwoFactorRequired)
            : result.IsLockedOut ? new(SsoOutcome.LockedOut)
            : await RefuseAsync(context, user.Email!, provider, SsoOutcome.NotAllowed, "not-allowed");
    }

    /// <summary>Links an account to the provider's identity once its owner proved its password (or an administrator allowed it).</summary>
    public async Task LinkAsync(HttpContext context, EnrollmentUser user, SsoProvider provider, string loginProvider, string key, string provedBy)
    {
        Check(await users.AddLoginAsync(user, new UserLoginInfo(loginProvider, key, provider.Settings.DisplayName)));
        await audit.RecordAsync(context, user.Email!, "user.sso-linked", user.Id, $"provider={provider.Name} issuer={loginProvider} by={provedBy}");
    }

    /// <summary>Records a refusal with a reference the page shows, so the help desk finds it in the audit log.</summary>
    public async Task<SsoResult> RefuseAsync(HttpContext context, string actor, SsoProvider? provider, SsoOutcome outcome, string reason, string details = "")
    {
        var reference = NewReference();
        await audit.RecordAsync(context, actor, outcome == SsoOutcome.Failed ? "signin.sso-failed" : "signin.sso-refused", null,
            $"provider={provider?.Name ?? "unknown"} reason={reason} ref={reference} {details}".TrimEnd());
        return new(outcome, reference);
    }

    /// <summary>Eight characters that read aloud without confusion (no 0/O, 1/I/L), as ABCD-EFGH.</summary>
    private static string NewReference()
    {
        const string alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
        var code = RandomNumberGenerator.GetString(alphabet, 8);
        return code[..4] + "-" + code[4..];
    }

    /// <summary>
    /// A trusted multi-factor sign-in at the provider signs in with it as the second factor; otherwise
    /// Identity's own path asks an account with two-factor on for its code.
    /// </summary>
    private async Task<SignInResult> SignInAsync(EnrollmentUser user, SsoProvider provider, ClaimsPrincipal vouched, string loginProvider, string key)
    {
        if (!provider.VouchesForMfa(vouched))
        {
            return await signIn.ExternalLoginSignInAsync(loginProvider, key, isPersistent: false, bypassTwoFactor: false);
        }
        if (!await signIn.CanSignInAsync(user))
        {
            return SignInResult.NotAllowed;
        }
        if (await users.IsLockedOutAsync(user))
        {
            return SignInResult.LockedOut;
        }
        await signIn.SignInWithClaimsAsync(user, isPersistent: false,
            [new Claim(ClaimTypes.AuthenticationMethod, loginProvider), new Claim(AccountClaims.ProviderMfa, "true")]);
        return SignInResult.Success;
    }

    private async Task<bool> TakeLinkAllowanceAsync(EnrollmentUser user)
    {
        var until = await users.GetAuthenticationTokenAsync(user, SsoOptions.SectionName, LinkAllowanceToken);
        if (until is null)
        {
            return false;
        }
        await users.RemoveAuthenticationTokenAsync(user, SsoOptions.SectionName, LinkAllowanceToken);
        return DateTimeOffset.TryParse(until, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var end)
               && end > time.GetUtcNow();
    }

    private async Task<EnrollmentUser> ProvisionAsync(HttpContext context, SsoProvider provider, string loginProvider, string key, SsoAttributes attributes)
    {
        var user = new EnrollmentUser
        {
            UserName = attributes.Email, Email = attributes.Email, EmailConfirmed = true, DisplayName = attributes.DisplayName,
            Upn = attributes.Upn, EmployeeId = attributes.EmployeeId, CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        Check(await users.CreateAsync(user));
        Check(await users.AddToRoleAsync(user, Roles.Requester));
        Check(await users.AddLoginAsync(user, new UserLoginInfo(loginProvider, key, provider.Settings.DisplayName)));
        await audit.RecordAsync(context, attributes.Email, "user.sso-provisioned", user.Id, $"provider={provider.Name} issuer={loginProvider}");
        LogProvisioned(provider.Name);
        return user;
    }

    /// <summary>
    /// The provider owns these attributes: what it says now replaces what the portal had. A UPN or
    /// employee ID it does not release at all keeps the value an administrator set.
    /// </summary>
    private async Task RefreshAsync(HttpContext context, EnrollmentUser user, SsoAttributes attributes)
    {
        attributes = attributes with { Upn = attributes.Upn ?? user.Upn, EmployeeId = attributes.EmployeeId ?? user.EmployeeId };
        var before = new SsoAttributes(user.DisplayName, user.Email!, user.Upn, user.EmployeeId);
        if (before == attributes)
        {
            return;
        }
        (user.DisplayName, user.Email, user.UserName, user.Upn, user.EmployeeId) =
            (attributes.DisplayName, attributes.Email, attributes.Email, attributes.Upn, attributes.EmployeeId);
        Check(await users.UpdateAsync(user));
        await audit.RecordAsync(context, attributes.Email, "user.sso-attributes-changed", user.Id, $"from={before} to={attributes}");
    }

    /// <summary>
    /// Where the provider owns the roles, Approver and Admin follow its claim. A role taken away also
    /// renews the security stamp, so the person's other open sessions end at their next revalidation.
    /// </summary>
    private async Task ApplyRolesAsync(HttpContext context, EnrollmentUser user, SsoProvider provider, ClaimsPrincipal vouched)
    {
        if (string.IsNullOrEmpty(provider.Settings.RoleClaim))
        {
            return;
        }
        var claimed = SsoProvider.ClaimsOf(vouched, provider.Settings.RoleClaim).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        var wanted = new Dictionary<string, bool>
        {
            [Roles.Approver] = claimed.Contains(provider.Settings.ApproverRole),
            [Roles.Admin] = claimed.Contains(provider.Settings.AdminRole),
        };
        var held = await users.GetRolesAsync(user);
        var added = wanted.Where(w => w.Value && !held.Contains(w.Key)).Select(w => w.Key).ToList();
        var removed = wanted.Where(w => !w.Value && held.Contains(w.Key)).Select(w => w.Key).ToList();
        if (added.Count == 0 && removed.Count == 0)
        {
            return;
        }
        if (added.Count > 0)
        {
            Check(await users.AddToRolesAsync(user, added));
        }
        if (removed.Count > 0)
        {
            Check(await users.RemoveFromRolesAsync(user, removed));
            Check(await users.UpdateSecurityStampAsync(user));
        }
        await audit.RecordAsync(context, user.Email!, "user.sso-roles-changed", user.Id,
            $"provider={provider.Name} added={string.Join(',', added)} removed={string.Join(',', removed)}");
        LogRolesChanged(provider.Name, string.Join(',', added), string.Join(',', removed));
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => e.Description)));
        }
    }

    private sealed record SsoAttributes(string DisplayName, string Email, string? Upn, string? EmployeeId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Provisioned an account at its first sign-in through {Provider}")]
    private partial void LogProvisioned(string provider);

    [LoggerMessage(Level = LogLevel.Information, Message = "Roles from {Provider}: added {Added}, removed {Removed}")]
    private partial void LogRolesChanged(string provider, string added, string removed);
}
