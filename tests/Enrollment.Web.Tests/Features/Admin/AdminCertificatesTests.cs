using System.Security.Claims;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Enrollment.Ca.Ocsp;
using Enrollment.Ca.Revocation;
using Enrollment.Data.Entities;
using Enrollment.Web.Features.Admin.Certificates;
using Enrollment.Web.Features.Certificates;
using Enrollment.Web.Features.Gate;
using Enrollment.Web.Features.Requests;
using Enrollment.Web.Shared;
using Enrollment.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;

namespace Enrollment.Web.Tests.Features.Admin;

public sealed class AdminCertificatesTests(PortalFixture fixture) : IClassFixture<PortalFixture>
{
    [Fact]
    public async Task List_BySerialInLowerCaseWithColons_FindsTheCertificate()
    {
        var (admin, connection) = await AdminAsync();
        var owner = await fixture.AddUserAsync($"owner-{Guid.NewGuid():N}@example.com", "O-" + Guid.NewGuid().ToString("N")[..8]);
        var (serial, _) = await fixture.IssueAsync(owner);
        var typed = string.Join(':', serial.ToLowerInvariant().Chunk(2).Select(c => new string(c)));

        var (rows, total) = await Service().ListAsync(admin, connection, new CertificateQuery(typed), 0, 20);

        Assert.Equal(1, total);
        Assert.Equal(serial, rows.Single().Serial);
        Assert.Equal(owner.Email, rows.Single().OwnerEmail);
    }

    [Fact]
    public async Task Revoke_ByAnAdmin_ReachesOcspAndTheStatusFilterAndCannotBeRepeated()
    {
        var (admin, connection) = await AdminAsync();
        var owner = await fixture.AddUserAsync($"revokee-{Guid.NewGuid():N}@example.com", "R-" + Guid.NewGuid().ToString("N")[..8]);
        var (serial, _) = await fixture.IssueAsync(owner);

        var first = await Service().RevokeAsync(admin, connection, serial.ToLowerInvariant(), RevocationReason.AffiliationChanged);
        var second = await Service().RevokeAsync(admin, connection, serial, RevocationReason.KeyCompromise);

        Assert.Null(first);
        Assert.Equal("revocation.already", second?.Code);
        var status = await fixture.Portal.Services.GetRequiredService<ICertificateStatusSource>().FindAsync(fixture.Authority.IssuerKeyId, serial, default);
        Assert.Equal((CertificateState.Revoked, RevocationReason.AffiliationChanged), (status.State, status.Reason));
        var (revoked, _) = await Service().ListAsync(admin, connection, new CertificateQuery(owner.Email, CertificateStatusFilter.Revoked), 0, 20);
        Assert.Equal(serial, revoked.Single().Serial);
    }

    [Fact]
    public async Task RevokeAllOfUser_EmployeeLeft_RevokesEveryValidCertificate()
    {
        var (admin, connection) = await AdminAsync();
        var leaver = await fixture.AddUserAsync($"leaver-{Guid.NewGuid():N}@example.com", "L-" + Guid.NewGuid().ToString("N")[..8]);
        await fixture.IssueAsync(leaver);
        await fixture.IssueAsync(leaver);

        var count = await Service().RevokeAllOfUserAsync(admin, connection, leaver.Id, RevocationReason.AffiliationChanged);

        Assert.Equal(2, count);
        var (valid, _) = await Service().ListAsync(admin, connection, new CertificateQuery(leaver.Email, CertificateStatusFilter.Valid), 0, 20);
        Assert.Empty(valid);
    }

    [Fact]
    public async Task EveryAction_ByARequester_IsRefused()
    {
        var requester = await fixture.AddUserAsync($"nosy-{Guid.NewGuid():N}@example.com", "N-" + Guid.NewGuid().ToString("N")[..8]);
        await using var scope = fixture.Portal.Services.CreateAsyncScope();
        var principal = await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<EnrollmentUser>>().CreateAsync(requester);
        var none = new ConnectionCertificate(null, null);

        await Assert.ThrowsAsync<RoleRequiredException>(() => Service().ListAsync(principal, none, new CertificateQuery(), 0, 20));
        await Assert.ThrowsAsync<RoleRequiredException>(() => Service().RevokeAsync(principal, none, "0A0B", RevocationReason.KeyCompromise));
        await Assert.ThrowsAsync<RoleRequiredException>(() => Service().RevokeAllOfUserAsync(principal, none, requester.Id, RevocationReason.KeyCompromise));
    }

