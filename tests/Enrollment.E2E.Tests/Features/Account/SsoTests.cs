using Enrollment.E2E.Tests.Infrastructure;
using Enrollment.Testing;
using Enrollment.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Enrollment.E2E.Tests.Features.Account;

/// <summary>
/// Single sign-on in Chromium: the providers' buttons, a provider on loopback shaped as a Microsoft
/// Entra ID tenant, Microsoft.Identity.Web in the portal, and the whole certificate flow after it.
/// </summary>
public sealed class SsoTests(SsoPortalFixture fixture) : IClassFixture<SsoPortalFixture>
{
    private const string EntraButton = "Sign in with Microsoft Entra ID";
    private const string FilePassword = "tall giraffe under a blue umbrella";

    /// <summary>
    /// An employee the portal has never seen signs in through Entra ID, is provisioned with the
    /// tenant's attributes and requests; an approver whose Entra sign-in had MFA (and who presents
    /// a certificate) approves in the queue without a portal code; the employee picks up in the browser.
    /// </summary>
    [Fact]
    public async Task Employee_ProvisionedThroughEntra_Requests_AnApproverWithEntraMfaApproves_AndThePickupHappensInTheBrowser()
    {
        var employee = new TestPerson("oid-sso-employee", "Sora Kimura", "sora@contoso.example", "E-3001") { Upn = "sora.kimura@contoso.example" };
        var approverPerson = new TestPerson("oid-sso-approver", "Rin Approver", "rin@contoso.example", "E-3002")
        {
            Roles = ["Enrollment.Approver"], Amr = ["pwd", "mfa"],
        };
        // The approver's first sign-in provisions the account with the role; the certificate they then hold is presented by Chromium.
        var firstVisit = await fixture.NewPageAsync();
        await SsoPortalFixture.SignInThroughAsync(firstVisit, fixture.Entra, EntraButton, approverPerson);
        await firstVisit.Context.CloseAsync();
        var approver = await fixture.NewPageWithCertificateAsync(await fixture.IssueAsync(await fixture.FindAsync("rin@contoso.example")));
        await SsoPortalFixture.SignInThroughAsync(approver, fixture.Entra, EntraButton, approverPerson, "/approvals");
        Assert.EndsWith("/approvals", approver.Url, StringComparison.Ordinal);
        await BrowserPortalFixture.WaitUntilInteractiveAsync(approver);
        await approver.Locator("[data-grid-state=ready]").WaitForAsync();

        var requester = await fixture.NewPageAsync();
        await SsoPortalFixture.SignInThroughAsync(requester, fixture.Entra, EntraButton, employee, "/requests");
        await BrowserPortalFixture.WaitUntilInteractiveAsync(requester);
        await requester.GetByLabel("Justification").FillAsync("Firewall changes for the data centre move.");
        await requester.GetByRole(AriaRole.Button, new() { Name = "Submit request" }).ClickAsync();
        await Assertions.Expect(requester.GetByTestId("requests-message")).ToContainTextAsync("Your request is submitted");

        await Assertions.Expect(approver.GetByTestId("queue-notice")).ToContainTextAsync("A new request arrived");
        await approver.Locator("[data-grid-state=ready]").WaitForAsync();
        await approver.Locator("td", new() { HasText = "sora@contoso.example" }).ClickAsync();
        await Assertions.Expect(approver.Locator("#decision-heading")).ToContainTextAsync("Sora Kimura");
        await approver.GetByRole(AriaRole.Button, new() { Name = "Approve", Exact = true }).ClickAsync();
        await Assertions.Expect(approver.GetByTestId("queue-message")).ToContainTextAsync("Approved the request");

        using var files = new TemporaryDirectory();
        var (_, fileName) = await BrowserPortalFixture.PickUpWithABrowserKeyAsync(requester, FilePassword, files, "sso.p12");
        Assert.StartsWith("Sora-Kimura-", fileName, StringComparison.Ordinal);

        // The certificate carries what the tenant said: the name, the employee ID, the UPN.
        var leaf = files.Write("leaf.pem", OpenSsl.Ok(files.Path, "pkcs12", "-in", "sso.p12", "-passin", "pass:" + FilePassword, "-nokeys", "-clcerts"));
        var text = OpenSsl.Ok(files.Path, "x509", "-in", leaf, "-noout", "-subject", "-ext", "subjectAltName", "-nameopt", "RFC2253");
        Assert.Contains("CN=Sora Kimura", text, StringComparison.Ordinal);
        Assert.Contains("serialNumber=E-3001", text, StringComparison.Ordinal);
        Assert.Contains("sora.kimura@contoso.example", text, StringComparison.Ordinal);
    }

