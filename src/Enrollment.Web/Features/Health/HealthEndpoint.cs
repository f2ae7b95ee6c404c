using Enrollment.Data;
using Microsoft.EntityFrameworkCore;

namespace Enrollment.Web.Features.Health;

/// <summary>
/// GET /healthz for load balancers and nginx upstreams: 200 "ok" while the node reads its database,
/// 503 otherwise, within a few seconds. It says nothing else (no versions, no names, no errors).
/// </summary>
public static class HealthEndpoint
{
    public const string Path = "/healthz";

    /// <summary>Longer than a healthy database ever takes; short enough for a balancer's probe.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Path, async (IDbContextFactory<EnrollmentDbContext> factory, HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "no-store";
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            deadline.CancelAfter(Timeout);
            try
            {
                await using var db = await factory.CreateDbContextAsync(deadline.Token);
                await db.CaCounters.AsNoTracking().AnyAsync(deadline.Token);
                return Results.Text("ok\n", "text/plain");
            }
            catch (Exception e) when (e is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
            {
                return Results.Text("unavailable\n", "text/plain", statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        }).AllowAnonymous().RequireRateLimiting(Publication.PublicationEndpoints.RateLimitPolicy);
        return endpoints;
    }
}
