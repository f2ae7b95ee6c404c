using System.Security.Cryptography;
using System.Text;
using Enrollment.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Enrollment.Data;

/// <summary>An event to append to the audit chain.</summary>
public sealed record AuditEntry(string Actor, string EventType, string? Target, string Details, string? Address = null);

/// <summary>
/// The append-only, hash-chained audit log (docs/design.md, "Data and records"). Each row's hash covers
/// its fields and the previous row's hash.
/// </summary>
public sealed class AuditTrail(TimeProvider time)
{
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>
    /// Appends inside the caller's transaction when one is open (so the event commits with what it
    /// records), otherwise in its own. SQLite's BEGIN IMMEDIATE serialises appenders.
    /// </summary>
    public async Task AppendAsync(EnrollmentDbContext db, AuditEntry entry, CancellationToken cancellationToken = default)
    {
        var own = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        await using (own)
        {
            await AppendAsync(db, [entry], cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            if (own is not null)
            {
                await own.CommitAsync(cancellationToken);
            }
        }
    }

    /// <summary>
    /// Adds several events to the context, chained after the last stored one; the caller saves
    /// them inside its open transaction, which must hold the write lock (BEGIN IMMEDIATE).
    /// </summary>
    public async Task AppendAsync(EnrollmentDbContext db, IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken = default)
    {
        var previous = await db.AuditEvents.OrderByDescending(e => e.Id).Select(e => e.Hash).FirstOrDefaultAsync(cancellationToken) ?? GenesisHash;
        var now = time.GetUtcNow().UtcDateTime;
        foreach (var entry in entries)
        {
            var row = new AuditEvent
            {
                OccurredAt = new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc),
                Actor = entry.Actor,
                Address = entry.Address,
                EventType = entry.EventType,
                Target = entry.Target,
                Details = entry.Details,
                PreviousHash = previous,
            };
            row.Hash = HashOf(row);
            previous = row.Hash;
            db.AuditEvents.Add(row);
        }
    }

    /// <summary>The id of the first row whose hash or link is wrong, or null when the chain holds.</summary>
    public static async Task<long?> FindFirstBrokenAsync(EnrollmentDbContext db, CancellationToken cancellationToken = default)
    {
        var previous = GenesisHash;
        await foreach (var row in db.AuditEvents.AsNoTracking().OrderBy(e => e.Id).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            if (row.PreviousHash != previous || row.Hash != HashOf(row))
            {
                return row.Id;
            }
            previous = row.Hash;
        }
        return null;
    }

    public static string HashOf(AuditEvent row)
    {
        var text = string.Join('\n', row.PreviousHash, row.OccurredAt.ToString("O"), row.Actor, row.Address, row.EventType, row.Target, row.Details);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}
