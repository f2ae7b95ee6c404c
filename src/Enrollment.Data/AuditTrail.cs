using System.Security.Cryptography;
using System.Text;
using Enrollment.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Enrollment.Data;

/// <summary>An event to append to the audit chain.</summary>
public sealed record AuditEntry(string Actor, string EventType, string? Target, string Details, string? Address = null);

/// <summary>The newest row of the chain: what a signed checkpoint outside the database vouches for.</summary>
public sealed record AuditHead(long Count, long LastId, string Hash);

/// <summary>
/// The append-only, hash-chained audit log (docs/design.md, "Data and records"). Each row's hash covers
/// its fields and the previous row's hash, so an edited or deleted row breaks the chain from there.
/// A deleted tail or a chain rewritten with fresh hashes leaves a chain that holds: those are caught
/// against signed checkpoints of the head kept outside the database (the host's audit anchor).
/// </summary>
public sealed class AuditTrail(TimeProvider time)
{
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    public const int CurrentHashVersion = 2;

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
    /// them inside its open transaction, which holds the chain's writer lock until it ends.
    /// </summary>
    public async Task AppendAsync(EnrollmentDbContext db, IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken = default)
    {
        // Two appenders reading the same last hash would fork the chain.
        await WriterLocks.AcquireAsync(db.Database, WriterLocks.AuditChain, cancellationToken);
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
                HashVersion = CurrentHashVersion,
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

    /// <summary>The newest row's id and hash (one indexed lookup); null for an empty log.</summary>
    public static async Task<(long Id, string Hash)?> LastAsync(EnrollmentDbContext db, CancellationToken cancellationToken = default)
    {
        var last = await db.AuditEvents.AsNoTracking().OrderByDescending(e => e.Id).Select(e => new { e.Id, e.Hash }).FirstOrDefaultAsync(cancellationToken);
        return last is null ? null : (last.Id, last.Hash);
    }

    /// <summary>The newest row and how many rows there are up to it; null for an empty log.</summary>
    public static async Task<AuditHead?> HeadAsync(EnrollmentDbContext db, CancellationToken cancellationToken = default) =>
        await LastAsync(db, cancellationToken) is { } last ? await FindAsync(db, last.Id, cancellationToken) : null;

    /// <summary>What the log holds of a head recorded earlier: its row's hash (null if the row is gone) and the rows up to it.</summary>
    public static async Task<AuditHead?> FindAsync(EnrollmentDbContext db, long id, CancellationToken cancellationToken = default)
    {
        var hash = await db.AuditEvents.AsNoTracking().Where(e => e.Id == id).Select(e => e.Hash).FirstOrDefaultAsync(cancellationToken);
        return hash is null ? null : new AuditHead(await db.AuditEvents.LongCountAsync(e => e.Id <= id, cancellationToken), id, hash);
    }

    public static string HashOf(AuditEvent row) => row.HashVersion switch
    {
        1 => Hash(Encoding.UTF8.GetBytes(string.Join('\n',
            row.PreviousHash, row.OccurredAt.ToString("O"), row.Actor, row.Address, row.EventType, row.Target, row.Details))),
        _ => Hash(LengthPrefixed(row)),
    };

    /// <summary>
    /// Version 2: "v2", then each field as its UTF-8 length (4 bytes, big-endian; -1 for null) and
    /// bytes. No field's text can shift into another, as a newline could in version 1.
    /// </summary>
    private static byte[] LengthPrefixed(AuditEvent row)
    {
        using var buffer = new MemoryStream();
        buffer.Write("v2"u8);
        Span<byte> length = stackalloc byte[4];
        foreach (var field in new[] { row.PreviousHash, row.OccurredAt.ToString("O"), row.Actor, row.Address, row.EventType, row.Target, row.Details })
        {
            var bytes = field is null ? null : Encoding.UTF8.GetBytes(field);
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(length, bytes?.Length ?? -1);
            buffer.Write(length);
            buffer.Write(bytes ?? []);
        }
        return buffer.ToArray();
    }

    private static string Hash(byte[] input) => Convert.ToHexString(SHA256.HashData(input));
}
