using Enrollment.Ca.Authority;
using Enrollment.Ca.Revocation;
using Enrollment.Ca.Serials;
using Enrollment.Data.Certificates;
using Enrollment.Web.Features.Admin.Health;
using Enrollment.Web.Features.Certificates;
using Enrollment.Web.Features.Publication;
using Enrollment.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

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
        // The injected fault: the table the CRL is published into is gone (a database in trouble).
        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<Data.EnrollmentDbContext>>().CreateDbContextAsync();
        await db.Database.ExecuteSqlRawAsync("ALTER TABLE \"CrlPublications\" RENAME TO \"CrlPublicationsAway\"");

        var outcome = await portal.Services.GetRequiredService<RevocationService>()
            .RevokeAsync(SerialNumber.Canonicalize(certificate.SerialNumber), RevocationReason.KeyCompromise, "admin@localhost", null, default);
        var revocations = await portal.Services.GetRequiredService<RevocationRecords>().CountRevokedAsync(authority.IssuerKeyId, default);
        var (_, _, findings) = CaHealthEvaluator.Evaluate(authority, publisher.Current!.Info, DateTimeOffset.UtcNow, null, revocations);

        Assert.Equal(RevocationOutcome.Revoked, outcome);
        Assert.Equal(listed, publisher.Current!.Info.EntryCount);
        Assert.Contains(findings, f => f is { Code: "crl.behind", Level: HealthLevel.Error });

        await db.Database.ExecuteSqlRawAsync("ALTER TABLE \"CrlPublicationsAway\" RENAME TO \"CrlPublications\"");
        // The publication refresh retries every second; 30 s bounds the wait, not the behaviour.
        for (var waited = 0; waited < 300 && publisher.Current!.Info.EntryCount == listed; waited++)
        {
            await Task.Delay(100);
        }

        Assert.Equal(listed + 1, publisher.Current!.Info.EntryCount);
    }
}
