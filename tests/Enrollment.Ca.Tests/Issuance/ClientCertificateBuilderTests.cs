using System.Text.RegularExpressions;
using Enrollment.Ca.Issuance;
using Enrollment.Ca.Linting;
using Enrollment.Testing;

namespace Enrollment.Ca.Tests.Issuance;

public sealed partial class ClientCertificateBuilderTests : IDisposable
{
    private readonly TestAuthority ca = new();

    [Fact]
    public void Sign_ValidTemplate_OpenSslVerifiesTheChainStrictlyForClientAuth()
    {
        using var certificate = IssuedCertificates.Sign(ca);
        var leaf = ca.Files.Write("leaf.pem", certificate.ExportCertificatePem());

        var result = OpenSsl.Run(ca.Files.Path, "verify", "-x509_strict", "-purpose", "sslclient",
            "-CAfile", ca.RootPem, "-untrusted", ca.IssuingPem, leaf);

        Assert.True(result.ExitCode == 0, result.All);
        Assert.Contains("leaf.pem: OK", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Sign_ValidTemplate_HasExactlyTheProfileExtensions()
    {
        using var certificate = IssuedCertificates.Sign(ca);
        var text = OpenSsl.Ok(ca.Files.Path, "x509", "-noout", "-text", "-in", ca.Files.Write("leaf.pem", certificate.ExportCertificatePem()));

        var extensions = ExtensionHeader().Matches(text).Select(m => m.Groups["name"].Value.Trim()).ToList();

        Assert.Equal(
            ["X509v3 Basic Constraints: critical", "X509v3 Key Usage: critical", "X509v3 Extended Key Usage:",
             "X509v3 Subject Key Identifier:", "X509v3 Authority Key Identifier:", "X509v3 Subject Alternative Name:",
             "X509v3 CRL Distribution Points:", "Authority Information Access:"],
            extensions);
        Assert.Contains("CA:FALSE", text, StringComparison.Ordinal);
        Assert.Matches(@"Key Usage: critical\s+Digital Signature\s*\n", text);
        Assert.Matches(@"Extended Key Usage:\s+TLS Web Client Authentication\s*\n", text);
        Assert.Contains("email:alice@example.com, othername: UPN::alice@corp.example", text, StringComparison.Ordinal);
        Assert.Contains("URI:http://pki.test.invalid/pki/issuing.crl", text, StringComparison.Ordinal);
        Assert.Contains("OCSP - URI:http://pki.test.invalid/pki/ocsp", text, StringComparison.Ordinal);
        Assert.Contains("CA Issuers - URI:http://pki.test.invalid/pki/issuing.crt", text, StringComparison.Ordinal);
    }

    /// <summary>The same profile, read by BouncyCastle: a second parser and signature check beside OpenSSL's.</summary>
    [Fact]
    public void Sign_ValidTemplate_BouncyCastleVerifiesItAndReadsTheSameProfile()
    {
        using var certificate = IssuedCertificates.Sign(ca);

        var facts = BouncyCastleJudge.Certificate(certificate.RawData, ca.Authority.Issuing.RawData);

        Assert.Equal(["2.5.29.15", "2.5.29.19"], facts.CriticalExtensions.Order());
        Assert.Equal(["1.3.6.1.5.5.7.1.1", "2.5.29.14", "2.5.29.17", "2.5.29.31", "2.5.29.35", "2.5.29.37"], facts.NonCriticalExtensions.Order());
        Assert.Equal(["1.3.6.1.5.5.7.3.2"], facts.ExtendedKeyUsage);
        Assert.Equal(-1, facts.PathLength);
        Assert.True(facts.KeyUsage![0]);
        Assert.Equal(1, facts.KeyUsage.Count(bit => bit));
        Assert.Equal(certificate.SerialNumber, facts.Serial.ToString(16).ToUpperInvariant().PadLeft(certificate.SerialNumber.Length, '0'));
        Assert.True(facts.Serial.SignValue > 0);
        Assert.InRange(facts.NotAfter, facts.NotBefore, ca.Authority.Issuing.NotAfter.ToUniversalTime());
    }

    [Fact]
    public void Sign_Subject_ComesFromTheRecord()
    {
        using var certificate = IssuedCertificates.Sign(ca);
        var subject = OpenSsl.Ok(ca.Files.Path, "x509", "-noout", "-subject", "-nameopt", "RFC2253",
            "-in", ca.Files.Write("leaf.pem", certificate.ExportCertificatePem()));

        Assert.Equal("subject=serialNumber=E1001,CN=Alice Example,O=Example Corp", subject.Trim());
    }

    [Fact]
    public void Sign_IssuedCertificate_PassesTheLinterAfterSigning()
    {
        using var certificate = IssuedCertificates.Sign(ca);

        Assert.Empty(ClientCertificateLinter.Lint(TbsCertificate.FromCertificate(certificate.RawData), ca.Authority.Issuing, TestAuthority.Urls));
    }

    [Fact]
    public void Sign_ValidityBeyondTheIssuer_IsRefusedByTheLinterBeforeSigning()
    {
        var template = IssuedCertificates.Template(ca, IssuedCertificates.NewKey()) with
        {
            NotAfter = new DateTimeOffset(ca.Authority.Issuing.NotAfter.ToUniversalTime()).AddDays(1),
        };

        var error = Assert.Throws<LintFailedException>(() => new ClientCertificateBuilder(ca.Authority, TestAuthority.Urls).Sign(template));

        Assert.Contains("validity is not inside the issuing CA's validity", error.Findings);
    }

    [Fact]
    public void Lint_ProfileWithoutAuthorityKeyIdentifier_StopsBeforeTheKeySigns()
    {
        var counting = new CountingGenerator(System.Security.Cryptography.X509Certificates.X509SignatureGenerator.CreateForECDsa(ca.Authority.IssuingKey));
        var linting = new LintingSignatureGenerator(counting, "test", tbs => ClientCertificateLinter.Lint(tbs, ca.Authority.Issuing, TestAuthority.Urls));
        var template = IssuedCertificates.Template(ca, IssuedCertificates.NewKey());
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest(
            IssuedCertificates.Alice.DistinguishedName(), template.PublicKey, System.Security.Cryptography.HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new System.Security.Cryptography.X509Certificates.X509BasicConstraintsExtension(false, false, 0, true));

        var error = Assert.Throws<LintFailedException>(() =>
            request.Create(ca.Authority.Issuing.SubjectName, linting, template.NotBefore, template.NotAfter, template.Serial));

        Assert.Contains("required extension 2.5.29.35 is missing", error.Findings);
        Assert.Equal(0, counting.Signatures);
    }

    [GeneratedRegex(@"^ {12}(?<name>(X509v3 [A-Za-z ]+|Authority Information Access):( critical)?) *$", RegexOptions.Multiline)]
    private static partial Regex ExtensionHeader();

    public void Dispose() => ca.Dispose();

    /// <summary>Counts the signatures the wrapped CA key makes.</summary>
    private sealed class CountingGenerator(System.Security.Cryptography.X509Certificates.X509SignatureGenerator inner)
        : System.Security.Cryptography.X509Certificates.X509SignatureGenerator
    {
        public int Signatures { get; private set; }

        public override byte[] GetSignatureAlgorithmIdentifier(System.Security.Cryptography.HashAlgorithmName hashAlgorithm) =>
            inner.GetSignatureAlgorithmIdentifier(hashAlgorithm);

        public override byte[] SignData(byte[] data, System.Security.Cryptography.HashAlgorithmName hashAlgorithm)
        {
            Signatures++;
            return inner.SignData(data, hashAlgorithm);
        }

        protected override System.Security.Cryptography.X509Certificates.PublicKey BuildPublicKey() => inner.PublicKey;
    }
}
