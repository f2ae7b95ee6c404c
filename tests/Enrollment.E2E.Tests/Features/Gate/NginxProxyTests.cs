using Enrollment.Testing;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Enrollment.Ca.Authority;
using Enrollment.Ca.Revocation;
using Enrollment.E2E.Tests.Infrastructure;
using Enrollment.Web.Features.Certificates;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Enrollment.E2E.Tests.Features.Gate;

/// <summary>Chromium, then the shipped nginx configuration, then the portal in proxy mode.</summary>
public sealed class NginxProxyTests(NginxFrontFixture fixture) : FrontServerTests<NginxFrontFixture>(fixture), IClassFixture<NginxFrontFixture>
{
    [Fact]
    public async Task OwnValidCertificate_ThroughNginx_IsAccepted()
    {
        var user = await Fixture.AddUserAsync("nginx-own@example.com");
        var page = await Fixture.NewPageWithCertificateAsync(await Fixture.IssueAsync(user));

        await BrowserPortalFixture.SignInWithPasswordAsync(page, user.Email!);
        await page.GotoAsync("account/certificate");

        await Assertions.Expect(page.Locator("[data-verdict]")).ToHaveAttributeAsync("data-verdict", "None");
    }

    [Fact]
    public async Task HighBitSerialCertificate_ThroughNginx_PassesItsOcspCheckAndMapsToItsOwner()
    {
        var user = await Fixture.AddUserAsync("nginx-high-bit@example.com");
        var presented = await Fixture.HighBitSerialCertificateAsync(user);
        var page = await Fixture.NewPageWithCertificateAsync(presented);

        // nginx asks the portal's OCSP responder about the serial it prints without padding, then forwards the PEM.
        await BrowserPortalFixture.SignInWithPasswordAsync(page, user.Email!);
        await page.GotoAsync("account/certificate");

        await Assertions.Expect(page.Locator("[data-verdict]")).ToHaveAttributeAsync("data-verdict", "None");
        await Assertions.Expect(page.GetByTestId("accepted-serial")).ToHaveTextAsync(Ca.Serials.SerialNumber.Canonicalize(presented.Certificate.SerialNumber));
    }

