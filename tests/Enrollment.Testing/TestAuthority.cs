using Enrollment.Ca.Authority;

namespace Enrollment.Testing;

/// <summary>A freshly generated CA hierarchy, with its certificates written as PEM for OpenSSL.</summary>
public sealed class TestAuthority : IDisposable
{
    public static readonly PublicationUrls Urls = PublicationUrls.From("http://pki.test.invalid/");

    /// <param name="token">When given, the issuing CA's and the OCSP signer's keys are generated in this PKCS#11 token.</param>
    public TestAuthority(TimeProvider? time = null, int issuingKeyBits = 256, Ca.Hsm.Pkcs11Token? token = null)
    {
        Time = time ?? TimeProvider.System;
        var generator = new CaGenerator(new CaGenerationOptions { IssuingKeyBits = issuingKeyBits }, Urls, Time);
        (Authority, var rootKey) = generator.CreateHierarchy(
            token?.GenerateKey("issuing", generator.IssuingCurve), token?.GenerateKey("ocsp-signer", System.Security.Cryptography.ECCurve.NamedCurves.nistP256));
        rootKey.Dispose();
        Files = new TemporaryDirectory();
        RootPem = Files.Write("root.pem", Authority.Root.ExportCertificatePem());
        IssuingPem = Files.Write("issuing.pem", Authority.Issuing.ExportCertificatePem());
        ChainPem = Files.Write("chain.pem", Authority.Issuing.ExportCertificatePem() + "\n" + Authority.Root.ExportCertificatePem());
    }

    public TimeProvider Time { get; }

    public CertificateAuthority Authority { get; }

    public TemporaryDirectory Files { get; }

    public string RootPem { get; }

    public string IssuingPem { get; }

    /// <summary>Issuing CA then root, for -CAfile when a CRL or OCSP answer is checked.</summary>
    public string ChainPem { get; }

    public void Dispose()
    {
        Authority.Dispose();
        Files.Dispose();
    }
}
