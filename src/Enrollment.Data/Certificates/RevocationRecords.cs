using Enrollment.Ca.Revocation;
using Enrollment.Data.Entities;
using Enrollment.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Enrollment.Data.Certificates;

/// <summary>The outcome of a revocation attempt.</summary>
public enum RevocationOutcome
{
    Revoked,
    NotFound,
    AlreadyRevoked,
}

/// <summary>Revocation in the records, and the list the CRL is made from.</summary>
public sealed class RevocationRecords(IDbContextFactory<EnrollmentDbContext> factory, AuditTrail audit, TimeProvider time)
{
    /// <summary>Reasons as EF stores them (enum names), looked up without Enum.Parse per row.</summary>
    private static readonly Dictionary<string, RevocationReason> ReasonsByName =
        Enum.GetValues<RevocationReason>().ToDictionary(r => r.ToString(), r => r);

    /// <summary>
    /// Revokes an issued certificate once: a conditional update, so two admins revoking at the same
    /// moment record one revocation and the first reason.
    /// </summary>
    public async Task<RevocationOutcome> RevokeAsync(string serial, RevocationReason reason, string actor, string? address, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        var updated = await db.Certificates
            .Where(c => c.SerialNumber == serial && c.State == IssuanceState.Issued && c.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.RevokedAt, now).SetProperty(c => c.RevocationReason, reason), cancellationToken);
        if (updated == 0)
        {
            return await db.Certificates.AnyAsync(c => c.SerialNumber == serial, cancellationToken)
                ? RevocationOutcome.AlreadyRevoked
                : RevocationOutcome.NotFound;
        }
        await CaCounter.IncrementAsync(db, CaCounter.RevocationEpoch, cancellationToken);
        await audit.AppendAsync(db, new AuditEntry(actor, "certificate.revoked", serial, $"reason={reason.Name()}", address), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return RevocationOutcome.Revoked;
    }

    /// <summary>
    /// Every revoked or abandoned serial of an issuer, for the full CRL. Read with a plain data reader:
    /// with 100,000 entries, EF's materialisation was half of the CRL's publication time.
    /// </summary>
    public async Task<List<RevokedEntry>> ListRevokedAsync(string issuerKeyId, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        // EF writes the query in the provider's dialect; the rows are read without materialising entities.
        await using var command = db.Certificates.AsNoTracking()
            .Where(c => c.IssuerKeyId == issuerKeyId && c.RevokedAt != null)
            .Select(c => new { c.SerialNumber, c.RevokedAt, c.RevocationReason })
            .CreateDbCommand();
        await db.Database.OpenConnectionAsync(cancellationToken);
        var sqlite = db.Database.IsSqlite();
        var entries = new List<RevokedEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            // SQLite keeps times as text (read as UTC by hand: docs/pitfalls.md, "Upgrades"); the servers as timestamps.
            var revokedAt = sqlite ? SqliteText.ParseUtc(reader.GetString(1)) : DateTime.SpecifyKind(reader.GetDateTime(1), DateTimeKind.Utc);
            var reason = reader.IsDBNull(2) ? RevocationReason.Unspecified : ReasonsByName[reader.GetString(2)];
            entries.Add(new RevokedEntry(Convert.FromHexString(reader.GetString(0)), revokedAt, reason));
        }
        return entries;
    }

    /// <summary>How many revocations of the issuer a CRL must list to be current (the rows <see cref="ListRevokedAsync"/> returns).</summary>
    public async Task<int> CountRevokedAsync(string issuerKeyId, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await db.Certificates.CountAsync(c => c.IssuerKeyId == issuerKeyId && c.RevokedAt != null, cancellationToken);
    }

    /// <summary>Serials of issued certificates revoked at or after <paramref name="sinceUtc"/>: what a change of epoch may have been.</summary>
    public async Task<List<string>> RevokedSinceAsync(DateTime sinceUtc, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await db.Certificates.Where(c => c.State == IssuanceState.Issued && c.RevokedAt >= sinceUtc)
            .Select(c => c.SerialNumber).ToListAsync(cancellationToken);
    }

    /// <summary>The revocation epoch: it changes whenever any certificate's status changes.</summary>
    public async Task<long> ReadEpochAsync(CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await CaCounter.ReadAsync(db, CaCounter.RevocationEpoch, cancellationToken);
    }
}
