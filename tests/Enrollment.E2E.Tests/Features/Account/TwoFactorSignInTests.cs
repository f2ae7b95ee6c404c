using Enrollment.E2E.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Enrollment.E2E.Tests.Features.Account;

/// <summary>Password and TOTP sign-in in Chromium, with the codes computed from the key the page shows.</summary>
public sealed class TwoFactorSignInTests(BrowserPortalFixture fixture) : IClassFixture<BrowserPortalFixture>
{
    [Fact]
    public async Task SetUp_ThenSignInWithACode_ThenWithARecoveryCodeThatWorksOnce()
    {
        var email = "totp-flow@example.com";
        await fixture.AddUserAsync(email);
        var page = await fixture.NewPageAsync();
        await BrowserPortalFixture.SignInWithPasswordAsync(page, email);

        await page.GotoAsync("account/manage/two-factor");
        var app = new AuthenticatorApp(await page.GetByTestId("authenticator-key").InnerTextAsync());
        var step = AuthenticatorApp.CurrentStep;
        await page.GetByLabel("Authenticator code").FillAsync(app.CodeAt(step));
        await page.GetByRole(AriaRole.Button, new() { Name = "Turn on two-factor sign-in" }).ClickAsync();
        var codes = await page.GetByTestId("recovery-codes").Locator("code").AllInnerTextsAsync();
        Assert.Equal(10, codes.Count);
        // The codes leave the page as a file and through the clipboard, exactly as shown.
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Download as a text file" }).ClickAsync());
        using var files = new Testing.TemporaryDirectory();
        await download.SaveAsAsync(files.File("codes.txt"));
        Assert.Equal("enrollment-recovery-codes.txt", download.SuggestedFilename);
        Assert.Equal(codes, File.ReadAllLines(files.File("codes.txt")).Skip(2).Where(line => line.Length > 0));
        await page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        await page.BringToFrontAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Copy the codes" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Copied" })).ToBeVisibleAsync();
        Assert.Equal(codes, (await page.EvaluateAsync<string>("() => navigator.clipboard.readText()")).Split('\n'));

        await SignOutAsync(page);
        await BrowserPortalFixture.SignInWithPasswordAsync(page, email);
        await page.WaitForURLAsync("**/account/login-2fa**");
        // The setup used this step's code; the next step's code is new and inside the allowed drift.
        await page.GetByLabel("Authenticator code").FillAsync(app.CodeAt(step + 1));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(BrowserPortalFixture.AccountMenu(page)).ToBeVisibleAsync();

        await SignOutAsync(page);
        await SignInWithRecoveryCodeAsync(page, email, codes[0]);
        await Assertions.Expect(BrowserPortalFixture.AccountMenu(page)).ToBeVisibleAsync();

        await SignOutAsync(page);
        await SignInWithRecoveryCodeAsync(page, email, codes[0]);
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("not accepted");
    }

    [Fact]
    public async Task SignIn_SameCodeTwice_IsRefusedTheSecondTime()
    {
        var email = "totp-replay@example.com";
        var app = await EnableTwoFactorAsync(email);
        var code = app.CodeAt(AuthenticatorApp.CurrentStep + 1);

        var first = await fixture.NewPageAsync();
        await BrowserPortalFixture.SignInWithPasswordAsync(first, email);
        await first.GetByLabel("Authenticator code").FillAsync(code);
        await first.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(BrowserPortalFixture.AccountMenu(first)).ToBeVisibleAsync();

        var second = await fixture.NewPageAsync();
        await BrowserPortalFixture.SignInWithPasswordAsync(second, email);
        await second.GetByLabel("Authenticator code").FillAsync(code);
        await second.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Assertions.Expect(second.GetByRole(AriaRole.Alert)).ToContainTextAsync("not accepted");
        await Assertions.Expect(second).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/login-2fa"));
    }

    [Fact]
    public async Task SignIn_FiveWrongPasswords_LocksTheAccountEvenForTheRightOne()
    {
        var email = "lockout@example.com";
        await fixture.AddUserAsync(email);
        var page = await fixture.NewPageAsync();

        for (var attempt = 0; attempt < 4; attempt++)
        {
            await BrowserPortalFixture.SignInWithPasswordAsync(page, email, "wrong password " + attempt);
            await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("not correct");
        }
        await BrowserPortalFixture.SignInWithPasswordAsync(page, email, "wrong password 5");
        await page.WaitForURLAsync("**/account/lockout");
        await BrowserPortalFixture.SignInWithPasswordAsync(page, email);

        await page.WaitForURLAsync("**/account/lockout");
        Assert.True((await fixture.FindAsync(email)).LockoutEnd > DateTimeOffset.UtcNow.AddMinutes(14));
    }

    [Fact]
    public async Task SignIn_WrongTotpCodes_CountTowardsLockout()
    {
        var email = "totp-lockout@example.com";
        await EnableTwoFactorAsync(email);
        var page = await fixture.NewPageAsync();
        await BrowserPortalFixture.SignInWithPasswordAsync(page, email);

        for (var attempt = 0; attempt < 5; attempt++)
        {
            await page.GetByLabel("Authenticator code").FillAsync("000000");
            await BrowserPortalFixture.PostAndFollowAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }));
        }

        await page.WaitForURLAsync("**/account/lockout");
    }

    private async Task<AuthenticatorApp> EnableTwoFactorAsync(string email)
    {
        var user = await fixture.AddUserAsync(email);
        await using var scope = fixture.Portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Data.Entities.EnrollmentUser>>();
        var stored = (await users.FindByIdAsync(user.Id))!;
        await users.ResetAuthenticatorKeyAsync(stored);
        await users.SetTwoFactorEnabledAsync(stored, true);
        return new AuthenticatorApp((await users.GetAuthenticatorKeyAsync(stored))!);
    }

    private static async Task SignOutAsync(IPage page)
    {
        await (await BrowserPortalFixture.SignOutButtonAsync(page)).ClickAsync();
        await Assertions.Expect(page.GetByTestId("signed-out")).ToContainTextAsync("You are signed out of the portal");
    }

    private static async Task SignInWithRecoveryCodeAsync(IPage page, string email, string code)
    {
        await BrowserPortalFixture.SignInWithPasswordAsync(page, email);
        await page.GetByRole(AriaRole.Link, new() { Name = "use a recovery code" }).ClickAsync();
        await page.GetByLabel("Recovery code").FillAsync(code);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }
}
