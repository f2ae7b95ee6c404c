using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Enrollment.Ca.Authority;
using Enrollment.Ca.Revocation;
using Enrollment.E2E.Tests.Infrastructure;
using Enrollment.Web.Features.Certificates;
using Microsoft.Playwright;

namespace Enrollment.E2E.Tests.Features.Gate;

/// <summary>nginx revoking by the CRLs alone (the shipped template without its OCSP lines), kept current by refresh-crl.sh.</summary>
public sealed class NginxCrlTests(NginxCrlOnlyFrontFixture fixture) : FrontCrlTests<NginxCrlOnlyFrontFixture>(fixture), IClassFixture<NginxCrlOnlyFrontFixture>
{
    protected override async Task ExpectRefusedAsRevokedAsync(IPage page)
    {
        await Assertions.Expect(page.Locator("[data-proxy-status]")).ToHaveAttributeAsync("data-proxy-status", "495");
        await Assertions.Expect(page.Locator("[data-verdict]")).ToHaveAttributeAsync("data-verdict", "Revoked");
    }

    [Fact]
    public void RefreshCrl_OfARootCrlSignedByAnotherKey_FailsAndLeavesTheFileAsItWas()
    {
        using var files = new Testing.TemporaryDirectory();
        var authority = Fixture.Portal.Services.GetRequiredService<CertificateAuthority>();
        using var forgerKey = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var forgerRequest = new CertificateRequest(authority.Root.SubjectName, forgerKey, HashAlgorithmName.SHA384);
        forgerRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        forgerRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.KeyCertSign, true));
        forgerRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(forgerRequest.PublicKey, false));
        using var forger = forgerRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));
        var forged = files.Write("forged.crl", "");
        File.WriteAllBytes(forged, new CertificateRevocationListBuilder().Build(forger, 99, DateTimeOffset.UtcNow.AddDays(1), HashAlgorithmName.SHA384));
        var before = Fixture.CrlFileText;

        var result = Fixture.RunRefreshCrl("false", new Dictionary<string, string> { ["ROOT_CRL_URL"] = "file://" + forged });

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("does not verify", result.All, StringComparison.Ordinal);
        Assert.Equal(before, Fixture.CrlFileText);
    }
}
