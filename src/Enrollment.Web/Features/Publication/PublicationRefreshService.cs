using Enrollment.Ca.Ocsp;
using Enrollment.Data.Certificates;

namespace Enrollment.Web.Features.Publication;

/// <summary>
/// Keeps published revocation data current: re-publishes the CRL before it goes stale, renews the
/// OCSP signer and the root's CRL when due (<see cref="CaRenewal"/>), and drops cached OCSP answers
/// when another process (an admin verb) changed a certificate's status.
/// </summary>
public sealed partial class PublicationRefreshService(
    CrlPublisher crl, CaRenewal renewal, OcspResponder responder, RevocationRecords records, TimeProvider time, ILogger<PublicationRefreshService> logger)
    : BackgroundService
{
    /// <summary>How often the revocation epoch is read: one tiny query, the bound on cross-process staleness.</summary>
    private static readonly TimeSpan EpochInterval = TimeSpan.FromSeconds(1);

    private long epoch;

    /// <summary>
    /// A status changed since the CRL was last checked: check (and publish) every second until it is
    /// current. False at first: start-up has just made the CRL current (StartupInitializer).
    /// </summary>
    private bool crlToCheck;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        epoch = await records.ReadEpochAsync(stoppingToken);
        using var timer = new PeriodicTimer(EpochInterval, time);
        var tick = 0;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var minute = ++tick % 60 == 0;
            try
            {
                await CheckEpochAsync(stoppingToken);
                if (crlToCheck || minute)
                {
                    // Stays due after a failure: a CRL missing a revocation is retried every second.
                    await crl.EnsureFreshAsync(stoppingToken);
                    crlToCheck = false;
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
        var current = await records.ReadEpochAsync(cancellationToken);
        if (current != epoch)
        {
            epoch = current;
            responder.Clear();
            crlToCheck = true;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refreshing revocation data failed; will retry")]
    private partial void LogRefreshFailed(Exception exception);
}
