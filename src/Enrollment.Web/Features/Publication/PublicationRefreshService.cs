using Enrollment.Ca.Ocsp;
using Enrollment.Data.Certificates;

namespace Enrollment.Web.Features.Publication;

/// <summary>
/// Keeps published revocation data current: copies a CRL another node published, re-publishes the
/// CRL before it goes stale, renews the OCSP signer and the root's CRL when due (<see cref="CaRenewal"/>),
/// abandons issuances a crashed node left, and drops the cached OCSP answers of certificates another
/// process (an admin verb, another node) revoked.
/// </summary>
public sealed partial class PublicationRefreshService(
    CrlPublisher crl, CaRenewal renewal, OcspResponder responder, RevocationRecords records, EfIssuanceLedger ledger, TimeProvider time,
    ILogger<PublicationRefreshService> logger)
    : BackgroundService
{
    /// <summary>How often the revocation epoch is read: one tiny query, the bound on cross-process staleness.</summary>
    private static readonly TimeSpan EpochInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How far before the last check a revocation found at an epoch change is looked for: covers clocks
    /// of other processes or nodes that run behind ours.
    /// </summary>
    private static readonly TimeSpan ClockMargin = TimeSpan.FromHours(1);

    private long epoch;
    private DateTimeOffset epochReadAt;

    /// <summary>
    /// A status changed since the CRL was last checked: check (and publish) every second until it is
    /// current. False at first: start-up has just made the CRL current (StartupInitializer).
    /// </summary>
    private bool crlToCheck;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        epochReadAt = time.GetUtcNow();
        epoch = await records.ReadEpochAsync(stoppingToken);
        using var timer = new PeriodicTimer(EpochInterval, time);
        var tick = 0;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var minute = ++tick % 60 == 0;
            try
            {
                if (minute)
                {
                    // Intents a crashed node left (or ours, left before a restart within the grace): revoked,
                    // then in the CRL this same tick publishes (the CRL is behind the revocations).
                    await ledger.AbandonStaleAsync(EfIssuanceLedger.IssuanceGrace, stoppingToken);
                }
                await CheckEpochAsync(stoppingToken);
                if (crlToCheck || minute)
                {
                    // Stays due after a failure: a CRL missing a revocation is retried every second.
                    // Also copies the database's CRL into this node's data directory when it is newer.
                    await crl.EnsureFreshAsync(stoppingToken);
                    crlToCheck = false;
                }
                else
                {
                    await crl.SyncAsync(stoppingToken);
                }
                if (minute)
                {
                    await renewal.RenewDueAsync(stoppingToken);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogRefreshFailed(e);
            }
        }
    }

    private async Task CheckEpochAsync(CancellationToken cancellationToken)
    {
        var readAt = time.GetUtcNow();
        var current = await records.ReadEpochAsync(cancellationToken);
        if (current != epoch)
        {
            // Only the answers of certificates revoked since: an abandoned issuance (a serial never
            // valid, listed in the CRL) changes the epoch too, and must not cost the answers that
            // OCSP would still serve while the signer's token does not answer.
            foreach (var serial in await records.RevokedSinceAsync((epochReadAt - ClockMargin).UtcDateTime, cancellationToken))
            {
                responder.Invalidate(serial);
            }
            epoch = current;
            epochReadAt = readAt;
            crlToCheck = true;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refreshing revocation data failed; will retry")]
    private partial void LogRefreshFailed(Exception exception);
}
