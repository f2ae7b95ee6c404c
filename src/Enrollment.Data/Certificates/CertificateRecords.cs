using Enrollment.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Enrollment.Data.Certificates;

/// <summary>
/// Issued-certificate rows as the client-certificate gate reads and touches them. Storage only:
/// judging whether a certificate is sound and whose it is belongs to the gate.
/// </summary>
public sealed class CertificateRecords(IDbContextFactory<EnrollmentDbContext> factory)
{
    /// <summary>Our record of the certificate with this issuer and canonical serial, if any.</summary>
    public async Task<IssuedCertificate?> FindAsync(string canonicalSerial, string issuerKeyId, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await db.Certificates.AsNoTracking()
            .FirstOrDefaultAsync(c => c.SerialNumber == canonicalSerial && c.IssuerKeyId == issuerKeyId, cancellationToken);
    }

    /// <summary>Records when and from where the certificate was last used.</summary>
    public async Task RecordUseAsync(long id, DateTime at, string? address, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await db.Certificates.Where(c => c.Id == id)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.LastSeenAt, at).SetProperty(c => c.LastSeenAddress, address), cancellationToken);
    }
}
