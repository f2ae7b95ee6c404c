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

    /// <summary>
    /// The root taken offline, then its next CRL signed with the key brought back: refresh-crl.sh
    /// fetches it, nginx reloads, and a valid certificate still passes nginx's CRL check at every level.
    /// </summary>
    [Fact]
    public async Task RootCrl_SignedByTheOfflineRootVerb_IsFetchedByRefreshCrl_AndNginxStillAcceptsACertificate()
    {
        using var files = new Testing.TemporaryDirectory();
        var variable = $"ENROLLMENT_TEST_ROOT_{Guid.NewGuid():N}";
        Environment.SetEnvironmentVariable(variable, "the offline root's passphrase");
        var keyFile = files.File("root-key.pem");
        Assert.Equal(0, (await VerbAsync("ca", "root", "take-offline", "--out", keyFile, "--passphrase-env", variable)).ExitCode);
        Assert.Equal(0, (await VerbAsync("ca", "root", "crl", "--root-key", keyFile, "--passphrase-env", variable, "--root-crl-days", "200")).ExitCode);
        var signed = File.ReadAllBytes(Path.Combine(Fixture.Portal.DataDirectory, "ca", CaStore.RootCrlFile));
        Assert.Equal(3, (int)CrlInfo.Read(signed).Number);

        await Fixture.RefreshCrlAsync();
        var user = await Fixture.AddUserAsync("offline-root-crl@example.com");
        var issued = await Fixture.IssueAsync(user);
        var page = await Fixture.NewPageWithCertificateAsync(issued);
        await BrowserPortalFixture.SignInWithPasswordAsync(page, user.Email!);
        await page.GotoAsync("account/certificate");

        Assert.Contains(PemEncoding.WriteString("X509 CRL", signed), Fixture.CrlFileText.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("[data-verdict]")).ToHaveAttributeAsync("data-verdict", "None");
        Environment.SetEnvironmentVariable(variable, null);
    }

    /// <summary>An admin verb on the fixture portal's data directory, as the operator runs it beside the portal.</summary>
    private Task<Testing.CommandResult> VerbAsync(params string[] args) =>
        Web.Tests.Infrastructure.AdminVerbs.RunAsync([.. args, "--data-dir", Fixture.Portal.DataDirectory]);
}