    [Fact]
    public async Task OrdinaryPages_ThroughNginx_WorkWithoutACertificate()
    {
        var user = await Fixture.AddUserAsync("nginx-ordinary@example.com");
        var page = await Fixture.NewPageAsync();

        await BrowserPortalFixture.SignInWithPasswordAsync(page, user.Email!);
        foreach (var path in new[] { "", "requests", "account/manage", "account/manage/password", "account/manage/two-factor" })
        {
            var response = await page.GotoAsync(path);
            Assert.Equal(200, response!.Status);
            Assert.DoesNotContain("/account/certificate", page.Url, StringComparison.Ordinal);
            Assert.DoesNotContain("/recovery/", page.Url, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task NoCertificate_ThroughNginx_IsExplainedByThePortal()
    {
        var user = await Fixture.AddUserAsync("nginx-none@example.com");
        var page = await Fixture.NewPageAsync();

        await BrowserPortalFixture.SignInWithPasswordAsync(page, user.Email!);
        await page.GotoAsync("account/certificate");

        await Assertions.Expect(page.Locator("[data-verdict]")).ToHaveAttributeAsync("data-verdict", "NoCertificate");
    }

    [Fact]
    public async Task AnotherUsersCertificate_ThroughNginx_IsRefusedByThePortal()
    {
        var owner = await Fixture.AddUserAsync("nginx-owner@example.com");
        var other = await Fixture.AddUserAsync("nginx-other@example.com");
        var page = await Fixture.NewPageWithCertificateAsync(await Fixture.IssueAsync(owner));

        await BrowserPortalFixture.SignInWithPasswordAsync(page, other.Email!);
        await page.GotoAsync("account/certificate");

        await Assertions.Expect(page.Locator("[data-verdict]")).ToHaveAttributeAsync("data-verdict", "AnotherUser");
    }

    [Fact]
    public async Task ExpiredCertificate_IsRefusedByNginx_AndThePortalNamesTheFaultUnderAnAuditedCode()
    {
        var user = await Fixture.AddUserAsync("nginx-expired@example.com");
        var page = await Fixture.NewPageWithCertificateAsync(await Fixture.ExpiredCertificateAsync(user));

        await page.GotoAsync("");

        await Assertions.Expect(page.Locator("[data-proxy-status]")).ToHaveAttributeAsync("data-proxy-status", "495");
        await Assertions.Expect(page.Locator("[data-verdict]")).ToHaveAttributeAsync("data-verdict", "Expired");
        await Assertions.Expect(page.GetByTestId("clear-choice-first")).ToBeVisibleAsync();
        // Styled: the stylesheets came through nginx as themselves, not as more recovery pages.
        Assert.NotEqual("rgba(0, 0, 0, 0)", await page.Locator("[data-verdict]").EvaluateAsync<string>("e => getComputedStyle(e).backgroundColor"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(Repository.Root, "artifacts", "screenshots", "recovery-proxy-expired.en.png"), FullPage = true });
        var code = await page.GetByTestId("reference-code").InnerTextAsync();
        await using var scope = Fixture.Portal.Services.CreateAsyncScope();
        var row = await scope.ServiceProvider.GetRequiredService<Data.EnrollmentDbContext>().AuditEvents
            .SingleAsync(e => e.EventType == "gate.refused" && e.Target == code);
        Assert.Contains("failure=Expired", row.Details, StringComparison.Ordinal);
        Assert.Contains("proxy=495 proxy-verify=FAILED:certificate has expired", row.Details, StringComparison.Ordinal);
        Assert.Equal("127.0.0.1", row.Address);
    }

    [Fact]
    public async Task CertificateFromACaMadeWithOpenSsl_IsRefusedByNginxWithTheRecoveryPage()
    {
        using var directory = new Testing.TemporaryDirectory();
        var page = await Fixture.NewPageWithCertificateAsync(BrowserPortalFixture.OpenSslCaCertificate(directory));

        await page.GotoAsync("");

        await Assertions.Expect(page.Locator("[data-proxy-status]")).ToHaveAttributeAsync("data-proxy-status", "495");
    }

    [Fact]
    public async Task ClientSentCertificateHeader_ThroughNginx_IsOverwrittenAndIgnored()
    {
        var user = await Fixture.AddUserAsync("nginx-spoof@example.com");
        var (certificate, _) = await Fixture.IssueAsync(user);
        var page = await Fixture.NewPageAsync();
        await page.Context.SetExtraHTTPHeadersAsync(new Dictionary<string, string>
        {
            ["X-CLIENTCERT"] = Uri.EscapeDataString(certificate.ExportCertificatePem() + "\n"),
            ["X-CLIENTCERT-VERIFY"] = "SUCCESS",
        });

        await BrowserPortalFixture.SignInWithPasswordAsync(page, user.Email!);
        await page.GotoAsync("account/certificate");

        await Assertions.Expect(page.Locator("[data-verdict]")).ToHaveAttributeAsync("data-verdict", "NoCertificate");
    }

    [Fact]
    public async Task RogueCaCertificateWithOurIssuersName_IsRefusedByNginxWithTheRecoveryPage()
    {
        var authority = Fixture.Portal.Services.GetRequiredService<CertificateAuthority>();
        var rogueKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Victim Example", leafKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        var rogue = request.Create(authority.Issuing.SubjectName, X509SignatureGenerator.CreateForECDsa(rogueKey),
            DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1), Ca.Serials.SerialNumber.Create());
        var page = await Fixture.NewPageWithCertificateAsync((rogue, leafKey));

        await page.GotoAsync("");

        await Assertions.Expect(page.Locator("[data-proxy-status]")).ToHaveAttributeAsync("data-proxy-status", "495");
    }

    [Fact]
    public async Task RevokedCertificate_IsRefusedByNginxThroughThePortalsOcsp()
    {
        var user = await Fixture.AddUserAsync("nginx-revoked@example.com");
        var issued = await Fixture.IssueAsync(user);
        await Fixture.Portal.Services.GetRequiredService<RevocationService>().RevokeAsync(
            Ca.Serials.SerialNumber.Canonicalize(issued.Certificate.SerialNumber), RevocationReason.KeyCompromise, "test", null, default);
        var page = await Fixture.NewPageWithCertificateAsync(issued);

        await page.GotoAsync("");

        await Assertions.Expect(page.Locator("[data-proxy-status]")).ToHaveAttributeAsync("data-proxy-status", "495");
    }
}
