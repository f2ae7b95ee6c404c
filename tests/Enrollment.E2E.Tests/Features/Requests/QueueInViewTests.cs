using Enrollment.Data.Entities;
using Enrollment.E2E.Tests.Infrastructure;
using Enrollment.Web.Shared;
using Enrollment.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Enrollment.E2E.Tests.Features.Requests;

/// <summary>
/// An approver with a full queue on a laptop screen: thirty people waiting, each decision made in a
/// dialog that opens in view with the focus inside it, the result shown on screen, the next one at hand.
/// Its own portal, so the queue holds exactly these thirty.
/// </summary>
public sealed class QueueInViewTests(BrowserPortalFixture fixture) : IClassFixture<BrowserPortalFixture>
{
    private static async Task AssertInViewAsync(ILocator element, string what)
    {
        var box = await element.BoundingBoxAsync();
        Assert.True(box is not null, $"{what} is not shown");
        Assert.True(box.X >= 0 && box.Y >= 0 && box.X + box.Width <= 1366 && box.Y + box.Height <= 768,
            $"{what} is outside the 1366x768 window: {box.X},{box.Y} {box.Width}x{box.Height}");
    }

    [Fact]
    public async Task ThirtyPending_AreDecidedInView_At1366x768_WithTheFocusInTheDialog()
    {
        var requesters = new List<EnrollmentUser>();
        for (var i = 0; i < 30; i++)
        {
            var user = await fixture.AddUserAsync($"view-{i:D2}@example.com");
            requesters.Add(user);
            await RequestFlow.SubmitAsync(fixture.Portal, await RequestFlow.PrincipalOfAsync(fixture.Portal, user));
        }
        var approver = await fixture.NewPrivilegedPageAsync("view-approver@example.com", Roles.Approver);
        await approver.SetViewportSizeAsync(1366, 768);

        await approver.GotoAsync("approvals");
        await BrowserPortalFixture.WaitUntilInteractiveAsync(approver);
        await approver.Locator("[data-grid-state=ready]").WaitForAsync();
        await Assertions.Expect(approver.Locator("tr.queue-row")).ToHaveCountAsync(20);
        await Assertions.Expect(approver.Locator(".mud-table-pagination")).ToContainTextAsync("of 30");

        // The keyboard way in: the requester's name in the row is a button; Enter opens the decision.
        await approver.Locator("tr.queue-row").Nth(2).Locator("button.row-open").FocusAsync();
        await approver.Keyboard.PressAsync("Enter");
        var dialog = approver.GetByRole(AriaRole.Dialog);
        await Assertions.Expect(dialog.Locator("#decision-heading")).ToContainTextAsync("view-02");
        await AssertInViewAsync(dialog, "the decision dialog");
        await AssertInViewAsync(dialog.GetByRole(AriaRole.Button, new() { Name = "Approve and next" }), "Approve and next");
        // The focus is where the approver types next: the comment.
        await Assertions.Expect(dialog.GetByLabel("Comment")).ToBeFocusedAsync();

        await dialog.GetByLabel("Comment").FillAsync("On call this week.");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Approve and next" }).ClickAsync();

        var message = approver.GetByTestId("queue-message");
        await Assertions.Expect(message).ToContainTextAsync("Approved the request of E2E view-02");
        await AssertInViewAsync(message, "the result");
        await Assertions.Expect(dialog.Locator("#decision-heading")).ToContainTextAsync("view-03");
        await AssertInViewAsync(dialog, "the next decision");

        // A rejection needs a reason, said next to the comment; with one, it is recorded.
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Reject" }).ClickAsync();
        await Assertions.Expect(dialog.Locator(".mud-input-helper-text.mud-input-error")).ToContainTextAsync("Say why you reject");
        await dialog.GetByLabel("Comment").FillAsync("Not needed for this role.");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Reject" }).ClickAsync();
        await Assertions.Expect(message.Last).ToContainTextAsync("Rejected the request of E2E view-03");
        await Assertions.Expect(dialog).ToHaveCountAsync(0);
        await Assertions.Expect(approver.Locator(".mud-table-pagination")).ToContainTextAsync("of 28");

        Assert.Equal(RequestState.Approved, await StateOfAsync(requesters[2]));
        Assert.Equal(RequestState.Rejected, await StateOfAsync(requesters[3]));
        Assert.Equal(RequestState.Pending, await StateOfAsync(requesters[4]));
    }

    private async Task<RequestState> StateOfAsync(EnrollmentUser requester)
    {
        await using var scope = fixture.Portal.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Data.EnrollmentDbContext>();
        return db.Requests.Single(r => r.RequesterId == requester.Id).State;
    }
}
