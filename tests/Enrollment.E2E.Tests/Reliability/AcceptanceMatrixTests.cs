using Enrollment.E2E.Tests.Infrastructure;

namespace Enrollment.E2E.Tests.Reliability;

/// <summary>The acceptance matrix with Kestrel asking for the certificate itself.</summary>
public sealed class DirectAcceptanceMatrixTests(BrowserPortalFixture fixture) : IClassFixture<BrowserPortalFixture>
{
    [Fact]
    public async Task EveryKindOfCertificate_LandsOnItsVerdict()
    {
        var landings = await AcceptanceMatrix.RunAsync(fixture, "direct");

        Assert.Equal(string.Join("\n", ExpectedDirect), string.Join("\n", landings));
    }

    // Every refusal lands on the certificate check page with its own guidance; the forged headers
    // count for nothing from a browser (no proxy is configured), so those visitors present none.
    private static readonly string[] ExpectedDirect =
    [
        "own-valid=verdict:None",
        "own-expired=verdict:Expired",
        "own-not-yet-valid=verdict:NotYetValid",
        "own-revoked-key-compromise=verdict:Revoked",
        "own-revoked-cessation=verdict:Revoked",
        "another-users=verdict:AnotherUser",
        "rogue-ca-same-name=verdict:UntrustedChain",
        "unrelated-ca=verdict:OtherCa",
        "our-ca-server-auth-only=verdict:WrongPurpose",
        "ca-certificate-as-client=verdict:OtherCa",
        "self-signed=verdict:OtherCa",
        "no-certificate=verdict:NoCertificate",
        "header-from-non-proxy=verdict:NoCertificate",
        "header-unverifiable=verdict:NoCertificate",
        "header-malformed=verdict:NoCertificate",
    ];
}

/// <summary>The acceptance matrix behind the shipped nginx configuration.</summary>
public sealed class NginxAcceptanceMatrixTests(NginxFrontFixture fixture) : IClassFixture<NginxFrontFixture>
{
    [Fact]
    public async Task EveryKindOfCertificate_LandsOnItsVerdictOrNginxsRecoveryPage()
    {
        var landings = await AcceptanceMatrix.RunAsync(fixture, "nginx");

        Assert.Equal(string.Join("\n", ExpectedBehindNginx), string.Join("\n", landings));
    }

    // nginx refuses what fails verification (expired, not yet valid, revoked by its OCSP check,
    // foreign or rogue issuers, wrong purpose) with its 495 recovery page, on which the portal
    // names the same fault as in direct mode; the portal judges ownership. Client-sent headers are overwritten by nginx, or stripped when sent around it;
    // the same headers from the proxy's own address are believed and then re-verified.
    private static readonly string[] ExpectedBehindNginx =
    [
        "own-valid=verdict:None",
        "own-expired=nginx:495:Expired",
        "own-not-yet-valid=nginx:495:NotYetValid",
        "own-revoked-key-compromise=nginx:495:Revoked",
        "own-revoked-cessation=nginx:495:Revoked",
        "another-users=verdict:AnotherUser",
        "rogue-ca-same-name=nginx:495:UntrustedChain",
        "unrelated-ca=nginx:495:OtherCa",
        "our-ca-server-auth-only=nginx:495:WrongPurpose",
        "ca-certificate-as-client=nginx:495:OtherCa",
        "self-signed=nginx:495:OtherCa",
        "no-certificate=verdict:NoCertificate",
        "header-from-non-proxy=verdict:NoCertificate",
        "header-unverifiable=verdict:NoCertificate",
        "header-malformed=verdict:NoCertificate",
        "proxy-header-unverifiable=verdict:UntrustedChain",
        "proxy-header-malformed=verdict:UntrustedChain",
    ];
}

/// <summary>The acceptance matrix behind the shipped Apache httpd configuration.</summary>
public sealed class ApacheAcceptanceMatrixTests(ApacheFrontFixture fixture) : IClassFixture<ApacheFrontFixture>
{
    [Fact]
    public async Task EveryKindOfCertificate_LandsOnItsVerdictOrApachesTlsAlert()
    {
        var landings = await AcceptanceMatrix.RunAsync(fixture, "apache");

        Assert.Equal(string.Join("\n", ExpectedBehindApache), string.Join("\n", landings));
    }

    // mod_ssl refuses what fails verification at the handshake, with the TLS alert for the fault
    // (OpenSSL's names; Chromium shows ERR_BAD_SSL_CLIENT_AUTH_CERT), so no page can explain it:
    // unlike nginx, which finishes the handshake and answers 495. What Apache accepts, the portal
    // judges exactly as behind nginx, and the headers only Apache's socket may send are re-verified.
    private static readonly string[] ExpectedBehindApache =
    [
        "own-valid=verdict:None",
        "own-expired=tls-alert:certificate expired",
        "own-not-yet-valid=tls-alert:bad certificate",
        "own-revoked-key-compromise=tls-alert:certificate revoked",
        "own-revoked-cessation=tls-alert:certificate revoked",
        "another-users=verdict:AnotherUser",
        "rogue-ca-same-name=tls-alert:decrypt error",
        "unrelated-ca=tls-alert:unknown ca",
        "our-ca-server-auth-only=tls-alert:unsupported certificate",
        "ca-certificate-as-client=tls-alert:handshake failure",
        "self-signed=tls-alert:unknown ca",
        "no-certificate=verdict:NoCertificate",
        "header-from-non-proxy=verdict:NoCertificate",
        "header-unverifiable=verdict:NoCertificate",
        "header-malformed=verdict:NoCertificate",
        "proxy-header-unverifiable=verdict:UntrustedChain",
        "proxy-header-malformed=verdict:UntrustedChain",
    ];
}
