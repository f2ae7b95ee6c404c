using Enrollment.Data;
using Enrollment.E2E.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Enrollment.E2E.Tests.Features.Admin;

public sealed class AuditPageTests(BrowserPortalFixture fixture) : IClassFixture<BrowserPortalFixture>
{
    [Fact]
    public async Task Admin_FiltersTheLogAndVerifiesTheChain_ThenSeesATamperedRow()
    {
        var page = await fixture.NewAdminPageAsync("audit-page-admin@example.com");
        await page.GotoAsync("admin/audit");
        await BrowserPortalFixture.WaitUntilInteractiveAsync(page);

        await page.GetByLabel("Event").FillAsync("signin.succeeded");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await page.Locator("[data-grid-state=ready]").WaitForAsync();
        await Assertions.Expect(page.Locator("tbody tr").First).ToContainTextAsync("audit-page-admin@example.com");
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify the chain" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("audit-message")).ToContainTextAsync("intact");

        long victim;
        await using (var scope = fixture.Portal.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>();
            victim = await db.AuditEvents.OrderBy(e => e.Id).Skip(2).Select(e => e.Id).FirstAsync();
            await db.Database.ExecuteSqlAsync($"UPDATE AuditEvents SET Details = 'rewritten' WHERE Id = {victim}");
        }
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify the chain" }).ClickAsync();

        await Assertions.Expect(page.GetByTestId("audit-message")).ToContainTextAsync($"broken at event {victim}");
    }

    [Fact]
    public async Task ReferenceCodeOfARefusal_IsFoundByAnAdminInTheAuditLog()
    {
        var owner = await fixture.AddUserAsync("audit-code-owner@example.com");
        var visitor = await fixture.AddUserAsync("audit-code-visitor@example.com");
        var refused = await fixture.NewPageWithCertificateAsync(await fixture.IssueAsync(owner));
        await BrowserPortalFixture.SignInWithPasswordAsync(refused, visitor.Email!);
        await refused.GotoAsync("account/certificate");
        var code = await refused.GetByTestId("reference-code").InnerTextAsync();

        var page = await fixture.NewAdminPageAsync("audit-code-admin@example.com");
        await page.GotoAsync("admin/audit");
        await BrowserPortalFixture.WaitUntilInteractiveAsync(page);
        await page.GetByLabel("Target").FillAsync(code.ToLowerInvariant());
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await page.Locator("[data-grid-state=ready]").WaitForAsync();

        var rows = page.Locator("tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(rows.First).ToContainTextAsync("gate.refused");
        await Assertions.Expect(rows.First).ToContainTextAsync("audit-code-visitor@example.com");
        await Assertions.Expect(rows.First).ToContainTextAsync("Failure AnotherUser");
    }

    [Fact]
    public async Task Requester_OpeningTheAuditLog_IsDenied()
    {
        await fixture.AddUserAsync("audit-nosy@example.com");
        var page = await fixture.NewPageAsync();
        await BrowserPortalFixture.SignInWithPasswordAsync(page, "audit-nosy@example.com");

        await page.GotoAsync("admin/audit");

        await page.WaitForURLAsync("**/account/access-denied**");
    }
}
