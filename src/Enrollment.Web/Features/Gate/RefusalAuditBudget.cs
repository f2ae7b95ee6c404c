using System.Threading.RateLimiting;
using Enrollment.Web.Shared;
using Microsoft.Extensions.Options;

namespace Enrollment.Web.Features.Gate;

/// <summary>
/// How many audited refusals one visitor may cause per minute: a visitor who is not signed in per
/// address, a signed-in user per account. The recovery pages are open to anyone and each refusal is
/// a hash-chained audit row, so without a budget a loop of GETs would fill the audit log.
/// </summary>
public sealed class RefusalAuditBudget(IOptions<RateLimitOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> limiter = PartitionedRateLimiter.Create<string, string>(key =>
        RateLimitPartition.GetTokenBucketLimiter(key, _ =>
        {
            var perMinute = key.StartsWith(UserPrefix, StringComparison.Ordinal)
                ? options.Value.SignedInRefusalAuditsPerMinute
                : options.Value.AnonymousRefusalAuditsPerMinute;
            return new TokenBucketRateLimiterOptions
            {
                TokenLimit = perMinute, TokensPerPeriod = perMinute, ReplenishmentPeriod = TimeSpan.FromMinutes(1), QueueLimit = 0,
            };
        }));

    private const string UserPrefix = "user:";

    /// <summary>Takes one refusal from the budget of the signed-in user (by id) or, for anyone else, of the address.</summary>
    public bool TryTake(string? userId, string? address)
    {
        using var lease = limiter.AttemptAcquire(userId is { Length: > 0 } ? UserPrefix + userId : "address:" + (address ?? "-"));
        return lease.IsAcquired;
    }

    public void Dispose() => limiter.Dispose();
}
