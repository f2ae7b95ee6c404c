using System.Security.Claims;
using AngleSharp.Dom;
using Bunit;
using Enrollment.Data.Entities;
using Enrollment.Web.Features.Approvals;
using Enrollment.Web.Features.Requests;
using Enrollment.Web.Shared;
using Enrollment.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;

namespace Enrollment.Web.Tests.Components;

/// <summary>
/// The approver queue as a component, against the real queue service: rows that say who and why,
/// decisions in a dialog with the result in a snackbar, refusals where they belong, live refresh.
/// </summary>
public sealed class ApprovalQueuePageTests(PortalFixture fixture) : IClassFixture<PortalFixture>
{
    /// <remarks>The language is the test's own to set: a culture set in an async method ends with it.</remarks>
    private async Task<PortalComponents> ApproverAsync()
    {
        var (principal, connection) = await AdminSession.CreateAsync(fixture.Portal, role: Roles.Approver);
        return new PortalComponents(fixture.Portal, principal, connection);
    }

    /// <summary>A requester whose e-mail carries the token, with a pending request.</summary>
    private async Task<(EnrollmentUser User, Guid Request)> PendingAsync(string token, string name)
    {
        await using var scope = fixture.Portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>();
        var email = $"{token}-{Guid.NewGuid():N}"[..(token.Length + 9)] + "@example.com";
        var user = new EnrollmentUser
        {
            UserName = email, Email = email, EmailConfirmed = true, DisplayName = name, CreatedAt = DateTime.UtcNow,
            EmployeeId = "Q-" + Guid.NewGuid().ToString("N")[..8],
        };
        Assert.True((await users.CreateAsync(user)).Succeeded);
        await users.AddToRoleAsync(user, Roles.Requester);
        return (user, await RequestFlow.SubmitAsync(fixture.Portal, await RequestFlow.PrincipalOfAsync(fixture.Portal, user)));
    }

