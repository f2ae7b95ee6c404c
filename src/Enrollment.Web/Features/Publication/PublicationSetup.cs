using System.Threading.RateLimiting;
using Enrollment.Ca.Ocsp;
using Enrollment.Web.Shared;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Enrollment.Web.Features.Publication;

/// <summary>The CRL, the OCSP responder, the CA's own renewals and the anonymous endpoints' rate limit.</summary>
public static class PublicationSetup
{
    public static IServiceCollection AddPublication(this IServiceCollection services)
    {
        services.TryAddSingleton(sp => new OcspResponderOptions
        {
            Validity = TimeSpan.FromHours(sp.GetRequiredService<IOptions<CaOptions>>().Value.OcspValidityHours),
        });
        services.TryAddSingleton<OcspResponder>();
        services.TryAddSingleton<CrlPublisher>();
        services.TryAddSingleton<RootCrlFile>();
        services.TryAddSingleton<CaRenewal>();
        // Runs only in the portal: the admin verbs build these services but never start the host.
        services.AddHostedService<PublicationRefreshService>();
        services.Configure<RateLimiterOptions>(limiter => limiter.AddPolicy(PublicationEndpoints.RateLimitPolicy, context =>
        {
            var limits = context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
            return RateLimitPartition.GetTokenBucketLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "-", _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = limits.PublicBurst,
                TokensPerPeriod = limits.PublicPerSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
            });
        }));
        return services;
    }
}
