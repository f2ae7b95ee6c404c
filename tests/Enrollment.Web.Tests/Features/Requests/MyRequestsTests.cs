using Enrollment.Data;
using Enrollment.Data.Entities;
using Enrollment.Web.Features.Account;
using Enrollment.Web.Features.Approvals;
using Enrollment.Web.Features.Requests;
using Enrollment.Web.Shared;
using Enrollment.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Enrollment.Web.Tests.Features.Requests;

public sealed class MyRequestsTests(PortalFixture fixture) : IClassFixture<PortalFixture>
{
    private MyRequests Requests => fixture.Portal.Services.GetRequiredService<MyRequests>();

    [Fact]
    public async Task Submit_ByAUserWithoutAnEmployeeId_IsRefusedWithTheReason()
    {
        var (requester, user) = await RequestFlow.RequesterAsync(fixture.Portal, withEmployeeId: false);

        var (id, refusal) = await Requests.SubmitAsync(requester, "privileged-access", RequestFlow.Justification, null);

        Assert.Null(id);
        Assert.Equal(MyRequests.NoEmployeeId, refusal);
        Assert.Equal(0, await CountAsync(r => r.RequesterId == user.Id));
    }

    [Theory]
    [InlineData("too short")]
    [InlineData("          padded          ")]
    public async Task Submit_WithATooShortJustification_IsRefused(string justification)
    {
        var (requester, _) = await RequestFlow.RequesterAsync(fixture.Portal);

        Assert.Equal(MyRequests.JustificationLength, (await Requests.SubmitAsync(requester, "privileged-access", justification, null)).Refusal);
        Assert.Equal(MyRequests.JustificationLength, (await Requests.SubmitAsync(requester, "privileged-access", new string('x', 1001), null)).Refusal);
        Assert.Equal(MyRequests.UnknownProfile, (await Requests.SubmitAsync(requester, "root-ca", RequestFlow.Justification, null)).Refusal);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task Submit_DoubleClicked_RecordsOneRequest_EveryRound(DatabaseProvider provider)
    {
        await using var portal = await RunningPortal.StartAsync(PortalDatabases.For(provider));
        var requests = portal.Services.GetRequiredService<MyRequests>();
        for (var round = 0; round < 5; round++)
        {
            var (requester, user) = await RequestFlow.RequesterAsync(portal);

            var outcomes = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => requests.SubmitAsync(requester, "privileged-access", RequestFlow.Justification, null)));

            Assert.Single(outcomes, o => o.Id is not null);
            Assert.All(outcomes.Where(o => o.Id is null), o => Assert.Equal(MyRequests.AlreadyOpen, o.Refusal));
            await using var db = await portal.Services.GetRequiredService<IDbContextFactory<EnrollmentDbContext>>().CreateDbContextAsync();
            Assert.Equal(1, await db.Requests.CountAsync(r => r.RequesterId == user.Id));
        }
    }

    [Fact]
    public async Task Cancel_APendingRequest_RemovesItFromTheQueue_AndAnApprovalAfterwardsIsRefused()
    {
        var (requester, _) = await RequestFlow.RequesterAsync(fixture.Portal);
        var (stranger, _) = await RequestFlow.RequesterAsync(fixture.Portal);
        var id = await RequestFlow.SubmitAsync(fixture.Portal, requester);
        var (approver, connection) = await AdminSession.CreateAsync(fixture.Portal, role: Roles.Approver);

        Assert.Equal(MyRequests.NotCancellable, await Requests.CancelAsync(stranger, id, null));
        Assert.Null(await Requests.CancelAsync(requester, id, null));
        var refusal = await fixture.Portal.Services.GetRequiredService<ApprovalQueue>().ApproveAsync(approver, connection, id, null);

        Assert.Equal(ApprovalQueue.AlreadyDecided, refusal);
        var (rows, _) = await Requests.ListAsync(requester, 0, 10);
        Assert.Equal(RequestState.Cancelled, rows.Single(r => r.Id == id).State);
    }

    [Fact]
    public async Task Submit_ARenewal_OfAnOwnCertificateIsRecorded_OfAnotherUsersIsRefused()
    {
        var (requester, user) = await RequestFlow.RequesterAsync(fixture.Portal);
        var (_, otherUser) = await RequestFlow.RequesterAsync(fixture.Portal);
        var (serial, _) = await fixture.IssueAsync(user);
        var (othersSerial, _) = await fixture.IssueAsync(otherUser);

        var refused = await Requests.SubmitAsync(requester, "privileged-access", RequestFlow.Justification, null, othersSerial);
        var (id, refusal) = await Requests.SubmitAsync(requester, "privileged-access", RequestFlow.Justification, null, serial.ToLowerInvariant());

        Assert.Equal(MyRequests.NotRenewable, refused.Refusal);
        Assert.Null(refusal);
        Assert.Equal(serial, (await RequestFlow.StoredAsync(fixture.Portal, id!.Value)).RenewalOf);
    }

    [Fact]
    public async Task Mail_TellsApproversOfARequest_AndTheRequesterOfTheDecision_InJapaneseAndEnglish()
    {
        var (approver, connection) = await AdminSession.CreateAsync(fixture.Portal, role: Roles.Approver);
        await ConfirmEmailAsync(approver);
        var (requester, user) = await RequestFlow.RequesterAsync(fixture.Portal);

        var id = await RequestFlow.SubmitAsync(fixture.Portal, requester);
        var toApprover = MailTo(approver.FindFirst(System.Security.Claims.ClaimTypes.Email)!.Value);
        Assert.Null(await fixture.Portal.Services.GetRequiredService<ApprovalQueue>().ApproveAsync(approver, connection, id, "fine"));
        var toRequester = MailTo(user.Email!);

        Assert.Contains(user.EmployeeId!, toApprover, StringComparison.Ordinal);
        Assert.Contains(RequestFlow.Justification, toApprover, StringComparison.Ordinal);
        // The profile in each language's words and order.
        Assert.Contains("から特権アクセス証明書の申請がありました", toApprover, StringComparison.Ordinal);
        Assert.Contains("requested a certificate for Privileged access", toApprover, StringComparison.Ordinal);
        Assert.DoesNotContain("privileged-access", toApprover, StringComparison.Ordinal);
        Assert.Contains($"requests/{id}/pickup", toRequester, StringComparison.Ordinal);
        Assert.Contains("approved", toRequester, StringComparison.Ordinal);
        Assert.Contains("承認", toRequester, StringComparison.Ordinal);
    }

    private async Task ConfirmEmailAsync(System.Security.Claims.ClaimsPrincipal principal)
    {
        await using var scope = fixture.Portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<EnrollmentUser>>();
        var user = (await users.GetUserAsync(principal))!;
        user.EmailConfirmed = true;
        await users.UpdateAsync(user);
    }

    private string MailTo(string address) =>
        Testing.MailText.NewestTo(fixture.Portal.Services.GetRequiredService<PickupEmailSender>().PickupDirectory, address)
        ?? throw new Xunit.Sdk.XunitException($"no mail to {address}");

    private async Task<int> CountAsync(System.Linq.Expressions.Expression<Func<EnrollmentRequest, bool>> predicate)
    {
        await using var scope = fixture.Portal.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>().Requests.CountAsync(predicate);
    }
}