    private static async Task<IRenderedComponent<ApprovalQueuePage>> OpenAsync(PortalComponents components, string? search = null)
    {
        var page = components.Render<ApprovalQueuePage>();
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-grid-state=ready]")));
        if (search is not null)
        {
            await page.InvokeAsync(() => page.Find("#queue-requester").Change(search));
            await page.Find("form.toolbar").SubmitAsync();
            page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-grid-state=ready]")));
        }
        return page;
    }

    private static IElement Button(IRenderedComponent<ApprovalQueuePage> page, string text) =>
        page.FindAll("button").Single(b => b.TextContent.Trim() == text);

    [Fact]
    public async Task Rows_ShowWhoAsksWithTheirEmail_AndTheWholeJustificationOnHover_OldestFirst()
    {
        var token = "rows" + Guid.NewGuid().ToString("N")[..6];
        var (older, _) = await PendingAsync(token, "Aiko Older");
        var (newer, _) = await PendingAsync(token, "Ben Newer");
        await using var components = await ApproverAsync();

        var page = await OpenAsync(components, token);

        var rows = page.WaitForElements("tr.queue-row", 2);
        Assert.Contains("Aiko Older", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains(older.Email!, rows[0].QuerySelector(".second-line")!.TextContent, StringComparison.Ordinal);
        Assert.Contains(newer.Email!, rows[1].TextContent, StringComparison.Ordinal);
        Assert.Equal(RequestFlow.Justification, rows[0].QuerySelector(".clamp-2")!.GetAttribute("title"));
        // The sort indicator is on the column the order follows.
        Assert.Contains("Submitted", page.Find("th[aria-sort=ascending]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RowClick_OpensTheDecision_Approve_RecordsIt_AndSaysSoInASnackbar()
    {
        var token = "ok" + Guid.NewGuid().ToString("N")[..6];
        var (_, id) = await PendingAsync(token, "Chika Approve");
        await using var components = await ApproverAsync();
        var page = await OpenAsync(components, token);

        page.WaitForElement("tr.queue-row");
        await page.InvokeAsync(() => page.Find("tr.queue-row").Click());
        page.WaitForAssertion(() => Assert.Contains("Chika Approve", page.Find("#decision-heading").TextContent, StringComparison.Ordinal));
        Assert.Contains("serialNumber=Q-", page.Find("[data-testid=decision-subject]").TextContent, StringComparison.Ordinal);
        await page.InvokeAsync(() => page.Find("#decision-comment").Change("For the migration window."));
        await page.InvokeAsync(() => Button(page, "Approve").Click());

        page.WaitForAssertion(() => Assert.Contains("Approved the request of Chika Approve", page.Find("[data-testid=queue-message]").TextContent, StringComparison.Ordinal));
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("#decision-heading")));
        var stored = await RequestFlow.StoredAsync(fixture.Portal, id);
        Assert.Equal(RequestState.Approved, stored.State);
        Assert.Equal("For the migration window.", stored.DecisionComment);
    }

    [Fact]
    public async Task Reject_WithoutAComment_SaysSoUnderTheComment_AndTheDialogStaysOpen()
    {
        var token = "no" + Guid.NewGuid().ToString("N")[..6];
        var (_, id) = await PendingAsync(token, "Daichi Reject");
        await using var components = await ApproverAsync();
        var page = await OpenAsync(components, token);

        page.WaitForElement("tr.queue-row");
        await page.InvokeAsync(() => page.Find("tr.queue-row").Click());
        page.WaitForElement("#decision-heading");
        await page.InvokeAsync(() => Button(page, "Reject").Click());

        page.WaitForAssertion(() => Assert.Contains("Say why you reject", page.Find(".mud-input-helper-text.mud-input-error").TextContent, StringComparison.Ordinal));
        Assert.NotNull(page.Find("#decision-heading"));
        Assert.Equal(RequestState.Pending, (await RequestFlow.StoredAsync(fixture.Portal, id)).State);
    }

    [Fact]
    public async Task OwnRequest_IsShown_WithNothingToDecide()
    {
        var (principal, connection) = await AdminSession.CreateAsync(fixture.Portal, role: Roles.Approver);
        await RequestFlow.SubmitAsync(fixture.Portal, principal);
        PortalComponents.UseCulture("en-US");
        await using var components = new PortalComponents(fixture.Portal, principal, connection);
        var page = await OpenAsync(components, principal.FindFirstValue(ClaimTypes.Email));

        page.WaitForElement("tr.queue-row");
        await page.InvokeAsync(() => page.Find("tr.queue-row").Click());

        page.WaitForAssertion(() => Assert.Contains("another approver must", page.Find("[data-testid=own-request]").TextContent, StringComparison.Ordinal));
        Assert.DoesNotContain(page.FindAll("button"), b => b.TextContent.Trim() is "Approve" or "Reject");
    }

    [Fact]
    public async Task ApproveAndNext_ApprovesThenOpensTheRequestThatFollowed()
    {
        var token = "next" + Guid.NewGuid().ToString("N")[..6];
        var (_, first) = await PendingAsync(token, "Emi First");
        var (_, second) = await PendingAsync(token, "Fumio Second");
        await using var components = await ApproverAsync();
        var page = await OpenAsync(components, token);

        page.WaitForElements("tr.queue-row", 2);
        await page.InvokeAsync(() => page.FindAll("tr.queue-row")[0].Click());
        page.WaitForAssertion(() => Assert.Contains("Emi First", page.Find("#decision-heading").TextContent, StringComparison.Ordinal));
        await page.InvokeAsync(() => Button(page, "Approve and next").Click());

        page.WaitForAssertion(() => Assert.Contains("Fumio Second", page.Find("#decision-heading").TextContent, StringComparison.Ordinal));
        Assert.Equal(RequestState.Approved, (await RequestFlow.StoredAsync(fixture.Portal, first)).State);
        Assert.Equal(RequestState.Pending, (await RequestFlow.StoredAsync(fixture.Portal, second)).State);
        // The last one offers no "next".
        Assert.DoesNotContain(page.FindAll("button"), b => b.TextContent.Trim() == "Approve and next");
    }

    [Fact]
    public async Task AFilterThatMatchesNothing_SaysHowManyWaitInAll_AndClearsWithOneClick()
    {
        var token = "all" + Guid.NewGuid().ToString("N")[..6];
        await PendingAsync(token, "Gin Waiting");
        await using var components = await ApproverAsync();
        var page = await OpenAsync(components, "nobody-" + Guid.NewGuid().ToString("N"));

        var empty = page.WaitForElement("[data-testid=queue-empty]");
        Assert.Matches(@"No request matches \([1-9]\d* waiting in all\)\.", empty.TextContent);
        await page.InvokeAsync(() => Button(page, "Clear the filters").Click());

        page.WaitForAssertion(() => Assert.Contains(page.FindAll("tr.queue-row"), r => r.TextContent.Contains("Gin Waiting", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ANewRequestElsewhere_AppearsWithoutAReload_WithANotice()
    {
        var token = "live" + Guid.NewGuid().ToString("N")[..6];
        await using var components = await ApproverAsync();
        var page = await OpenAsync(components, token);
        page.WaitForElement("[data-testid=queue-empty]");

        await PendingAsync(token, "Hana Arrives");

        page.WaitForAssertion(() => Assert.Contains("A new request arrived", page.Find("[data-testid=queue-notice]").TextContent, StringComparison.Ordinal));
        page.WaitForAssertion(() => Assert.Contains("Hana Arrives", page.Find("tr.queue-row").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public async Task WithoutAnOwnCertificateOnTheConnection_TheQueueIsRefused_WithWhatToDo()
    {
        var (principal, _) = await AdminSession.CreateAsync(fixture.Portal, role: Roles.Approver);
        PortalComponents.UseCulture("ja-JP");
        await using var components = new PortalComponents(fixture.Portal, principal);

        var page = components.Render<ApprovalQueuePage>();

        page.WaitForAssertion(() => Assert.Contains("証明書", page.Find("[data-testid=queue-message]").TextContent, StringComparison.Ordinal));
        Assert.Empty(page.FindAll("tr.queue-row"));
    }

    /// <summary>No dead click: the prerendered rows are on screen at once, and nothing in them takes a click or looks as if it would.</summary>
    [Fact]
    public async Task Prerendered_TheFirstPageIsInTheHtml_WithNothingClickableUntilTheCircuitRuns()
    {
        var token = "pre" + Guid.NewGuid().ToString("N")[..6];
        await PendingAsync(token, "Jun Prerendered");
        var (principal, connection) = await AdminSession.CreateAsync(fixture.Portal, role: Roles.Approver);
        PortalComponents.UseCulture("en-US");
        await using var components = new PortalComponents(fixture.Portal, principal, connection);
        components.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Static", isInteractive: false));
        var request = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        request.Features.Set<Microsoft.AspNetCore.Http.Features.ITlsConnectionFeature>(
            new Microsoft.AspNetCore.Http.Features.TlsConnectionFeature { ClientCertificate = connection.Certificate });
        request.Connection.RemoteIpAddress = System.Net.IPAddress.Loopback;

        var page = components.Render<ApprovalQueuePage>(p => p.AddCascadingValue(request));

        // The oldest twenty, as the grid's first page shows them (other tests of the class left requests waiting too).
        var (expected, _) = await fixture.Portal.Services.GetRequiredService<ApprovalQueue>().ListAsync(principal, connection, new QueueQuery(), 0, 20);
        page.WaitForAssertion(() => Assert.Equal(expected.Select(r => r.RequesterEmail),
            page.FindAll(".prerendered tbody tr .second-line").Select(e => e.TextContent)));
        Assert.Empty(page.FindAll("tr.queue-row, button.row-open"));
        Assert.Equal("loading", page.Find("[data-grid-state]").GetAttribute("data-grid-state"));
    }

    [Fact]
    public async Task InJapanese_ThePagerAndHeadingsAreJapanese()
    {
        await PendingAsync("ja" + Guid.NewGuid().ToString("N")[..6], "Ichiro Nihongo");
        var (principal, connection) = await AdminSession.CreateAsync(fixture.Portal, role: Roles.Approver);
        PortalComponents.UseCulture("ja-JP");
        await using var components = new PortalComponents(fixture.Portal, principal, connection);

        var page = await OpenAsync(components);

        Assert.Contains("1 ページの行数", page.Markup, StringComparison.Ordinal);
        Assert.Contains("承認待ち一覧", page.Find("h1").TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("Rows per page", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARender_KeepsTheColumnsExpressions_SoMudBlazorDoesNotCompileThemAgain()
    {
        await using var components = await ApproverAsync();
        var page = await OpenAsync(components);
        var before = page.FindComponents<MudBlazor.PropertyColumn<QueueRow, string>>().Select(c => c.Instance.Property).ToList();

        await page.InvokeAsync(() => page.Render());

        var after = page.FindComponents<MudBlazor.PropertyColumn<QueueRow, string>>().Select(c => c.Instance.Property).ToList();
        Assert.NotEmpty(before);
        Assert.Equal(before.Count, after.Count);
        Assert.All(before.Zip(after), pair => Assert.Same(pair.First, pair.Second));
    }
}
