using System.ComponentModel.DataAnnotations;

namespace Enrollment.Web.Features.Account.Sso;

/// <summary>Single sign-on, section "Enrollment:Sso": off until a provider is configured.</summary>
public sealed class SsoOptions
{
    public const string SectionName = "Enrollment:Sso";

    /// <summary>OpenID Connect providers (Keycloak, Okta, ADFS, Google Workspace...), each a button on the sign-in page.</summary>
    public List<OidcProviderOptions> Oidc { get; set; } = [];

    /// <summary>
    /// Whether a person the provider vouches for but the portal does not know yet gets an account at
    /// their first sign-in (a requester). Off: they are refused with a page that says whom to ask.
    /// </summary>
    public bool ProvisionUnknownUsers { get; set; } = true;
}

/// <summary>One OpenID Connect provider (authorization code flow with PKCE).</summary>
public sealed class OidcProviderOptions
{
    /// <summary>The scheme's name, in the callback path (/signin-NAME): letters, digits and dashes.</summary>
    [Required, RegularExpression("^[a-z0-9-]{1,32}$")]
    public string Name { get; set; } = string.Empty;

    /// <summary>What the sign-in button says: "Sign in with {DisplayName}".</summary>
    [Required]
    public string DisplayName { get; set; } = string.Empty;

    /// <summary>The issuer's address; its discovery document is read from there.</summary>
    [Required, Url]
    public string Authority { get; set; } = string.Empty;

    [Required]
    public string ClientId { get; set; } = string.Empty;

    /// <summary>Best given in the environment (Enrollment__Sso__Oidc__0__ClientSecret), never on the command line.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>The claim that carries the employee ID (e.g. Entra's optional claim "employeeid").</summary>
    public string EmployeeIdClaim { get; set; } = "employeeid";
}
