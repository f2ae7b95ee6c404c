using Enrollment.Data;
using Microsoft.EntityFrameworkCore;

namespace Enrollment.Web.Features.Admin.Audit;

/// <summary>
/// Signs a checkpoint of the audit log's head every second while it moves, and once more at stop:
/// at most the last second's events are not yet anchored outside the database.
/// </summary>
public sealed partial class AuditCheckpointService(
    AuditAnchor anchor, IDbContextFactory<EnrollmentDbContext> factory, TimeProvider time, ILogger<AuditCheckpointService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await CheckpointAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            await CheckpointAsync(CancellationToken.None);
        }
    }

    private async Task CheckpointAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var db = await factory.CreateDbContextAsync(cancellationToken);
            await anchor.CheckpointAsync(db, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogCheckpointFailed(e);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Writing the audit checkpoint failed; will retry")]
    private partial void LogCheckpointFailed(Exception exception);
}
