using Enrollment.Ca.Ocsp;
using Enrollment.Ca.Revocation;
using Enrollment.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Enrollment.Data.Certificates;

/// <summary>Certificate status straight from the records (never from a cached CRL: docs/pitfalls.md, "Cached CRLs").</summary>
public sealed class EfCertificateStatusSource(IDbContextFactory<EnrollmentDbContext> factory) : ICertificateStatusSource
{
    public async ValueTask<CertificateStatus> FindAsync(string issuerKeyId, string serial, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var row = await db.Certificates.AsNoTracking()
            .Where(c => c.SerialNumber == serial && c.IssuerKeyId == issuerKeyId)
            .Select(c => new { c.State, c.RevokedAt, c.RevocationReason })
            .FirstOrDefaultAsync(cancellationToken);
        return row switch
        {
            null => CertificateStatus.Unknown,
            { RevokedAt: { } at } => new CertificateStatus(CertificateState.Revoked,
                new DateTimeOffset(at, TimeSpan.Zero), row.RevocationReason ?? RevocationReason.Unspecified),
            { State: IssuanceState.Issued } => CertificateStatus.Good,
            // An intent still being signed: never "good" before the certificate is recorded.
            _ => CertificateStatus.Unknown,
        };
    }
}
