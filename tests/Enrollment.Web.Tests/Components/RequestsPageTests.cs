using AngleSharp.Dom;
using Bunit;
using Enrollment.Data.Entities;
using Enrollment.Web.Features.Requests;
using Enrollment.Web.Tests.Infrastructure;

namespace Enrollment.Web.Tests.Components;

/// <summary>The requester's page: submit, the two lists with their empty states, and the confirmed cancel and revoke.</summary>
public sealed class RequestsPageTests(PortalFixture fixture) : IClassFixture<PortalFixture>
{
    private static IRenderedComponent<RequestsPage> Open(PortalComponents components)
    {
        var page = components.Render<RequestsPage>();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-grid-state=ready]").Count));
        return page;
    }

    private static IElement Button(IRenderedComponent<RequestsPage> page, string text) =>
        page.FindAll("button").Single(b => b.TextContent.Trim() == text);

    [Fact]
    public async Task ANewRequester_SeesBothEmptyStates_ThenSubmits_AndTheRequestIsListedPending()
    {
        var (principal, _) = await RequestFlow.RequesterAsync(fixture.Portal);
        PortalComponents.UseCulture("en-US");
        await using var components = new PortalComponents(fixture.Portal, principal);
        var page = Open(components);
        // Each grid shows its empty state in its own render, which may follow the page's "ready" by one.
        page.WaitForAssertion(() =>
        {
            Assert.Contains("You have no requests yet.", page.Markup, StringComparison.Ordinal);
            Assert.Contains("You have no certificates yet.", page.Markup, StringComparison.Ordinal);
        });

        await page.InvokeAsync(() => page.Find("#request-justification").Input("Database administration for the payroll migration."));
        await page.Find("form.form").SubmitAsync();

        page.WaitForAssertion(() => Assert.Contains("Your request is submitted", page.Find("[data-testid=requests-message]").TextContent, StringComparison.Ordinal));
        page.WaitForAssertion(() => Assert.Equal("Pending", page.Find("[data-testid=request-state]").TextContent));
    }

    [Fact]
    public async Task AJustificationTooShort_IsRefusedWithWhatIsNeeded_AndNothingIsStored()
    {
        var (principal, user) = await RequestFlow.RequesterAsync(fixture.Portal);
        PortalComponents.UseCulture("ja-JP");
        await using var components = new PortalComponents(fixture.Portal, principal);
        var page = Open(components);

        await page.InvokeAsync(() => page.Find("#request-justification").Input("短い"));
        await page.Find("form.form").SubmitAsync();

        page.WaitForAssertion(() => Assert.Contains("10", page.Find("[data-testid=requests-message]").TextContent, StringComparison.Ordinal));
        await using var scope = fixture.Portal.Services.CreateAsyncScope();
        Assert.False(scope.ServiceProvider.GetRequiredService<Data.EnrollmentDbContext>().Requests.Any(r => r.RequesterId == user.Id));
    }

    [Fact]
    public async Task AnAccountWithoutAnEmployeeId_IsToldBeforeTyping_AndCannotSubmit()
    {
        var (principal, _) = await RequestFlow.RequesterAsync(fixture.Portal, withEmployeeId: false);
        PortalComponents.UseCulture("en-US");
        await using var components = new PortalComponents(fixture.Portal, principal);

        var page = Open(components);

        Assert.Contains("no employee ID", page.Find("[data-testid=request-blocked]").TextContent, StringComparison.Ordinal);
        Assert.True(Button(page, "Submit request").HasAttribute("disabled"));
    }

    [Fact]
    public async Task Cancel_AsksFirst_AKeptRequestStays_AndAConfirmedOneIsCancelled()
    {
        var (principal, _) = await RequestFlow.RequesterAsync(fixture.Portal);
        var id = await RequestFlow.SubmitAsync(fixture.Portal, principal);
        PortalComponents.UseCulture("en-US");
        await using var components = new PortalComponents(fixture.Portal, principal);
        var page = Open(components);

        await page.InvokeAsync(() => Button(page, "Cancel request").Click());
        var dialog = page.WaitForElement(".mud-dialog");
        Assert.Contains("Approvers will no longer see it", dialog.TextContent, StringComparison.Ordinal);
        await page.InvokeAsync(() => Button(page, "Cancel").Click());
        page.WaitForAssertion(() => Assert.Empty(page.FindAll(".mud-dialog")));
        Assert.Equal(RequestState.Pending, (await RequestFlow.StoredAsync(fixture.Portal, id)).State);

        await page.InvokeAsync(() => Button(page, "Cancel request").Click());
        page.WaitForElement(".mud-dialog button.mud-button-filled");
        await page.InvokeAsync(() => page.Find(".mud-dialog button.mud-button-filled").Click());

        page.WaitForAssertion(() => Assert.Contains("The request is cancelled.", page.Find("[data-testid=requests-message]").TextContent, StringComparison.Ordinal));
        Assert.Equal(RequestState.Cancelled, (await RequestFlow.StoredAsync(fixture.Portal, id)).State);
    }

    [Fact]
    public async Task ReportLost_AfterItsConfirmation_RevokesTheCertificate_AndTheListSaysSo()
    {
        var (principal, _) = await RequestFlow.RequesterAsync(fixture.Portal);
        var issued = await RequestFlow.PickedUpAsync(fixture.Portal, principal, fixture.Files);
        PortalComponents.UseCulture("en-US");
        await using var components = new PortalComponents(fixture.Portal, principal);
        var page = Open(components);

        await page.InvokeAsync(() => Button(page, "Lost or stolen").Click());
        var dialog = page.WaitForElement(".mud-dialog");
        Assert.Contains(issued.Serial, dialog.TextContent, StringComparison.Ordinal);
        var revoke = dialog.QuerySelector("button.mud-button-filled")!;
        Assert.Equal("Revoke", revoke.TextContent.Trim());
        Assert.Contains("mud-button-filled-error", revoke.ClassName, StringComparison.Ordinal);
        await page.InvokeAsync(() => page.Find(".mud-dialog button.mud-button-filled").Click());

        page.WaitForAssertion(() => Assert.Contains("is revoked", page.Find("[data-testid=requests-message]").TextContent, StringComparison.Ordinal));
        page.WaitForAssertion(() => Assert.Contains("Revoked", page.Find("[data-testid=certificate-status]").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public async Task APager_ShowsOnlyOnceThereIsASecondPage()
    {
        var (principal, _) = await RequestFlow.RequesterAsync(fixture.Portal);
        PortalComponents.UseCulture("en-US");
        await using (var few = new PortalComponents(fixture.Portal, principal))
        {
            await CancelledRequestsAsync(principal, 10);
            var page = Open(few);
            page.WaitForAssertion(() => Assert.Equal(10, page.FindAll("[data-testid=request-state]").Count));
            Assert.Empty(page.FindAll(".mud-table-pagination"));
        }

        await CancelledRequestsAsync(principal, 1);
        await using var more = new PortalComponents(fixture.Portal, principal);
        var second = Open(more);
        second.WaitForAssertion(() => Assert.Contains("1-10 of 11", second.Find("[data-testid=my-requests] .mud-table-pagination").TextContent, StringComparison.Ordinal));
        // The certificates list, empty, stays without one.
        Assert.Null(second.Find("[data-testid=my-certificates]").QuerySelector(".mud-table-pagination"));
    }

    private async Task CancelledRequestsAsync(System.Security.Claims.ClaimsPrincipal requester, int count)
    {
        var requests = fixture.Portal.Services.GetRequiredService<MyRequests>();
        for (var i = 0; i < count; i++)
        {
            var id = await RequestFlow.SubmitAsync(fixture.Portal, requester);
            Assert.Null(await requests.CancelAsync(requester, id, "127.0.0.1"));
        }
    }
}
