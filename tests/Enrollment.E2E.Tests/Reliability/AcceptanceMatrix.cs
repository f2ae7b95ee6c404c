using Enrollment.Testing;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Enrollment.Ca.Authority;
using Enrollment.Ca.Revocation;
using Enrollment.E2E.Tests.Infrastructure;
using Enrollment.Web.Features.Certificates;
using Enrollment.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Enrollment.E2E.Tests.Reliability;

/// <summary>
/// The certificate acceptance matrix (docs/reliability.md): fourteen kinds of certificate, or of
/// forged certificate headers, presented by Chromium, each signed in as the user it claims to be,
/// and where each lands: the portal's verdict on /account/certificate ("verdict:None" is accepted)
/// or nginx's recovery page with the portal's verdict on the certificate nginx refused
/// ("nginx:495:Expired"). Headers that only a proxy may send are also sent
/// from the proxy's address when the portal runs behind nginx.
/// </summary>
public static partial class AcceptanceMatrix
{
    public static async Task<IReadOnlyList<string>> RunAsync(BrowserPortalFixture fixture, string tag)
    {
        var front = fixture as FrontServerFixture;
        var authority = fixture.Portal.Services.GetRequiredService<CertificateAuthority>();
        using var files = new Testing.TemporaryDirectory();
        var landings = new List<string>();
        async Task Land(string name, Func<Data.Entities.EnrollmentUser, Task<(X509Certificate2, ECDsa)?>> certificate,
            Dictionary<string, string>? headers = null, bool toBackend = false, Data.Entities.EnrollmentUser? signInAs = null)
        {
            var user = await fixture.AddUserAsync($"matrix-{name}-{tag}@example.com");
            var presented = await certificate(user);
            var page = presented is { } pair ? await fixture.NewPageWithCertificateAsync(pair) : await fixture.NewPageAsync();
            if (headers is not null)
            {
                await page.Context.SetExtraHTTPHeadersAsync(new Dictionary<string, string>(headers) { ["Accept-Language"] = "en-US" });
            }
            var origin = toBackend ? fixture.Portal.Https : fixture.FrontUrl;
            landings.Add($"{name}={await LandingAsync(page, origin, (signInAs ?? user).Email!)}");
        }

        var owner = await fixture.AddUserAsync($"matrix-owner-{tag}@example.com");
        var rogue = RogueWithOurIssuersName(authority, await SubjectOfAsync(fixture, owner));
        await Land("own-valid", async user => await fixture.IssueAsync(user));
        await Land("own-expired", async user => await fixture.ExpiredCertificateAsync(user));
        await Land("own-not-yet-valid", async user => await NotYetValidAsync(fixture, authority, user));
        await Land("own-revoked-key-compromise", async user => await RevokedAsync(fixture, user, RevocationReason.KeyCompromise));
        await Land("own-revoked-cessation", async user => await RevokedAsync(fixture, user, RevocationReason.CessationOfOperation));
        await Land("another-users", async _ => await fixture.IssueAsync(owner));
        await Land("rogue-ca-same-name", async user => RogueWithOurIssuersName(authority, await SubjectOfAsync(fixture, user)));
        await Land("unrelated-ca", _ => Task.FromResult<(X509Certificate2, ECDsa)?>(BrowserPortalFixture.OpenSslCaCertificate(files)));
        await Land("our-ca-server-auth-only", async user => await ServerAuthOnlyAsync(fixture, authority, user));
        await Land("ca-certificate-as-client", _ => Task.FromResult<(X509Certificate2, ECDsa)?>(
            (X509CertificateLoader.LoadCertificate(authority.Issuing.RawData), authority.IssuingKey)));
        await Land("self-signed", _ => Task.FromResult<(X509Certificate2, ECDsa)?>(SelfSigned()));
        await Land("no-certificate", _ => Task.FromResult<(X509Certificate2, ECDsa)?>(null));
        // From the browser, whatever the mode: behind nginx straight to the portal (not the proxy's address).
        await Land("header-from-non-proxy", async user => { await fixture.IssueAsync(user); return null; },
            Forwarded(await fixture.IssueAsync(owner)), toBackend: front is not null, signInAs: owner);
        await Land("header-unverifiable", _ => Task.FromResult<(X509Certificate2, ECDsa)?>(null), Forwarded(rogue));
        await Land("header-malformed", _ => Task.FromResult<(X509Certificate2, ECDsa)?>(null),
            new Dictionary<string, string> { ["X-CLIENTCERT"] = "-----BEGIN%20CERTIFICATE-----%0A%%%garbage", ["X-CLIENTCERT-VERIFY"] = "SUCCESS" });
        if (front is not null)
        {
            // The same two headers as the front server itself would send them, the way it reaches the portal: believed, then re-verified.
            var user = await fixture.AddUserAsync($"matrix-proxy-{tag}@example.com");
            using var session = await front.SignInAsProxyAsync(user.Email!);
            landings.Add($"proxy-header-unverifiable=verdict:{await session.CertificateVerdictAsync(Forwarded(rogue))}");
            landings.Add($"proxy-header-malformed=verdict:{await session.CertificateVerdictAsync(new Dictionary<string, string>
            {
                ["X-CLIENTCERT"] = "-----BEGIN%20CERTIFICATE-----%0A%%%garbage", ["X-CLIENTCERT-VERIFY"] = "SUCCESS",
            })}");
        }
        // Kept for docs/reliability.md: artifacts/acceptance-matrix.<mode>.txt.
        Directory.CreateDirectory(Path.Combine(Repository.Root, "artifacts"));
        await File.WriteAllLinesAsync(Path.Combine(Repository.Root, "artifacts", $"acceptance-matrix.{tag}.txt"), landings);
        return landings;
    }

    /// <summary>nginx's recovery page if it refused the handshake's certificate, else the portal's verdict after signing in.</summary>
    private static async Task<string> LandingAsync(IPage page, Uri origin, string email)
    {
        await page.GotoAsync(new Uri(origin, "account/login").AbsoluteUri);
        // Apache ends the handshake on a certificate it refuses; Playwright, which makes the
        // connection with the client certificate for Chromium, shows the TLS alert as its own page.
        var body = await page.Locator("body").InnerTextAsync();
        if (body.StartsWith("Playwright client-certificate error", StringComparison.Ordinal))
        {
            return "tls-alert:" + TlsAlert().Match(body).Groups[1].Value;
        }
        if (await page.Locator("[data-proxy-status]").CountAsync() > 0)
        {
            // nginx forwards the certificate it refused, and the portal names what is wrong with it.
            return $"nginx:{await page.Locator("[data-proxy-status]").GetAttributeAsync("data-proxy-status")}:"
                   + await page.Locator("[data-verdict]").GetAttributeAsync("data-verdict");
        }
        await BrowserPortalFixture.SignInWithPasswordAsync(page, email, origin: origin);
        await page.GotoAsync(new Uri(origin, "account/certificate").AbsoluteUri);
        return "verdict:" + await page.Locator("[data-verdict]").GetAttributeAsync("data-verdict");
    }

    private static Dictionary<string, string> Forwarded((X509Certificate2 Certificate, ECDsa Key) presented) =>
        PortalSession.ForwardedCertificate(presented.Certificate);

    private static async Task<(X509Certificate2, ECDsa)?> RevokedAsync(BrowserPortalFixture fixture, Data.Entities.EnrollmentUser user, RevocationReason reason)
    {
        var issued = await fixture.IssueAsync(user);
        await fixture.Portal.Services.GetRequiredService<RevocationService>().RevokeAsync(
            Ca.Serials.SerialNumber.Canonicalize(issued.Certificate.SerialNumber), reason, "matrix", null, default);
        return issued;
    }

    /// <summary>Our CA's profile and signature, but valid only from tomorrow.</summary>
    private static async Task<(X509Certificate2, ECDsa)?> NotYetValidAsync(BrowserPortalFixture fixture, CertificateAuthority authority, Data.Entities.EnrollmentUser user)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await using var scope = fixture.Portal.Services.CreateAsyncScope();
        var subject = scope.ServiceProvider.GetRequiredService<CertificateIssuer>().SubjectOf(user);
        var start = DateTimeOffset.UtcNow.AddDays(1);
        var certificate = new Ca.Issuance.ClientCertificateBuilder(authority, fixture.Portal.Services.GetRequiredService<PublicationUrls>())
            .Sign(new Ca.Issuance.IssuanceTemplate(Ca.Serials.SerialNumber.Create(), subject, new PublicKey(key), start, start.AddDays(30), "privileged-access"));
        return (certificate, key);
    }

    /// <summary>Signed by our issuing CA for the user, but for TLS servers only (EKU serverAuth).</summary>
    private static async Task<(X509Certificate2, ECDsa)?> ServerAuthOnlyAsync(BrowserPortalFixture fixture, CertificateAuthority authority, Data.Entities.EnrollmentUser user)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        await using var scope = fixture.Portal.Services.CreateAsyncScope();
        var request = new CertificateRequest(scope.ServiceProvider.GetRequiredService<CertificateIssuer>().SubjectOf(user).DistinguishedName(), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority.Issuing, true, false));
        using var issuer = authority.Issuing.CopyWithPrivateKey(authority.IssuingKey);
        var certificate = request.Create(issuer, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(30), Ca.Serials.SerialNumber.Create());
        return (certificate, key);
    }

    /// <summary>
    /// A client certificate signed by a key of its own under the name of our issuing CA, carrying the
    /// victim's own subject (CN, employee id) and e-mail name: everything a name match would check.
    /// </summary>
    private static (X509Certificate2, ECDsa) RogueWithOurIssuersName(CertificateAuthority authority, Ca.Issuance.CertificateSubject victim)
    {
        var rogueKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(victim.DistinguishedName(), leafKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        request.CertificateExtensions.Add(victim.AlternativeNames());
        var rogue = request.Create(authority.Issuing.SubjectName, X509SignatureGenerator.CreateForECDsa(rogueKey),
            DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1), Ca.Serials.SerialNumber.Create());
        return (rogue, leafKey);
    }

    private static async Task<Ca.Issuance.CertificateSubject> SubjectOfAsync(BrowserPortalFixture fixture, Data.Entities.EnrollmentUser user)
    {
        await using var scope = fixture.Portal.Services.CreateAsyncScope();
        return scope.ServiceProvider.GetRequiredService<CertificateIssuer>().SubjectOf(user);
    }

    private static (X509Certificate2, ECDsa) SelfSigned()
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Self Signed, O=Enrollment", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        return (request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(30)), key);
    }

    /// <summary>OpenSSL's name of the alert the server sent, e.g. "sslv3 alert certificate expired" gives "certificate expired".</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"alert ([a-z ]+?):")]
    private static partial System.Text.RegularExpressions.Regex TlsAlert();
}
