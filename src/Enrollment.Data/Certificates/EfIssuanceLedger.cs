using System.Threading.Channels;
using Enrollment.Ca.Issuance;
using Enrollment.Ca.Revocation;
using Enrollment.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Enrollment.Data.Certificates;

/// <summary>
/// The issuance ledger on the portal database, audited in the same transactions. Concurrent
/// issuances share commits (group commit): one writer drains the queue and commits what waits in
/// one transaction, so bulk issuance pays one fsync for many certificates while each caller still
/// returns only after its own write is durable. A batch that fails is retried one write at a time,
/// so a bad write fails alone.
/// </summary>
public sealed class EfIssuanceLedger : IIssuanceLedger, IAsyncDisposable
{
    private const int MaxBatch = 64;

    private readonly IDbContextFactory<EnrollmentDbContext> factory;
    private readonly AuditTrail audit;
    private readonly IIssuanceFaults faults;
    private readonly TimeProvider time;
    private readonly Channel<LedgerWrite> queue = Channel.CreateUnbounded<LedgerWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task writer;

    public EfIssuanceLedger(IDbContextFactory<EnrollmentDbContext> factory, AuditTrail audit, IIssuanceFaults faults, TimeProvider time)
    {
        (this.factory, this.audit, this.faults, this.time) = (factory, audit, faults, time);
        writer = Task.Run(WriteLoopAsync);
    }

    public Task RecordIntentAsync(IssuanceIntent intent, CancellationToken cancellationToken) =>
        EnqueueAsync(new LedgerWrite(intent, null), cancellationToken);

    public Task RecordIssuedAsync(IssuanceIntent intent, byte[] certificate, CancellationToken cancellationToken) =>
        EnqueueAsync(new LedgerWrite(intent, certificate), cancellationToken);

    public async Task RecordAbandonedAsync(string serial, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await AbandonAsync(db, db.Certificates.Where(c => c.SerialNumber == serial && c.State == IssuanceState.Intent), cancellationToken);
    }

    /// <summary>
    /// How long an intent may wait for its certificate before recovery takes it for abandoned: an
    /// issuance writes both within milliseconds (seconds with a slow token), and another node's live
    /// issuance must not be revoked under it.
    /// </summary>
    public static readonly TimeSpan IssuanceGrace = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Start-up recovery of the only process on the database (SQLite): intents left by a crash may
    /// have been signed, so they become abandoned and revoked. Runs before the host serves, when no
    /// issuance can be in flight.
    /// </summary>
    public Task<int> AbandonUnfinishedAsync(CancellationToken cancellationToken) =>
        AbandonStaleAsync(TimeSpan.Zero, cancellationToken);

    /// <summary>
    /// Recovery beside other nodes: abandons (and revokes) the intents older than <paramref name="olderThan"/>,
    /// which no live issuance still holds. Each node runs it at start and every minute; a writer lock
    /// makes each serial abandoned (and audited) once.
    /// </summary>
    public async Task<int> AbandonStaleAsync(TimeSpan olderThan, CancellationToken cancellationToken)
    {
        var before = time.GetUtcNow().UtcDateTime - olderThan;
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await AbandonAsync(db, db.Certificates.Where(c => c.State == IssuanceState.Intent && c.CreatedAt <= before), cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await writer;
    }

    /// <summary>An intent (no certificate yet) or a completion (the signed certificate).</summary>
    private sealed record LedgerWrite(IssuanceIntent Intent, byte[]? Certificate)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private async Task EnqueueAsync(LedgerWrite write, CancellationToken cancellationToken)
    {
        await queue.Writer.WriteAsync(write, cancellationToken);
        // Not cancellable once queued: the caller must learn whether its write committed.
        await write.Done.Task;
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<LedgerWrite>(MaxBatch);
        while (await queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && queue.Reader.TryRead(out var write))
            {
                batch.Add(write);
            }
            if (await TryCommitAsync(batch) is null || batch.Count == 1)
            {
                continue;
            }
            foreach (var write in batch)
            {
                await TryCommitAsync([write]);
            }
        }
    }

    /// <summary>Commits the writes together and completes them; returns the error, or null on success.</summary>
    private async Task<Exception?> TryCommitAsync(List<LedgerWrite> writes)
    {
        try
        {
            await CommitAsync(writes);
            writes.ForEach(w => w.Done.TrySetResult());
            return null;
        }
        catch (Exception e)
        {
            if (writes.Count == 1)
            {
                writes[0].Done.TrySetException(e);
            }
            return e;
        }
    }

    private async Task CommitAsync(List<LedgerWrite> writes)
    {
        await using var db = await factory.CreateDbContextAsync();
        await using var transaction = await db.Database.BeginTransactionAsync();
        var now = time.GetUtcNow().UtcDateTime;
        db.Certificates.AddRange(writes.Where(w => w.Certificate is null).Select(w => NewIntent(w.Intent, now)));
        var completions = writes.Where(w => w.Certificate is not null).ToDictionary(w => w.Intent.Serial);
        if (completions.Count > 0)
        {
            var pending = await db.Certificates
                .Where(c => completions.Keys.Contains(c.SerialNumber) && c.State == IssuanceState.Intent)
                .ToListAsync();
            if (pending.Count != completions.Count)
            {
                throw new InvalidOperationException("An issuance intent is missing or no longer pending.");
            }
            foreach (var row in pending)
            {
                row.Certificate = completions[row.SerialNumber].Certificate;
                row.State = IssuanceState.Issued;
            }
            await audit.AppendAsync(db, completions.Values.Select(w => new AuditEntry("system", "certificate.issued", w.Intent.Serial,
                $"user={w.Intent.UserId} profile={w.Intent.Profile} subject={w.Intent.SubjectDn} notAfter={w.Intent.NotAfter:O}")).ToList());
            faults.At(IssuanceStep.BeforeCommit);
        }
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
    }

    private static IssuedCertificate NewIntent(IssuanceIntent intent, DateTime now) => new()
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
        CreatedAt = now,
    };

    private async Task<int> AbandonAsync(EnrollmentDbContext db, IQueryable<IssuedCertificate> intents, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await WriterLocks.AcquireAsync(db.Database, WriterLocks.IssuanceRecovery, cancellationToken);
        var serials = await intents.Select(c => c.SerialNumber).ToListAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        var count = await intents.ExecuteUpdateAsync(s => s
            .SetProperty(c => c.State, IssuanceState.Abandoned)
            .SetProperty(c => c.RevokedAt, now)
            .SetProperty(c => c.RevocationReason, RevocationReason.Unspecified), cancellationToken);
        if (count > 0)
        {
            await CaCounter.IncrementAsync(db, CaCounter.RevocationEpoch, cancellationToken);
            await audit.AppendAsync(db, serials.ConvertAll(serial => new AuditEntry("system", "certificate.abandoned", serial,
                "issuance did not complete; the serial is listed as revoked")), cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return count;
    }
}
