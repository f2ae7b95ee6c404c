using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Enrollment.Data.Entities;
using Enrollment.Web.Features.Certificates;
using Enrollment.Web.Features.Gate;
using Enrollment.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Enrollment.Web.Tests.Features.Gate;

/// <summary>
/// Reverse-proxy mode: certificate headers count only from the configured proxy (127.0.0.2 here),
/// are dropped from anyone else, and what they carry is verified again by the gate.
/// </summary>
public sealed class ProxyModeTests : IAsyncLifetime
{
    private const string Password = "correct horse battery staple";
    private static readonly IPAddress Proxy = IPAddress.Parse("127.0.0.2");
    private RunningPortal portal = default!;

    public async Task InitializeAsync() => portal = await RunningPortal.StartAsync(
        "--Enrollment:ClientCertificates:Mode=Proxy", "--Enrollment:ClientCertificates:KnownProxies:0=127.0.0.2",
        "--Enrollment:RateLimits:SignInPerMinute=1000");

    [Fact]
    public async Task ForwardedOwnCertificate_FromTheProxy_IsAccepted()
    {
        var (user, certificate) = await UserWithCertificateAsync("proxied@example.com");
        using var session = await PortalSession.SignInAsync(portal, user.Email!, Password, Proxy);

        Assert.Equal("None", await session.CertificateVerdictAsync(Forwarded(certificate)));
    }

    [Fact]
    public async Task ForwardedOwnCertificate_SentStraightToKestrelFromElsewhere_IsIgnored()
    {
        var (user, certificate) = await UserWithCertificateAsync("spoofer@example.com");
        using var session = await PortalSession.SignInAsync(portal, user.Email!, Password);

        Assert.Equal("NoCertificate", await session.CertificateVerdictAsync(Forwarded(certificate)));
    }

    [Fact]
    public async Task ForwardedCertificate_FromTheProxyButNotVerifying_IsRefused()
    {
        var (user, _) = await UserWithCertificateAsync("rogue-target@example.com");
        using var rogueKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var authority = portal.Services.GetRequiredService<Enrollment.Ca.Authority.CertificateAuthority>();
        var request = new CertificateRequest($"CN={user.DisplayName}", rogueKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var rogue = request.Create(authority.Issuing.SubjectName, X509SignatureGenerator.CreateForECDsa(rogueKey),
            DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1), Enrollment.Ca.Serials.SerialNumber.Create());
        using var session = await PortalSession.SignInAsync(portal, user.Email!, Password, Proxy);

        Assert.Equal("UntrustedChain", await session.CertificateVerdictAsync(Forwarded(rogue)));
    }

    [Theory]
    [InlineData("not%20a%20certificate")]
    [InlineData("-----BEGIN%20CERTIFICATE-----%0AAAAA%0A-----END%20CERTIFICATE-----%0A")]
    [InlineData("%E0%A4%A")]
    [InlineData("two")]
    [InlineData("huge")]
    [InlineData("broken block first")]
    [InlineData("text after")]
    public async Task MalformedHeader_FromTheProxy_IsRefusedNotAServerError(string value)
    {
        var (user, certificate) = await UserWithCertificateAsync($"malformed-{Guid.NewGuid():N}@example.com");
        var pem = Uri.EscapeDataString(certificate.ExportCertificatePem() + "\n");
        var header = value switch
        {
            "two" => pem + pem,
            "huge" => new string('A', ForwardedCertificateMiddleware.MaxHeaderLength + 1),
            // An own, valid certificate, but not alone: found by the differential fuzzing, where
            // BouncyCastle refused what the lax PEM reading let through (docs/reliability.md).
            "broken block first" => Uri.EscapeDataString("-----BEGIN CERTIFICATE-----\nMIIC\n") + pem,
            "text after" => pem + "trailing",
            _ => value,
        };
        using var session = await PortalSession.SignInAsync(portal, user.Email!, Password, Proxy);

        Assert.Equal("UntrustedChain", await session.CertificateVerdictAsync(new Dictionary<string, string> { ["X-CLIENTCERT"] = header }));
    }

