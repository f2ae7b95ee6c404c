using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Enrollment.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Playwright;

namespace Enrollment.E2E.Tests.Features.Authority;

/// <summary>
/// Chromium, trusting our root the way an employee's machine does (its NSS database), refuses a
/// web server whose certificate was made with the issuing CA's key; an unconstrained CA's
/// certificate for the same names, trusted the same way, loads.
/// </summary>
public sealed class ConstrainedIssuingCaChromiumTests : IAsyncLifetime
{
    private readonly TestAuthority ca = new();
    private readonly ECDsa otherRootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa otherIssuingKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private X509Certificate2 otherRoot = null!;
    private X509Certificate2 otherIssuing = null!;
    private IPlaywright playwright = null!;
    private IBrowser browser = null!;

    public async Task InitializeAsync()
    {
        otherRoot = HostCertificates.UnconstrainedCa("Unconstrained Root", otherRootKey, null, otherRootKey);
        otherIssuing = HostCertificates.UnconstrainedCa("Unconstrained Issuing", otherIssuingKey, otherRoot, otherRootKey);
        // Chromium on Linux takes locally trusted roots from $HOME/.pki/nssdb.
        var home = Path.Combine(ca.Files.Path, "home");
        Nss.CreateDatabase(Path.Combine(home, ".pki", "nssdb"), ca.RootPem, ca.Files.Write("other-root.pem", otherRoot.ExportCertificatePem()));
        playwright = await Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
            Env = new Dictionary<string, string> { ["HOME"] = home },
        });
    }

    [Fact]
    public async Task WebServer_WithACertificateFromTheIssuingKey_ChromiumRefuses()
    {
        using var certificate = HostCertificates.Server(ca.Authority.Issuing, ca.Authority.IssuingKey, LocalNames);
        await using var server = await ServeAsync(certificate, ca.Authority.Issuing);

        var error = await Assert.ThrowsAsync<PlaywrightException>(() => OpenAsync(server));

        // Chromium names a chain that breaks the CA's constraints (EKU, names) an invalid certificate.
        Assert.Contains("net::ERR_CERT_INVALID", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WebServer_WithACertificateFromAnUnconstrainedTrustedCa_ChromiumLoads()
    {
        using var certificate = HostCertificates.Server(otherIssuing, otherIssuingKey, LocalNames);
        await using var server = await ServeAsync(certificate, otherIssuing);

        Assert.Equal("served", await OpenAsync(server));
    }

    private static void LocalNames(SubjectAlternativeNameBuilder names)
    {
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
    }

    private async Task<string> OpenAsync(WebApplication server)
    {
        // No IgnoreHTTPSErrors: the browser judges the certificate itself.
        await using var context = await browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(server.Urls.Single());
        return await page.InnerTextAsync("body");
    }

    private static async Task<WebApplication> ServeAsync(X509Certificate2 certificate, X509Certificate2 issuing)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(new HttpsConnectionAdapterOptions
        {
            ServerCertificate = certificate,
            ServerCertificateChain = [issuing],
        })));
        var app = builder.Build();
        app.MapGet("/", () => Results.Text("served"));
        await app.StartAsync();
        return app;
    }

    public async Task DisposeAsync()
    {
        await browser.DisposeAsync();
        playwright.Dispose();
        otherRoot.Dispose();
        otherIssuing.Dispose();
        otherRootKey.Dispose();
        otherIssuingKey.Dispose();
        ca.Dispose();
    }
}