    /// <summary>
    /// Without MFA in the token, an approver is asked for the portal's own code before the queue
    /// opens; a role the tenant takes away is gone at the next sign-in.
    /// </summary>
    [Fact]
    public async Task ApproverWithoutMfaInTheToken_GivesThePortalsCode_AndARoleRemovedInTheTenantIsGoneAtTheNextSignIn()
    {
        var person = new TestPerson("oid-sso-stepup", "Kai Stepup", "kai@contoso.example", "E-3003") { Roles = ["Enrollment.Approver"], Amr = ["pwd"] };
        var firstVisit = await fixture.NewPageAsync();
        await SsoPortalFixture.SignInThroughAsync(firstVisit, fixture.Entra, EntraButton, person);
        await firstVisit.Context.CloseAsync();
        var user = await fixture.FindAsync("kai@contoso.example");
        var key = await fixture.TurnOnAuthenticatorAsync(user);
        var page = await fixture.NewPageWithCertificateAsync(await fixture.IssueAsync(user));

        await SsoPortalFixture.SignInThroughAsync(page, fixture.Entra, EntraButton, person, "/approvals");
        Assert.Contains("/account/login-2fa", page.Url, StringComparison.Ordinal);
        await page.GetByLabel("Authenticator code").FillAsync(new AuthenticatorApp(key).CodeAt(AuthenticatorApp.CurrentStep));
        await BrowserPortalFixture.PostAndFollowAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }));
        Assert.EndsWith("/approvals", page.Url, StringComparison.Ordinal);
        await BrowserPortalFixture.WaitUntilInteractiveAsync(page);

        await BrowserPortalFixture.PostAndFollowAsync(page, await BrowserPortalFixture.SignOutButtonAsync(page));
        await Assertions.Expect(page.GetByTestId("signed-out")).ToContainTextAsync("signed out of the portal and of Microsoft Entra ID");
        await SsoPortalFixture.SignInThroughAsync(page, fixture.Entra, EntraButton, person with { Roles = [] }, "/approvals");
        await page.GetByLabel("Authenticator code").FillAsync(new AuthenticatorApp(key).CodeAt(AuthenticatorApp.CurrentStep + 1));
        await BrowserPortalFixture.PostAndFollowAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }));
        Assert.EndsWith("/account/access-denied", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProfileOfAnEntraAccount_ShowsTheTenantsNameAndEmployeeId_WithNothingToEdit()
    {
        var page = await fixture.NewPageAsync();
        await SsoPortalFixture.SignInThroughAsync(page, fixture.Entra, EntraButton,
            new TestPerson("oid-sso-profile", "Mei Profile", "mei@contoso.example", "E-3004"), "/account/manage");

        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Your account" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("display-name")).ToHaveTextAsync("Mei Profile");
        await Assertions.Expect(page.GetByText("E-3004")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("come from your organisation's sign-in")).ToBeVisibleAsync();
        Assert.Equal(0, await page.Locator("main input:not([type=hidden])").CountAsync());
    }

    /// <summary>A person of the plain provider whose e-mail belongs to a local account: refused with a reference, and offered the link by password.</summary>
    [Fact]
    public async Task EmailOfALocalAccount_ThroughThePlainProvider_LandsOnTheRefusalPageWithAReference()
    {
        await fixture.AddUserAsync("local-collision@example.com");
        var page = await fixture.NewPageAsync();

        await SsoPortalFixture.SignInThroughAsync(page, fixture.Corp, "Sign in with Corp ID",
            new TestPerson("corp-collision", "Someone", "local-collision@example.com", "E-3005"));

        Assert.EndsWith("/account/sso/problem", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
        await Assertions.Expect(page.GetByTestId("sso-reference")).ToContainTextAsync("Reference:");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Link my account" })).ToBeVisibleAsync();
    }
}
