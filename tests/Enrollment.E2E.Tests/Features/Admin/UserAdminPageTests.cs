using Enrollment.Data;
using Enrollment.E2E.Tests.Infrastructure;
using Enrollment.Web.Features.Admin.Users;
using Enrollment.Web.Features.Gate;
using Enrollment.Web.Shared;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Enrollment.E2E.Tests.Features.Admin;

public sealed class UserAdminPageTests(BrowserPortalFixture fixture) : IClassFixture<BrowserPortalFixture>
{
    [Fact]
    public async Task Admin_FindsAUserAndMakesThemAnApprover()
    {
        var page = await fixture.NewAdminPageAsync("grid-admin@example.com");
        var target = await fixture.AddUserAsync("grid-target@example.com");

        await page.GotoAsync("admin/users");
        await BrowserPortalFixture.WaitUntilInteractiveAsync(page);
        await page.GetByLabel("Search").FillAsync("grid-target");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Assertions.Expect(page.Locator("tbody tr")).ToHaveCountAsync(1);
        await BrowserPortalFixture.SelectUserRowAsync(page, "grid-target@example.com");
        await page.GetByLabel("Approver", new() { Exact = true }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();

        await Assertions.Expect(page.GetByTestId("users-message")).ToContainTextAsync("Saved.");
        await Assertions.Expect(page.Locator("tr", new() { HasText = "grid-target@example.com" })).ToContainTextAsync("Approver");
        await using var scope = fixture.Portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<Data.Entities.EnrollmentUser>>();
        Assert.True(await users.IsInRoleAsync((await users.FindByIdAsync(target.Id))!, Roles.Approver));
        var db = scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>();
        Assert.True(await db.AuditEvents.AnyAsync(e => e.EventType == "role.changed" && e.Target == target.Id && e.Actor == "grid-admin@example.com"));
    }

    [Fact]
    public async Task Admin_DemotedWhileThePageIsOpen_IsRefusedAtTheNextAction()
    {
        var page = await fixture.NewAdminPageAsync("demoted-admin@example.com");
        await fixture.AddUserAsync("bystander@example.com");
        await page.GotoAsync("admin/users");
        await BrowserPortalFixture.WaitUntilInteractiveAsync(page);
        await BrowserPortalFixture.SelectUserRowAsync(page, "bystander@example.com");

        await using (var scope = fixture.Portal.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<Data.Entities.EnrollmentUser>>();
            var demoted = (await users.FindByEmailAsync("demoted-admin@example.com"))!;
            await users.RemoveFromRoleAsync(demoted, Roles.Admin);
        }
        await page.GetByLabel("Administrator", new() { Exact = true }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();

        await Assertions.Expect(page.GetByTestId("user-refusal")).ToContainTextAsync("Only an administrator");
        await using var check = fixture.Portal.Services.CreateAsyncScope();
        var manager = check.ServiceProvider.GetRequiredService<UserManager<Data.Entities.EnrollmentUser>>();
        Assert.False(await manager.IsInRoleAsync((await manager.FindByEmailAsync("bystander@example.com"))!, Roles.Admin));
    }

    [Fact]
    public async Task Admin_WithoutACertificate_IsSentToTheCertificateCheck()
    {
        var page = await fixture.NewPageAsync();
        await fixture.SignInWithTwoFactorAsync(page, "certless-admin@example.com", "en-US", Roles.Admin);

        await page.GotoAsync("admin/users");

        await page.WaitForURLAsync("**/account/certificate");
        await Assertions.Expect(page.Locator("[data-verdict]")).ToHaveAttributeAsync("data-verdict", "NoCertificate");
    }

    [Fact]
    public async Task Admin_CertificateRevokedWhileThePageIsOpen_IsRefusedAtTheNextActionWithTheRevocationGuidance()
    {
        var page = await fixture.NewAdminPageAsync("revoked-midway@example.com");
        await fixture.AddUserAsync("untouched@example.com");
        await page.GotoAsync("admin/users");
        await BrowserPortalFixture.WaitUntilInteractiveAsync(page);
        await BrowserPortalFixture.SelectUserRowAsync(page, "untouched@example.com");

        await using (var scope = fixture.Portal.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>();
            var admin = await fixture.FindAsync("revoked-midway@example.com");
            var serial = await db.Certificates.Where(c => c.UserId == admin.Id).Select(c => c.SerialNumber).SingleAsync();
            await scope.ServiceProvider.GetRequiredService<Web.Features.Certificates.RevocationService>()
                .RevokeAsync(serial, Ca.Revocation.RevocationReason.KeyCompromise, "test", null, default);
        }
        await page.GetByLabel("Approver", new() { Exact = true }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();

        await Assertions.Expect(page.GetByTestId("user-refusal")).ToContainTextAsync("Your certificate was revoked.");
        await Assertions.Expect(page.GetByTestId("user-refusal")).ToContainTextAsync("Reference code");
        await using var check = fixture.Portal.Services.CreateAsyncScope();
        var users = check.ServiceProvider.GetRequiredService<UserManager<Data.Entities.EnrollmentUser>>();
        Assert.False(await users.IsInRoleAsync((await users.FindByEmailAsync("untouched@example.com"))!, Roles.Approver));
    }

    [Fact]
    public async Task Requester_OpeningTheUserAdminPage_IsDenied()
    {
        await fixture.AddUserAsync("nosy@example.com");
        var page = await fixture.NewPageAsync();
        await BrowserPortalFixture.SignInWithPasswordAsync(page, "nosy@example.com");

        await page.GotoAsync("admin/users");

        await page.WaitForURLAsync("**/account/access-denied**");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Access denied");
    }

    [Fact]
    public async Task Anonymous_OpeningTheUserAdminPage_IsSentToSignIn()
    {
        var page = await fixture.NewPageAsync();

        await page.GotoAsync("admin/users");

        await page.WaitForURLAsync("**/account/login?ReturnUrl=%2Fadmin%2Fusers");
    }

    [Fact]
    public async Task DisabledUser_LosesTheSessionWithinTheRevalidationInterval()
    {
        var user = await fixture.AddUserAsync("soon-disabled@example.com");
        var page = await fixture.NewPageAsync();
        await BrowserPortalFixture.SignInWithPasswordAsync(page, "soon-disabled@example.com");
        await page.GotoAsync("account/manage");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Your account");

        await using (var scope = fixture.Portal.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<Data.Entities.EnrollmentUser>>();
            var admin = await fixture.AddUserAsync("disabling-admin@example.com", Roles.Admin);
            var stored = (await users.FindByIdAsync(admin.Id))!;
            await users.SetTwoFactorEnabledAsync(stored, true);
            var principal = await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<Data.Entities.EnrollmentUser>>().CreateAsync(stored);
            var connection = new ConnectionCertificate((await fixture.IssueAsync(stored)).Certificate, "127.0.0.1");
            Assert.Null(await scope.ServiceProvider.GetRequiredService<UserAdministration>().SetDisabledAsync(principal, connection, user.Id, true));
        }
        await Task.Delay(TimeSpan.FromSeconds(BrowserPortalFixture.RevalidationSeconds + 1));
        await page.GotoAsync("account/manage");

        await page.WaitForURLAsync("**/account/login**");
    }
}
