using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Enrollment.Ca.Authority;
using Enrollment.Ca.Revocation;
using Enrollment.E2E.Tests.Infrastructure;
using Enrollment.Web.Features.Certificates;
using Microsoft.Playwright;

namespace Enrollment.E2E.Tests.Features.Gate;

/// <summary>nginx revoking by the CRLs alone (the shipped template without its OCSP lines), kept current by refresh-crl.sh.</summary>
public sealed class NginxCrlTests(NginxCrlOnlyFrontFixture fixture) : IClassFixture<NginxCrlOnlyFrontFixture>
{
    [Fact]
    public async Task OwnCertificate_PassesTheCrlCheckAtEveryLevel_AndIsRefusedAsRevokedOnceTheCrlIsRefreshed()
    {
        var user = await fixture.AddUserAsync("nginx-crl@example.com");
        var issued = await fixture.IssueAsync(user);
        var before = await fixture.NewPageWithCertificateAsync(issued);
        // nginx wants a CRL for the issuing CA's certificate too: without the root's, every certificate fails.
        await BrowserPortalFixture.SignInWithPasswordAsync(before, user.Email!);
        await before.GotoAsync("account/certificate");
        await Assertions.Expect(before.Locator("[data-verdict]")).ToHaveAttributeAsync("data-verdict", "None");

        await fixture.Portal.Services.GetRequiredService<RevocationService>().RevokeAsync(
            Ca.Serials.SerialNumber.Canonicalize(issued.Certificate.SerialNumber), RevocationReason.KeyCompromise, "test", null, default);
        await fixture.RefreshCrlAsync();
        var after = await fixture.NewPageWithCertificateAsync(issued);
        await after.GotoAsync("");

        await Assertions.Expect(after.Locator("[data-proxy-status]")).ToHaveAttributeAsync("data-proxy-status", "495");
        await Assertions.Expect(after.Locator("[data-verdict]")).ToHaveAttributeAsync("data-verdict", "Revoked");
    }

    [Fact]
    public void RefreshCrl_OfARootCrlSignedByAnotherKey_FailsAndLeavesTheFileAsItWas()
    {
        using var files = new Testing.TemporaryDirectory();
        var authority = fixture.Portal.Services.GetRequiredService<CertificateAuthority>();
        using var forgerKey = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var forgerRequest = new CertificateRequest(authority.Root.SubjectName, forgerKey, HashAlgorithmName.SHA384);
        forgerRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        forgerRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.KeyCertSign, true));
        forgerRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(forgerRequest.PublicKey, false));
        using var forger = forgerRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));
        var forged = files.Write("forged.crl", "");
        File.WriteAllBytes(forged, new CertificateRevocationListBuilder().Build(forger, 99, DateTimeOffset.UtcNow.AddDays(1), HashAlgorithmName.SHA384));
        var before = fixture.CrlFileText;

        var result = fixture.RunRefreshCrl("false", new Dictionary<string, string> { ["ROOT_CRL_URL"] = "file://" + forged });

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("does not verify", result.All, StringComparison.Ordinal);
        Assert.Equal(before, fixture.CrlFileText);
    }
}
