using Enrollment.Ca.Authority;
using Enrollment.Ca.Revocation;
using Enrollment.Ca.Serials;
using Enrollment.Data.Certificates;
using Enrollment.Web.Features.Admin.Health;
using Enrollment.Web.Features.Certificates;
using Enrollment.Web.Features.Publication;
using Enrollment.Web.Tests.Infrastructure;

namespace Enrollment.Web.Tests.Features.Publication;

/// <summary>
/// A revocation whose CRL publication fails, as the security review injected it: the revocation
/// stands, CA health says the CRL is behind, and the CRL catches up as soon as publishing works,
/// not at the next half-time refresh days later.
/// </summary>
public sealed class CrlRetryTests
{
    [Fact]
    public async Task Revocation_WhileTheCrlCannotBeWritten_IsInTheCrlOnceItCanBe()
    {
        await using var portal = await RunningPortal.StartAsync();
        var (_, certificate) = await PortalUsers.WithCertificateAsync(portal, "crl-retry@example.com", "correct horse battery staple");
        var publisher = portal.Services.GetRequiredService<CrlPublisher>();
        var authority = portal.Services.GetRequiredService<CertificateAuthority>();
        var listed = publisher.Current!.Info.EntryCount;
        // The injected fault: the publisher's temporary file cannot be created where a directory stands.
        var obstacle = Directory.CreateDirectory(Path.Combine(portal.DataDirectory, "ca", "issuing.crl.tmp"));

        var outcome = await portal.Services.GetRequiredService<RevocationService>()
            .RevokeAsync(SerialNumber.Canonicalize(certificate.SerialNumber), RevocationReason.KeyCompromise, "admin@localhost", null, default);
        var revocations = await portal.Services.GetRequiredService<RevocationRecords>().CountRevokedAsync(authority.IssuerKeyId, default);
        var (_, _, findings) = CaHealthEvaluator.Evaluate(authority, publisher.Current!.Info, DateTimeOffset.UtcNow, null, revocations);

        Assert.Equal(RevocationOutcome.Revoked, outcome);
        Assert.Equal(listed, publisher.Current!.Info.EntryCount);
        Assert.Contains(findings, f => f is { Code: "crl.behind", Level: HealthLevel.Error });

        obstacle.Delete();
        // The publication refresh retries every second; 30 s bounds the wait, not the behaviour.
        for (var waited = 0; waited < 300 && publisher.Current!.Info.EntryCount == listed; waited++)
        {
            await Task.Delay(100);
        }

        Assert.Equal(listed + 1, publisher.Current!.Info.EntryCount);
    }
}
