using System.Security.Claims;
using Enrollment.Ca.Revocation;
using Enrollment.Data;
using Enrollment.Data.Entities;
using Enrollment.Testing;
using Enrollment.Web.Features.Requests;
using Enrollment.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Enrollment.Web.Tests.Features.Requests;

/// <summary>A pickup works once, inside its window, for its requester, and the subject always comes from the user record.</summary>
public sealed class PickupTests(PortalFixture fixture) : IClassFixture<PortalFixture>
{
    private Pickup Pickups => fixture.Portal.Services.GetRequiredService<Pickup>();

    [Fact]
    public async Task Csr_WithAForgedSubject_GetsTheSubjectOfTheUserRecord()
    {
        var (requester, user) = await RequestFlow.RequesterAsync(fixture.Portal);
        var id = await RequestFlow.ApprovedRequestAsync(fixture.Portal, requester);
        var (csr, _) = Csrs.Make(fixture.Files, "forged", "P-256", "/CN=Administrator/O=Evil Corp/serialNumber=ADMIN-1");

        var (issued, refusal) = await Pickups.IssueFromCsrAsync(requester, id, File.ReadAllBytes(csr), PickupMethod.Csr, "192.0.2.1");

        Assert.Null(refusal);
        var leaf = fixture.Files.Write("forged.pem", issued!.CertificatePem);
        var subject = OpenSsl.Ok(fixture.Files.Path, "x509", "-in", leaf, "-noout", "-subject", "-nameopt", "RFC2253");
        Assert.Contains($"CN={user.DisplayName}", subject, StringComparison.Ordinal);
        Assert.Contains($"serialNumber={user.EmployeeId}", subject, StringComparison.Ordinal);
        Assert.DoesNotContain("Evil", subject, StringComparison.Ordinal);
        var chain = fixture.Files.Write("forged-chain.pem", issued.ChainPem);
        Assert.DoesNotContain(fixture.Authority.Root.ExportCertificatePem(), issued.ChainPem, StringComparison.Ordinal);
        var root = fixture.Files.Write("forged-root.pem", fixture.Authority.Root.ExportCertificatePem());
        Assert.Contains("OK", OpenSsl.Ok(fixture.Files.Path, "verify", "-CAfile", root, "-untrusted", chain, "-purpose", "sslclient", leaf), StringComparison.Ordinal);
        var bouncy = BouncyCastleJudge.Certificate(System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(issued.CertificatePem).RawData,
            fixture.Authority.Issuing.RawData);
        Assert.DoesNotContain("Evil", bouncy.Subject, StringComparison.Ordinal);
        Assert.Equal(["1.3.6.1.5.5.7.3.2"], bouncy.ExtendedKeyUsage);
        var stored = await RequestFlow.StoredAsync(fixture.Portal, id);
        Assert.Equal((RequestState.Issued, issued.Serial, "csr"), (stored.State, stored.CertificateSerial, stored.PickupMethod));
    }

    [Fact]
    public async Task SecondPickup_IsRefused()
    {
        var (requester, _) = await RequestFlow.RequesterAsync(fixture.Portal);
        var id = await RequestFlow.ApprovedRequestAsync(fixture.Portal, requester);
        await PickUpAsync(requester, id);

        var (_, refusal) = await PickUpWithAsync(requester, id, "P-256");

        Assert.Equal(Pickup.AlreadyPickedUp, refusal);
        Assert.Equal(1, await CertificatesOfRequestAsync(id));
    }

    [Fact]
    public async Task TwoPickupsAtOnce_IssueOneCertificate()
    {
        var (requester, _) = await RequestFlow.RequesterAsync(fixture.Portal);
        for (var round = 0; round < 5; round++)
        {
            var id = await RequestFlow.ApprovedRequestAsync(fixture.Portal, requester);
            var (first, _) = Csrs.Make(fixture.Files, $"double-{round}-a", "P-256");
            var (second, _) = Csrs.Make(fixture.Files, $"double-{round}-b", "P-256");

            var outcomes = await Task.WhenAll(
                Pickups.IssueFromCsrAsync(requester, id, File.ReadAllBytes(first), PickupMethod.Csr, null),
                Pickups.IssueServerPkcs12Async(requester, id, Ca.Packaging.ServerKeyType.EcdsaP256, "long enough password", null)
                    .ContinueWith(t => (t.Result.Certificate, t.Result.Refusal)),
                Pickups.IssueFromCsrAsync(requester, id, File.ReadAllBytes(second), PickupMethod.Browser, null));

            Assert.Single(outcomes, o => o.Item1 is not null);
            Assert.All(outcomes.Where(o => o.Item1 is null), o => Assert.Equal(Pickup.AlreadyPickedUp, o.Item2));
            Assert.Equal(1, await CertificatesOfRequestAsync(id));
        }
    }