    [Fact]
    public async Task EveryAction_ByAnApproverWithTwoFactorAndOwnCertificate_IsRefused()
    {
        var (approver, connection) = await AdminSession.CreateAsync(fixture.Portal, role: Roles.Approver);
        var owner = await fixture.AddUserAsync($"kept-{Guid.NewGuid():N}@example.com", "K-" + Guid.NewGuid().ToString("N")[..8]);
        var (serial, _) = await fixture.IssueAsync(owner);

        await Assert.ThrowsAsync<RoleRequiredException>(() => Service().ListAsync(approver, connection, new CertificateQuery(), 0, 20));
        await Assert.ThrowsAsync<RoleRequiredException>(() => Service().DetailsAsync(approver, connection, serial));
        await Assert.ThrowsAsync<RoleRequiredException>(() => Service().ExportAsync(approver, connection, new CertificateQuery(), Stream.Null, default));
        await Assert.ThrowsAsync<RoleRequiredException>(() => Service().RevokeAsync(approver, connection, serial, RevocationReason.KeyCompromise));
        await Assert.ThrowsAsync<RoleRequiredException>(() => Service().RevokeAllOfUserAsync(approver, connection, owner.Id, RevocationReason.KeyCompromise));
        var status = await fixture.Portal.Services.GetRequiredService<ICertificateStatusSource>().FindAsync(fixture.Authority.IssuerKeyId, serial, default);
        Assert.Equal(CertificateState.Good, status.State);
    }

    [Fact]
    public async Task List_SortedAndFilteredByDates_UsesTheRangeAndTheChosenOrder()
    {
        var (admin, connection) = await AdminAsync();
        var owner = await fixture.AddUserAsync($"dated-{Guid.NewGuid():N}@example.com", "D-" + Guid.NewGuid().ToString("N")[..8]);
        var first = (await fixture.IssueAsync(owner)).Serial;
        var second = (await fixture.IssueAsync(owner)).Serial;
        var today = DateOnly.FromDateTime(DateTime.UtcNow);

        var (oldestFirst, _) = await Service().ListAsync(admin, connection, new CertificateQuery(owner.Email, Sort: CertificateSort.Issued, Descending: false), 0, 20);
        var (newestFirst, _) = await Service().ListAsync(admin, connection, new CertificateQuery(owner.Email), 0, 20);
        var (issuedToday, _) = await Service().ListAsync(admin, connection, new CertificateQuery(owner.Email, IssuedFrom: today, IssuedTo: today), 0, 20);
        var (issuedTomorrow, _) = await Service().ListAsync(admin, connection, new CertificateQuery(owner.Email, IssuedFrom: today.AddDays(1)), 0, 20);
        var (expiringThisMonth, _) = await Service().ListAsync(admin, connection, new CertificateQuery(owner.Email, ExpiresTo: today.AddDays(30)), 0, 20);

        Assert.Equal([first, second], oldestFirst.Select(r => r.Serial));
        Assert.Equal([second, first], newestFirst.Select(r => r.Serial));
        Assert.Equal(2, issuedToday.Count);
        Assert.Empty(issuedTomorrow);
        // The test profile lasts a year: nothing of this owner ends within thirty days.
        Assert.Empty(expiringThisMonth);
    }

    [Theory]
    [InlineData("\uFF1D1+1")]
    [InlineData("\uFF0BSUM(A1)")]
    [InlineData("\uFF20A1")]
    [InlineData("\uFF0D1")]
    public async Task Export_DefusesFullWidthFormulaSigns(string name)
    {
        var (admin, connection) = await AdminAsync();
        var owner = await fixture.AddUserAsync($"csv-wide-{Guid.NewGuid():N}@example.com", "W-" + Guid.NewGuid().ToString("N")[..8]);
        await RenameAsync(owner.Id, name);
        await fixture.IssueAsync(owner);
        using var output = new MemoryStream();

        await Service().ExportAsync(admin, connection, new CertificateQuery(owner.Email), output, default);

        var row = System.Text.Encoding.UTF8.GetString(output.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries)[1];
        Assert.Contains($",{owner.Email},'{name},", row);
    }

