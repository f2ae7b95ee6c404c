using System.Security.Claims;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Enrollment.Ca.Ocsp;
using Enrollment.Ca.Revocation;
using Enrollment.Data.Entities;
using Enrollment.Web.Features.Admin.Certificates;
using Enrollment.Web.Features.Certificates;
using Enrollment.Web.Features.Gate;
using Enrollment.Web.Infrastructure;
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

        var (rows, total) = await Service().ListAsync(admin, connection, typed, CertificateStatusFilter.All, 0, 20);

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
        var (revoked, _) = await Service().ListAsync(admin, connection, owner.Email, CertificateStatusFilter.Revoked, 0, 20);
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
        var (valid, _) = await Service().ListAsync(admin, connection, leaver.Email, CertificateStatusFilter.Valid, 0, 20);
        Assert.Empty(valid);
    }

    [Fact]
    public async Task EveryAction_ByARequester_IsRefused()
    {
        var requester = await fixture.AddUserAsync($"nosy-{Guid.NewGuid():N}@example.com", "N-" + Guid.NewGuid().ToString("N")[..8]);
        await using var scope = fixture.Portal.Services.CreateAsyncScope();
        var principal = await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<EnrollmentUser>>().CreateAsync(requester);
        var none = new ConnectionCertificate(null, null);

        await Assert.ThrowsAsync<RoleRequiredException>(() => Service().ListAsync(principal, none, null, CertificateStatusFilter.All, 0, 20));
        await Assert.ThrowsAsync<RoleRequiredException>(() => Service().RevokeAsync(principal, none, "0A0B", RevocationReason.KeyCompromise));
        await Assert.ThrowsAsync<RoleRequiredException>(() => Service().RevokeAllOfUserAsync(principal, none, requester.Id, RevocationReason.KeyCompromise));
    }

    private AdminCertificates Service() => fixture.Portal.Services.GetRequiredService<IServiceScopeFactory>().CreateScope()
        .ServiceProvider.GetRequiredService<AdminCertificates>();

    private Task<(ClaimsPrincipal, ConnectionCertificate)> AdminAsync() => AdminSession.CreateAsync(fixture.Portal);
}
