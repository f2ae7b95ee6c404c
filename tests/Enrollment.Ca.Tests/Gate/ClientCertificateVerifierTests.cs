using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Enrollment.Ca.Gate;
using Enrollment.Ca.Serials;
using Enrollment.Ca.Tests.Issuance;
using Enrollment.Testing;

namespace Enrollment.Ca.Tests.Gate;

public sealed class ClientCertificateVerifierTests : IDisposable
{
    private readonly TestAuthority ca = new();

    [Fact]
    public void Verify_OwnValidCertificate_IsAccepted()
    {
        using var certificate = IssuedCertificates.Sign(ca);

        Assert.True(ClientCertificateVerifier.Verify(certificate, ca.Authority, DateTimeOffset.UtcNow).IsAccepted);
    }

    [Fact]
    public void Verify_None_IsNoCertificate()
    {
        Assert.Equal(GateFailure.NoCertificate, ClientCertificateVerifier.Verify(null, ca.Authority, DateTimeOffset.UtcNow).Failure);
    }

    [Fact]
    public void Verify_AfterNotAfter_IsExpiredWithTheDate()
    {
        using var certificate = IssuedCertificates.Sign(ca);

        var verdict = ClientCertificateVerifier.Verify(certificate, ca.Authority, DateTimeOffset.UtcNow.AddYears(2));

        Assert.Equal(GateFailure.Expired, verdict.Failure);
        Assert.Equal(new DateTimeOffset(certificate.NotAfter.ToUniversalTime()), verdict.At);
    }

    [Fact]
    public void Verify_BeforeNotBefore_IsNotYetValid()
    {
        using var certificate = IssuedCertificates.Sign(ca);

        Assert.Equal(GateFailure.NotYetValid, ClientCertificateVerifier.Verify(certificate, ca.Authority, DateTimeOffset.UtcNow.AddDays(-1)).Failure);
    }

    [Fact]
    public void Verify_SelfSignedClientCertificateFromOpenSsl_IsAnotherCaNamingTheExpectedIssuer()
    {
        OpenSsl.Ok(ca.Files.Path, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "self.key",
            "-subj", "/CN=Alice Example/serialNumber=E1001", "-days", "30", "-addext", "extendedKeyUsage=clientAuth", "-out", "self.pem");
        using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(ca.Files.File("self.pem")));

        var verdict = ClientCertificateVerifier.Verify(certificate, ca.Authority, DateTimeOffset.UtcNow);

        Assert.Equal(GateFailure.OtherCa, verdict.Failure);
        Assert.Equal(ca.Authority.Issuing.Subject, verdict.Detail);
    }

    [Fact]
    public void Verify_RogueCaWithOurIssuingCaName_IsUntrusted()
    {
        // docs/pitfalls.md, "Same-name rogue CA": a CA with our issuer's DN and the victim's CN passed nginx optional_no_ca.
        using var rogueKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = Leaf(ca.Authority.Issuing.SubjectName, X509SignatureGenerator.CreateForECDsa(rogueKey), "1.3.6.1.5.5.7.3.2");

        Assert.Equal(GateFailure.UntrustedChain, ClientCertificateVerifier.Verify(certificate, ca.Authority, DateTimeOffset.UtcNow).Failure);
    }

    [Fact]
    public void Verify_OurCaButServerAuthOnly_IsWrongPurpose()
    {
        using var certificate = Leaf(ca.Authority.Issuing.SubjectName, X509SignatureGenerator.CreateForECDsa(ca.Authority.IssuingKey), "1.3.6.1.5.5.7.3.1");

        Assert.Equal(GateFailure.WrongPurpose, ClientCertificateVerifier.Verify(certificate, ca.Authority, DateTimeOffset.UtcNow).Failure);
    }

    [Fact]
    public void Verify_OurIssuingCaCertificateAsClient_IsRefused()
    {
        Assert.False(ClientCertificateVerifier.Verify(ca.Authority.Issuing, ca.Authority, DateTimeOffset.UtcNow).IsAccepted);
    }

    private static X509Certificate2 Leaf(X500DistinguishedName issuer, X509SignatureGenerator signer, string eku)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(IssuedCertificates.Alice.DistinguishedName(), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(eku)], false));
        var now = DateTimeOffset.UtcNow;
        return request.Create(issuer, signer, now.AddMinutes(-1), now.AddDays(30), SerialNumber.Create());
    }

    public void Dispose() => ca.Dispose();
}
