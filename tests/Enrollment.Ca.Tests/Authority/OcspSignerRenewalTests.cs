using Enrollment.Ca.Authority;
using Enrollment.Ca.Ocsp;
using Enrollment.Ca.Tests.Issuance;
using Enrollment.Testing;

namespace Enrollment.Ca.Tests.Authority;

/// <summary>The delegated OCSP signer is renewed while the portal runs, not only at start.</summary>
public sealed class OcspSignerRenewalTests : IDisposable
{
    private readonly TemporaryDirectory directory = new();

    [Fact]
    public void RunningAuthority_WithASignerPastTwoThirdsOfItsLife_GetsANewOneThatSignsTheNextResponse_AndKeepsIt()
    {
        var now = DateTimeOffset.UtcNow;
        var life = new CaGenerationOptions().OcspSignerLifetime;
        // The CA was made long enough ago that its signer is now due.
        var clock = new ManualTime(now - life * 2 / 3 - TimeSpan.FromDays(1));
        var path = directory.File("ca");
        var protector = new PassphraseKeyProtector("an operator's long passphrase");
        var provisioner = new CaProvisioner(new CaStore(path, protector), new CaGenerator(new CaGenerationOptions(), TestAuthority.Urls, clock), clock);
        using var authority = provisioner.LoadOrCreate(out _);
        var old = authority.Ocsp;
        clock.Now = now;

        Assert.True(provisioner.RenewOcspSignerIfDue(authority));
        Assert.False(provisioner.RenewOcspSignerIfDue(authority));

        Assert.NotEqual(old.Certificate.Thumbprint, authority.OcspSigner.Thumbprint);
        using (var reloaded = new CaStore(path, protector).Load())
        {
            Assert.Equal(authority.OcspSigner.Thumbprint, reloaded.OcspSigner.Thumbprint);
        }
        var issuing = directory.Write("issuing.pem", authority.Issuing.ExportCertificatePem());
        var chain = directory.Write("chain.pem", authority.Issuing.ExportCertificatePem() + "\n" + authority.Root.ExportCertificatePem());
        var request = directory.File("request.der");
        OpenSsl.Ok(directory.Path, "ocsp", "-no_nonce", "-issuer", issuing, "-serial", "0x0102030405", "-reqout", request);
        var certId = OcspRequestReader.Read(File.ReadAllBytes(request))!.CertIds[0];
        var response = directory.Write("response.der", "");
        File.WriteAllBytes(response, OcspResponseEncoder.Successful(authority, [new SingleAnswer(certId, CertificateStatus.Good, now, now.AddHours(1))], now, null));
        var text = OpenSsl.Ok(directory.Path, "ocsp", "-respin", response, "-issuer", issuing, "-CAfile", chain, "-serial", "0x0102030405", "-resp_text");
        Assert.Contains("Response verify OK", text, StringComparison.Ordinal);
        Assert.Contains($"Responder Id: {Convert.ToHexString(authority.Ocsp.KeyHash)}", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexString(old.KeyHash), text, StringComparison.Ordinal);
        // BouncyCastle checks the renewed signer too: issued by the issuing CA for OCSP signing, and the signature its.
        var read = BouncyCastleJudge.OcspResponse(File.ReadAllBytes(response), authority.Issuing.RawData, new Org.BouncyCastle.Math.BigInteger("0102030405", 16));
        Assert.Equal("good", read.Status);
    }

    public void Dispose() => directory.Dispose();
}
