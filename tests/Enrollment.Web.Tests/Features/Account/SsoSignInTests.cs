using System.Net;
using System.Text.RegularExpressions;
using Enrollment.Data.Entities;
using Enrollment.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Enrollment.Web.Tests.Features.Account;

/// <summary>
/// Sign-in through a real OpenID Connect provider on loopback (OpenIddict, HTTPS): the portal's
/// button, the provider's authorization, the code exchanged on the back channel, the account
/// linked by issuer and subject.
/// </summary>
public sealed partial class SsoSignInTests
{
    private const string Provider = "corp";

    [Fact]
    public async Task FirstSignIn_ProvisionsARequesterLinkedByIssuerAndSubject_AndTheNextFindsItWithTheProvidersNewName()
    {
        await using var idp = await TestIdentityProvider.StartAsync();
        await using var portal = await StartPortalAsync(idp);
        idp.NextUser = new TestPerson("subject-taro", "Taro Yamada", "taro@example.com", "E-0001");

        var first = await SignInAsync(portal, "/requests");
        idp.NextUser = idp.NextUser with { Name = "Taro Yamada (Operations)" };
        var second = await SignInAsync(portal, "/requests");

        Assert.Equal("/requests", first.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("/requests", second.RequestMessage!.RequestUri!.AbsolutePath);
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>();
        var user = await users.FindByLoginAsync(idp.Issuer.AbsoluteUri, "subject-taro");
        Assert.NotNull(user);
        Assert.Equal(("Taro Yamada (Operations)", "taro@example.com", "E-0001"), (user.DisplayName, user.Email, user.EmployeeId));
        Assert.Equal([Web.Shared.Roles.Requester], await users.GetRolesAsync(user));
        var db = scope.ServiceProvider.GetRequiredService<Data.EnrollmentDbContext>();
        Assert.Equal(1, await db.Users.CountAsync(u => u.Email == "taro@example.com"));
        var events = await db.AuditEvents.Where(e => e.Target == user.Id).Select(e => e.EventType).ToListAsync();
        Assert.Equal(1, events.Count(e => e == "user.sso-provisioned"));
        Assert.Equal(2, events.Count(e => e == "signin.sso"));
        Assert.Equal(1, events.Count(e => e == "user.sso-attributes-changed"));
    }

    /// <summary>The provider owns the name that goes into certificates: the profile shows it and a forged post changes nothing.</summary>
    [Fact]
    public async Task ProfileOfAnSsoAccount_ShowsTheProvidersName_AndRefusesAChange()
    {
        await using var idp = await TestIdentityProvider.StartAsync();
        await using var portal = await StartPortalAsync(idp);
        idp.NextUser = new TestPerson("subject-jiro", "Jiro Suzuki", "jiro@example.com", "E-0004");
        using var browser = Browser(portal);
        await SignInAsync(browser, "/account/manage");

        var page = await browser.GetStringAsync("account/manage");
        using var forged = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "profile", ["__RequestVerificationToken"] = PortalSession.AntiforgeryTokenIn(page), ["Input.DisplayName"] = "Domain Admin",
        });
        var answer = await (await browser.PostAsync("account/manage", forged)).Content.ReadAsStringAsync();

