using Enrollment.E2E.Tests.Infrastructure;
using Enrollment.Testing;
using Enrollment.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Enrollment.E2E.Tests.Features.Account;

/// <summary>A portal that provisions nobody: who the provider vouches for but the portal does not know is refused.</summary>
public sealed class NoProvisioningSsoFixture : SsoPortalFixture
{
    protected override string[] MoreSettings => ["--Enrollment:Sso:ProvisionUnknownUsers=false"];
}

/// <summary>
/// The single sign-on pages in both languages, in Chromium: the sign-in page with its providers,
/// the refusal page with its reference, the signed-out page; each passes axe and is photographed.
/// </summary>
public sealed class SsoPagesTests(NoProvisioningSsoFixture fixture) : IClassFixture<NoProvisioningSsoFixture>
{
    private static readonly string Output = Path.Combine(Repository.Root, "artifacts", "screenshots");

    [Theory]
    [InlineData("en-US", "Sign in with Microsoft Entra ID", "Sign-in with your organisation did not complete", "Ask a portal administrator to add you", "Reference:")]
    [InlineData("ja-JP", "Microsoft Entra ID でサインイン", "組織のアカウントでのサインインが完了しませんでした", "ポータルの管理者に追加を依頼してください", "参照コード:")]
    public async Task UnknownPerson_WithProvisioningOff_GetsTheRefusalPage_AndEveryPagePassesAxe(
        string language, string button, string refusalHeading, string whomToAsk, string reference)
    {
        var tag = language[..2];
        var page = await fixture.NewPageAsync(language, bypassCsp: true);
        await page.SetViewportSizeAsync(1200, 760);
        await page.GotoAsync("account/login");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = button })).ToBeVisibleAsync();
        Assert.Empty(await Axe.SeriousViolationsAsync(page));
        await page.ScreenshotAsync(new() { Path = Path.Combine(Output, $"sign-in-sso.{tag}.png"), FullPage = true });

        await SsoPortalFixture.SignInThroughAsync(page, fixture.Entra, button,
            new TestPerson($"oid-stranger-{tag}", "Stranger", $"stranger-{tag}@contoso.example", "E-9999"));

        Assert.EndsWith("/account/sso/problem", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync(refusalHeading);
        await Assertions.Expect(page.GetByTestId("sso-problem")).ToContainTextAsync(whomToAsk);
        await Assertions.Expect(page.GetByTestId("sso-reference")).ToContainTextAsync(reference);
        Assert.Null(await fixture.FindAsync($"stranger-{tag}@contoso.example"));
        Assert.Empty(await Axe.SeriousViolationsAsync(page));
        await page.ScreenshotAsync(new() { Path = Path.Combine(Output, $"sso-refused.{tag}.png"), FullPage = true });

        await page.GotoAsync("account/signed-out?provider=entra");
        Assert.Empty(await Axe.SeriousViolationsAsync(page));
        await page.ScreenshotAsync(new() { Path = Path.Combine(Output, $"signed-out.{tag}.png"), FullPage = true });
    }

    /// <summary>The sign-in page with providers, worked with the keyboard alone: Tab reaches the first provider's button and Enter starts it.</summary>
    [Fact]
    public async Task ProviderButton_IsReachedAndStartedWithTheKeyboard()
    {
        await fixture.AddUserAsync("keyboard-sso@contoso.example");
        var page = await fixture.NewPageAsync(bypassCsp: true);
        await page.GotoAsync("account/login");
        fixture.Entra.NextUser = new TestPerson("oid-keyboard", "Keyboard", "keyboard-sso@contoso.example", "E-9998");

        for (var i = 0; i < 20 && await page.EvaluateAsync<string>("() => document.activeElement?.textContent ?? ''") != "Sign in with Microsoft Entra ID"; i++)
        {
            await page.Keyboard.PressAsync("Tab");
        }
        await page.Keyboard.PressAsync("Enter");

        // The e-mail is a local account's: the provider's sign-in came back and was refused, as a keyboard user sees it.
        await page.WaitForURLAsync("**/account/sso/problem**");
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Link my account" })).ToBeVisibleAsync();
        Assert.Empty(await Axe.SeriousViolationsAsync(page));
    }
}
