using Enrollment.E2E.Tests.Infrastructure;

namespace Enrollment.E2E.Tests.Reliability;

/// <summary>The acceptance matrix with Kestrel asking for the certificate itself.</summary>
public sealed class DirectAcceptanceMatrixTests(BrowserPortalFixture fixture) : IClassFixture<BrowserPortalFixture>
{
    [Fact]
    public async Task EveryKindOfCertificate_LandsOnItsVerdict()
    {
        var landings = await AcceptanceMatrix.RunAsync(fixture, "direct", behindNginx: false);

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
        var landings = await AcceptanceMatrix.RunAsync(fixture, "nginx", behindNginx: true);

        Assert.Equal(string.Join("\n", ExpectedBehindNginx), string.Join("\n", landings));
    }

    // nginx refuses what fails verification (expired, not yet valid, revoked by its OCSP check,
    // foreign or rogue issuers, wrong purpose) with its 495 recovery page; the portal judges
    // ownership. Client-sent headers are overwritten by nginx, or stripped when sent around it;
    // the same headers from the proxy's own address are believed and then re-verified.
    private static readonly string[] ExpectedBehindNginx =
    [
        "own-valid=verdict:None",
        "own-expired=nginx:495",
        "own-not-yet-valid=nginx:495",
        "own-revoked-key-compromise=nginx:495",
        "own-revoked-cessation=nginx:495",
        "another-users=verdict:AnotherUser",
        "rogue-ca-same-name=nginx:495",
        "unrelated-ca=nginx:495",
        "our-ca-server-auth-only=nginx:495",
        "ca-certificate-as-client=nginx:495",
        "self-signed=nginx:495",
        "no-certificate=verdict:NoCertificate",
        "header-from-non-proxy=verdict:NoCertificate",
        "header-unverifiable=verdict:NoCertificate",
        "header-malformed=verdict:NoCertificate",
        "proxy-header-unverifiable=verdict:UntrustedChain",
        "proxy-header-malformed=verdict:UntrustedChain",
    ];
}
