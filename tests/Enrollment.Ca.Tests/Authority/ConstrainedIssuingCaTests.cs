using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Enrollment.Ca.Authority;
using Enrollment.Ca.Issuance;
using Enrollment.Ca.Tests.Issuance;
using Enrollment.Testing;

namespace Enrollment.Ca.Tests.Authority;

/// <summary>
/// The issuing CA may sign client certificates and its OCSP signer, and nothing a TLS client would
/// take for a web site: its EKU and name constraints, judged by OpenSSL and NSS.
/// </summary>
public sealed class ConstrainedIssuingCaTests : IDisposable
{
    private readonly TestAuthority ca = new();

    [Fact]
    public void IssuingCa_OpenSslShowsClientAndOcspEkuAndNoHostNames()
    {
        var text = OpenSsl.Ok(ca.Files.Path, "x509", "-noout", "-text", "-in", ca.IssuingPem);

        Assert.Matches(@"Extended Key Usage:\s+TLS Web Client Authentication, OCSP Signing\s*\n", text);
        Assert.Matches(@"X509v3 Name Constraints: critical\s+Excluded:\s+DNS:\s+IP:0\.0\.0\.0/0\.0\.0\.0\s+IP:0:0:0:0:0:0:0:0/0:0:0:0:0:0:0:0\s*\n", text);
    }

    [Fact]
    public void ServerCertificateForADnsName_SignedWithTheIssuingKey_OpenSslRefusesForSslServer()
    {
        using var server = HostCertificates.Server(ca.Authority.Issuing, ca.Authority.IssuingKey, san => san.AddDnsName("www.example.com"));

        var result = Verify("sslserver", server);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("excluded subtree violation", result.All, StringComparison.Ordinal);
    }

    [Fact]
    public void ServerCertificateForAnIpAddress_SignedWithTheIssuingKey_OpenSslRefusesForSslServer()
    {
        using var server = HostCertificates.Server(ca.Authority.Issuing, ca.Authority.IssuingKey, san => san.AddIpAddress(System.Net.IPAddress.Parse("192.0.2.7")));

        var result = Verify("sslserver", server);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("excluded subtree violation", result.All, StringComparison.Ordinal);
    }

    [Fact]
    public void ServerCertificate_FromAnUnconstrainedIssuingCa_OpenSslAccepts_SoTheRefusalAboveIsTheConstraints()
    {
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var issuingKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var root = HostCertificates.UnconstrainedCa("Unconstrained Root", rootKey, null, rootKey);
        using var issuing = HostCertificates.UnconstrainedCa("Unconstrained Issuing", issuingKey, root, rootKey);
        using var server = HostCertificates.Server(issuing, issuingKey, san => san.AddDnsName("www.example.com"));

        var result = OpenSsl.Run(ca.Files.Path, "verify", "-purpose", "sslserver",
            "-CAfile", ca.Files.Write("u-root.pem", root.ExportCertificatePem()),
            "-untrusted", ca.Files.Write("u-issuing.pem", issuing.ExportCertificatePem()),
            ca.Files.Write("u-server.pem", server.ExportCertificatePem()));

        Assert.True(result.ExitCode == 0, result.All);
    }

    [Fact]
    public void ClientCertificate_UnderTheConstraints_OpenSslAcceptsForSslClient()
    {
        using var leaf = IssuedCertificates.Sign(ca);

        var result = Verify("sslclient", leaf);

        Assert.True(result.ExitCode == 0, result.All);
    }

    /// <summary>
    /// The trap behind <see cref="CertificateSubject.DisplayNameLikeHostName"/>: a leaf without a DNS
    /// SAN has a host-like CN checked as a DNS name, and the constraints exclude every DNS name.
    /// </summary>
    [Fact]
    public void ClientCertificate_WithAHostLikeCommonName_OpenSslRefuses_AndTheSubjectCheckRefusesTheName()
    {
        var template = IssuedCertificates.Template(ca, IssuedCertificates.NewKey()) with
        {
            Subject = IssuedCertificates.Alice with { DisplayName = "j.smith" },
        };
        using var leaf = new ClientCertificateBuilder(ca.Authority, TestAuthority.Urls).Sign(template);

        var result = Verify("sslclient", leaf);

        Assert.Contains("excluded subtree violation", result.All, StringComparison.Ordinal);
        Assert.Equal(CertificateSubject.DisplayNameLikeHostName, CertificateSubject.CheckName("j.smith"));
    }

    [Theory]
    [InlineData("j.smith", true)]
    [InlineData("a_b.c-d.e", true)]
    [InlineData("J. Smith", false)]
    [InlineData("jsmith", false)]
    [InlineData("j..smith", false)]
    [InlineData("j.-smith", false)]
    [InlineData(".smith", false)]
    [InlineData("山田.太郎", false)]
    public void ReadsAsHostName_FollowsOpenSslsReadingOfACommonName(string name, bool expected) =>
        Assert.Equal(expected, IssuingNameConstraints.ReadsAsHostName(name));

    /// <summary>NSS (vfychain, the library Firefox and Chromium on Linux use) with the root trusted in its own database.</summary>
    [Fact]
    public void Nss_AcceptsAClientCertificate_AndRefusesAServerCertificateMadeWithTheIssuingKey()
    {
        using var client = IssuedCertificates.Sign(ca);
        using var server = HostCertificates.Server(ca.Authority.Issuing, ca.Authority.IssuingKey, san => san.AddDnsName("www.example.com"));
        var database = Nss.TrustingRoot(ca);

        var clientResult = Nss.VerifyChain(ca, database, "0", client);
        var serverResult = Nss.VerifyChain(ca, database, "1", server);

        Assert.True(clientResult.ExitCode == 0, clientResult.All);
        Assert.Contains("Chain is good!", clientResult.All, StringComparison.Ordinal);
        Assert.NotEqual(0, serverResult.ExitCode);
        Assert.Contains("not permitted to issue a certificate with this name", serverResult.All, StringComparison.Ordinal);
    }

    private CommandResult Verify(string purpose, X509Certificate2 leaf) =>
        OpenSsl.Run(ca.Files.Path, "verify", "-x509_strict", "-purpose", purpose, "-CAfile", ca.RootPem, "-untrusted", ca.IssuingPem,
            ca.Files.Write($"leaf-{Guid.NewGuid():N}.pem", leaf.ExportCertificatePem()));

    public void Dispose() => ca.Dispose();
}
