using Enrollment.Ca.Gate;
using Enrollment.Ca.Revocation;
using Enrollment.Data;
using Enrollment.Data.Entities;
using Enrollment.Web.Features.Approvals;
using Enrollment.Web.Features.Certificates;
using Enrollment.Web.Features.Gate;
using Enrollment.Web.Features.Requests;
using Enrollment.Web.Shared;
using Enrollment.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Enrollment.Web.Tests.Features.Requests;

/// <summary>Approvers decide once, never on their own request, and only with role, two-factor and an own certificate.</summary>
public sealed class ApprovalQueueTests(PortalFixture fixture) : IClassFixture<PortalFixture>
{
    private ApprovalQueue Queue => fixture.Portal.Services.GetRequiredService<ApprovalQueue>();

    [Fact]
    public async Task Approve_OwnRequest_IsRefusedAndTheRequestStaysPending()
    {
        var (approver, connection) = await AdminSession.CreateAsync(fixture.Portal, role: Roles.Approver);
        var id = await RequestFlow.SubmitAsync(fixture.Portal, approver);

        var refusal = await Queue.ApproveAsync(approver, connection, id, "self");

        Assert.Equal(ApprovalQueue.OwnRequest, refusal);
        Assert.Equal(RequestState.Pending, (await RequestFlow.StoredAsync(fixture.Portal, id)).State);
    }

    [Fact]
    public async Task TwoApprovers_DecidingTheSameRequestAtOnce_RecordOneDecisionEveryTime()
    {
        var first = await AdminSession.CreateAsync(fixture.Portal, role: Roles.Approver);
        var second = await AdminSession.CreateAsync(fixture.Portal, role: Roles.Approver);
        var (requester, _) = await RequestFlow.RequesterAsync(fixture.Portal);
        for (var round = 0; round < 10; round++)
        {
            var id = await RequestFlow.SubmitAsync(fixture.Portal, requester);
            // One approves while the other rejects: whichever commits first is the decision.
            var outcomes = await Task.WhenAll(
                Queue.ApproveAsync(first.Principal, first.Connection, id, "first"),
                Queue.RejectAsync(second.Principal, second.Connection, id, "second"));

            Assert.Single(outcomes, o => o is null);
            Assert.Single(outcomes, o => o == ApprovalQueue.AlreadyDecided);
            var stored = await RequestFlow.StoredAsync(fixture.Portal, id);
            Assert.Equal(outcomes[0] is null ? RequestState.Approved : RequestState.Rejected, stored.State);
            await using var scope = fixture.Portal.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>();
            Assert.Equal(1, await db.AuditEvents.CountAsync(e => e.Target == id.ToString() && (e.EventType == "request.approved" || e.EventType == "request.rejected")));
            if (stored.State == RequestState.Approved)
            {
                // An open approval blocks a new request for the profile; picking it up closes it.
                await PickUpAsync(requester, id);
            }
        }
    }

    [Fact]
    public async Task Reject_WithoutAComment_IsRefused()
    {
        var (approver, connection) = await AdminSession.CreateAsync(fixture.Portal, role: Roles.Approver);
        var (requester, _) = await RequestFlow.RequesterAsync(fixture.Portal);
        var id = await RequestFlow.SubmitAsync(fixture.Portal, requester);

        Assert.Equal(ApprovalQueue.CommentRequired, await Queue.RejectAsync(approver, connection, id, "  "));
        Assert.Equal(RequestState.Pending, (await RequestFlow.StoredAsync(fixture.Portal, id)).State);
    }

    [Fact]
    public async Task Decisions_ByARequesterOrAnApproverWithoutTwoFactor_AreRefused()
    {
        var (requester, requesterUser) = await RequestFlow.RequesterAsync(fixture.Portal);
        var (other, _) = await RequestFlow.RequesterAsync(fixture.Portal);
        var id = await RequestFlow.SubmitAsync(fixture.Portal, other);
        var connection = await AdminSession.ConnectionOfAsync(fixture.Portal, requesterUser);

        var refused = await Assert.ThrowsAsync<RoleRequiredException>(() => Queue.ApproveAsync(requester, connection, id, null));
        await Assert.ThrowsAsync<RoleRequiredException>(() => Queue.ListAsync(requester, connection, new QueueQuery(), 0, 20));

        Assert.Equal(Roles.Approver, refused.Role);
        Assert.Equal(RequestState.Pending, (await RequestFlow.StoredAsync(fixture.Portal, id)).State);
    }

    [Fact]
    public async Task Approve_AfterTheApproversCertificateWasRevoked_IsRefusedByTheGate()
    {
        var (approver, connection) = await AdminSession.CreateAsync(fixture.Portal, role: Roles.Approver);
        var (requester, _) = await RequestFlow.RequesterAsync(fixture.Portal);
        var id = await RequestFlow.SubmitAsync(fixture.Portal, requester);
        await Queue.ListAsync(approver, connection, new QueueQuery(), 0, 20);
        await fixture.Portal.Services.GetRequiredService<RevocationService>().RevokeAsync(
            Ca.Serials.SerialNumber.Canonicalize(connection.Certificate!.SerialNumber), RevocationReason.KeyCompromise, "test", null, default);

        var refused = await Assert.ThrowsAsync<CertificateRequiredException>(() => Queue.ApproveAsync(approver, connection, id, null));

        Assert.Equal(GateFailure.Revoked, refused.Result.Verdict.Failure);
        Assert.Equal(RequestState.Pending, (await RequestFlow.StoredAsync(fixture.Portal, id)).State);
    }

    [Fact]
    public async Task List_FiltersByRequesterAndSortsByAge()
    {
        var (approver, connection) = await AdminSession.CreateAsync(fixture.Portal, role: Roles.Approver);
        var (requester, requesterUser) = await RequestFlow.RequesterAsync(fixture.Portal);
        var id = await RequestFlow.SubmitAsync(fixture.Portal, requester);

        var (rows, total) = await Queue.ListAsync(approver, connection, new QueueQuery(Requester: requesterUser.EmployeeId!.ToLowerInvariant()), 0, 20);
        var (oldestFirst, _) = await Queue.ListAsync(approver, connection, new QueueQuery(SortBy: nameof(QueueRow.SubmittedAt)), 0, 100);
        var (tooOld, _) = await Queue.ListAsync(approver, connection, new QueueQuery(Requester: requesterUser.Email, MinimumAgeDays: 1), 0, 20);

        Assert.Equal(1, total);
        Assert.Equal(id, rows.Single().Id);
        Assert.Equal(requesterUser.EmployeeId, rows.Single().EmployeeId);
        Assert.Equal(oldestFirst.Select(r => r.SubmittedAt).Order(), oldestFirst.Select(r => r.SubmittedAt));
        Assert.Empty(tooOld);
    }

    private async Task PickUpAsync(System.Security.Claims.ClaimsPrincipal requester, Guid id)
    {
        var (csr, _) = Testing.Csrs.Make(fixture.Files, Guid.NewGuid().ToString("N"), "P-256");
        var (issued, refusal) = await fixture.Portal.Services.GetRequiredService<Pickup>()
            .IssueFromCsrAsync(requester, id, File.ReadAllBytes(csr), PickupMethod.Csr, null);
        Assert.Null(refusal);
        Assert.NotNull(issued);
    }
}
