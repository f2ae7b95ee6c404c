using Bunit;
using Enrollment.Data.Entities;
using Enrollment.Web.Features.Home;
using Enrollment.Web.Features.Requests;
using Enrollment.Web.Shared;
using Enrollment.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;

namespace Enrollment.Web.Tests.Components;

/// <summary>The home page says what needs doing now, for each role, and links to where it is done.</summary>
public sealed class HomeTests(PortalFixture fixture) : IClassFixture<PortalFixture>
{
    private static IRenderedComponent<Home> Render(PortalComponents components, string culture = "en-US")
    {
        PortalComponents.UseCulture(culture);
        return components.Render<Home>();
    }

    [Fact]
    public async Task AVisitor_IsOfferedSignInAndTheCaPage()
    {
        await using var components = new PortalComponents(fixture.Portal);

        var home = Render(components);

        Assert.Equal(["account/login", "ca"], home.FindAll("main a, a.mud-button").Select(a => a.GetAttribute("href")));
    }

    [Fact]
    public async Task ARequesterWithoutACertificate_IsOfferedARequest()
    {
        var (principal, _) = await RequestFlow.RequesterAsync(fixture.Portal);
        await using var components = new PortalComponents(fixture.Portal, principal);

        var home = Render(components, "ja-JP");

        home.WaitForAssertion(() => Assert.Contains("証明書はまだありません", home.Find("[data-testid=agenda-none]").TextContent, StringComparison.Ordinal));
        Assert.Contains(home.FindAll("a"), a => a.GetAttribute("href") == "requests" && a.TextContent.Contains("証明書を申請する", StringComparison.Ordinal));
        Assert.Empty(home.FindAll("[data-testid=agenda-approver], [data-testid=agenda-admin], [data-testid=setup-checklist]"));
    }

    [Fact]
    public async Task ARequesterWithoutAnEmployeeId_IsToldBeforeTryingToRequest()
    {
        var (principal, _) = await RequestFlow.RequesterAsync(fixture.Portal, withEmployeeId: false);
        await using var components = new PortalComponents(fixture.Portal, principal);

        var home = Render(components);

        home.WaitForAssertion(() => Assert.Contains("no employee ID", home.Find("[data-testid=agenda-cannot-request]").TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnApprovedRequest_IsAPickupWithItsDeadline_AndAPendingOneIsShownWaiting()
    {
        var (principal, _) = await RequestFlow.RequesterAsync(fixture.Portal);
        var approved = await RequestFlow.ApprovedRequestAsync(fixture.Portal, principal);
        var deadline = (await RequestFlow.StoredAsync(fixture.Portal, approved)).PickupDeadline!.Value;
        await using var components = new PortalComponents(fixture.Portal, principal);

        var home = Render(components);

        home.WaitForAssertion(() => Assert.Contains($"1 certificate to pick up, before {deadline.ToString("d MMM yyyy, H:mm", System.Globalization.CultureInfo.InvariantCulture)} UTC", home.Find("[data-testid=agenda-pickup]").TextContent, StringComparison.Ordinal));
        Assert.Contains(home.FindAll("a"), a => a.GetAttribute("href") == $"requests/{approved}/pickup");
    }

    [Fact]
    public async Task ACertificateEndingWithinThirtyDays_IsAnnouncedWithRenewal()
    {
        var (principal, user) = await RequestFlow.RequesterAsync(fixture.Portal);
        await RequestFlow.PickedUpAsync(fixture.Portal, principal, fixture.Files);
        await using (var scope = fixture.Portal.Services.CreateAsyncScope())
        {
            // Twenty days left, as the record says (the home page reads the record, not the file).
            var db = scope.ServiceProvider.GetRequiredService<Data.EnrollmentDbContext>();
            var stored = db.Certificates.Single(c => c.UserId == user.Id);
            stored.NotAfter = DateTime.UtcNow.AddDays(20).AddMinutes(-1);
            await db.SaveChangesAsync();
        }
        await using var components = new PortalComponents(fixture.Portal, principal);

        var home = Render(components);

        home.WaitForAssertion(() => Assert.Contains("Your certificate ends in 20 days", home.Find("[data-testid=agenda-expiry]").TextContent, StringComparison.Ordinal));
        Assert.Contains(home.FindAll("a"), a => a.GetAttribute("href") == "requests" && a.TextContent.Trim() == "Renew");
    }

    [Fact]
    public async Task AnApprover_SeesHowManyWait_AndSinceWhen()
    {
        var (requester, _) = await RequestFlow.RequesterAsync(fixture.Portal);
        await RequestFlow.SubmitAsync(fixture.Portal, requester);
        var (approver, _) = await AdminSession.CreateAsync(fixture.Portal, role: Roles.Approver);
        await using var components = new PortalComponents(fixture.Portal, approver);

        var home = Render(components, "ja-JP");

        home.WaitForAssertion(() => Assert.Matches(@"判断待ちの申請が \d+ 件あります", home.Find("[data-testid=agenda-waiting]").TextContent));
        Assert.Contains(home.FindAll("a"), a => a.GetAttribute("href") == "approvals");
    }

    [Fact]
    public async Task AnAdministratorWithoutACertificate_GetsTheChecklist_WithWhatIsDoneAndWhatIsNot()
    {
        await using var scope = fixture.Portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>();
        var email = $"admin-{Guid.NewGuid():N}@example.com";
        var admin = new EnrollmentUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = "First Admin", CreatedAt = DateTime.UtcNow };
        await users.CreateAsync(admin);
        await users.AddToRolesAsync(admin, [Roles.Requester, Roles.Admin]);
        await users.SetTwoFactorEnabledAsync(admin, true);
        await using var components = new PortalComponents(fixture.Portal, await RequestFlow.PrincipalOfAsync(fixture.Portal, admin));

        var home = Render(components);

        var checklist = home.WaitForElement("[data-testid=setup-checklist]");
        string Done(string check) => checklist.QuerySelector($"[data-check={check}]")!.GetAttribute("data-done")!;
        Assert.Equal(("yes", "yes", "no", "no"), (Done("password"), Done("two-factor"), Done("employee-id"), Done("certificate")));
        Assert.Contains($"users update --email {email} --employee-id", checklist.TextContent, StringComparison.Ordinal);
        Assert.NotNull(home.Find("[data-testid=agenda-admin]"));
    }
}
