using System.Security.Cryptography;
using Enrollment.Web.Shared;
using Microsoft.Extensions.Options;

namespace Enrollment.Web.Infrastructure;

/// <summary>
/// A random value per browser that a balancer hashes on, so a Blazor circuit (its negotiate request,
/// its WebSocket and every reconnection) stays on one node: open-source nginx has no "sticky"
/// (deploy/nginx/enrollment.conf.template: <c>hash $enrollment_affinity consistent</c>). It names
/// no node and carries nothing else; nodes share the key ring, so the session itself works on any node.
/// </summary>
public static class AffinityCookie
{
    /// <summary>Letters and underscores only: nginx reads it as <c>$cookie_enrollment_affinity</c>.</summary>
    public const string Name = "enrollment_affinity";

    public static IApplicationBuilder UseAffinityCookie(this IApplicationBuilder app)
    {
        var options = app.ApplicationServices.GetRequiredService<IOptions<EnrollmentOptions>>().Value;
        if (!options.AffinityCookieOrDefault)
        {
            return app;
        }
        return app.Use((context, next) =>
        {
            var path = context.Request.Path;
            // Relying parties fetching CRLs and OCSP, and health probes, keep no cookies.
            if (!context.Request.Cookies.ContainsKey(Name) && !path.StartsWithSegments("/pki") && !path.StartsWithSegments(Features.Health.HealthEndpoint.Path))
            {
                context.Response.Cookies.Append(Name, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12)), new CookieOptions
                {
                    HttpOnly = true, Secure = context.Request.IsHttps, SameSite = SameSiteMode.Lax, Path = "/", IsEssential = true,
                });
            }
            return next(context);
        });
    }
}
