using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;

namespace Enrollment.Web.Tests.Infrastructure;

/// <summary>
/// A browser's part in a sign-in through <see cref="TestIdentityProvider"/>: cookies per site,
/// redirects followed, the sign-in page's button, and the provider's answer posted back.
/// </summary>
public sealed partial class SsoBrowser : IDisposable
{
    private readonly HttpClient client;

    public SsoBrowser(RunningPortal portal)
    {
        Cookies = new CookieContainer();
        client = new HttpClient(new HttpClientHandler
        {
            CookieContainer = Cookies,
            ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator,
        }) { BaseAddress = portal.Https };
    }

    public CookieContainer Cookies { get; }

    public HttpClient Client => client;

    /// <summary>Starts a portal whose provider <paramref name="provider"/> is <paramref name="idp"/>, its back channel trusting only the provider's certificate.</summary>
    public static async Task<RunningPortal> StartPortalAsync(TestIdentityProvider idp, string provider, params string[] settings)
    {
        var portal = await RunningPortal.StartAsync(
            builder => builder.Services.Configure<OpenIdConnectOptions>(provider, o => o.BackchannelHttpHandler = idp.BackchannelHandler()),
            [.. ProviderSettings(idp, provider), .. settings]);
        await idp.RegisterClientAsync(new Uri(portal.Https, "signin-" + provider), new Uri(portal.Https, "signout-callback-" + provider));
        return portal;
    }

    /// <summary>A plain provider under Enrollment:Sso:Oidc:0, or with the Entra ID shape Microsoft.Identity.Web's section AzureAd.</summary>
    public static string[] ProviderSettings(TestIdentityProvider idp, string provider) => idp.Tenant is { } tenant
        ?
        [
            $"--AzureAd:Instance={idp.Instance}", $"--AzureAd:TenantId={tenant}", $"--AzureAd:ClientId={TestIdentityProvider.ClientId}",
            $"--AzureAd:ClientSecret={TestIdentityProvider.ClientSecret}", $"--AzureAd:CallbackPath=/signin-{provider}",
        ]
        :
        [
            $"--Enrollment:Sso:Oidc:0:Name={provider}", "--Enrollment:Sso:Oidc:0:DisplayName=Corp ID",
            $"--Enrollment:Sso:Oidc:0:Authority={idp.Issuer.AbsoluteUri}",
            $"--Enrollment:Sso:Oidc:0:ClientId={TestIdentityProvider.ClientId}", $"--Enrollment:Sso:Oidc:0:ClientSecret={TestIdentityProvider.ClientSecret}",
        ];

    /// <summary>The whole sign-in: the button, the provider, its answer posted back; the last page reached.</summary>
    public async Task<HttpResponseMessage> SignInAsync(string provider, string returnUrl = "/") =>
        await PostBackAsync(await StartAsync(provider, returnUrl));

    /// <summary>The sign-in page's button for <paramref name="provider"/>, up to the provider's answer (not yet posted back).</summary>
    public async Task<ProviderAnswer> StartAsync(string provider, string returnUrl = "/")
    {
        var page = await client.GetStringAsync("account/login");
        Assert.Contains($"action=\"account/sso/{provider}\"", page, StringComparison.Ordinal);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = PortalSession.AntiforgeryTokenIn(page), ["returnUrl"] = returnUrl,
        });
        var atProvider = await client.PostAsync($"account/sso/{provider}", form);
        // The provider answers with a form the browser posts back at once (response_mode=form_post: the code stays out of addresses and logs).
        var answer = await atProvider.Content.ReadAsStringAsync();
        var action = FormAction().Match(answer);
        Assert.True(action.Success, $"the provider answered {atProvider.StatusCode}: {answer}");
        return new ProviderAnswer(new Uri(WebUtility.HtmlDecode(action.Groups[1].Value)),
            HiddenField().Matches(answer).ToDictionary(m => m.Groups[1].Value, m => WebUtility.HtmlDecode(m.Groups[2].Value)));
    }

    public async Task<HttpResponseMessage> PostBackAsync(ProviderAnswer answer)
    {
        using var postBack = new FormUrlEncodedContent(answer.Fields);
        return await client.PostAsync(answer.Action, postBack);
    }

    /// <summary>The sign-out button of an open page (a form post with its antiforgery token); the last page reached.</summary>
    public async Task<HttpResponseMessage> SignOutAsync()
    {
        var page = await client.GetStringAsync("requests");
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = PortalSession.AntiforgeryTokenIn(page) });
        return await client.PostAsync("account/logout", form);
    }

    public void Dispose() => client.Dispose();

    [GeneratedRegex("<form name=\"form\" method=\"post\" action=\"([^\"]+)\"")]
    private static partial Regex FormAction();

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\"")]
    private static partial Regex HiddenField();
}

/// <summary>The provider's answer: where the browser posts it (the portal's callback) and its fields (code, state, iss).</summary>
public sealed record ProviderAnswer(Uri Action, Dictionary<string, string> Fields);