    [Fact]
    public async Task HeaderNames_AreReadCaseInsensitively()
    {
        var (user, certificate) = await UserWithCertificateAsync("case@example.com");
        using var session = await PortalSession.SignInAsync(portal, user.Email!, Password, Proxy);

        Assert.Equal("None", await session.CertificateVerdictAsync(new Dictionary<string, string>
        {
            ["x-clientcert"] = Uri.EscapeDataString(certificate.ExportCertificatePem() + "\n"),
        }));
    }

    [Fact]
    public async Task ProxysRecoveryPage_ForARevokedCertificate_NamesTheRevocationToAVisitorNotSignedIn()
    {
        var (_, certificate) = await UserWithCertificateAsync("proxy-495-revoked@example.com");
        await portal.Services.GetRequiredService<RevocationService>().RevokeAsync(
            Enrollment.Ca.Serials.SerialNumber.Canonicalize(certificate.SerialNumber), Enrollment.Ca.Revocation.RevocationReason.KeyCompromise, "test", null, default);
        using var visitor = PortalSession.Anonymous(portal, Proxy);

        var verdict = await visitor.CertificateVerdictAsync(
            new Dictionary<string, string>(Forwarded(certificate)) { ["X-CLIENTCERT-VERIFY"] = "FAILED:certificate revoked" }, "recovery/proxy/495");

        Assert.Equal("Revoked", verdict);
        Assert.Contains("proxy=495 proxy-verify=FAILED:certificate revoked", await LastRefusalAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProxysRecoveryPage_ForACertificateThePortalFindsSound_ShowsTheProxysOwnVerdict()
    {
        var (_, certificate) = await UserWithCertificateAsync("proxy-495-sound@example.com");
        using var visitor = PortalSession.Anonymous(portal, Proxy);

        var verdict = await visitor.CertificateVerdictAsync(
            new Dictionary<string, string>(Forwarded(certificate)) { ["X-CLIENTCERT-VERIFY"] = "FAILED:OCSP responder error" }, "recovery/proxy/495");

        Assert.Equal("RefusedByProxy", verdict);
    }

    [Fact]
    public async Task ProxysRecoveryPage_WithHeadersFromElsewhere_JudgesNoForwardedCertificate()
    {
        var (_, certificate) = await UserWithCertificateAsync("proxy-495-spoof@example.com");
        using var visitor = PortalSession.Anonymous(portal);

        Assert.Equal("RefusedByProxy", await visitor.CertificateVerdictAsync(Forwarded(certificate), "recovery/proxy/495"));
        Assert.Equal("NoCertificate", await visitor.CertificateVerdictAsync(Forwarded(certificate), "recovery/proxy/496"));
        Assert.DoesNotContain(Enrollment.Ca.Serials.SerialNumber.Canonicalize(certificate.SerialNumber), await LastRefusalAsync(), StringComparison.Ordinal);
    }

    private async Task<string> LastRefusalAsync()
    {
        await using var scope = portal.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<Enrollment.Data.EnrollmentDbContext>().AuditEvents
            .Where(e => e.EventType == "gate.refused").OrderByDescending(e => e.Id).Select(e => e.Details).FirstAsync();
    }

    public async Task DisposeAsync() => await portal.DisposeAsync();

    // What nginx sends: $ssl_client_escaped_cert, $ssl_client_verify, $ssl_client_serial.
    private static Dictionary<string, string> Forwarded(X509Certificate2 certificate) =>
        new(PortalSession.ForwardedCertificate(certificate)) { ["X-CLIENTCERT-SERIAL"] = certificate.SerialNumber };

    private Task<(EnrollmentUser User, X509Certificate2 Certificate)> UserWithCertificateAsync(string email) =>
        PortalUsers.WithCertificateAsync(portal, email, Password);
}
