using Enrollment.E2E.Tests.Infrastructure;
using Enrollment.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Enrollment.E2E.Tests.Accessibility;

/// <summary>
/// An employee on a phone (390x844): every page of their flow fits the width (no sideways scrolling),
/// axe finds nothing serious, and the navigation is a menu that opens from the app bar.
/// </summary>
public sealed class PhoneWidthTests(BrowserPortalFixture fixture) : IClassFixture<BrowserPortalFixture>
{
    [Theory]
    [InlineData("en-US", "My requests and certificates")]
    [InlineData("ja-JP", "申請と証明書")]
    public async Task EmployeeFlow_FitsAPhone_InBothLanguages(string language, string requestsLink)
    {
        var tag = language[..2];
        var user = await fixture.AddUserAsync($"phone-{tag}@example.com");
        var approved = await RequestFlow.ApprovedRequestAsync(fixture.Portal, await RequestFlow.PrincipalOfAsync(fixture.Portal, user));
        var page = await fixture.NewPageAsync(language, bypassCsp: true);
        await page.SetViewportSizeAsync(390, 844);
        await BrowserPortalFixture.SignInWithPasswordAsync(page, user.Email!, language: language);

        // The drawer is a menu here: closed, then opened by the app bar's button, and a link in it leads on.
        await Assertions.Expect(page.Locator("#portal-nav")).Not.ToBeInViewportAsync();
        await page.Locator("[data-nav-toggle]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-nav-toggle]")).ToHaveAttributeAsync("aria-expanded", "true");
        await page.Locator("#portal-nav").GetByRole(AriaRole.Link, new() { Name = requestsLink }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/requests$"));

        foreach (var path in new[] { "", "requests", $"requests/{approved}/pickup", "ca", "account/manage" })
        {
            await page.GotoAsync(path);
            if (path.StartsWith("requests", StringComparison.Ordinal))
            {
                await BrowserPortalFixture.WaitUntilInteractiveAsync(page);
            }
            await Axe.AssertFitsAndCleanAsync(page, path, 390);
        }
    }

    [Theory]
    [InlineData("en-US")]
    [InlineData("ja-JP")]
    public async Task SignInAndRecoveryPages_FitAPhone_InBothLanguages(string language)
    {
        var tag = language[..2];
        var page = await fixture.NewPageAsync(language, bypassCsp: true);
        await page.SetViewportSizeAsync(390, 844);
        foreach (var (path, name) in new[]
        {
            ("account/login", "sign-in"), ("account/forgot-password", "forgot-password"),
            ("recovery/signature-failure", "recovery-signature-failure"), ("recovery/proxy/495", "recovery-proxy"),
        })
        {
            await page.GotoAsync(path);
            await Axe.AssertFitsAndCleanAsync(page, path, 390);
            await ScreenshotTests.SaveAsync(page, $"phone-{name}.{tag}.png");
        }

        // Signed in without a certificate: the recovery page that guides to one.
        var user = await fixture.AddUserAsync($"phone-recovery-{tag}@example.com");
        await BrowserPortalFixture.SignInWithPasswordAsync(page, user.Email!, language: language);
        await page.GotoAsync("account/certificate");
        await Axe.AssertFitsAndCleanAsync(page, "account/certificate", 390);
        await ScreenshotTests.SaveAsync(page, $"phone-recovery-no-certificate.{tag}.png");
    }

    [Theory]
    [InlineData("en-US")]
    [InlineData("ja-JP")]
    public async Task AdminPages_FitAPhone_InBothLanguages(string language)
    {
        var tag = language[..2];
        var owner = await fixture.AddUserAsync($"phone-admin-owner-{tag}@example.com");
        var (certificate, _) = await fixture.IssueAsync(owner);
        var page = await fixture.NewAdminPageAsync($"phone-admin-{tag}@example.com", language, bypassCsp: true);
        await page.SetViewportSizeAsync(390, 844);
        foreach (var (path, name) in new[]
        {
            ("admin/users", "user-admin"), ("admin/certificates", "certificates"),
            ($"admin/certificates/{certificate.SerialNumber}", "certificate-detail"), ("admin/audit", "audit-log"),
        })
        {
            await page.GotoAsync(path);
            await BrowserPortalFixture.WaitUntilInteractiveAsync(page);
            await Axe.AssertFitsAndCleanAsync(page, path, 390);
            await ScreenshotTests.SaveAsync(page, $"phone-{name}.{tag}.png");
        }
    }
}
