using Enrollment.Data;
using Enrollment.Data.Entities;
using Enrollment.Web.Features.Requests;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Enrollment.Web.Features.Certificates.Expiry;

/// <summary>What one sweep did.</summary>
public sealed record SweepResult(int RemindersSent, int MarkedExpired, int ApprovalsLapsed);

/// <summary>
/// The time-driven chores: reminds owners before a certificate ends (once per configured day mark,
/// not when it was already renewed), records certificates whose validity ended, and lapses
/// approvals whose pickup window closed. Every change is claimed with a conditional update first,
/// so two portal processes sweeping at once send each reminder once.
/// </summary>
public sealed partial class ExpirySweep(
    IServiceScopeFactory scopes, AuditTrail audit, RequestMail mail, IOptions<ExpiryOptions> options, TimeProvider time, ILogger<ExpirySweep> log)
{
    /// <summary>Rows handled per transaction, so a large backlog never holds the write lock for long.</summary>
    private const int Batch = 200;

    public async Task<SweepResult> SweepAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>();
        var lapsed = await db.Requests.Where(r => r.State == RequestState.Approved && r.PickupDeadline <= now)
            .ExecuteUpdateAsync(set => set.SetProperty(r => r.State, RequestState.Lapsed).SetProperty(r => r.ClosedAt, r => r.PickupDeadline), cancellationToken);
        var reminded = await RemindAsync(db, now, cancellationToken);
        var expired = await MarkExpiredAsync(db, now, cancellationToken);
        if (reminded + expired + lapsed > 0)
        {
            LogSwept(log, reminded, expired, lapsed);
        }
        return new SweepResult(reminded, expired, lapsed);
    }

    private async Task<int> RemindAsync(EnrollmentDbContext db, DateTime now, CancellationToken cancellationToken)
    {
        var marks = options.Value.ReminderDays.Where(d => d > 0).Distinct().Order();
        var sent = 0;
        var from = now;
        // One band per mark: a certificate ending between the previous mark and this one is due at
        // this mark, unless this mark (or a nearer one) was already sent. A certificate the owner
        // already renewed (a later one of the same profile) needs no reminder.
        foreach (var mark in marks)
        {
            var until = now.AddDays(mark);
            var due = await db.Certificates.AsNoTracking()
                .Where(c => c.State == IssuanceState.Issued && c.RevokedAt == null && c.NotAfter > from && c.NotAfter <= until
                            && (c.ReminderDaysSent == null || c.ReminderDaysSent > mark))
                .Where(c => !db.Certificates.Any(n => n.UserId == c.UserId && n.Profile == c.Profile && n.State == IssuanceState.Issued
                                                      && n.RevokedAt == null && n.NotAfter > c.NotAfter))
                .Select(c => new { c.Id, c.SerialNumber, c.NotAfter, c.ReminderDaysSent, c.User!.Email, c.User.DisplayName })
                .ToListAsync(cancellationToken);
            foreach (var certificate in due)
            {
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                var claimed = await db.Certificates.Where(c => c.Id == certificate.Id && c.ReminderDaysSent == certificate.ReminderDaysSent)
                    .ExecuteUpdateAsync(set => set.SetProperty(c => c.ReminderDaysSent, mark), cancellationToken);
                if (claimed == 0)
                {
                    continue;
                }
                var daysLeft = (int)Math.Ceiling((certificate.NotAfter - now).TotalDays);
                await audit.AppendAsync(db, new AuditEntry("system", "certificate.expiry-reminder", certificate.SerialNumber, $"daysLeft={daysLeft} mark={mark}"), cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                await mail.ExpiringAsync(certificate.Email!, certificate.DisplayName, certificate.SerialNumber, certificate.NotAfter, daysLeft);
                sent++;
            }
            from = until;
        }
        return sent;
    }

    private async Task<int> MarkExpiredAsync(EnrollmentDbContext db, DateTime now, CancellationToken cancellationToken)
    {
        var marked = 0;
        while (true)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            // Read, mark and audit as one step across nodes: two sweeps must not both audit the same rows.
            await WriterLocks.AcquireAsync(db.Database, WriterLocks.ExpirySweep, cancellationToken);
            var ended = await db.Certificates.AsNoTracking()
                .Where(c => c.State == IssuanceState.Issued && c.RevokedAt == null && c.ExpiredAt == null && c.NotAfter <= now)
                .OrderBy(c => c.Id).Take(Batch).Select(c => new { c.Id, c.SerialNumber, c.NotAfter, c.UserId })
                .ToListAsync(cancellationToken);
            if (ended.Count == 0)
            {
                return marked;
            }
            var ids = ended.Select(c => c.Id).ToList();
            await db.Certificates.Where(c => ids.Contains(c.Id) && c.ExpiredAt == null)
                .ExecuteUpdateAsync(set => set.SetProperty(c => c.ExpiredAt, now), cancellationToken);
            await audit.AppendAsync(db, ended.Select(c => new AuditEntry("system", "certificate.expired", c.SerialNumber,
                $"user={c.UserId} notAfter={c.NotAfter:yyyy-MM-ddTHH:mm:ssZ}")).ToList(), cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            marked += ended.Count;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Expiry sweep: {Reminded} reminder(s) sent, {Expired} certificate(s) recorded as expired, {Lapsed} approval(s) lapsed.")]
    private static partial void LogSwept(ILogger logger, int reminded, int expired, int lapsed);
}
