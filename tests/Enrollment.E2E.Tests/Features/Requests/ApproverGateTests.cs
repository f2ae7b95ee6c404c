using Enrollment.Ca.Revocation;
using Enrollment.Data.Entities;
using Enrollment.E2E.Tests.Infrastructure;
using Enrollment.Web.Features.Certificates;
using Enrollment.Web.Shared;
using Enrollment.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Enrollment.E2E.Tests.Features.Requests;

/// <summary>The approver queue is a privileged page: role, two-factor and an own valid certificate, judged at every decision.</summary>
public sealed class ApproverGateTests(BrowserPortalFixture fixture) : IClassFixture<BrowserPortalFixture>
{
    [Fact]
    public async Task ApproversOwnCertificate_ReachesTheApproverQueue()
    {
        var page = await fixture.NewPrivilegedPageAsync("gate-approver-own@example.com", Roles.Approver);

        await page.GotoAsync("approvals");
        await BrowserPortalFixture.WaitUntilInteractiveAsync(page);

        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/approvals$"));
        await Assertions.Expect(page.Locator("[data-grid-state=ready]")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("queue-message")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task ApproverWithAnOpenQueue_WhoseCertificateIsRevoked_IsRefusedAtTheNextDecisionWithTheRevokedGuidance()
    {
        var approverUser = await fixture.AddUserAsync("gate-approver@example.com");
        var issued = await fixture.IssueAsync(approverUser);
        var page = await fixture.NewPageWithCertificateAsync(issued);
        await fixture.SignInWithTwoFactorAsync(page, approverUser.Email!, "en-US", Roles.Approver);
        var requesterUser = await fixture.AddUserAsync("gate-requester@example.com");
        var id = await RequestFlow.SubmitAsync(fixture.Portal, await RequestFlow.PrincipalOfAsync(fixture.Portal, requesterUser));
        await page.GotoAsync("approvals");
        await BrowserPortalFixture.WaitUntilInteractiveAsync(page);
        await page.Locator("[data-grid-state=ready]").WaitForAsync();
        await page.Locator("td", new() { HasText = requesterUser.Email! }).ClickAsync();

        await fixture.Portal.Services.GetRequiredService<RevocationService>().RevokeAsync(
            Ca.Serials.SerialNumber.Canonicalize(issued.Certificate.SerialNumber), RevocationReason.KeyCompromise, "test", null, default);
        await page.GetByRole(AriaRole.Button, new() { Name = "Approve", Exact = true }).ClickAsync();

        await Assertions.Expect(page.GetByTestId("queue-message")).ToContainTextAsync("Your certificate was revoked.");
        Assert.Matches("Reference code: [A-Z2-9]{8}", await page.GetByTestId("queue-message").InnerTextAsync());
        Assert.Equal(RequestState.Pending, (await RequestFlow.StoredAsync(fixture.Portal, id)).State);
    }

    [Fact]
    public async Task ApproverWithoutACertificate_IsSentToTheCertificateCheck()
    {
        var page = await fixture.NewPageAsync();
        await fixture.SignInWithTwoFactorAsync(page, "gate-approver-bare@example.com", "en-US", Roles.Approver);

        await page.GotoAsync("approvals");

        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/certificate$"));
        await Assertions.Expect(page.Locator("[data-verdict]")).ToHaveAttributeAsync("data-verdict", "NoCertificate");
    }

    [Fact]
    public async Task Requester_OpeningTheQueue_IsDenied()
    {
        var user = await fixture.AddUserAsync("gate-plain-requester@example.com");
        var page = await fixture.NewPageWithCertificateAsync(await fixture.IssueAsync(user));
        await BrowserPortalFixture.SignInWithPasswordAsync(page, user.Email!);

        await page.GotoAsync("approvals");

        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/access-denied"));
    }
}
