using Enrollment.Data;
using Microsoft.EntityFrameworkCore;

namespace Enrollment.Web.Features.Requests;

/// <summary>
/// Learns of the other nodes' request changes where the database sends no notifications (SQL
/// Server; PostgreSQL behind a pooler in transaction mode): every two seconds, the requests
/// submitted, decided or closed lately, each change raised once.
/// </summary>
public sealed partial class PollingRequestRelay(
    RequestEvents events, IDbContextFactory<EnrollmentDbContext> factory, TimeProvider time, ILogger<PollingRequestRelay> logger)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    /// <summary>How far back each poll looks: covers nodes whose clocks run behind ours and slow commits.</summary>
    private static readonly TimeSpan Margin = TimeSpan.FromMinutes(1);

    /// <summary>Changes already raised (found by a poll, or made here), with when; forgotten once older than the margin.</summary>
    private readonly Dictionary<RequestChange, DateTimeOffset> known = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        events.Relayed = true;
        // What existed before this node started is not news.
        await PollAsync(raise: false, stoppingToken);
        using var timer = new PeriodicTimer(Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await PollAsync(raise: true, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogPollFailed(e);
            }
        }
    }

    private async Task PollAsync(bool raise, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        // This node raised its own changes when it made them.
        while (events.Outgoing.TryRead(out var own))
        {
            known.TryAdd(own, now);
        }
        var since = (now - Margin).UtcDateTime;
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var recent = await db.Requests.AsNoTracking()
            .Where(r => r.SubmittedAt >= since || r.DecidedAt >= since || r.ClosedAt >= since)
            .Select(r => new RequestChange(r.Id, r.RequesterId, r.State))
            .ToListAsync(cancellationToken);
        foreach (var change in recent.Where(change => known.TryAdd(change, now)))
        {
            if (raise)
            {
                events.Raise(change);
            }
        }
        foreach (var old in known.Where(k => k.Value < now - 2 * Margin).Select(k => k.Key).ToList())
        {
            known.Remove(old);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Polling for other nodes' request changes failed; retrying")]
    private partial void LogPollFailed(Exception exception);
}
