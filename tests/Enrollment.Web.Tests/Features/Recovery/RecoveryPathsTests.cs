using System.Security.Claims;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Enrollment.Ca.Revocation;
using Enrollment.Data;
using Enrollment.Data.Entities;
using Enrollment.Web.Features.Certificates;
using Enrollment.Web.Features.Recovery;
using Enrollment.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Enrollment.Web.Tests.Features.Recovery;

/// <summary>The way out a recovery page offers, read from the visitor's own records.</summary>
public sealed class RecoveryPathsTests(PortalFixture fixture) : IClassFixture<PortalFixture>
{
    private RecoveryPaths Paths => fixture.Portal.Services.GetRequiredService<RecoveryPaths>();

    [Fact]
    public async Task SignedOutVisitor_IsOfferedANewRequest()
    {
        Assert.Equal(RecoveryPath.RequestNew, await Paths.ForAsync(new ClaimsPrincipal(new ClaimsIdentity()), null));
    }

    [Fact]
    public async Task PendingRequest_IsShownWithItsDate()
    {
        var (principal, _) = await RequestFlow.RequesterAsync(fixture.Portal);
        var id = await RequestFlow.SubmitAsync(fixture.Portal, principal);

        var path = await Paths.ForAsync(principal, null);

        Assert.Equal((await RequestFlow.StoredAsync(fixture.Portal, id)).SubmittedAt, path.PendingSince);
        Assert.Null(path.PickupRequestId);
    }

    [Fact]
    public async Task ApprovedRequest_IsOfferedForPickupUntilItsWindowCloses()
    {
        var (principal, _) = await RequestFlow.RequesterAsync(fixture.Portal);
        var id = await RequestFlow.ApprovedRequestAsync(fixture.Portal, principal);

        Assert.Equal(id, (await Paths.ForAsync(principal, null)).PickupRequestId);

        await using var scope = fixture.Portal.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>().Requests.Where(r => r.Id == id)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.PickupDeadline, DateTime.UtcNow.AddMinutes(-1)));
        Assert.Equal(RecoveryPath.RequestNew, await Paths.ForAsync(principal, null));
    }

    /// <summary>Someone who holds a valid certificate is told to install or choose it before a new request is offered.</summary>
    [Fact]
    public async Task ValidCertificateHeld_IsOfferedToInstallOrChoose_ButNotTheOnePresentedNorARevokedOne()
    {
        var (principal, user) = await RequestFlow.RequesterAsync(fixture.Portal);
        Assert.Null((await Paths.ForAsync(principal, null)).HeldSerial);
        var held = await IssueAsync(user);
        var serial = Ca.Serials.SerialNumber.Canonicalize(held.SerialNumber);

        var nothingPresented = await Paths.ForAsync(principal, null);
        var thatOnePresented = await Paths.ForAsync(principal, held);

        Assert.Equal(serial, nothingPresented.HeldSerial);
        Assert.Equal(held.NotAfter.ToUniversalTime(), nothingPresented.HeldUntil!.Value, TimeSpan.FromSeconds(1));
        Assert.Null(thatOnePresented.HeldSerial);
        await using var scope = fixture.Portal.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>().Certificates.Where(c => c.SerialNumber == serial)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.RevokedAt, DateTime.UtcNow));
        Assert.Null((await Paths.ForAsync(principal, null)).HeldSerial);
    }

    [Fact]
    public async Task OwnUnrevokedCertificate_IsRenewable_ButNotARevokedOneNorAForgeryOfItsSerial()
    {
        var (principal, user) = await RequestFlow.RequesterAsync(fixture.Portal);
        var own = await IssueAsync(user);
        var forged = ForgeryOf(own);
        var serial = Ca.Serials.SerialNumber.Canonicalize(own.SerialNumber);

        Assert.Equal(serial, (await Paths.ForAsync(principal, own)).RenewableSerial);
        Assert.Null((await Paths.ForAsync(principal, forged)).RenewableSerial);

        await fixture.Portal.Services.GetRequiredService<RevocationService>().RevokeAsync(serial, RevocationReason.KeyCompromise, "test", null, default);
        Assert.Null((await Paths.ForAsync(principal, own)).RenewableSerial);
    }

    [Fact]
    public async Task AnotherUsersCertificate_IsNotRenewableByTheVisitor()
    {
        var (_, owner) = await RequestFlow.RequesterAsync(fixture.Portal);
        var (visitor, _) = await RequestFlow.RequesterAsync(fixture.Portal);

        Assert.Equal(RecoveryPath.RequestNew, await Paths.ForAsync(visitor, await IssueAsync(owner)));
    }

    private async Task<X509Certificate2> IssueAsync(EnrollmentUser user)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await using var scope = fixture.Portal.Services.CreateAsyncScope();
        var issued = await scope.ServiceProvider.GetRequiredService<CertificateIssuer>().IssueAsync(user, new PublicKey(key), null, default);
        return issued.Certificate!;
    }

    /// <summary>The same subject and serial, signed by a key of its own.</summary>
    private static X509Certificate2 ForgeryOf(X509Certificate2 genuine)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(genuine.SubjectName, key, HashAlgorithmName.SHA256);
        return request.Create(genuine.IssuerName, X509SignatureGenerator.CreateForECDsa(key),
            DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1), genuine.SerialNumberBytes.ToArray());
    }
}
