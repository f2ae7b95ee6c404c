using System.Threading.RateLimiting;
using Enrollment.Web.Shared;
using Microsoft.Extensions.Options;

namespace Enrollment.Web.Features.Gate;

/// <summary>
/// How many audited refusals a visitor who is not signed in may cause from one address. The
/// recovery pages are open to anyone and each refusal is a hash-chained audit row, so without a
/// budget a loop of GETs would fill the audit log. Signed-in refusals are always audited.
/// </summary>
public sealed class RefusalAuditBudget(IOptions<RateLimitOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> limiter = PartitionedRateLimiter.Create<string, string>(address =>
        RateLimitPartition.GetTokenBucketLimiter(address, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = options.Value.AnonymousRefusalAuditsPerMinute,
            TokensPerPeriod = options.Value.AnonymousRefusalAuditsPerMinute,
            ReplenishmentPeriod = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));

    public bool TryTake(string? address)
    {
        using var lease = limiter.AttemptAcquire(address ?? "-");
        return lease.IsAcquired;
    }

    public void Dispose() => limiter.Dispose();
}
