using Enrollment.E2E.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Enrollment.E2E.Tests.Accessibility;

/// <summary>
/// Renders the main account pages in both languages and saves screenshots to artifacts/screenshots
/// (docs/screenshots holds the reviewed copies), checking each heading is in the page's language.
/// </summary>
public sealed class ScreenshotTests(BrowserPortalFixture fixture) : IClassFixture<BrowserPortalFixture>
{
    private static readonly string Output = Path.Combine(Axe.RepositoryRoot(), "artifacts", "screenshots");

    [Theory]
    [InlineData("en-US", "Sign in", "Two-factor sign-in", "Users")]
    [InlineData("ja-JP", "サインイン", "2 要素認証", "ユーザー")]
    public async Task AccountPages_RenderInTheirLanguage(string language, string signIn, string twoFactor, string users)
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
    }

    private static async Task SaveAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Output);
        var path = Path.Combine(Output, name);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        Assert.True(new FileInfo(path).Length > 10_000, $"{name} looks empty");
    }
}
