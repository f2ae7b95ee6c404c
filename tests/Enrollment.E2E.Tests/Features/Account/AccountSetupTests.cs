using System.Text.RegularExpressions;
using Enrollment.E2E.Tests.Infrastructure;
using Enrollment.Testing;
using Enrollment.Web.Features.Account;
using Enrollment.Web.Infrastructure;
using Enrollment.Web.Shared;
using Microsoft.Playwright;

namespace Enrollment.E2E.Tests.Features.Account;

/// <summary>The forced steps: a one-time password is replaced, and privileged roles set up two-factor first.</summary>
public sealed class AccountSetupTests(BrowserPortalFixture fixture) : IClassFixture<BrowserPortalFixture>
{
    [Fact]
    public async Task BootstrapAdmin_MustChangeThePasswordThenSetUpTwoFactorBeforeAnythingElse()
    {
        var passwordFile = Path.Combine(fixture.Portal.DataDirectory, BootstrapAdmin.PasswordFileName);
        var oneTime = Regex.Match(File.ReadAllText(passwordFile), @"Password: (\S+)").Groups[1].Value;
        var page = await fixture.NewPageAsync();

        await BrowserPortalFixture.SignInWithPasswordAsync(page, BootstrapAdmin.DefaultEmail, oneTime);
        await page.GotoAsync("");
        await page.WaitForURLAsync("**/account/manage/password");
        await page.GetByLabel("Current password").FillAsync(oneTime);
        await page.GetByLabel("New password", new() { Exact = true }).FillAsync("an administrator's own passphrase");
        await page.GetByLabel("New password again").FillAsync("an administrator's own passphrase");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();

        await page.WaitForURLAsync("**/account/manage/two-factor");
        await Assertions.Expect(page.GetByText("must use two-factor sign-in")).ToBeVisibleAsync();
        await page.GotoAsync("account/manage");
        await page.WaitForURLAsync("**/account/manage/two-factor");
        Assert.False((await fixture.FindAsync(BootstrapAdmin.DefaultEmail)).MustChangePassword);
        // The one-time password is gone from the disk once it is no longer the password.
        Assert.False(File.Exists(passwordFile));
    }

    [Fact]
    public async Task Approver_WithoutTwoFactor_IsSentToSetupAndCannotTurnItOffAfterwards()
    {
        var email = "approver-setup@example.com";
        await fixture.AddUserAsync(email, Roles.Approver);
        var page = await fixture.NewPageAsync();

        await BrowserPortalFixture.SignInWithPasswordAsync(page, email);
        await page.GotoAsync("");
        await page.WaitForURLAsync("**/account/manage/two-factor");
        var app = new AuthenticatorApp(await page.GetByTestId("authenticator-key").InnerTextAsync());
        await page.GetByLabel("Authenticator code").FillAsync(app.CodeAt(AuthenticatorApp.CurrentStep));
        await page.GetByRole(AriaRole.Button, new() { Name = "Turn on two-factor sign-in" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Continue" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Turn off two-factor sign-in" })).ToHaveCountAsync(0);
        await page.GotoAsync("");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/$"));
    }

    [Fact]
    public async Task ForgotPassword_LinkFromThePickupFolder_SetsANewPassword()
    {
        var email = "forgot@example.com";
        await fixture.AddUserAsync(email);
        var page = await fixture.NewPageAsync();

        await page.GotoAsync("account/forgot-password");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send the link" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("on its way");
        // The mail links to the configured portal address (the default here), never to the Host the form was posted to;
        // this test portal listens elsewhere, so the browser follows the link's path on it.
        var mailed = new Uri(ResetLinkFor(email));
        Assert.Equal("https://localhost:5001/", mailed.GetLeftPart(UriPartial.Authority) + "/");
        var link = mailed.PathAndQuery.TrimStart('/');
        await page.GotoAsync(link);
        await page.GetByLabel("New password", new() { Exact = true }).FillAsync("a brand new long passphrase");
        await page.GetByLabel("New password again").FillAsync("a brand new long passphrase");
        await page.GetByRole(AriaRole.Button, new() { Name = "Choose a new password" }).ClickAsync();
        await page.WaitForURLAsync("**/account/login");
        await BrowserPortalFixture.SignInWithPasswordAsync(page, email, "a brand new long passphrase");

        await Assertions.Expect(BrowserPortalFixture.AccountMenu(page)).ToBeVisibleAsync();
        await page.GotoAsync(link);
        await page.GetByLabel("New password", new() { Exact = true }).FillAsync("yet another long passphrase");
        await page.GetByLabel("New password again").FillAsync("yet another long passphrase");
        await page.GetByRole(AriaRole.Button, new() { Name = "Choose a new password" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("not valid any more");
    }

    [Fact]
    public async Task InvitedUser_CannotSignInUntilTheLinkIsFollowed_ThenChoosesAPassword()
    {
        var email = "invited@example.com";
        await using (var scope = fixture.Portal.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Data.Entities.EnrollmentUser>>();
            var user = new Data.Entities.EnrollmentUser { UserName = email, Email = email, DisplayName = "Invited", CreatedAt = DateTime.UtcNow };
            Assert.True((await users.CreateAsync(user)).Succeeded);
            await scope.ServiceProvider.GetRequiredService<Web.Features.Account.Invitations>().SendAsync(user);
        }
        var page = await fixture.NewPageAsync();
        await BrowserPortalFixture.SignInWithPasswordAsync(page, email, "any password at all");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("not correct");

        var link = new Uri(ResetLinkFor(email));
        await page.GotoAsync(link.PathAndQuery.TrimStart('/'));
        await page.GetByLabel("New password", new() { Exact = true }).FillAsync("my first real passphrase");
        await page.GetByLabel("New password again").FillAsync("my first real passphrase");
        await page.GetByRole(AriaRole.Button, new() { Name = "Choose a new password" }).ClickAsync();
        await page.WaitForURLAsync("**/account/login");
        await BrowserPortalFixture.SignInWithPasswordAsync(page, email, "my first real passphrase");

        await Assertions.Expect(BrowserPortalFixture.AccountMenu(page)).ToBeVisibleAsync();
        Assert.True((await fixture.FindAsync(email)).EmailConfirmed);
    }

    [Fact]
    public async Task SignInPage_InJapanese_IsInJapanese()
    {
        var page = await fixture.NewPageAsync("ja-JP");

        await page.GotoAsync("account/login");

        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("サインイン");
        await Assertions.Expect(page.GetByLabel("メールアドレス")).ToBeVisibleAsync();
        Assert.Equal("ja", await page.Locator("html").GetAttributeAsync("lang"));
    }

    /// <summary>The reset link in the newest message to that address in the pickup folder.</summary>
    private string ResetLinkFor(string email)
    {
        var decoded = MailText.NewestTo(Path.Combine(fixture.Portal.DataDirectory, "mail"), email) ?? string.Empty;
        return Regex.Match(decoded, @"https://\S+/account/reset-password\?\S+").Value;
    }
}