    [Fact]
    public async Task Export_WritesEveryRowOfTheFilterAsCsv_AndDefusesFormulas()
    {
        var (admin, connection) = await AdminAsync();
        var owner = await fixture.AddUserAsync($"csv-{Guid.NewGuid():N}@example.com", "C-" + Guid.NewGuid().ToString("N")[..8]);
        await RenameAsync(owner.Id, "=HYPERLINK(\"http://evil\",\"x, y\")");
        var serials = new[] { (await fixture.IssueAsync(owner)).Serial, (await fixture.IssueAsync(owner)).Serial };
        Assert.Null(await Service().RevokeAsync(admin, connection, serials[0], RevocationReason.Superseded));
        using var output = new MemoryStream();

        var count = await Service().ExportAsync(admin, connection, new CertificateQuery(owner.Email, Sort: CertificateSort.Issued, Descending: false), output, default);

        var lines = System.Text.Encoding.UTF8.GetString(output.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, count);
        Assert.Equal(CertificateCsv.Header, lines[0]);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith($"{serials[0]},{owner.Email},\"'=HYPERLINK(\"\"http://evil\"\",\"\"x, y\"\")\",", lines[1]);
        Assert.Contains(",revoked,", lines[1]);
        Assert.Contains(",superseded,", lines[1]);
        Assert.Contains(",valid,", lines[2]);
        var (events, _) = await fixture.Portal.Services.GetRequiredService<Web.Features.Admin.Audit.AuditLog>()
            .ListAsync(admin, connection, new Web.Features.Admin.Audit.AuditFilter(EventType: "certificates.exported"), 0, 100);
        Assert.Contains(events, e => e.Details.Contains("rows=2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Details_DecodeTheCertificate_AndTellItsRequestAndApproval()
    {
        var (admin, connection) = await AdminAsync();
        var (requester, user) = await RequestFlow.RequesterAsync(fixture.Portal);
        var id = await RequestFlow.ApprovedRequestAsync(fixture.Portal, requester);
        var (_, picked, refusal) = await fixture.Portal.Services.GetRequiredService<Pickup>()
            .IssueServerPkcs12Async(requester, id, Ca.Packaging.ServerKeyType.EcdsaP256, "long enough password", "192.0.2.7");
        Assert.Null(refusal);

        var details = await Service().DetailsAsync(admin, connection, picked!.Serial.ToLowerInvariant());

        Assert.NotNull(details);
        Assert.Equal(picked.Certificate.ExportCertificatePem(), details.Pem);
        var fields = details.Fields.ToDictionary(f => f.Label, f => f.Value);
        Assert.Contains(user.EmployeeId!, fields["Subject"], StringComparison.Ordinal);
        Assert.Equal("ECDSA P-256 (256 bit)", fields["PublicKey"]);
        Assert.Equal(picked.Certificate.GetCertHashString(HashAlgorithmName.SHA256).Length / 2 * 3 - 1, fields["FingerprintSha256"].Length);
        Assert.Contains(details.Extensions, e => e.Oid == "2.5.29.37" && e.Value.Contains("Client Authentication", StringComparison.Ordinal));
        Assert.Contains(details.Extensions, e => e.Oid == "2.5.29.19" && e.Critical);
        Assert.Equal(id, details.Request!.Request.Id);
        Assert.Equal(user.Email, details.Request.RequesterEmail);
        Assert.Equal(RequestState.Issued, details.Request.Request.State);
        Assert.Equal("ok", details.Request.Request.DecisionComment);
        Assert.Equal(["request.submitted", "request.approved", "certificate.issued", "request.picked-up"],
            details.Events.Select(e => e.EventType).Where(e => e.StartsWith("request.", StringComparison.Ordinal) || e == "certificate.issued"));
        Assert.Null(await Service().DetailsAsync(admin, connection, "0102030405"));
        Assert.Null(await Service().DetailsAsync(admin, connection, "not hex"));
    }

    private async Task RenameAsync(string userId, string displayName)
    {
        await using var scope = fixture.Portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>();
        var user = (await users.FindByIdAsync(userId))!;
        user.DisplayName = displayName;
        Assert.True((await users.UpdateAsync(user)).Succeeded);
    }

    private AdminCertificates Service() => fixture.Portal.Services.GetRequiredService<IServiceScopeFactory>().CreateScope()
        .ServiceProvider.GetRequiredService<AdminCertificates>();

    private Task<(ClaimsPrincipal, ConnectionCertificate)> AdminAsync() => AdminSession.CreateAsync(fixture.Portal);
}
