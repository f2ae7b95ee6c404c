using System.Text.RegularExpressions;
using Enrollment.E2E.Tests.Infrastructure;
using Enrollment.Testing;
using Enrollment.Web.Features.Account;
using Microsoft.Playwright;

namespace Enrollment.E2E.Tests.Features.Account;

/// <summary>
/// A new portal's first administrator reaches the users page with their own certificate, doing only
/// what the screens say: the forced password change and two-factor set-up, then the home page's
/// checklist, whose two server commands are run as shown. Its own portal: nobody else exists.
/// </summary>
public sealed class FirstAdministratorTests(BrowserPortalFixture fixture) : IClassFixture<BrowserPortalFixture>
{
    private const string Passphrase = "the first administrator's own passphrase";
    private const string FilePassword = "a long file password for the admin";

    [Fact]
    public async Task BootstrapAdministrator_FollowingTheScreens_ReachesTheUsersPageWithTheirCertificate()
    {
        var oneTime = Regex.Match(File.ReadAllText(Path.Combine(fixture.Portal.DataDirectory, BootstrapAdmin.PasswordFileName)), @"Password: (\S+)").Groups[1].Value;
        var page = await fixture.NewPageAsync();
        await BrowserPortalFixture.SignInWithPasswordAsync(page, BootstrapAdmin.DefaultEmail, oneTime);
        await page.GotoAsync("");
        await page.GetByLabel("Current password").FillAsync(oneTime);
        await page.GetByLabel("New password", new() { Exact = true }).FillAsync(Passphrase);
        await page.GetByLabel("New password again").FillAsync(Passphrase);
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await page.WaitForURLAsync("**/account/manage/two-factor");
        var app = new AuthenticatorApp(await page.GetByTestId("authenticator-key").InnerTextAsync());
        await page.GetByLabel("Authenticator code").FillAsync(app.CodeAt(AuthenticatorApp.CurrentStep));
        await page.GetByRole(AriaRole.Button, new() { Name = "Turn on two-factor sign-in" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Continue" }).ClickAsync();

        // Home: the checklist names what is missing and the command that mends the employee ID.
        await page.GotoAsync("");
        var checklist = page.GetByTestId("setup-checklist");
        await Assertions.Expect(checklist.Locator("[data-check=employee-id]")).ToHaveAttributeAsync("data-done", "no");
        var update = (await checklist.Locator("code.command").InnerTextAsync()).Replace("…", "A0001", StringComparison.Ordinal);
        await RunAsShownAsync(update);

        await page.ReloadAsync();
        await Assertions.Expect(checklist.Locator("[data-check=employee-id]")).ToHaveAttributeAsync("data-done", "yes");
        await checklist.GetByRole(AriaRole.Link, new() { Name = "Your own valid certificate, picked up in this browser" }).ClickAsync();
        await BrowserPortalFixture.WaitUntilInteractiveAsync(page);
        await page.GetByLabel("Justification").FillAsync("First administrator of the portal, setting up users.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit request" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("requests-message")).ToContainTextAsync("Your request is submitted");

        // Nobody may approve it in the portal; the home page says who can, and how.
        await page.GetByRole(AriaRole.Link, new() { Name = "Home" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("agenda-operator-approval")).ToContainTextAsync("No other approver can decide it yet");
        await RunAsShownAsync(await page.GetByTestId("agenda-employee").Locator("code.command").InnerTextAsync());

        await page.ReloadAsync();
        await page.GetByTestId("agenda-employee").GetByRole(AriaRole.Link, new() { Name = "Pick up" }).ClickAsync();
        await BrowserPortalFixture.WaitUntilInteractiveAsync(page);
        using var files = new TemporaryDirectory();
        await page.GetByLabel("File password", new() { Exact = true }).FillAsync(FilePassword);
        await page.GetByLabel("File password again").FillAsync(FilePassword);
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Button, new() { Name = "Create key and certificate file" }).ClickAsync());
        var pkcs12 = files.File("admin.p12");
        await download.SaveAsAsync(pkcs12);

        // The file imported into the browser: sign in again, and the users page opens.
        var withCertificate = await fixture.NewPageWithPkcs12Async(pkcs12, FilePassword);
        await BrowserPortalFixture.SignInWithPasswordAsync(withCertificate, BootstrapAdmin.DefaultEmail, Passphrase);
        await withCertificate.GetByLabel("Authenticator code").FillAsync(app.CodeAt(AuthenticatorApp.CurrentStep + 1));
        await withCertificate.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(withCertificate.GetByTestId("setup-checklist")).ToHaveCountAsync(0);
        await withCertificate.Locator("#portal-nav").GetByRole(AriaRole.Link, new() { Name = "Users" }).ClickAsync();
        await Assertions.Expect(withCertificate).ToHaveURLAsync(new Regex("/admin/users$"));
        await BrowserPortalFixture.WaitUntilInteractiveAsync(withCertificate);
        await Assertions.Expect(withCertificate.Locator("h1")).ToHaveTextAsync("Users");
    }

    /// <summary>Runs a command exactly as the page shows it, on this portal's data directory.</summary>
    private async Task RunAsShownAsync(string shown)
    {
        var result = await Web.Tests.Infrastructure.AdminVerbs.RunAsync([.. shown.Split(' ', StringSplitOptions.RemoveEmptyEntries), "--data-dir", fixture.Portal.DataDirectory]);
        Assert.True(result.ExitCode == 0, $"{shown}: {result.Error}");
    }
}
