using Enrollment.Ca.Revocation;
using Enrollment.Web.Features.Certificates;
using Enrollment.E2E.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Enrollment.E2E.Tests.Features.Gate;

/// <summary>Chromium, then the shipped Apache httpd configuration, then the portal on its Unix socket.</summary>
public sealed class ApacheProxyTests(ApacheFrontFixture fixture) : FrontServerTests<ApacheFrontFixture>(fixture), IClassFixture<ApacheFrontFixture>
{
    [Fact]
    public async Task RevokedCertificate_IsRefusedByApacheThroughThePortalsOcsp_AtTheHandshake()
    {
        var user = await Fixture.AddUserAsync("apache-revoked@example.com");
        var issued = await Fixture.IssueAsync(user);
        await Fixture.Portal.Services.GetRequiredService<RevocationService>().RevokeAsync(
            Ca.Serials.SerialNumber.Canonicalize(issued.Certificate.SerialNumber), RevocationReason.KeyCompromise, "test", null, default);
        var page = await Fixture.NewPageWithCertificateAsync(issued);

        await page.GotoAsync("");

        // mod_ssl ends the handshake with an alert; no page of the portal's can be shown on it.
        await Assertions.Expect(page.Locator("body")).ToContainTextAsync("alert certificate revoked");
        Assert.Contains("certificate revoked", Fixture.ErrorLogText, StringComparison.Ordinal);
    }
}

/// <summary>Apache revoking by the CRLs alone, kept current by refresh-crl.sh and a graceful restart.</summary>
public sealed class ApacheCrlTests(ApacheCrlOnlyFrontFixture fixture) : FrontCrlTests<ApacheCrlOnlyFrontFixture>(fixture), IClassFixture<ApacheCrlOnlyFrontFixture>
{
    // "SSLCARevocationCheck chain" and a TLS alert: no page can be shown on that connection.
    protected override Task ExpectRefusedAsRevokedAsync(IPage page) =>
        Assertions.Expect(page.Locator("body")).ToContainTextAsync("alert certificate revoked");
}

/// <summary>
/// Apache's per-directory client authentication ("SSLVerifyClient require" in a &lt;Location&gt;), which
/// asks for a certificate in the middle of the connection. Under TLS 1.3 that is post-handshake
/// authentication, which browsers do not offer: every visitor gets the "no certificate" page. Under
/// TLS 1.2 it is a renegotiation, which works for HTTP/1.1 only, and a visitor without a certificate
/// gets a bare TLS error. Hence the portal asks once, at the first handshake, optional
/// (docs/design.md, "Behind a reverse proxy").
/// </summary>
public sealed class ApachePostHandshakeTests(ApachePostHandshakeFixture fixture) : IClassFixture<ApachePostHandshakeFixture>
{
    [Fact]
    public async Task PerDirectoryCertificate_UnderTls13_IsNeverSent_AndTheVisitorGetsTheNoCertificatePage()
    {
        var user = await fixture.AddUserAsync("apache-tls13@example.com");
        var page = await fixture.NewPageWithCertificateAsync(await fixture.IssueAsync(user));
        await BrowserPortalFixture.SignInWithPasswordAsync(page, user.Email!);

        await page.GotoAsync(ApachePerDirectoryFixture.ProtectedPath);

        // mod_ssl's 403, through ErrorDocument to the portal's page, although the browser holds a valid certificate.
        await Assertions.Expect(page.Locator("[data-proxy-status]")).ToHaveAttributeAsync("data-proxy-status", "496");
        await Assertions.Expect(page.Locator("[data-verdict]")).ToHaveAttributeAsync("data-verdict", "NoCertificate");
        Assert.Contains("cannot perform post-handshake authentication", fixture.ErrorLogText, StringComparison.Ordinal);
    }
}

public sealed class ApacheRenegotiationTests(ApacheRenegotiationFixture fixture) : IClassFixture<ApacheRenegotiationFixture>
{
    [Fact]
    public async Task PerDirectoryCertificate_UnderTls12_IsAskedForByRenegotiation_AndAccepted()
    {
        var user = await fixture.AddUserAsync("apache-tls12@example.com");
        var page = await fixture.NewPageWithCertificateAsync(await fixture.IssueAsync(user));
        await BrowserPortalFixture.SignInWithPasswordAsync(page, user.Email!);

        await page.GotoAsync(ApachePerDirectoryFixture.ProtectedPath);

        await Assertions.Expect(page.Locator("[data-verdict]")).ToHaveAttributeAsync("data-verdict", "None");
    }

    [Fact]
    public async Task PerDirectoryCertificate_UnderTls12_WithoutACertificate_EndsInABareBrowserError()
    {
        var user = await fixture.AddUserAsync("apache-tls12-none@example.com");
        // Chromium's own TLS: it accepts the renegotiation and, holding no certificate, sends none;
        // mod_ssl, required to get one, ends the connection instead of answering 403.
        var page = await fixture.NewPageAsync();
        await BrowserPortalFixture.SignInWithPasswordAsync(page, user.Email!);

        var refused = await Assert.ThrowsAsync<PlaywrightException>(() => page.GotoAsync(ApachePerDirectoryFixture.ProtectedPath));

        Assert.Contains("ERR_BAD_SSL_CLIENT_AUTH_CERT", refused.Message, StringComparison.Ordinal);
    }
}
