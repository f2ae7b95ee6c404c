using System.Net;
using Enrollment.Data.Entities;
using Enrollment.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Enrollment.Web.Tests.Features.Account;

/// <summary>
/// Sign-in through a real OpenID Connect provider on loopback (OpenIddict, HTTPS): the portal's
/// button, the provider's authorization, the code exchanged on the back channel, the account
/// linked by issuer and subject.
/// </summary>
public sealed class SsoSignInTests
{
    private const string Provider = "corp";

    [Fact]
    public async Task FirstSignIn_ProvisionsARequesterLinkedByIssuerAndSubject_AndTheNextFindsItWithTheProvidersNewName()
    {
        await using var idp = await TestIdentityProvider.StartAsync();
        await using var portal = await SsoBrowser.StartPortalAsync(idp, Provider);
        idp.NextUser = new TestPerson("subject-taro", "Taro Yamada", "taro@example.com", "E-0001") { Upn = "taro@corp.example" };

        using var browser = new SsoBrowser(portal);
        var first = await browser.SignInAsync(Provider, "/requests");
        idp.NextUser = idp.NextUser with { Name = "Taro Yamada (Operations)" };
        using var later = new SsoBrowser(portal);
        var second = await later.SignInAsync(Provider, "/requests");

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
        await using var portal = await SsoBrowser.StartPortalAsync(idp, Provider);
        idp.NextUser = new TestPerson("subject-jiro", "Jiro Suzuki", "jiro@example.com", "E-0004");
        using var browser = new SsoBrowser(portal);
        await browser.SignInAsync(Provider, "/account/manage");

        var page = await browser.Client.GetStringAsync("account/manage");
        using var forged = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "profile", ["__RequestVerificationToken"] = PortalSession.AntiforgeryTokenIn(page), ["Input.DisplayName"] = "Domain Admin",
        });
        var answer = await (await browser.Client.PostAsync("account/manage", forged)).Content.ReadAsStringAsync();

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
        await using var portal = await SsoBrowser.StartPortalAsync(idp, Provider);
        idp.NextUser = new TestPerson("subject-approver", "Aki Approver", "aki@example.com", "E-0003");
        using (var first = new SsoBrowser(portal))
        {
            await first.SignInAsync(Provider, "/requests");
        }
        var key = await TurnOnTwoFactorAsync(portal, "aki@example.com", Web.Shared.Roles.Approver);
        using var browser = new SsoBrowser(portal);

        var asked = await browser.SignInAsync(Provider, "/approvals");
        var withoutCode = await browser.Client.GetAsync("approvals");
        var signedIn = await GiveCodeAsync(browser, asked, key);

        Assert.Equal("/account/login-2fa", asked.RequestMessage!.RequestUri!.AbsolutePath);
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
        await using var portal = await SsoBrowser.StartPortalAsync(idp, Provider);
        await PortalUsers.WithCertificateAsync(portal, "hanako@example.com", "correct horse battery staple");
        idp.NextUser = new TestPerson("subject-someone", "Someone Else", "hanako@example.com", "E-0002");
        using var browser = new SsoBrowser(portal);

        var refused = await browser.SignInAsync(Provider, "/requests");
        var page = await refused.Content.ReadAsStringAsync();

        Assert.Equal("/account/sso/problem", refused.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains("never linked by e-mail alone", page, StringComparison.Ordinal);
        var reference = ReferenceOn(page);
        await using var scope = portal.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Data.EnrollmentDbContext>();
        Assert.Equal(0, await db.UserLogins.CountAsync());
        Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.EventType == "signin.sso-refused" && e.Details.Contains("reason=email-taken")
                                                              && e.Details.Contains("ref=" + reference)));
        Assert.False(await SignedInAsync(browser));
    }

    /// <summary>
    /// A provider's name a certificate cannot carry (j.smith reads as a host name): the request is
    /// refused with words that send the person to the provider's administrator, who owns the name.
    /// </summary>
    [Fact]
    public async Task Request_OfAnSsoAccountWhoseProviderNameACertificateCannotCarry_SaysToMendItAtTheProvider()
    {
        await using var idp = await TestIdentityProvider.StartAsync();
        await using var portal = await SsoBrowser.StartPortalAsync(idp, Provider);
        idp.NextUser = new TestPerson("subject-jsmith", "j.smith", "j.smith@example.com", "E-0042");
        using var browser = new SsoBrowser(portal);
        await browser.SignInAsync(Provider, "/requests");
        await using var scope = portal.Services.CreateAsyncScope();
        var user = (await scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>().FindByEmailAsync("j.smith@example.com"))!;

        var requests = portal.Services.GetRequiredService<Web.Features.Requests.MyRequests>();
        var principal = await RequestFlow.PrincipalOfAsync(portal, user);

        var beforeTyping = await requests.AccountRefusalAsync(principal);
        var (id, refusal) = await requests.SubmitAsync(principal, "privileged-access", "Database administration for the migration.", null);

        Assert.Equal(Web.Features.Requests.MyRequests.NameFromProvider, beforeTyping);
        Assert.Null(id);
        Assert.Equal(Web.Features.Requests.MyRequests.NameFromProvider, refusal);
    }

    /// <summary>The owner of the local account proves its password once; from then on the provider's sign-in finds that account.</summary>
    [Fact]
    public async Task EmailOfALocalAccount_LinkedOnceItsPasswordIsProved_ThenTheProviderSignsIntoIt_AndAWrongPasswordLinksNothing()
    {
        await using var idp = await TestIdentityProvider.StartAsync();
        await using var portal = await SsoBrowser.StartPortalAsync(idp, Provider);
        var (local, _) = await PortalUsers.WithCertificateAsync(portal, "hanako@example.com", "correct horse battery staple");
        idp.NextUser = new TestPerson("subject-hanako", "Hanako Sato", "hanako@example.com", "E-0002");
        using var browser = new SsoBrowser(portal);

        var refused = await browser.SignInAsync(Provider, "/requests");
        var wrong = await ProvePasswordAsync(browser, refused, "not the password at all");
        var linked = await ProvePasswordAsync(browser, refused, "correct horse battery staple");
        var signedIn = await browser.SignInAsync(Provider, "/requests");

        Assert.Contains("Link my account", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("email address or password is not correct", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("/account/login", linked.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains("now linked to Corp ID", await linked.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("/requests", signedIn.RequestMessage!.RequestUri!.AbsolutePath);
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>();
        Assert.Equal(local.Id, (await users.FindByLoginAsync(idp.Issuer.AbsoluteUri, "subject-hanako"))?.Id);
        var db = scope.ServiceProvider.GetRequiredService<Data.EnrollmentDbContext>();
        Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.EventType == "user.sso-linked" && e.Target == local.Id && e.Details.Contains("by=password")));
        Assert.Equal(1, await db.Users.CountAsync(u => u.Email == "hanako@example.com"));
    }

    /// <summary>An administrator allows the link (users allow-sso-link): the next sign-in with the e-mail links it, once.</summary>
    [Fact]
    public async Task EmailOfALocalAccount_LinkedByTheNextSignInAnAdministratorAllowed_AndOnlyThatOne()
    {
        await using var idp = await TestIdentityProvider.StartAsync();
        // The verb works on the data directory's own database, as an operator's does.
        await using var portal = await SsoBrowser.StartPortalAsync(idp, Provider, PortalDatabases.SqliteFile);
        var (local, _) = await PortalUsers.WithCertificateAsync(portal, "hanako@example.com", "correct horse battery staple");

        var allowed = await AdminVerbs.RunAsync("users", "allow-sso-link", "--email", "hanako@example.com", "--data-dir", portal.DataDirectory);
        idp.NextUser = new TestPerson("subject-hanako", "Hanako Sato", "hanako@example.com", "E-0002");
        using var browser = new SsoBrowser(portal);
        var signedIn = await browser.SignInAsync(Provider, "/requests");
        idp.NextUser = new TestPerson("subject-impostor", "Not Hanako", "hanako@example.com", "E-0666");
        using var impostor = new SsoBrowser(portal);
        var refused = await impostor.SignInAsync(Provider, "/requests");

        Assert.Equal(0, allowed.ExitCode);
        Assert.Equal("/requests", signedIn.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Equal("/account/sso/problem", refused.RequestMessage!.RequestUri!.AbsolutePath);
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>();
        Assert.Equal(local.Id, (await users.FindByLoginAsync(idp.Issuer.AbsoluteUri, "subject-hanako"))?.Id);
        Assert.Null(await users.FindByLoginAsync(idp.Issuer.AbsoluteUri, "subject-impostor"));
        var db = scope.ServiceProvider.GetRequiredService<Data.EnrollmentDbContext>();
        Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.EventType == "user.sso-link-allowed" && e.Target == local.Id));
        Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.EventType == "user.sso-linked" && e.Details.Contains("by=administrator")));
    }

    /// <summary>A linked person whose new e-mail at the provider is another account's: refused with a page, and neither account changes.</summary>
    [Fact]
    public async Task SignIn_WhoseNewEmailBelongsToAnotherAccount_IsRefusedWithAPage_AndChangesNoAccount()
    {
        await using var idp = await TestIdentityProvider.StartAsync();
        await using var portal = await SsoBrowser.StartPortalAsync(idp, Provider);
        await PortalUsers.WithCertificateAsync(portal, "hanako@example.com", "correct horse battery staple");
        idp.NextUser = new TestPerson("subject-ken", "Ken Sato", "ken@example.com", "E-0020");
        using (var first = new SsoBrowser(portal))
        {
            await first.SignInAsync(Provider);
        }
        idp.NextUser = idp.NextUser with { Email = "hanako@example.com" };
        using var browser = new SsoBrowser(portal);

        var refused = await browser.SignInAsync(Provider, "/requests");

        Assert.Equal("/account/sso/problem", refused.RequestMessage!.RequestUri!.AbsolutePath);
        var page = await refused.Content.ReadAsStringAsync();
        Assert.Contains("another portal account uses", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Link my account", page, StringComparison.Ordinal);
        Assert.False(await SignedInAsync(browser));
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>();
        Assert.Equal("ken@example.com", (await users.FindByLoginAsync(idp.Issuer.AbsoluteUri, "subject-ken"))!.Email);
        Assert.Empty(await users.GetLoginsAsync((await users.FindByEmailAsync("hanako@example.com"))!));
        Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<Data.EnrollmentDbContext>().AuditEvents
            .CountAsync(e => e.EventType == "signin.sso-refused" && e.Details.Contains("reason=email-in-use") && e.Details.Contains("ref=" + ReferenceOn(page))));
    }

    [Fact]
    public async Task SignIn_OfAnUnknownPerson_WithProvisioningOff_IsRefusedSayingWhomToAsk()
    {
        await using var idp = await TestIdentityProvider.StartAsync();
        await using var portal = await SsoBrowser.StartPortalAsync(idp, Provider, "--Enrollment:Sso:ProvisionUnknownUsers=false");
        using var browser = new SsoBrowser(portal);

        var refused = await browser.SignInAsync(Provider, "/requests");

        Assert.Equal("/account/sso/problem", refused.RequestMessage!.RequestUri!.AbsolutePath);
        var page = await refused.Content.ReadAsStringAsync();
        Assert.Contains("Ask a portal administrator to add you", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Link my account", page, StringComparison.Ordinal);
        await using var scope = portal.Services.CreateAsyncScope();
        Assert.Null(await scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>().FindByEmailAsync(idp.NextUser.Email));
        Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<Data.EnrollmentDbContext>().AuditEvents
            .CountAsync(e => e.EventType == "signin.sso-refused" && e.Details.Contains("reason=unknown") && e.Details.Contains("ref=" + ReferenceOn(page))));
    }

    [Fact]
    public async Task SignIn_OfADisabledAccount_IsRefused_AndOpensNoSession()
    {
        await using var idp = await TestIdentityProvider.StartAsync();
        await using var portal = await SsoBrowser.StartPortalAsync(idp, Provider);
        idp.NextUser = new TestPerson("subject-gone", "Gone Person", "gone@example.com", "E-0009");
        using (var first = new SsoBrowser(portal))
        {
            await first.SignInAsync(Provider);
        }
        await using (var scope = portal.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>();
            var user = (await users.FindByEmailAsync("gone@example.com"))!;
            user.Disabled = true;
            await users.UpdateAsync(user);
        }
        using var browser = new SsoBrowser(portal);

        var refused = await browser.SignInAsync(Provider, "/requests");

        Assert.Equal("/account/sso/problem", refused.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains("disabled or may not sign in", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(await SignedInAsync(browser));
    }

    /// <summary>
    /// Roles follow the provider's claim at every sign-in; MFA at a provider the configuration trusts
    /// is the approver's second factor, so no authenticator code is asked for.
    /// </summary>
    [Fact]
    public async Task RolesFromTheProvider_AreGrantedWithTrustedMfa_AndARoleRemovedThereIsGoneAtTheNextSignIn()
    {
        await using var idp = await TestIdentityProvider.StartAsync();
        await using var portal = await SsoBrowser.StartPortalAsync(idp, Provider,
            "--Enrollment:Sso:Oidc:0:RoleClaim=roles", "--Enrollment:Sso:Oidc:0:TrustProviderMfa=true", "--Enrollment:Accounts:RevalidationSeconds=1");
        idp.NextUser = new TestPerson("subject-mika", "Mika Approver", "mika@example.com", "E-0010") { Roles = ["Enrollment.Approver"], Amr = ["pwd", "mfa"] };
        using var approver = new SsoBrowser(portal);

        var atApprovals = await approver.SignInAsync(Provider, "/approvals");
        idp.NextUser = idp.NextUser with { Roles = [] };
        using var later = new SsoBrowser(portal);
        var demoted = await later.SignInAsync(Provider, "/approvals");

        // An approver with a second factor and no certificate yet: sent to the certificate check, not to set up two-factor.
        Assert.Equal("/account/certificate", atApprovals.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Equal("/account/access-denied", demoted.RequestMessage!.RequestUri!.AbsolutePath);
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>();
        var user = (await users.FindByEmailAsync("mika@example.com"))!;
        Assert.Equal([Web.Shared.Roles.Requester], await users.GetRolesAsync(user));
        Assert.False(user.TwoFactorEnabled);
        var changes = await scope.ServiceProvider.GetRequiredService<Data.EnrollmentDbContext>().AuditEvents
            .Where(e => e.EventType == "user.sso-roles-changed" && e.Target == user.Id).Select(e => e.Details).ToListAsync();
        Assert.Equal(["provider=corp added=Approver removed=", "provider=corp added= removed=Approver"], changes);
        // The role taken away renewed the security stamp: the first browser's session ended at its next revalidation.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.False(await SignedInAsync(approver));
    }

    /// <summary>
    /// The security-stamp check rebuilds the principal from the user record every minute (every
    /// second here): the provider's MFA is a fact of the sign-in, not of the record, and must survive it.
    /// </summary>
    [Fact]
    public async Task TrustedProviderMfa_OutlivesTheSessionsRevalidation()
    {
        await using var idp = await TestIdentityProvider.StartAsync();
        await using var portal = await SsoBrowser.StartPortalAsync(idp, Provider,
            "--Enrollment:Sso:Oidc:0:RoleClaim=roles", "--Enrollment:Sso:Oidc:0:TrustProviderMfa=true", "--Enrollment:Accounts:RevalidationSeconds=1");
        idp.NextUser = new TestPerson("subject-nao", "Nao Approver", "nao@example.com", "E-0012") { Roles = ["Enrollment.Approver"], Amr = ["mfa"] };
        using var approver = new SsoBrowser(portal);
        await approver.SignInAsync(Provider, "/approvals");

        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var later = await approver.Client.GetAsync("approvals");

        Assert.Equal("/account/certificate", later.RequestMessage!.RequestUri!.AbsolutePath);
    }

    /// <summary>Without MFA at the provider (or without trusting it), an approver is asked for the portal's own second factor first.</summary>
    [Fact]
    public async Task ApproverFromTheProvider_WithoutMfaInTheToken_MustSetUpThePortalsSecondFactor()
    {
        await using var idp = await TestIdentityProvider.StartAsync();
        await using var portal = await SsoBrowser.StartPortalAsync(idp, Provider,
            "--Enrollment:Sso:Oidc:0:RoleClaim=roles", "--Enrollment:Sso:Oidc:0:TrustProviderMfa=true");
        idp.NextUser = new TestPerson("subject-ken", "Ken Approver", "ken@example.com", "E-0011") { Roles = ["Enrollment.Approver"], Amr = ["pwd"] };
        using var browser = new SsoBrowser(portal);

        var landed = await browser.SignInAsync(Provider, "/approvals");

        Assert.Equal("/account/manage/two-factor", landed.RequestMessage!.RequestUri!.AbsolutePath);
    }

    [Fact]
    public async Task AnswerWithATamperedState_IsRefusedWithAReference_TheAuditLogFinds()
    {
        await using var idp = await TestIdentityProvider.StartAsync();
        await using var portal = await SsoBrowser.StartPortalAsync(idp, Provider);
        using var browser = new SsoBrowser(portal);
        var answer = await browser.StartAsync(Provider);
        answer.Fields["state"] = answer.Fields["state"][..^4] + "AAAA";

        var refused = await browser.PostBackAsync(answer);

        await AssertFailedAsync(portal, browser, refused);
    }

    /// <summary>The nonce cookie ties the ID token to this browser's request: without it the token is not taken.</summary>
    [Fact]
    public async Task AnswerWithoutTheBrowsersNonce_IsRefused()
    {
        await using var idp = await TestIdentityProvider.StartAsync();
        await using var portal = await SsoBrowser.StartPortalAsync(idp, Provider);
        using var browser = new SsoBrowser(portal);
        var answer = await browser.StartAsync(Provider);
        foreach (var nonce in browser.Cookies.GetAllCookies().Where(c => c.Name.StartsWith(".AspNetCore.OpenIdConnect.Nonce", StringComparison.Ordinal)))
        {
            nonce.Expired = true;
        }

        var refused = await browser.PostBackAsync(answer);

        await AssertFailedAsync(portal, browser, refused);
    }

    /// <summary>A code is good once: the same answer posted again (from another browser that copied it) signs nobody in.</summary>
    [Fact]
    public async Task ReplayedAuthorizationCode_IsRefused()
    {
        await using var idp = await TestIdentityProvider.StartAsync();
        await using var portal = await SsoBrowser.StartPortalAsync(idp, Provider);
        using var browser = new SsoBrowser(portal);
        var answer = await browser.StartAsync(Provider);
        // The replaying browser holds the victim's correlation and nonce cookies too: only the code's single use stops it.
        using var replayer = new SsoBrowser(portal);
        foreach (Cookie cookie in browser.Cookies.GetAllCookies())
        {
            replayer.Cookies.Add(cookie);
        }

        var first = await browser.PostBackAsync(answer);
        var replayed = await replayer.PostBackAsync(answer);

        Assert.Equal("/", first.RequestMessage!.RequestUri!.AbsolutePath);
        await AssertFailedAsync(portal, replayer, replayed);
    }

    [Fact]
    public async Task ExpiredAuthorizationCode_IsRefused()
    {
        await using var idp = await TestIdentityProvider.StartAsync(codeLifetime: TimeSpan.FromSeconds(1));
        await using var portal = await SsoBrowser.StartPortalAsync(idp, Provider);
        using var browser = new SsoBrowser(portal);
        var answer = await browser.StartAsync(Provider);
        await Task.Delay(TimeSpan.FromSeconds(2.5));

        var refused = await browser.PostBackAsync(answer);

        await AssertFailedAsync(portal, browser, refused);
    }

    /// <summary>Where single sign-on is the rule, passwords are for administrators (break-glass) only.</summary>
    [Fact]
    public async Task PasswordSignIn_WithSsoTheRule_IsRefusedToARequester_AndOpenToAnAdministrator()
    {
        await using var idp = await TestIdentityProvider.StartAsync();
        await using var portal = await SsoBrowser.StartPortalAsync(idp, Provider, "--Enrollment:Sso:LocalSignIn=AdministratorsOnly");
        await PortalUsers.WithCertificateAsync(portal, "local@example.com", "correct horse battery staple");
        await PortalUsers.WithCertificateAsync(portal, "breakglass@example.com", "correct horse battery staple");
        await using (var scope = portal.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>();
            await users.AddToRoleAsync((await users.FindByEmailAsync("breakglass@example.com"))!, Web.Shared.Roles.Admin);
        }

        var requester = await PasswordSignInAsync(portal, "local@example.com", "correct horse battery staple");
        var wrongPassword = await PasswordSignInAsync(portal, "local@example.com", "a wrong password here");
        var admin = await PasswordSignInAsync(portal, "breakglass@example.com", "correct horse battery staple");

        Assert.Contains("signs in with your organisation&#x27;s sign-in", requester.Page, StringComparison.Ordinal);
        Assert.False(requester.SignedIn);
        Assert.Contains("email address or password is not correct", wrongPassword.Page, StringComparison.Ordinal);
        Assert.True(admin.SignedIn);
    }

    /// <summary>Signing out ends the portal's session and the provider's (RP-initiated logout), then says so.</summary>
    [Fact]
    public async Task SignOut_OfAnSsoSession_EndsItAtTheProviderToo_AndLandsOnAPageThatSaysSo()
    {
        await using var idp = await TestIdentityProvider.StartAsync();
        await using var portal = await SsoBrowser.StartPortalAsync(idp, Provider);
        using var browser = new SsoBrowser(portal);
        await browser.SignInAsync(Provider, "/requests");

        var landed = await browser.SignOutAsync();

        Assert.Equal(1, idp.SignedOut);
        Assert.Equal("/account/signed-out", landed.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains("signed out of the portal and of Corp ID", await landed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(await SignedInAsync(browser));
    }

    /// <summary>A session signed in with a password ends at the portal only: the provider is not bothered.</summary>
    [Fact]
    public async Task SignOut_OfAPasswordSession_LandsOnTheSignedOutPage_WithoutVisitingTheProvider()
    {
        await using var idp = await TestIdentityProvider.StartAsync();
        await using var portal = await SsoBrowser.StartPortalAsync(idp, Provider);
        await PortalUsers.WithCertificateAsync(portal, "local@example.com", "correct horse battery staple");
        using var browser = new SsoBrowser(portal);
        var (_, signedIn) = await PasswordSignInAsync(browser, "local@example.com", "correct horse battery staple");

        var landed = await browser.SignOutAsync();

        Assert.True(signedIn);
        Assert.Equal(0, idp.SignedOut);
        Assert.Equal("/account/signed-out", landed.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Contains("You are signed out of the portal.", await landed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False(await SignedInAsync(browser));
    }

    private static async Task AssertFailedAsync(RunningPortal portal, SsoBrowser browser, HttpResponseMessage refused)
    {
        Assert.Equal("/account/sso/problem", refused.RequestMessage!.RequestUri!.AbsolutePath);
        var page = await refused.Content.ReadAsStringAsync();
        Assert.Contains("answer could not be trusted", page, StringComparison.Ordinal);
        var reference = ReferenceOn(page);
        await using var scope = portal.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Data.EnrollmentDbContext>();
        Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.EventType == "signin.sso-failed" && e.Details.Contains("ref=" + reference)));
        Assert.False(await SignedInAsync(browser));
    }

    private static string ReferenceOn(string page)
    {
        var match = System.Text.RegularExpressions.Regex.Match(page, "<code>([A-Z2-9]{4}-[A-Z2-9]{4})</code>");
        Assert.True(match.Success, "the page shows no reference");
        return match.Groups[1].Value;
    }

    private static async Task<bool> SignedInAsync(SsoBrowser browser) =>
        (await browser.Client.GetAsync("requests")).RequestMessage!.RequestUri!.AbsolutePath != "/account/login";

    private static async Task<(string Page, bool SignedIn)> PasswordSignInAsync(RunningPortal portal, string email, string password)
    {
        using var browser = new SsoBrowser(portal);
        return await PasswordSignInAsync(browser, email, password);
    }

    private static async Task<(string Page, bool SignedIn)> PasswordSignInAsync(SsoBrowser browser, string email, string password)
    {
        var form = await browser.Client.GetStringAsync("account/login");
        using var post = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login", ["__RequestVerificationToken"] = PortalSession.AntiforgeryTokenIn(form), ["Input.Email"] = email, ["Input.Password"] = password,
        });
        var answer = await browser.Client.PostAsync("account/login", post);
        return (await answer.Content.ReadAsStringAsync(), await SignedInAsync(browser));
    }

    private static async Task<HttpResponseMessage> ProvePasswordAsync(SsoBrowser browser, HttpResponseMessage problemPage, string password)
    {
        var page = await browser.Client.GetStringAsync(problemPage.RequestMessage!.RequestUri);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "sso-link", ["__RequestVerificationToken"] = PortalSession.AntiforgeryTokenIn(page), ["Input.Password"] = password,
        });
        return await browser.Client.PostAsync(problemPage.RequestMessage.RequestUri, form);
    }

    private static async Task<string> TurnOnTwoFactorAsync(RunningPortal portal, string email, string role)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>();
        var user = (await users.FindByEmailAsync(email))!;
        await users.ResetAuthenticatorKeyAsync(user);
        await users.SetTwoFactorEnabledAsync(user, true);
        await users.AddToRoleAsync(user, role);
        return (await users.GetAuthenticatorKeyAsync(user))!;
    }

    private static async Task<HttpResponseMessage> GiveCodeAsync(SsoBrowser browser, HttpResponseMessage asked, string key)
    {
        var token = PortalSession.AntiforgeryTokenIn(await asked.Content.ReadAsStringAsync());
        using var code = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login-2fa", ["__RequestVerificationToken"] = token,
            ["Input.Code"] = Web.Features.Account.Totp.Code(Web.Features.Account.Totp.DecodeBase32(key), Web.Features.Account.Totp.StepAt(DateTimeOffset.UtcNow)).ToString("D6"),
        });
        return await browser.Client.PostAsync(asked.RequestMessage!.RequestUri, code);
    }
}
