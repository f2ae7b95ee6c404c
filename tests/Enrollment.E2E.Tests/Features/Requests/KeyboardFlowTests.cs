using Enrollment.E2E.Tests.Infrastructure;
using Enrollment.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Enrollment.E2E.Tests.Features.Requests;

/// <summary>
/// The employee's whole way with the keyboard alone: sign in, request, and pick up with a key made in
/// the browser. Nothing is clicked; Tab moves the focus, as it would for someone without a mouse.
/// </summary>
public sealed class KeyboardFlowTests(BrowserPortalFixture fixture) : IClassFixture<BrowserPortalFixture>
{
    private const string FilePassword = "keyboard only, a long file password";

    /// <summary>Presses Tab until the focus is on what the selector names; fails if forty presses do not get there.</summary>
    private static async Task TabToAsync(IPage page, string selector)
    {
        for (var presses = 0; presses < 40; presses++)
        {
            if (await page.EvaluateAsync<bool>("s => document.activeElement?.matches(s) ?? false", selector))
            {
                return;
            }
            await page.Keyboard.PressAsync("Tab");
        }
        Assert.Fail($"Tab never reached {selector}");
    }

    [Fact]
    public async Task SignInRequestAndPickUp_WithTheKeyboardAlone()
    {
        var user = await fixture.AddUserAsync("keyboard-employee@example.com");
        var page = await fixture.NewPageAsync();

        await page.GotoAsync("account/login");
        await TabToAsync(page, "#email");
        await page.Keyboard.TypeAsync(user.Email!);
        await TabToAsync(page, "#password");
        await page.Keyboard.TypeAsync(BrowserPortalFixture.Password);
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(BrowserPortalFixture.AccountMenu(page)).ToBeVisibleAsync();

        // Home says what to do, and its button leads there.
        await TabToAsync(page, "[data-testid=agenda-employee] a[href='requests'].mud-button-root");
        await page.Keyboard.PressAsync("Enter");
        await BrowserPortalFixture.WaitUntilInteractiveAsync(page);
        await TabToAsync(page, "#request-justification");
        await page.Keyboard.TypeAsync("Keyboard-only administration of the payroll servers.");
        await TabToAsync(page, "button[type=submit]");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByTestId("requests-message")).ToContainTextAsync("Your request is submitted");

        var id = (await RequestFlow.StoredRequestsOfAsync(fixture.Portal, user.Id)).Single();
        var (approver, connection) = await AdminSession.CreateAsync(fixture.Portal, role: Web.Shared.Roles.Approver);
        Assert.Null(await fixture.Portal.Services.GetRequiredService<Web.Features.Approvals.ApprovalQueue>().ApproveAsync(approver, connection, id, "ok"));

        // The open page follows the decision; its Pick up link, then the pickup itself.
        await Assertions.Expect(page.GetByTestId("request-state").First).ToHaveTextAsync("Approved");
        await TabToAsync(page, $"a[href='requests/{id}/pickup']");
        await page.Keyboard.PressAsync("Enter");
        await BrowserPortalFixture.WaitUntilInteractiveAsync(page);
        await TabToAsync(page, "#file-password");
        await page.Keyboard.TypeAsync(FilePassword);
        await TabToAsync(page, "#file-password-again");
        await page.Keyboard.TypeAsync(FilePassword);
        await TabToAsync(page, "form button[type=submit]");
        var download = await page.RunAndWaitForDownloadAsync(() => page.Keyboard.PressAsync("Enter"));

        await Assertions.Expect(page.GetByTestId("pickup-done")).ToContainTextAsync("is issued");
        Assert.EndsWith(".p12", download.SuggestedFilename, StringComparison.Ordinal);
    }
}
