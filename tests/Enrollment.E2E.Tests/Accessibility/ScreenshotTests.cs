using Enrollment.Testing;
using Enrollment.E2E.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Enrollment.E2E.Tests.Accessibility;

/// <summary>
/// Renders the main account pages in both languages and saves screenshots to artifacts/screenshots
/// (docs/screenshots holds the reviewed copies), checking each heading is in the page's language.
/// </summary>
public sealed class ScreenshotTests(BrowserPortalFixture fixture) : IClassFixture<BrowserPortalFixture>
{
    private static readonly string Output = Path.Combine(Repository.Root, "artifacts", "screenshots");

    [Theory]
    [InlineData("en-US", "Sign in", "Two-factor sign-in", "Users", "Certificate", "Revoke", "Cancel")]
    [InlineData("ja-JP", "サインイン", "2 要素認証", "ユーザー", "証明書の詳細", "失効させる", "キャンセル")]
    public async Task AccountPages_RenderInTheirLanguage(string language, string signIn, string twoFactor, string users, string certificate, string revoke, string cancel)
    {
        var tag = language[..2];
        var page = await fixture.NewPageAsync(language);
        await page.SetViewportSizeAsync(1200, 760);

        await page.GotoAsync("account/login");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync(signIn);
        await SaveAsync(page, $"sign-in.{tag}.png");

        var email = $"screenshot-{tag}@example.com";
        await fixture.AddUserAsync(email);
        await BrowserPortalFixture.SignInWithPasswordAsync(page, email, language: language);
        await page.GotoAsync("account/manage/two-factor");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync(twoFactor);
        await SaveAsync(page, $"two-factor-setup.{tag}.png");

        var admin = await fixture.NewAdminPageAsync($"screenshot-admin-{tag}@example.com", language);
        await admin.SetViewportSizeAsync(1200, 760);
        await admin.GotoAsync("admin/users");
        await BrowserPortalFixture.WaitUntilInteractiveAsync(admin);
        await BrowserPortalFixture.SelectUserRowAsync(admin, email);
        await Assertions.Expect(admin.Locator("h1")).ToHaveTextAsync(users);
        await SaveAsync(admin, $"user-admin.{tag}.png");

        await admin.GotoAsync("admin/audit");
        await BrowserPortalFixture.WaitUntilInteractiveAsync(admin);
        await admin.Locator("[data-grid-state=ready]").WaitForAsync();
        await SaveAsync(admin, $"audit-log.{tag}.png");

        await admin.GotoAsync("admin/certificates");
        await BrowserPortalFixture.WaitUntilInteractiveAsync(admin);
        await admin.Locator("[data-grid-state=ready]").WaitForAsync();
        await SaveAsync(admin, $"certificates.{tag}.png");
        // Eight columns beside the drawer at 1200 px: the list fits, without a sideways scroll of its own.
        var overflow = await admin.Locator(".certificate-list .mud-table-container").EvaluateAsync<double>("e => e.scrollWidth - e.clientWidth");
        Assert.True(overflow <= 0, $"the certificate list scrolls sideways by {overflow} px");

        var holder = await Web.Tests.Infrastructure.RequestFlow.PrincipalOfAsync(fixture.Portal, await fixture.FindAsync(email));
        var request = await Web.Tests.Infrastructure.RequestFlow.ApprovedRequestAsync(fixture.Portal, holder);
        var (_, picked, _) = await fixture.Portal.Services.GetRequiredService<Web.Features.Requests.Pickup>()
            .IssueServerPkcs12Async(holder, request, Ca.Packaging.ServerKeyType.EcdsaP256, "screenshot password", "192.0.2.10");
        await admin.GotoAsync($"admin/certificates/{picked!.Serial}");
        await BrowserPortalFixture.WaitUntilInteractiveAsync(admin);
        await Assertions.Expect(admin.Locator("h1")).ToHaveTextAsync(certificate);
        await SaveAsync(admin, $"certificate-detail.{tag}.png");
        await admin.GetByRole(AriaRole.Button, new() { Name = revoke, Exact = true }).ClickAsync();
        await admin.GetByRole(AriaRole.Dialog).WaitForAsync();
        await admin.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Output, $"revoke-dialog.{tag}.png") });
        await admin.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = cancel }).ClickAsync();

        await admin.GotoAsync("admin/ca");
        await Assertions.Expect(admin.Locator("tr[data-role]")).ToHaveCountAsync(3);
        await SaveAsync(admin, $"ca-health.{tag}.png");
    }

    [Theory]
    [InlineData("en-US", "My requests and certificates", "Approval queue", "Pick up your certificate")]
    [InlineData("ja-JP", "申請と証明書", "承認待ち一覧", "証明書の受け取り")]
    public async Task LifecyclePages_RenderInTheirLanguage(string language, string requests, string queue, string pickup)
    {
        var tag = language[..2];
        var requester = await fixture.AddUserAsync($"shot-requester-{tag}@example.com");
        var principal = await Web.Tests.Infrastructure.RequestFlow.PrincipalOfAsync(fixture.Portal, requester);
        // History to show: one certificate picked up, one approval waiting, one request pending.
        var first = await Web.Tests.Infrastructure.RequestFlow.ApprovedRequestAsync(fixture.Portal, principal);
        using var csrFiles = new Testing.TemporaryDirectory();
        var (csr, _) = Testing.Csrs.Make(csrFiles, "shot", "P-256");
        await fixture.Portal.Services.GetRequiredService<Web.Features.Requests.Pickup>()
            .IssueFromCsrAsync(principal, first, File.ReadAllBytes(csr), Web.Features.Requests.PickupMethod.Browser, null);
        var approved = await Web.Tests.Infrastructure.RequestFlow.ApprovedRequestAsync(fixture.Portal, principal);
        foreach (var other in new[] { "sato", "suzuki" })
        {
            var colleague = await fixture.AddUserAsync($"shot-{other}-{tag}@example.com");
            await Web.Tests.Infrastructure.RequestFlow.SubmitAsync(fixture.Portal, await Web.Tests.Infrastructure.RequestFlow.PrincipalOfAsync(fixture.Portal, colleague));
        }

        var page = await fixture.NewPageAsync(language);
        await page.SetViewportSizeAsync(1200, 760);
        await BrowserPortalFixture.SignInWithPasswordAsync(page, requester.Email!, language: language);
        await page.GotoAsync("requests");
        await BrowserPortalFixture.WaitUntilInteractiveAsync(page);
        await Assertions.Expect(page.Locator("[data-grid-state=ready]")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync(requests);
        await SaveAsync(page, $"requests.{tag}.png");

        await page.GotoAsync($"requests/{approved}/pickup");
        await BrowserPortalFixture.WaitUntilInteractiveAsync(page);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync(pickup);
        await SaveAsync(page, $"pickup-browser.{tag}.png");
        await page.Locator("#method-Csr").CheckAsync();
        await SaveAsync(page, $"pickup-csr.{tag}.png");

        var approver = await fixture.NewPrivilegedPageAsync($"shot-approver-{tag}@example.com", Web.Shared.Roles.Approver, language);
        await approver.SetViewportSizeAsync(1200, 760);
        await approver.GotoAsync("approvals");
        await BrowserPortalFixture.WaitUntilInteractiveAsync(approver);
        await approver.Locator("[data-grid-state=ready]").WaitForAsync();
        await Assertions.Expect(approver.Locator("h1")).ToHaveTextAsync(queue);
        await SaveAsync(approver, $"approval-queue.{tag}.png");
        await approver.Locator("td", new() { HasText = $"shot-sato-{tag}@example.com" }).ClickAsync();
        await Assertions.Expect(approver.Locator("#decision-heading")).ToContainTextAsync($"shot-sato-{tag}");
        await SaveAsync(approver, $"approval-decision.{tag}.png");
    }

    [Theory]
    [InlineData("en-US", "Approve")]
    [InlineData("ja-JP", "承認する")]
    public async Task HomesAndPhonePages_RenderInTheirLanguage(string language, string approve)
    {
        var tag = language[..2];
        var requester = await fixture.AddUserAsync($"home-requester-{tag}@example.com");
        var principal = await Web.Tests.Infrastructure.RequestFlow.PrincipalOfAsync(fixture.Portal, requester);
        await Web.Tests.Infrastructure.RequestFlow.ApprovedRequestAsync(fixture.Portal, principal);
        var colleague = await fixture.AddUserAsync($"home-colleague-{tag}@example.com");
        await Web.Tests.Infrastructure.RequestFlow.SubmitAsync(fixture.Portal, await Web.Tests.Infrastructure.RequestFlow.PrincipalOfAsync(fixture.Portal, colleague));

        var employee = await fixture.NewPageAsync(language);
        await employee.SetViewportSizeAsync(1200, 760);
        await BrowserPortalFixture.SignInWithPasswordAsync(employee, requester.Email!, language: language);
        await employee.GotoAsync("");
        await employee.GetByTestId("agenda-pickup").WaitForAsync();
        await SaveAsync(employee, $"home-employee.{tag}.png");
        await employee.GotoAsync("ca");
        await SaveAsync(employee, $"ca.{tag}.png");

        var approver = await fixture.NewPrivilegedPageAsync($"home-approver-{tag}@example.com", Web.Shared.Roles.Approver, language);
        await approver.SetViewportSizeAsync(1200, 760);
        await approver.GotoAsync("");
        await approver.GetByTestId("agenda-waiting").WaitForAsync();
        await SaveAsync(approver, $"home-approver.{tag}.png");

        var admin = await fixture.NewPageAsync(language);
        await admin.SetViewportSizeAsync(1200, 760);
        await fixture.SignInWithTwoFactorAsync(admin, $"home-admin-{tag}@example.com", language, Web.Shared.Roles.Admin);
        await admin.GotoAsync("");
        await admin.GetByTestId("setup-checklist").WaitForAsync();
        await SaveAsync(admin, $"home-admin.{tag}.png");

        // The same on a phone: the drawer becomes a menu, the decision dialog fills the width.
        await employee.SetViewportSizeAsync(390, 844);
        await employee.GotoAsync("");
        await SaveAsync(employee, $"phone-home.{tag}.png");
        await employee.Locator("[data-nav-toggle]").ClickAsync();
        await Assertions.Expect(employee.Locator("#portal-nav")).ToBeInViewportAsync();
        await employee.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Output, $"phone-menu.{tag}.png") });
        await employee.GotoAsync("requests");
        await BrowserPortalFixture.WaitUntilInteractiveAsync(employee);
        await SaveAsync(employee, $"phone-requests.{tag}.png");
        await approver.SetViewportSizeAsync(390, 844);
        await approver.GotoAsync("approvals");
        await BrowserPortalFixture.WaitUntilInteractiveAsync(approver);
        await approver.Locator("[data-grid-state=ready]").WaitForAsync();
        await SaveAsync(approver, $"phone-approval-queue.{tag}.png");
        await approver.Locator("td", new() { HasText = colleague.Email! }).ClickAsync();
        await Assertions.Expect(approver.GetByRole(AriaRole.Button, new() { Name = approve, Exact = true })).ToBeVisibleAsync();
        await approver.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Output, $"phone-approval-decision.{tag}.png") });
    }

    [Theory]
    [InlineData("en-US", "Certificate check")]
    [InlineData("ja-JP", "証明書の確認")]
    public async Task RecoveryPages_RenderInTheirLanguage(string language, string heading)
    {
        var tag = language[..2];
        const string windowsChrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36";
        var none = await fixture.AddUserAsync($"recovery-none-{tag}@example.com");
        var owner = await fixture.AddUserAsync($"recovery-owner-{tag}@example.com");
        var revoked = await fixture.AddUserAsync($"recovery-revoked-{tag}@example.com");
        var expired = await fixture.AddUserAsync($"recovery-expired-{tag}@example.com");
        var expiredCertificate = await fixture.ExpiredCertificateAsync(expired);
        await fixture.RecordAsync(expired, expiredCertificate.Certificate);
        var revokedCertificate = await fixture.IssueAsync(revoked);
        await fixture.Portal.Services.GetRequiredService<Web.Features.Certificates.RevocationService>().RevokeAsync(
            Ca.Serials.SerialNumber.Canonicalize(revokedCertificate.Certificate.SerialNumber), Ca.Revocation.RevocationReason.KeyCompromise, "test", null, default);
        var cases = new (string Name, Data.Entities.EnrollmentUser User, (System.Security.Cryptography.X509Certificates.X509Certificate2, System.Security.Cryptography.ECDsa)? Certificate)[]
        {
            ("no-certificate", none, null),
            ("another-user", none, await fixture.IssueAsync(owner)),
            ("revoked", revoked, revokedCertificate),
            ("expired", expired, expiredCertificate),
        };
        foreach (var (name, user, certificate) in cases)
        {
            var page = certificate is { } issued
                ? await fixture.NewPageWithCertificateAsync(issued, language, userAgent: windowsChrome)
                : await fixture.NewPageAsync(language);
            await page.SetViewportSizeAsync(1200, 760);
            await BrowserPortalFixture.SignInWithPasswordAsync(page, user.Email!, language: language);
            await page.GotoAsync("account/certificate");
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync(heading);
            await SaveAsync(page, $"recovery-{name}.{tag}.png");
        }
        const string macSafari = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15";
        var signature = await fixture.NewPageAsync(language, userAgent: macSafari);
        await signature.SetViewportSizeAsync(1200, 760);
        await signature.GotoAsync("recovery/signature-failure");
        await Assertions.Expect(signature.GetByTestId("signature-steps")).ToBeVisibleAsync();
        await SaveAsync(signature, $"recovery-signature-failure.{tag}.png");
    }

    internal static async Task SaveAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Output);
        var path = Path.Combine(Output, name);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        Assert.True(new FileInfo(path).Length > 10_000, $"{name} looks empty");
    }
}
