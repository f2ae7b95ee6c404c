using Enrollment.E2E.Tests.Infrastructure;

namespace Enrollment.E2E.Tests.Accessibility;

/// <summary>axe-core finds no serious or critical WCAG 2.1 AA violation on the account and admin pages, in both languages.</summary>
public sealed class AccessibilityTests(BrowserPortalFixture fixture) : IClassFixture<BrowserPortalFixture>
{
    [Theory]
    [InlineData("", "en-US")]
    [InlineData("", "ja-JP")]
    [InlineData("account/login", "en-US")]
    [InlineData("account/login", "ja-JP")]
    [InlineData("account/forgot-password", "ja-JP")]
    [InlineData("recovery/signature-failure", "en-US")]
    [InlineData("recovery/signature-failure", "ja-JP")]
    [InlineData("recovery/proxy/495", "en-US")]
    [InlineData("recovery/proxy/496", "ja-JP")]
    public async Task PublicPage_HasNoSeriousViolation(string path, string language)
    {
        var page = await fixture.NewPageAsync(language, bypassCsp: true);
        await page.GotoAsync(path);

        Assert.Empty(await Axe.SeriousViolationsAsync(page));
    }

    [Fact]
    public async Task Checker_OnAPageWithKnownFaults_ReportsThem()
    {
        var page = await fixture.NewPageAsync(bypassCsp: true);
        await page.SetContentAsync("<html lang='en'><head><title>t</title></head><body><main><input type='text'><img src='x.png'></main></body></html>");

        var violations = await Axe.SeriousViolationsAsync(page);

        Assert.Contains(violations, v => v.StartsWith("label", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.StartsWith("image-alt", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("en-US")]
    [InlineData("ja-JP")]
    public async Task CertificateCheck_OfAnExpiredCertificateOfOurs_HasNoSeriousViolation(string language)
    {
        var user = await fixture.AddUserAsync($"axe-expired-{language}@example.com");
        var expired = await fixture.ExpiredCertificateAsync(user);
        await fixture.RecordAsync(user, expired.Certificate);
        var page = await fixture.NewPageWithCertificateAsync(expired, language, bypassCsp: true);
        await BrowserPortalFixture.SignInWithPasswordAsync(page, user.Email!, language: language);
        await page.GotoAsync("account/certificate");
        await page.GetByTestId("next-steps").Locator("[data-next=renew]").WaitForAsync();

        Assert.Empty(await Axe.SeriousViolationsAsync(page));
    }

    [Theory]
    [InlineData("en-US")]
    [InlineData("ja-JP")]
    public async Task TwoFactorSetupPage_HasNoSeriousViolation(string language)
    {
        var email = $"axe-2fa-{language}@example.com";
        await fixture.AddUserAsync(email);
        var page = await fixture.NewPageAsync(language, bypassCsp: true);
        await BrowserPortalFixture.SignInWithPasswordAsync(page, email, language: language);
        await page.GotoAsync("account/manage/two-factor");

        Assert.Empty(await Axe.SeriousViolationsAsync(page));
    }

    [Theory]
    [InlineData("en-US")]
    [InlineData("ja-JP")]
    public async Task RequestAndPickupPages_HaveNoSeriousViolation(string language)
    {
        var user = await fixture.AddUserAsync($"axe-requester-{language}@example.com");
        var id = await Web.Tests.Infrastructure.RequestFlow.ApprovedRequestAsync(fixture.Portal, await Web.Tests.Infrastructure.RequestFlow.PrincipalOfAsync(fixture.Portal, user));
        var page = await fixture.NewPageAsync(language, bypassCsp: true);
        await BrowserPortalFixture.SignInWithPasswordAsync(page, user.Email!, language: language);

        await page.GotoAsync("requests");
        await BrowserPortalFixture.WaitUntilInteractiveAsync(page);
        await page.Locator("[data-grid-state=ready]").First.WaitForAsync();
        Assert.Empty(await Axe.SeriousViolationsAsync(page));

        await page.GotoAsync($"requests/{id}/pickup");
        await BrowserPortalFixture.WaitUntilInteractiveAsync(page);
        Assert.Empty(await Axe.SeriousViolationsAsync(page));
        await page.Locator("#method-Csr").CheckAsync();
        Assert.Empty(await Axe.SeriousViolationsAsync(page));
    }

    [Theory]
    [InlineData("en-US")]
    [InlineData("ja-JP")]
    public async Task ApprovalQueueAndItsDecisionDialog_HaveNoSeriousViolation(string language)
    {
        var requester = await fixture.AddUserAsync($"axe-queue-requester-{language}@example.com");
        await Web.Tests.Infrastructure.RequestFlow.SubmitAsync(fixture.Portal, await Web.Tests.Infrastructure.RequestFlow.PrincipalOfAsync(fixture.Portal, requester));
        var page = await fixture.NewPrivilegedPageAsync($"axe-approver-{language}@example.com", Web.Shared.Roles.Approver, language, bypassCsp: true);
        await page.GotoAsync("approvals");
        await BrowserPortalFixture.WaitUntilInteractiveAsync(page);
        await page.Locator("[data-grid-state=ready]").WaitForAsync();
        Assert.Empty(await Axe.SeriousViolationsAsync(page));

        await page.Locator("td", new() { HasText = requester.Email! }).ClickAsync();
        await page.Locator("#decision-heading").WaitForAsync();
        Assert.Empty(await Axe.SeriousViolationsAsync(page));
    }

    [Theory]
    [InlineData("en-US")]
    [InlineData("ja-JP")]
    public async Task HomeOfEachRole_AndTheCaPage_HaveNoSeriousViolation(string language)
    {
        var requester = await fixture.AddUserAsync($"axe-home-{language}@example.com");
        await Web.Tests.Infrastructure.RequestFlow.ApprovedRequestAsync(fixture.Portal, await Web.Tests.Infrastructure.RequestFlow.PrincipalOfAsync(fixture.Portal, requester));
        var employee = await fixture.NewPageAsync(language, bypassCsp: true);
        await BrowserPortalFixture.SignInWithPasswordAsync(employee, requester.Email!, language: language);
        var approver = await fixture.NewPrivilegedPageAsync($"axe-home-approver-{language}@example.com", Web.Shared.Roles.Approver, language, bypassCsp: true);
        // An administrator without an employee ID or certificate yet: the home page shows the checklist.
        var admin = await fixture.NewPageAsync(language, bypassCsp: true);
        await fixture.SignInWithTwoFactorAsync(admin, $"axe-home-admin-{language}@example.com", language, Web.Shared.Roles.Admin);

        foreach (var (page, part) in new[] { (employee, "agenda-pickup"), (approver, "agenda-waiting"), (admin, "setup-checklist") })
        {
            await page.GotoAsync("");
            await page.GetByTestId(part).WaitForAsync();
            Assert.Empty(await Axe.SeriousViolationsAsync(page));
        }
        await employee.GotoAsync("ca");
        Assert.Empty(await Axe.SeriousViolationsAsync(employee));
    }

    [Fact]
    public async Task UserAdminPage_HasNoSeriousViolation()
    {
        var page = await fixture.NewAdminPageAsync("axe-admin@example.com", bypassCsp: true);
        await page.GotoAsync("admin/users");
        await BrowserPortalFixture.WaitUntilInteractiveAsync(page);

        Assert.Empty(await Axe.SeriousViolationsAsync(page));
    }

    [Theory]
    [InlineData("en-US")]
    [InlineData("ja-JP")]
    public async Task CertificateListAndDetail_HaveNoSeriousViolation(string language)
    {
        var owner = await fixture.AddUserAsync($"axe-cert-owner-{language}@example.com");
        var (certificate, _) = await fixture.IssueAsync(owner);
        var page = await fixture.NewAdminPageAsync($"axe-cert-admin-{language}@example.com", language, bypassCsp: true);

        await page.GotoAsync("admin/certificates");
        await BrowserPortalFixture.WaitUntilInteractiveAsync(page);
        await page.Locator("[data-grid-state=ready]").WaitForAsync();
        Assert.Empty(await Axe.SeriousViolationsAsync(page));

        await page.GotoAsync($"admin/certificates/{certificate.SerialNumber}");
        await BrowserPortalFixture.WaitUntilInteractiveAsync(page);
        await page.GetByTestId("certificate-fields").WaitForAsync();
        Assert.Empty(await Axe.SeriousViolationsAsync(page));
    }

    /// <summary>
    /// The pages the flows above do not reach, in both languages at desktop and phone widths: the
    /// account pages, the CA and audit pages, the rest of the public ones.
    /// </summary>
    [Theory]
    [InlineData("en-US", 1366)]
    [InlineData("ja-JP", 1366)]
    [InlineData("en-US", 390)]
    [InlineData("ja-JP", 390)]
    public async Task EveryOtherPage_AtDesktopAndPhoneWidth_HasNoSeriousViolation(string language, int width)
    {
        var visitor = await fixture.NewPageAsync(language, bypassCsp: true);
        await visitor.SetViewportSizeAsync(width, 844);
        foreach (var path in new[] { "account/forgot-password", "account/lockout", "account/access-denied", "account/signed-out", "no-such-page", "recovery/proxy/496" })
        {
            await visitor.GotoAsync(path);
            await SaveAndCheckAsync(visitor, path, width);
        }

        var admin = await fixture.NewAdminPageAsync($"axe-every-{language}-{width}@example.com", language, bypassCsp: true);
        await admin.SetViewportSizeAsync(width, 844);
        foreach (var path in new[] { "account/manage", "account/manage/password", "account/manage/two-factor", "account/certificate", "admin/ca", "admin/audit", "admin/users" })
        {
            await admin.GotoAsync(path);
            if (path.StartsWith("admin/", StringComparison.Ordinal) && path != "admin/ca")
            {
                await BrowserPortalFixture.WaitUntilInteractiveAsync(admin);
                await admin.Locator("[data-grid-state=ready]").WaitForAsync();
            }
            await SaveAndCheckAsync(admin, path, width);
        }
    }

    /// <remarks>Each page is photographed too (artifacts/screenshots, "every-…"), for the review of every page at both widths.</remarks>
    private static async Task SaveAndCheckAsync(Microsoft.Playwright.IPage page, string path, int width)
    {
        var language = await page.EvaluateAsync<string>("() => document.documentElement.lang");
        await ScreenshotTests.SaveAsync(page, $"every-{(width < 600 ? "phone" : "desktop")}-{path.Replace('/', '-')}.{language[..2]}.png");
        await Axe.AssertFitsAndCleanAsync(page, path, width);
    }
}
