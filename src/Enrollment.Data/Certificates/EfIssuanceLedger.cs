using Enrollment.Ca.Issuance;
using Enrollment.Ca.Revocation;
using Enrollment.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Enrollment.Data.Certificates;

/// <summary>The issuance ledger on the portal database, audited in the same transactions.</summary>
public sealed class EfIssuanceLedger(IDbContextFactory<EnrollmentDbContext> factory, AuditTrail audit, IIssuanceFaults faults, TimeProvider time)
    : IIssuanceLedger
{
    public async Task RecordIntentAsync(IssuanceIntent intent, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        db.Certificates.Add(new IssuedCertificate
        {
            SerialNumber = intent.Serial,
            IssuerKeyId = intent.IssuerKeyId,
            UserId = intent.UserId,
            Profile = intent.Profile,
            SubjectDn = intent.SubjectDn,
            PublicKeySha256 = intent.PublicKeySha256,
            NotBefore = intent.NotBefore.UtcDateTime,
            NotAfter = intent.NotAfter.UtcDateTime,
            State = IssuanceState.Intent,
            RequestId = intent.RequestId,
            CreatedAt = time.GetUtcNow().UtcDateTime,
        });
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task RecordIssuedAsync(IssuanceIntent intent, byte[] certificate, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var updated = await db.Certificates
            .Where(c => c.SerialNumber == intent.Serial && c.State == IssuanceState.Intent)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Certificate, certificate).SetProperty(c => c.State, IssuanceState.Issued), cancellationToken);
        if (updated != 1)
        {
            throw new InvalidOperationException($"The issuance intent for serial {intent.Serial} is missing or no longer pending.");
        }
        await audit.AppendAsync(db, new AuditEntry("system", "certificate.issued", intent.Serial,
            $"user={intent.UserId} profile={intent.Profile} subject={intent.SubjectDn} notAfter={intent.NotAfter:O}"), cancellationToken);
        faults.At(IssuanceStep.BeforeCommit);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task RecordAbandonedAsync(string serial, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await AbandonAsync(db, db.Certificates.Where(c => c.SerialNumber == serial && c.State == IssuanceState.Intent), cancellationToken);
    }

    /// <summary>
    /// Start-up recovery: intents left by a crash may have been signed, so they become abandoned
    /// and revoked. Runs before the host serves, when no issuance can be in flight.
    /// </summary>
    public async Task<int> AbandonUnfinishedAsync(CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await AbandonAsync(db, db.Certificates.Where(c => c.State == IssuanceState.Intent), cancellationToken);
    }

    private async Task<int> AbandonAsync(EnrollmentDbContext db, IQueryable<IssuedCertificate> intents, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var serials = await intents.Select(c => c.SerialNumber).ToListAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        var count = await intents.ExecuteUpdateAsync(s => s
            .SetProperty(c => c.State, IssuanceState.Abandoned)
            .SetProperty(c => c.RevokedAt, now)
            .SetProperty(c => c.RevocationReason, RevocationReason.Unspecified), cancellationToken);
        if (count > 0)
        {
            await CaCounter.IncrementAsync(db, CaCounter.RevocationEpoch, cancellationToken);
        }
        foreach (var serial in serials)
        {
            await audit.AppendAsync(db, new AuditEntry("system", "certificate.abandoned", serial,
                "issuance did not complete; the serial is listed as revoked"), cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return count;
    }
}
