using Enrollment.E2E.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Enrollment.E2E.Tests.Features.Admin;

public sealed class CaHealthPageTests(BrowserPortalFixture fixture) : IClassFixture<BrowserPortalFixture>
{
    [Fact]
    public async Task Admin_SeesTheChainTheCrlAndTheSelfCheckFindings()
    {
        var page = await fixture.NewAdminPageAsync("health-admin@example.com");

        await page.GotoAsync("admin/ca");

        await Assertions.Expect(page.Locator("tr[data-role]")).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator("tr[data-role=Root]")).ToContainTextAsync("Enrollment Root CA");
        await Assertions.Expect(page.GetByTestId("crl-number")).Not.ToBeEmptyAsync();
        // The tests publish http://127.0.0.1/ on port 80, where nothing listens: both mistakes are named.
        await Assertions.Expect(page.Locator("[data-code='urls.loopback']")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("[data-code='urls.not-answering']")).ToHaveCountAsync(2);
        // The embedded default keeps its keys in files sealed by the Data Protection key ring, and says so.
        await Assertions.Expect(page.GetByTestId("key-storage")).ToHaveAttributeAsync("data-storage", "DataProtection");
        await Assertions.Expect(page.GetByTestId("key-storage")).ToContainTextAsync("Data Protection key ring");
        // The development default keeps the root online, and in Development that is no finding.
        await Assertions.Expect(page.GetByTestId("root-key")).ToHaveTextAsync("In the data directory (online)");
        await Assertions.Expect(page.Locator("[data-code='root.online']")).ToHaveCountAsync(0);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Testing.Repository.Root, "artifacts", "screenshots", "ca-health.en.png"), FullPage = true });
    }

    [Fact]
    public async Task Approver_OpeningCaHealth_IsDenied()
    {
        var page = await fixture.NewPageAsync();
        await fixture.SignInWithTwoFactorAsync(page, "health-approver@example.com", "en-US", Web.Shared.Roles.Approver);

        await page.GotoAsync("admin/ca");

        await page.WaitForURLAsync("**/account/access-denied**");
    }
}
