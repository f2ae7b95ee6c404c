using Microsoft.Extensions.Options;

namespace Enrollment.Web.Features.Certificates.Expiry;

/// <summary>Runs the expiry sweep at start-up and then every Enrollment:Expiry:SweepMinutes.</summary>
public sealed partial class ExpiryService(ExpirySweep sweep, IOptions<ExpiryOptions> options, TimeProvider time, ILogger<ExpiryService> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(options.Value.SweepMinutes), time);
        do
        {
            try
            {
                await sweep.SweepAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A failed sweep (database busy, mail down) is retried at the next tick; the portal keeps serving.
                LogSweepFailed(log, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The expiry sweep failed; it runs again at the next interval.")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
