using System.ComponentModel.DataAnnotations;

namespace Enrollment.Web.Features.Account.Sso;

/// <summary>Single sign-on, section "Enrollment:Sso": off until a provider is configured.</summary>
public sealed class SsoOptions
{
    public const string SectionName = "Enrollment:Sso";

    /// <summary>OpenID Connect providers (Keycloak, Okta, ADFS, Google Workspace...), each a button on the sign-in page.</summary>
    public List<OidcProviderOptions> Oidc { get; set; } = [];

    /// <summary>
    /// What the portal takes from Microsoft Entra ID, on when the section "AzureAd" names a ClientId
    /// (Microsoft.Identity.Web's own section: Instance, TenantId, ClientId, credentials, CallbackPath).
    /// </summary>
    public EntraProviderOptions Entra { get; set; } = new();

    /// <summary>
    /// Whether a person the provider vouches for but the portal does not know yet gets an account at
    /// their first sign-in (a requester). Off: they are refused with a page that says whom to ask.
    /// </summary>
    public bool ProvisionUnknownUsers { get; set; } = true;

    /// <summary>
    /// More origins the sign-in may pass through in one go, such as a federation server Entra ID
    /// redirects to at once: the pages' Content-Security-Policy (form-action) allows them.
    /// </summary>
    public List<string> FormTargets { get; set; } = [];

    /// <summary>Who may sign in with a portal password once a provider is configured.</summary>
    public LocalSignIn LocalSignIn { get; set; } = LocalSignIn.Everyone;
}

public enum LocalSignIn
{
    /// <summary>Every account with a password may use it beside single sign-on.</summary>
    Everyone,

    /// <summary>Only administrators (break-glass accounts); everyone else signs in through a provider.</summary>
    AdministratorsOnly,
}

/// <summary>What every provider's configuration says about the people it signs in.</summary>
public abstract class SsoProviderOptions
{
    /// <summary>What the sign-in button says: "Sign in with {DisplayName}".</summary>
    [Required]
    public string DisplayName { get; set; } = string.Empty;

    /// <summary>The claim that carries the employee ID (e.g. Entra's optional claim "employeeid").</summary>
    public string EmployeeIdClaim { get; set; } = "employeeid";

    /// <summary>The claim that carries the user principal name; the e-mail stands in when it is missing.</summary>
    public string UpnClaim { get; set; } = "upn";

    /// <summary>
    /// The claim that carries the person's roles (Entra app roles: "roles"; Keycloak: a mapped "roles" or
    /// "groups"). Set, the provider owns the roles Approver and Admin: they follow it at every sign-in.
    /// Empty, the portal's administrators grant them.
    /// </summary>
    public string? RoleClaim { get; set; }

    /// <summary>The role claim's value that makes an approver.</summary>
    public string ApproverRole { get; set; } = "Enrollment.Approver";

    /// <summary>The role claim's value that makes an administrator.</summary>
    public string AdminRole { get; set; } = "Enrollment.Admin";

    /// <summary>
    /// Whether the provider's multi-factor sign-in counts as the second factor approvers and admins
    /// need: an "amr" claim holding "mfa", or an "acr" among <see cref="MfaAcrValues"/>. Off: the portal
    /// asks for its own authenticator code after the provider's sign-in.
    /// </summary>
    public bool TrustProviderMfa { get; set; }

    /// <summary>"acr" values that stand for a multi-factor sign-in at this provider.</summary>
    public List<string> MfaAcrValues { get; set; } = [];
}

/// <summary>One OpenID Connect provider (authorization code flow with PKCE).</summary>
public sealed class OidcProviderOptions : SsoProviderOptions
{
    /// <summary>The scheme's name, in the callback path (/signin-NAME): letters, digits and dashes.</summary>
    [Required, RegularExpression("^[a-z0-9-]{1,32}$")]
    public string Name { get; set; } = string.Empty;

    /// <summary>The issuer's address; its discovery document is read from there.</summary>
    [Required, Url]
    public string Authority { get; set; } = string.Empty;

    [Required]
    public string ClientId { get; set; } = string.Empty;

    /// <summary>Best given in the environment (Enrollment__Sso__Oidc__0__ClientSecret), never on the command line.</summary>
    public string? ClientSecret { get; set; }
}

/// <summary>Microsoft Entra ID: linked by tenant and object ID (tid + oid), roles from app roles.</summary>
public sealed class EntraProviderOptions : SsoProviderOptions
{
    /// <summary>The scheme's name and the provider's name in audit events.</summary>
    public const string Name = "entra";

    public EntraProviderOptions()
    {
        DisplayName = "Microsoft Entra ID";
        RoleClaim = "roles";
        UpnClaim = "preferred_username";
    }
}
