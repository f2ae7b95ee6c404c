using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Enrollment.Data;

/// <summary>
/// Serialises writers that read and then write what must not interleave (the audit chain: read the
/// last hash, add the next row), across connections, processes and nodes. Taken inside the caller's
/// transaction and released with it: SQLite's BEGIN IMMEDIATE already holds the file's single write
/// lock; PostgreSQL takes a transaction-scoped advisory lock; SQL Server an application lock owned by
/// the transaction.
/// </summary>
public static class WriterLocks
{
    public const string AuditChain = "enrollment.audit-chain";

    /// <summary>Who is an active administrator: the last-admin check and the change that could break it.</summary>
    public const string Administrators = "enrollment.administrators";

    /// <summary>Recording ended certificates: several nodes sweep, each certificate is recorded (and audited) once.</summary>
    public const string ExpirySweep = "enrollment.expiry-sweep";

    /// <summary>Publishing the CRL: one node at a time takes the next number, signs, and stores it.</summary>
    public const string CrlPublication = "enrollment.crl-publication";

    /// <summary>Renewing the CA's delegated OCSP signer: one node renews, the others adopt its signer.</summary>
    public const string CaRenewal = "enrollment.ca-renewal";

    /// <summary>Abandoning unfinished issuances: several nodes recover, each serial is abandoned (and audited) once.</summary>
    public const string IssuanceRecovery = "enrollment.issuance-recovery";

    /// <summary>One requester's open requests: the duplicate check and the insert.</summary>
    public static string RequestsOf(string userId) => "enrollment.requests/" + userId;

    public static async Task AcquireAsync(DatabaseFacade database, string resource, CancellationToken cancellationToken)
    {
        if (database.IsSqlite())
        {
            return;
        }
        if (database.CurrentTransaction is null)
        {
            throw new InvalidOperationException($"The writer lock '{resource}' belongs to a transaction; open one first.");
        }
        if (database.IsNpgsql())
        {
            var key = BinaryPrimitives.ReadInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes(resource)));
            await database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({key})", cancellationToken);
        }
        else if (database.IsSqlServer())
        {
            await database.ExecuteSqlAsync(
                $"EXEC sp_getapplock @Resource = {resource}, @LockMode = 'Exclusive', @LockOwner = 'Transaction', @LockTimeout = 30000", cancellationToken);
        }
    }
}
