using Enrollment.Data.Entities;
using Enrollment.Testing;
using Enrollment.Web.Features.Approvals;
using Enrollment.Web.Features.Requests;
using Enrollment.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;

namespace Enrollment.Web.Tests.Features.Requests;

/// <summary>
/// The certificate subject is fixed on the request, shown to the approver and issued exactly, as
/// the security review demanded: a user who renamed herself after approval, or to a name with a
/// right-to-left override, gets no certificate under that name without a new approval.
/// </summary>
public sealed class SubjectSnapshotTests(PortalFixture fixture) : IClassFixture<PortalFixture>
{
    private Pickup Pickups => fixture.Portal.Services.GetRequiredService<Pickup>();

    [Fact]
    public async Task Submit_ByAUserNamedWithARightToLeftOverride_IsRefused()
    {
        var (requester, user) = await RequestFlow.RequesterAsync(fixture.Portal);
        await RenameAsync(user, "Alice\u202Egpj.exe");

        var (id, refusal) = await fixture.Portal.Services.GetRequiredService<MyRequests>()
            .SubmitAsync(requester, "privileged-access", RequestFlow.Justification, null);

        Assert.Null(id);
        Assert.Equal("subject.display-name-characters", refusal?.Code);
    }

    [Theory]
    [InlineData("Alice\u202Egpj.exe")]
    [InlineData("Eve, O=Another Org")]
    [InlineData("Mallory\u200B")]
    [InlineData("#Mallory")]
    public void Name_WithDirectionControlOrDnCharacters_IsRefused(string name)
    {
        Assert.Equal("subject.display-name-characters", Ca.Issuance.CertificateSubject.CheckName(name)?.Code);
    }

    [Theory]
    [InlineData("山田 太郎")]
    [InlineData("Zoë O'Brien-Łukasiewicz")]
    public void Name_OfOrdinaryPeople_IsAccepted(string name)
    {
        Assert.Null(Ca.Issuance.CertificateSubject.CheckName(name));
    }

    [Fact]
    public async Task ApprovalQueue_ShowsTheSubjectTheCertificateWillCarry()
    {
        var (requester, user) = await RequestFlow.RequesterAsync(fixture.Portal);
        var id = await RequestFlow.SubmitAsync(fixture.Portal, requester);
        var (approver, connection) = await AdminSession.CreateAsync(fixture.Portal, role: Web.Shared.Roles.Approver);

        var (rows, _) = await fixture.Portal.Services.GetRequiredService<ApprovalQueue>()
            .ListAsync(approver, connection, new QueueQuery(Requester: user.Email), 0, 10);

        var subject = Assert.Single(rows, r => r.Id == id).Subject;
        // Without a UPN of its own the certificate carries the e-mail as UPN, and the approver reads exactly that.
        Assert.Equal(new RequestSubject(user.DisplayName, "Enrollment", user.EmployeeId!, user.Email!, user.Email!), subject);
    }

    [Fact]
    public async Task Pickup_AfterTheRequesterRenamedThemselves_GoesBackToTheApproversAndIssuesNothing()
    {
        var (requester, user) = await RequestFlow.RequesterAsync(fixture.Portal);
        var id = await RequestFlow.ApprovedRequestAsync(fixture.Portal, requester);
        var approvedName = user.DisplayName;
        await RenameAsync(user, "Somebody Else");
        var (csr, _) = Csrs.Make(fixture.Files, $"renamed-{id:N}", "P-256");

        var (issued, refusal) = await Pickups.IssueFromCsrAsync(requester, id, File.ReadAllBytes(csr), PickupMethod.Csr, null);

        Assert.Null(issued);
        Assert.Equal("pickup.subject-changed", refusal?.Code);
        var stored = await RequestFlow.StoredAsync(fixture.Portal, id);
        Assert.Equal(RequestState.Pending, stored.State);
        Assert.Null(stored.CertificateSerial);
        Assert.Equal("Somebody Else", stored.Subject?.CommonName);
        Assert.NotEqual(approvedName, stored.Subject?.CommonName);
    }

    [Fact]
    public async Task Pickup_AfterANewApprovalOfTheNewName_IssuesExactlyThatName()
    {
        var (requester, user) = await RequestFlow.RequesterAsync(fixture.Portal);
        var id = await RequestFlow.ApprovedRequestAsync(fixture.Portal, requester);
        await RenameAsync(user, "Renamed Requester");
        var (csr, _) = Csrs.Make(fixture.Files, $"reapproved-{id:N}", "P-256");
        await Pickups.IssueFromCsrAsync(requester, id, File.ReadAllBytes(csr), PickupMethod.Csr, null);
        var (approver, connection) = await AdminSession.CreateAsync(fixture.Portal, role: Web.Shared.Roles.Approver);
        Assert.Null(await fixture.Portal.Services.GetRequiredService<ApprovalQueue>().ApproveAsync(approver, connection, id, "new name seen"));

        var (issued, refusal) = await Pickups.IssueFromCsrAsync(requester, id, File.ReadAllBytes(csr), PickupMethod.Csr, null);

        Assert.Null(refusal);
        Assert.Equal("Renamed Requester", issued!.Certificate.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.SimpleName, false));
    }

    private async Task RenameAsync(EnrollmentUser user, string name)
    {
        await using var scope = fixture.Portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>();
        var stored = (await users.FindByIdAsync(user.Id))!;
        stored.DisplayName = name;
        Assert.True((await users.UpdateAsync(stored)).Succeeded);
    }
}
