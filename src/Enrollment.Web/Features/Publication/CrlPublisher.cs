using Enrollment.Ca.Authority;
using Enrollment.Ca.Revocation;
using Enrollment.Data;
using Enrollment.Data.Certificates;
using Enrollment.Data.Entities;
using Enrollment.Web.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Enrollment.Web.Features.Publication;

/// <summary>
/// Publishes the issuing CA's full CRL: on every revocation, when half its validity has passed, and
/// on demand. The current CRL lives in the database, published by one node at a time (a writer
/// lock); each node keeps a copy in its data directory, which it serves and its front server reads
/// (nginx's ssl_crl), and copies a newer one from the database within a second (<see cref="SyncAsync"/>).
/// </summary>
public sealed partial class CrlPublisher(
    CertificateAuthority authority, RevocationRecords records, IDbContextFactory<EnrollmentDbContext> factory, AuditTrail audit,
    IOptions<EnrollmentOptions> options, IOptions<CaOptions> caOptions, TimeProvider time, ILogger<CrlPublisher> logger)
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly CrlFile file = new(options.Value.PathOf("ca", "issuing.crl"));

    private TimeSpan Validity => TimeSpan.FromHours(caOptions.Value.CrlValidityHours);

    /// <summary>This node's copy of the CRL, re-read only when the file changed; null before the first publication.</summary>
    public PublishedCrl? Current => file.Current;

    /// <summary>Publishes a new CRL now: after a revocation, or when an admin asks.</summary>
    public Task<PublishedCrl> PublishAsync(string actor, CancellationToken cancellationToken) =>
        PublishAsync(actor, _ => Task.FromResult(true), cancellationToken);

    /// <summary>
    /// Publishes when there is no CRL yet, half of its validity has passed, or it misses a revocation
    /// (a publication after a revocation failed): the CRL catches up as soon as publishing works again.
    /// Decided under the publication lock, so of several nodes finding the CRL stale, one publishes.
    /// </summary>
    public Task<PublishedCrl> EnsureFreshAsync(CancellationToken cancellationToken) =>
        PublishAsync("system", async latest => latest is null || time.GetUtcNow() >= latest.ThisUpdate + (latest.NextUpdate - latest.ThisUpdate) / 2
            || await IsBehindRevocationsAsync(latest, cancellationToken), cancellationToken);

    /// <summary>The CRL lists fewer revocations than the records hold.</summary>
    private async Task<bool> IsBehindRevocationsAsync(CrlInfo crl, CancellationToken cancellationToken) =>
        crl.EntryCount < await records.CountRevokedAsync(authority.IssuerKeyId, cancellationToken);

    /// <summary>Copies the database's CRL into this node's data directory when another node (or an admin verb) published a newer one.</summary>
    public async Task SyncAsync(CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var number = await db.CrlPublications.MaxAsync(c => (long?)c.Number, cancellationToken);
        if (number is { } newest && Current?.Info.Number != newest)
        {
            Keep(await db.CrlPublications.AsNoTracking().SingleAsync(c => c.Number == newest, cancellationToken));
        }
    }

    private async Task<PublishedCrl> PublishAsync(string actor, Func<CrlInfo?, Task<bool>> due, CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            await using var db = await factory.CreateDbContextAsync(cancellationToken);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await WriterLocks.AcquireAsync(db.Database, WriterLocks.CrlPublication, cancellationToken);
            var latest = await db.CrlPublications.AsNoTracking().OrderByDescending(c => c.Number).FirstOrDefaultAsync(cancellationToken);
            if (latest is not null && !await due(CrlInfo.Read(latest.Der)))
            {
                await transaction.CommitAsync(cancellationToken);
                return Keep(latest);
            }
            var number = await CaCounter.IncrementAsync(db, CaCounter.CrlNumber, cancellationToken);
            var entries = await records.ListRevokedAsync(authority.IssuerKeyId, cancellationToken);
            var thisUpdate = time.GetUtcNow();
            var published = new CrlPublication
            {
                Number = number, IssuerKeyId = authority.IssuerKeyId, ThisUpdate = thisUpdate.UtcDateTime, NextUpdate = (thisUpdate + Validity).UtcDateTime,
                Der = CrlEncoder.Encode(authority, number, thisUpdate, thisUpdate + Validity, entries),
            };
            // Only the current CRL is kept: every older one is superseded, and the audit log records each publication.
            await db.CrlPublications.Where(c => c.Number < number).ExecuteDeleteAsync(cancellationToken);
            db.CrlPublications.Add(published);
            await db.SaveChangesAsync(cancellationToken);
            await audit.AppendAsync(db, new AuditEntry(actor, "crl.published", number.ToString(),
                $"entries={entries.Count} nextUpdate={published.NextUpdate:O}"), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            LogPublished(number, entries.Count);
            return Keep(published);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Writes the CRL into this node's data directory unless it is there already.</summary>
    private PublishedCrl Keep(CrlPublication crl)
    {
        if (Current?.Info.Number != crl.Number)
        {
            DataFiles.WriteWhole(file.Path, crl.Der);
        }
        return Current!;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Published CRL number {Number} with {Entries} entries")]
    private partial void LogPublished(long number, int entries);
}
