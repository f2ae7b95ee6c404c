using AngleSharp.Dom;
using Bunit;
using Enrollment.Data.Entities;
using Enrollment.Web.Features.Admin.Users;
using Enrollment.Web.Shared;
using Enrollment.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;

namespace Enrollment.Web.Tests.Components;

/// <summary>User administration in view: the list, a user's dialog, confirmations, and inviting someone new.</summary>
public sealed class UsersPageTests(PortalFixture fixture) : IClassFixture<PortalFixture>
{
    /// <remarks>The language is the test's own to set (<see cref="PortalComponents.UseCulture"/>): one set in here would end with this method.</remarks>
    private async Task<PortalComponents> AdminAsync()
    {
        var (principal, connection) = await AdminSession.CreateAsync(fixture.Portal);
        return new PortalComponents(fixture.Portal, principal, connection);
    }

    private static async Task<IRenderedComponent<UsersPage>> OpenAsync(PortalComponents components, string search)
    {
        var page = components.Render<UsersPage>();
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-grid-state=ready]")));
        await page.InvokeAsync(() => page.Find("#user-search").Change(search));
        await page.Find("form.toolbar").SubmitAsync();
        return page;
    }

    private static IElement Button(IRenderedComponent<UsersPage> page, string text) =>
        page.FindAll("button").Single(b => b.TextContent.Trim() == text);

    private async Task<EnrollmentUser> StoredAsync(string email)
    {
        await using var scope = fixture.Portal.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>().FindByEmailAsync(email))!;
    }

    [Fact]
    public async Task ARow_OpensTheUsersDialog_WhereARoleIsGranted_AndTheSnackbarSaysSaved()
    {
        var (_, user) = await RequestFlow.RequesterAsync(fixture.Portal);
        await using var components = await AdminAsync();
        var page = await OpenAsync(components, user.Email!);

        page.WaitForElement("tr.user-row");
        await page.InvokeAsync(() => page.Find("tr.user-row").Click());
        page.WaitForAssertion(() => Assert.Equal(user.Email, page.Find(".mud-dialog h2").TextContent));
        await page.InvokeAsync(() => page.FindAll(".mud-dialog label").Single(l => l.TextContent.Trim() == "Approver").QuerySelector("input")!.Change(true));
        await page.InvokeAsync(() => Button(page, "Save").Click());

        page.WaitForAssertion(() => Assert.Equal("Saved.", page.Find("[data-testid=users-message]").TextContent));
        page.WaitForAssertion(() => Assert.Contains("Approver", page.Find("tr.user-row").TextContent, StringComparison.Ordinal));
        await using var scope = fixture.Portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>();
        Assert.True(await users.IsInRoleAsync(await StoredAsync(user.Email!), Roles.Approver));
    }

    [Fact]
    public async Task Disable_AsksFirst_WithTheActionOnTheButton_AndCancelChangesNothing()
    {
        var (_, user) = await RequestFlow.RequesterAsync(fixture.Portal);
        PortalComponents.UseCulture("ja-JP");
        await using var components = await AdminAsync();
        var page = await OpenAsync(components, user.Email!);
        page.WaitForElement("tr.user-row");
        await page.InvokeAsync(() => page.Find("tr.user-row").Click());
        page.WaitForElement(".mud-dialog h2");

        await page.InvokeAsync(() => Button(page, "アカウントを無効化").Click());
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll(".mud-dialog").Count));
        var confirmation = page.FindAll(".mud-dialog")[1];
        Assert.Contains(user.Email!, confirmation.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain(confirmation.QuerySelectorAll("button"), b => b.TextContent.Trim() is "はい" or "OK");
        Assert.NotNull(confirmation.QuerySelector("button[data-initial-focus]"));
        await page.InvokeAsync(() => page.FindAll(".mud-dialog")[1].QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "キャンセル").Click());

        page.WaitForAssertion(() => Assert.Single(page.FindAll(".mud-dialog")));
        Assert.False((await StoredAsync(user.Email!)).Disabled);
    }

    [Fact]
    public async Task AnInvitation_AddsTheUserWithTheirRoles_AndMailsThemTheLink()
    {
        var email = $"invited-{Guid.NewGuid():N}@example.com";
        await using var components = await AdminAsync();
        var page = components.Render<UsersPage>();
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-grid-state=ready]")));

        await page.InvokeAsync(() => Button(page, "Invite a user").Click());
        page.WaitForElement("#invite-email");
        await page.InvokeAsync(() => page.Find("#invite-email").Change(email));
        await page.InvokeAsync(() => page.Find("#invite-name").Change("Hana Invited"));
        await page.InvokeAsync(() => page.Find("#invite-employee").Change("INV-" + email[8..14]));
        await page.InvokeAsync(() => page.FindAll(".mud-dialog label").Single(l => l.TextContent.Trim() == "Approver").QuerySelector("input")!.Change(true));
        await page.InvokeAsync(() => Button(page, "Send the invitation").Click());

        page.WaitForAssertion(() => Assert.Contains($"Invited {email}", page.Find("[data-testid=users-message]").TextContent, StringComparison.Ordinal));
        var invited = await StoredAsync(email);
        Assert.Equal("Hana Invited", invited.DisplayName);
        await using var scope = fixture.Portal.Services.CreateAsyncScope();
        Assert.True(await scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>().IsInRoleAsync(invited, Roles.Approver));
        var mailFolder = fixture.Portal.Services.GetRequiredService<Enrollment.Web.Features.Account.PickupEmailSender>().PickupDirectory;
        Assert.Contains("account/", Testing.MailText.NewestTo(mailFolder, email), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnInvitation_ForAnEmailInUse_IsRefusedInTheDialog_AndAddsNothing()
    {
        var (_, user) = await RequestFlow.RequesterAsync(fixture.Portal);
        await using var components = await AdminAsync();
        var page = components.Render<UsersPage>();
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-grid-state=ready]")));

        await page.InvokeAsync(() => Button(page, "Invite a user").Click());
        page.WaitForElement("#invite-email");
        await page.InvokeAsync(() => page.Find("#invite-email").Change(user.Email!));
        await page.InvokeAsync(() => page.Find("#invite-name").Change("Someone Else"));
        await page.InvokeAsync(() => Button(page, "Send the invitation").Click());

        page.WaitForAssertion(() => Assert.Contains("already has this e-mail", page.Find("[data-testid=invite-refusal]").TextContent, StringComparison.Ordinal));
        Assert.Equal(user.DisplayName, (await StoredAsync(user.Email!)).DisplayName);
    }
}