    [Fact]
    public async Task Pickup_AfterTheWindow_IsRefusedAndTheApprovalLapses()
    {
        var (requester, _) = await RequestFlow.RequesterAsync(fixture.Portal);
        var id = await RequestFlow.ApprovedRequestAsync(fixture.Portal, requester);
        await using (var scope = fixture.Portal.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>().Requests.Where(r => r.Id == id)
                .ExecuteUpdateAsync(set => set.SetProperty(r => r.PickupDeadline, DateTime.UtcNow.AddMinutes(-1)));
        }

        var (_, refusal) = await PickUpWithAsync(requester, id, "P-256");

        Assert.Equal(Pickup.Lapsed, refusal);
        Assert.Equal(RequestState.Lapsed, (await RequestFlow.StoredAsync(fixture.Portal, id)).State);
        Assert.Equal(0, await CertificatesOfRequestAsync(id));
    }

    [Fact]
    public async Task Pickup_ByAnotherUser_IsRefusedAsIfTheRequestDidNotExist()
    {
        var (requester, _) = await RequestFlow.RequesterAsync(fixture.Portal);
        var (intruder, _) = await RequestFlow.RequesterAsync(fixture.Portal);
        var id = await RequestFlow.ApprovedRequestAsync(fixture.Portal, requester);

        var (ticket, opened) = await Pickups.OpenAsync(intruder, id);
        var (_, refusal) = await PickUpWithAsync(intruder, id, "P-256");

        Assert.Null(ticket);
        Assert.Equal(Pickup.NotFound, opened);
        Assert.Equal(Pickup.NotFound, refusal);
        Assert.Equal(RequestState.Approved, (await RequestFlow.StoredAsync(fixture.Portal, id)).State);
    }

    [Theory]
    [InlineData("RSA-1024", "key.not-allowed")]
    [InlineData("P-521", "key.not-allowed")]
    [InlineData("Ed25519", "key.not-allowed")]
    public async Task Csr_WithADisallowedKey_IsRefusedAndTheApprovalStaysUsable(string key, string code)
    {
        var (requester, _) = await RequestFlow.RequesterAsync(fixture.Portal);
        var id = await RequestFlow.ApprovedRequestAsync(fixture.Portal, requester);

        var (_, refusal) = await PickUpWithAsync(requester, id, key);

        Assert.Equal(code, refusal?.Code);
        Assert.Equal(RequestState.Approved, (await RequestFlow.StoredAsync(fixture.Portal, id)).State);
        await PickUpAsync(requester, id);
    }

    [Fact]
    public async Task ServerPkcs12_OpensWithThePasswordAndHoldsKeyCertificateAndChain()
    {
        var (requester, _) = await RequestFlow.RequesterAsync(fixture.Portal);
        var id = await RequestFlow.ApprovedRequestAsync(fixture.Portal, requester);

        var (file, issued, refusal) = await Pickups.IssueServerPkcs12Async(requester, id, Ca.Packaging.ServerKeyType.Rsa2048, "a file password of mine", null);

        Assert.Null(refusal);
        var path = fixture.Files.Write("server.p12", file!);
        var all = OpenSsl.Ok(fixture.Files.Path, "pkcs12", "-in", path, "-passin", "pass:a file password of mine", "-nodes");
        // The leaf and the issuing CA; no root, so importing the file offers to trust nothing.
        Assert.Equal(2, all.Split("BEGIN CERTIFICATE").Length - 1);
        Assert.DoesNotContain("subject=O = Enrollment, CN = Enrollment Root CA", OpenSsl.Ok(fixture.Files.Path, "pkcs12", "-in", path, "-passin", "pass:a file password of mine", "-nokeys", "-info"), StringComparison.Ordinal);
        Assert.Contains("BEGIN PRIVATE KEY", all, StringComparison.Ordinal);
        var leaf = fixture.Files.Write("server-leaf.pem",
            OpenSsl.Ok(fixture.Files.Path, "pkcs12", "-in", path, "-passin", "pass:a file password of mine", "-nokeys", "-clcerts"));
        Assert.Contains($"serial={issued!.Serial}", OpenSsl.Ok(fixture.Files.Path, "x509", "-in", leaf, "-noout", "-serial"), StringComparison.Ordinal);
        Assert.NotEqual(0, OpenSsl.Run(fixture.Files.Path, "pkcs12", "-in", path, "-passin", "pass:wrong password", "-nodes").ExitCode);
        // BouncyCastle opens the same file: its key is the leaf's, the chain runs to the root.
        var (bouncyLeaf, chainLength) = BouncyCastleJudge.Pkcs12(file!, "a file password of mine", fixture.Authority.Issuing.RawData);
        Assert.Equal(new Org.BouncyCastle.Math.BigInteger(issued.Serial, 16), bouncyLeaf.Serial);
        Assert.Equal(2, chainLength);
    }

