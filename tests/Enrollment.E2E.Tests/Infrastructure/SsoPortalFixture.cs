using Enrollment.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Playwright;

namespace Enrollment.E2E.Tests.Infrastructure;

/// <summary>
/// A portal with two providers on loopback: one shaped as a Microsoft Entra ID tenant (through
/// Microsoft.Identity.Web, its MFA trusted, app roles as roles) and a plain OpenID Connect provider.
/// </summary>
public class SsoPortalFixture : BrowserPortalFixture
{
    public const string Tenant = "4f1d2c3b-5a69-4788-9b0c-1d2e3f405162";

    public TestIdentityProvider Entra { get; private set; } = default!;

    public TestIdentityProvider Corp { get; private set; } = default!;

    protected override string[] PortalSettings =>
    [
        $"--AzureAd:Instance={Entra.Instance}", $"--AzureAd:TenantId={Tenant}", $"--AzureAd:ClientId={TestIdentityProvider.ClientId}",
        $"--AzureAd:ClientSecret={TestIdentityProvider.ClientSecret}", "--AzureAd:CallbackPath=/signin-entra",
        "--Enrollment:Sso:Entra:TrustProviderMfa=true",
        "--Enrollment:Sso:Oidc:0:Name=corp", "--Enrollment:Sso:Oidc:0:DisplayName=Corp ID", $"--Enrollment:Sso:Oidc:0:Authority={Corp.Issuer.AbsoluteUri}",
        $"--Enrollment:Sso:Oidc:0:ClientId={TestIdentityProvider.ClientId}", $"--Enrollment:Sso:Oidc:0:ClientSecret={TestIdentityProvider.ClientSecret}",
        .. MoreSettings,
    ];

    /// <summary>Settings of a derived fixture (provisioning off, say).</summary>
    protected virtual string[] MoreSettings => [];

    protected override void ConfigurePortal(WebApplicationBuilder builder)
    {
        // The back channel trusts each provider's own certificate and nothing else.
        builder.Services.Configure<OpenIdConnectOptions>("entra", o => o.BackchannelHttpHandler = Entra.BackchannelHandler());
        builder.Services.Configure<OpenIdConnectOptions>("corp", o => o.BackchannelHttpHandler = Corp.BackchannelHandler());
    }

    public override async Task InitializeAsync()
    {
        Entra = await TestIdentityProvider.StartAsync(Tenant);
        Corp = await TestIdentityProvider.StartAsync();
        await base.InitializeAsync();
        await Entra.RegisterClientAsync(new Uri(Portal.Https, "signin-entra"), new Uri(Portal.Https, "signout-callback-entra"));
        await Corp.RegisterClientAsync(new Uri(Portal.Https, "signin-corp"), new Uri(Portal.Https, "signout-callback-corp"));
        // Each provider's discovery document and keys, read once now, so the first test's sign-in does not pay for it.
        var schemes = Portal.Services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<OpenIdConnectOptions>>();
        foreach (var scheme in new[] { "entra", "corp" })
        {
            await schemes.Get(scheme).ConfigurationManager!.GetConfigurationAsync(CancellationToken.None);
        }
    }

    /// <summary>Signs in on the sign-in page with the provider's button, as <paramref name="person"/>; the provider answers at once.</summary>
    public static async Task SignInThroughAsync(IPage page, TestIdentityProvider provider, string buttonName, TestPerson person, string returnUrl = "")
    {
        provider.NextUser = person;
        await page.GotoAsync("account/login" + (returnUrl.Length > 0 ? "?returnUrl=" + Uri.EscapeDataString(returnUrl) : string.Empty));
        await page.GetByRole(AriaRole.Button, new() { Name = buttonName }).ClickAsync();
        // The provider's answer is a form its page posts back by itself; the portal then sends the browser on.
        await page.WaitForURLAsync(url => IsWhereTheSignInEnds(new Uri(url).AbsolutePath), new() { WaitUntil = WaitUntilState.Load });
    }

    /// <summary>Not a step on the way: the sign-in page, the provider, the callback or the portal's SSO endpoints.</summary>
    private static bool IsWhereTheSignInEnds(string path) =>
        path != "/account/login" && !path.StartsWith("/connect/", StringComparison.Ordinal) && !path.StartsWith("/signin-", StringComparison.Ordinal)
        && (!path.StartsWith("/account/sso/", StringComparison.Ordinal) || path == "/account/sso/problem");

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Entra.DisposeAsync();
        await Corp.DisposeAsync();
    }
}
