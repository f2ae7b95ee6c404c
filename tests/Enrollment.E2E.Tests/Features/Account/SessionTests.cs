using Enrollment.E2E.Tests.Infrastructure;
using Enrollment.Testing;
using Enrollment.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Enrollment.E2E.Tests.Features.Account;

/// <summary>Sessions outlive a restart (Data Protection keys persist) but not a password change elsewhere.</summary>
public sealed class SessionTests(BrowserPortalFixture fixture) : IClassFixture<BrowserPortalFixture>
{
    [Fact]
    public async Task SignedInUser_StaysSignedInAcrossAPortalRestart()
    {
        using var directory = new TemporaryDirectory();
        var first = await RunningPortal.RestartAsync(directory, "--Enrollment:RateLimits:SignInPerMinute=1000");
        await using (first)
        {
            await using var scope = first.Services.CreateAsyncScope();
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Data.Entities.EnrollmentUser>>();
            var user = new Data.Entities.EnrollmentUser { UserName = "restart@example.com", Email = "restart@example.com", EmailConfirmed = true, DisplayName = "Restart", CreatedAt = DateTime.UtcNow };
            Assert.True((await users.CreateAsync(user, BrowserPortalFixture.Password)).Succeeded);
        }
        var context = await fixture.Browser.NewContextAsync(new() { IgnoreHTTPSErrors = true });
        var page = await context.NewPageAsync();
        await using (var running = await RunningPortal.RestartAsync(directory))
        {
            await page.GotoAsync(new Uri(running.Https, "account/login").AbsoluteUri);
            await page.GetByLabel("Email").FillAsync("restart@example.com");
            await page.GetByLabel("Password", new() { Exact = true }).FillAsync(BrowserPortalFixture.Password);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
            await Assertions.Expect(BrowserPortalFixture.AccountMenu(page)).ToBeVisibleAsync();
        }

        await using var restarted = await RunningPortal.RestartAsync(directory);
        // Cookies belong to the host, not the port: the browser sends the same session to the new process.
        await page.GotoAsync(new Uri(restarted.Https, "account/manage").AbsoluteUri);

        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Your account");
    }

    [Fact]
    public async Task OpeningTwoFactorSetup_KeepsTheCurrentSession()
    {
        // Regression: making the authenticator key renews the security stamp, which signed the user out.
        var email = "setup-keeps-session@example.com";
        await fixture.AddUserAsync(email);
        var page = await fixture.NewPageAsync();
        await BrowserPortalFixture.SignInWithPasswordAsync(page, email);

        await page.GotoAsync("account/manage/two-factor");
        await Task.Delay(TimeSpan.FromSeconds(BrowserPortalFixture.RevalidationSeconds + 1));
        await page.GotoAsync("account/manage");

        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Your account");
    }

    [Fact]
    public async Task PasswordChange_EndsTheUsersOtherSessions()
    {
        var email = "two-sessions@example.com";
        await fixture.AddUserAsync(email);
        var laptop = await fixture.NewPageAsync();
        var phone = await fixture.NewPageAsync();
        await BrowserPortalFixture.SignInWithPasswordAsync(laptop, email);
        await BrowserPortalFixture.SignInWithPasswordAsync(phone, email);

        await laptop.GotoAsync("account/manage/password");
        await laptop.GetByLabel("Current password").FillAsync(BrowserPortalFixture.Password);
        await laptop.GetByLabel("New password", new() { Exact = true }).FillAsync("a changed long passphrase");
        await laptop.GetByLabel("New password again").FillAsync("a changed long passphrase");
        await laptop.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await Task.Delay(TimeSpan.FromSeconds(BrowserPortalFixture.RevalidationSeconds + 1));

        await phone.GotoAsync("account/manage");
        await phone.WaitForURLAsync("**/account/login**");
        await laptop.GotoAsync("account/manage");
        await Assertions.Expect(laptop.Locator("h1")).ToHaveTextAsync("Your account");
    }
}