    [Fact]
    public async Task ServerPkcs12_WithAShortPassword_IsRefusedBeforeAnythingIsIssued()
    {
        var (requester, _) = await RequestFlow.RequesterAsync(fixture.Portal);
        var id = await RequestFlow.ApprovedRequestAsync(fixture.Portal, requester);

        var (file, _, refusal) = await Pickups.IssueServerPkcs12Async(requester, id, Ca.Packaging.ServerKeyType.EcdsaP256, "short", null);

        Assert.Null(file);
        Assert.Equal(Pickup.WeakPassword, refusal);
        Assert.Equal(RequestState.Approved, (await RequestFlow.StoredAsync(fixture.Portal, id)).State);
    }

    [Fact]
    public async Task Pickup_OfAPendingRequest_IsRefused()
    {
        var (requester, _) = await RequestFlow.RequesterAsync(fixture.Portal);
        var id = await RequestFlow.SubmitAsync(fixture.Portal, requester);

        var (_, refusal) = await PickUpWithAsync(requester, id, "P-256");

        Assert.Equal(Pickup.NotApproved, refusal);
    }

    [Fact]
    public async Task SelfRevoke_AsLost_ReachesOcspAtOnce_AndAnotherUserCannotRevokeIt()
    {
        var (requester, _) = await RequestFlow.RequesterAsync(fixture.Portal);
        var (intruder, _) = await RequestFlow.RequesterAsync(fixture.Portal);
        var id = await RequestFlow.ApprovedRequestAsync(fixture.Portal, requester);
        var issued = await PickUpAsync(requester, id);
        var certificates = fixture.Portal.Services.GetRequiredService<MyCertificates>();

        Assert.Equal(MyCertificates.NotYours, await certificates.RevokeAsync(intruder, issued.Serial, RevocationReason.KeyCompromise, null));
        Assert.Null(await certificates.RevokeAsync(requester, issued.Serial.ToLowerInvariant(), RevocationReason.KeyCompromise, "192.0.2.9"));

        var leaf = fixture.Files.Write(issued.Serial + ".pem", issued.CertificatePem);
        var ocsp = OpenSsl.Run(fixture.Files.Path, "ocsp", "-issuer", fixture.IssuingPem, "-cert", leaf, "-CAfile", fixture.ChainPem, "-url", fixture.OcspUrl).All;
        Assert.Contains($"{leaf}: revoked", ocsp, StringComparison.Ordinal);
        Assert.Contains("Reason: keyCompromise", ocsp, StringComparison.Ordinal);
        var (rows, _) = await certificates.ListAsync(requester, 0, 10);
        Assert.Equal(RevocationReason.KeyCompromise, rows.Single().Reason);
    }

    private async Task<PickedUp> PickUpAsync(ClaimsPrincipal requester, Guid id)
    {
        var (issued, refusal) = await PickUpWithAsync(requester, id, "P-256");
        Assert.Null(refusal);
        return issued!;
    }

    private Task<(PickedUp? Certificate, Ca.Refusal? Refusal)> PickUpWithAsync(ClaimsPrincipal requester, Guid id, string key)
    {
        var (csr, _) = Csrs.Make(fixture.Files, Guid.NewGuid().ToString("N"), key);
        return Pickups.IssueFromCsrAsync(requester, id, File.ReadAllBytes(csr), PickupMethod.Csr, null);
    }

    private async Task<int> CertificatesOfRequestAsync(Guid id)
    {
        await using var scope = fixture.Portal.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>().Certificates.CountAsync(c => c.RequestId == id);
    }
}
