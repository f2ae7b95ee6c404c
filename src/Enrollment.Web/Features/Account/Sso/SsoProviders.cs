using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;

namespace Enrollment.Web.Features.Account.Sso;

/// <summary>The configured providers, in the order their buttons appear: Entra ID first, then the others.</summary>
public sealed class SsoProviders(IOptions<SsoOptions> options, IConfiguration configuration, IOptionsMonitor<OpenIdConnectOptions> schemes)
{
    public IReadOnlyList<SsoProvider> All { get; } =
    [
        .. string.IsNullOrEmpty(configuration[SsoSetup.EntraSection + ":ClientId"]) ? [] : new[] { new SsoProvider(EntraProviderOptions.Name, options.Value.Entra) },
        .. options.Value.Oidc.Select(p => new SsoProvider(p.Name, p)),
    ];

    public SsoProvider? Find(string? name) => All.FirstOrDefault(p => p.Name == name);

    /// <summary>
    /// The origins the sign-in and sign-out forms' redirects reach: each provider's, and those of
    /// Enrollment:Sso:FormTargets (a federated sign-in that redirects on to another host at once).
    /// </summary>
    public IEnumerable<string> FormTargets() => All
        .Select(p => p.Settings is OidcProviderOptions oidc ? oidc.Authority : configuration[SsoSetup.EntraSection + ":Instance"] ?? "https://login.microsoftonline.com/")
        .Concat(options.Value.FormTargets)
        .Select(address => new Uri(address).GetLeftPart(UriPartial.Authority))
        .Distinct(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The provider a session signed in through, from Identity's login provider in its "amr" claim:
    /// Entra ID's is "entra:" and the tenant, the others' their issuer as their discovery document names it.
    /// </summary>
    public async Task<SsoProvider?> ByLoginProviderAsync(string? loginProvider)
    {
        if (string.IsNullOrEmpty(loginProvider))
        {
            return null;
        }
        if (loginProvider.StartsWith("entra:", StringComparison.Ordinal))
        {
            return Find(EntraProviderOptions.Name);
        }
        foreach (var provider in All.Where(p => p.Settings is OidcProviderOptions))
        {
            var metadata = await schemes.Get(provider.Name).ConfigurationManager!.GetConfigurationAsync(CancellationToken.None);
            if (metadata.Issuer == loginProvider)
            {
                return provider;
            }
        }
        return null;
    }
}
