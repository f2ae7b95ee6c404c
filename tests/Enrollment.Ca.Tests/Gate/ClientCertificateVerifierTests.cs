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

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Verify_CertificateWithAnUnreadableValidityTime_IsAnUntrustedChainNotAnException(int which)
    {
        // Found by the differential fuzzing (docs/reliability.md): the BCL loads such a certificate
        // and throws only when NotBefore or NotAfter is read; OpenSSL, and so nginx, parse it too.
        using var certificate = IssuedCertificates.Sign(ca);
        var der = certificate.RawData;
        var time = IndexOfUtcTime(der, which);
        der[time + 4] = 0xF3;
        using var unreadable = X509CertificateLoader.LoadCertificate(der);

        var verdict = ClientCertificateVerifier.Verify(unreadable, ca.Authority, DateTimeOffset.UtcNow);

        Assert.Equal(GateFailure.UntrustedChain, verdict.Failure);
        Assert.Equal("unreadable validity", verdict.Detail);
    }

    [Theory]
    [InlineData("public key algorithm")]
    [InlineData("public key")]
    [InlineData("key usage")]
    public void Verify_CertificateWithAnUnreadablePart_IsAnUntrustedChainNotAnException(string part)
    {
        // Found by the differential fuzzing too: the chain builder throws on what the loader let through.
        using var certificate = IssuedCertificates.Sign(ca);
        var der = certificate.RawData;
        if (part == "public key algorithm")
        {
            // id-ecPublicKey (1.2.840.10045.2.1) becomes prime-field (1.2.840.10045.1.1), one bit away.
            der[IndexOf(der, [0x06, 0x07, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01]) + 7] = 0x01;
        }
        else if (part == "public key")
        {
            // The uncompressed point's 0x04 prefix, right after the BIT STRING's unused-bits byte.
            der[IndexOf(der, [0x03, 0x42, 0x00, 0x04]) + 3] = 0x07;
        }
        else
        {
            // keyUsage's BIT STRING (OID 2.5.29.15, critical, OCTET STRING { BIT STRING }) becomes a SET.
            der[IndexOf(der, [0x06, 0x03, 0x55, 0x1D, 0x0F, 0x01, 0x01, 0xFF, 0x04, 0x04, 0x03]) + 10] = 0x31;
        }
        using var unreadable = X509CertificateLoader.LoadCertificate(der);

        var verdict = ClientCertificateVerifier.Verify(unreadable, ca.Authority, DateTimeOffset.UtcNow);

        Assert.Equal(GateFailure.UntrustedChain, verdict.Failure);
    }

    private static int IndexOf(byte[] der, byte[] pattern) =>
        der.AsSpan().IndexOf(pattern) is >= 0 and var at ? at : throw new InvalidOperationException("pattern not found");

    /// <summary>Where the n-th UTCTime (tag 0x17, length 13) of a DER certificate starts.</summary>
    private static int IndexOfUtcTime(byte[] der, int n)
    {
        for (var i = 0; i < der.Length - 1; i++)
        {
            if (der[i] == 0x17 && der[i + 1] == 0x0D && n-- == 0)
            {
                return i;
            }
        }
        throw new InvalidOperationException("no such UTCTime");
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