        Assert.DoesNotContain("Input.DisplayName", page, StringComparison.Ordinal);
        Assert.Contains("Jiro Suzuki", page, StringComparison.Ordinal);
        Assert.Contains("come from your organisation", answer, StringComparison.Ordinal);
        await using var scope = portal.Services.CreateAsyncScope();
        Assert.Equal("Jiro Suzuki", (await scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>().FindByEmailAsync("jiro@example.com"))!.DisplayName);
    }

    /// <summary>The provider's sign-in is one factor: an account with two-factor on (every approver and admin) gives its code too.</summary>
    [Fact]
    public async Task SignIn_OfAnAccountWithTwoFactor_AsksForTheCode_AndSignsInOnlyWithIt()
    {
        await using var idp = await TestIdentityProvider.StartAsync();
        await using var portal = await StartPortalAsync(idp);
        idp.NextUser = new TestPerson("subject-approver", "Aki Approver", "aki@example.com", "E-0003");
        await SignInAsync(portal, "/requests");
        string key;
        await using (var scope = portal.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>();
            var user = (await users.FindByEmailAsync("aki@example.com"))!;
            await users.ResetAuthenticatorKeyAsync(user);
            await users.SetTwoFactorEnabledAsync(user, true);
            await users.AddToRoleAsync(user, Web.Shared.Roles.Approver);
            key = (await users.GetAuthenticatorKeyAsync(user))!;
        }
        using var browser = Browser(portal);

        var asked = await SignInAsync(browser, "/approvals");
        var withoutCode = await browser.GetAsync("approvals");
        var token = PortalSession.AntiforgeryTokenIn(await asked.Content.ReadAsStringAsync());
        using var code = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login-2fa", ["__RequestVerificationToken"] = token,
            ["Input.Code"] = Web.Features.Account.Totp.Code(Web.Features.Account.Totp.DecodeBase32(key), Web.Features.Account.Totp.StepAt(DateTimeOffset.UtcNow)).ToString("D6"),
        });
        var signedIn = await browser.PostAsync(asked.RequestMessage!.RequestUri, code);

        Assert.Equal("/account/login-2fa", asked.RequestMessage.RequestUri!.AbsolutePath);
        Assert.Contains("returnUrl=%2Fapprovals", asked.RequestMessage.RequestUri.Query, StringComparison.Ordinal);
        Assert.Equal("/account/login", withoutCode.RequestMessage!.RequestUri!.AbsolutePath);
        // Signed in: an approver without a certificate is sent on to the certificate check.
        Assert.Equal("/account/certificate", signedIn.RequestMessage!.RequestUri!.AbsolutePath);
    }

    /// <summary>An e-mail is not an identity: a local account with the same address is not taken over.</summary>
    [Fact]
    public async Task SignIn_WithTheEmailOfALocalAccount_IsRefusedWithWhomToAsk_AndLinksNothing()
    {
        await using var idp = await TestIdentityProvider.StartAsync();
        await using var portal = await StartPortalAsync(idp);
        await PortalUsers.WithCertificateAsync(portal, "hanako@example.com", "correct horse battery staple");
        idp.NextUser = new TestPerson("subject-someone", "Someone Else", "hanako@example.com", "E-0002");

        var refused = await SignInAsync(portal, "/requests");

        Assert.Equal("/account/login", refused.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains("never linked by e-mail alone", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await using var scope = portal.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Data.EnrollmentDbContext>();
        Assert.Equal(0, await db.UserLogins.CountAsync());
        Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.EventType == "signin.sso-refused" && e.Details.Contains("reason=email-taken")));
    }

    [Fact]
    public async Task SignIn_OfAnUnknownPerson_WithProvisioningOff_IsRefusedSayingWhomToAsk()
    {
        await using var idp = await TestIdentityProvider.StartAsync();
        await using var portal = await StartPortalAsync(idp, "--Enrollment:Sso:ProvisionUnknownUsers=false");

        var refused = await SignInAsync(portal, "/requests");

        Assert.Equal("/account/login", refused.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains("Ask a portal administrator to add you", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await using var scope = portal.Services.CreateAsyncScope();
        Assert.Null(await scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>().FindByEmailAsync(idp.NextUser.Email));
    }

    private static async Task<RunningPortal> StartPortalAsync(TestIdentityProvider idp, params string[] settings)
    {
        // The back channel (discovery, keys, the code exchange) trusts the provider's own certificate, nothing else.
        var portal = await RunningPortal.StartAsync(
            builder => builder.Services.Configure<OpenIdConnectOptions>(Provider, o => o.BackchannelHttpHandler = idp.BackchannelHandler()),
            [
                $"--Enrollment:Sso:Oidc:0:Name={Provider}", "--Enrollment:Sso:Oidc:0:DisplayName=Corp ID",
                $"--Enrollment:Sso:Oidc:0:Authority={idp.Issuer.AbsoluteUri}",
                $"--Enrollment:Sso:Oidc:0:ClientId={TestIdentityProvider.ClientId}", $"--Enrollment:Sso:Oidc:0:ClientSecret={TestIdentityProvider.ClientSecret}",
                .. settings,
            ]);
        await idp.RegisterClientAsync(new Uri(portal.Https, "signin-" + Provider));
        return portal;
    }

    private static Task<HttpResponseMessage> SignInAsync(RunningPortal portal, string returnUrl) => SignInAsync(Browser(portal), returnUrl);

    /// <summary>Follows redirects and keeps cookies per site, as a browser does.</summary>
    private static HttpClient Browser(RunningPortal portal) => new(new HttpClientHandler
    {
        CookieContainer = new CookieContainer(),
        ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator,
    }) { BaseAddress = portal.Https };

    /// <summary>The sign-in page's button, the provider, and the provider's form posted back.</summary>
    private static async Task<HttpResponseMessage> SignInAsync(HttpClient client, string returnUrl)
    {
        var page = await client.GetStringAsync("account/login");
        Assert.Contains("Sign in with Corp ID", page, StringComparison.Ordinal);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = PortalSession.AntiforgeryTokenIn(page), ["returnUrl"] = returnUrl,
        });
        var atProvider = await client.PostAsync($"account/sso/{Provider}", form);
        // The provider answers with a form the browser posts back at once (response_mode=form_post: the code stays out of addresses and logs).
        var answer = await atProvider.Content.ReadAsStringAsync();
        var action = FormAction().Match(answer);
        Assert.True(action.Success, $"the provider answered {atProvider.StatusCode}: {answer}");
        var fields = HiddenField().Matches(answer).ToDictionary(m => m.Groups[1].Value, m => WebUtility.HtmlDecode(m.Groups[2].Value));
        using var postBack = new FormUrlEncodedContent(fields);
        return await client.PostAsync(WebUtility.HtmlDecode(action.Groups[1].Value), postBack);
    }

    [GeneratedRegex("<form name=\"form\" method=\"post\" action=\"([^\"]+)\"")]
    private static partial Regex FormAction();

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\"")]
    private static partial Regex HiddenField();
}
