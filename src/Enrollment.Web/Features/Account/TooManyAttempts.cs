using System.Globalization;
using System.Text.Encodings.Web;
using System.Threading.RateLimiting;
using Enrollment.Web.Resources;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Localization;

namespace Enrollment.Web.Features.Account;

/// <summary>
/// The answer to a request the rate limiter refused: always the status and Retry-After (RFC 9110
/// 10.2.3); for a person at the sign-in form, also a page in their language saying when to try again,
/// instead of a blank 429. Relying parties fetching CRLs and OCSP answers read the status alone.
/// </summary>
public static class TooManyAttempts
{
    public static async ValueTask RespondAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : 60;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        if (!context.Request.Path.StartsWithSegments("/account"))
        {
            return;
        }
        var localizer = context.RequestServices.GetRequiredService<IStringLocalizer<SharedResource>>();
        // The portal's encoder leaves Japanese as UTF-8 rather than numeric entities.
        var encoder = context.RequestServices.GetRequiredService<HtmlEncoder>();
        string Text(string name, params object[] arguments) => encoder.Encode(arguments.Length == 0 ? localizer[name] : localizer[name, arguments]);
        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.WriteAsync($"""
            <!DOCTYPE html>
            <html lang="{CultureInfo.CurrentUICulture.TwoLetterISOLanguageName}">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{Text("TooManyAttemptsTitle")}</title>
            <link rel="stylesheet" href="/app.css"></head>
            <body><main id="main" class="page"><h1>{Text("TooManyAttemptsTitle")}</h1>
            <p data-testid="retry-after">{Text("TooManyAttemptsText", seconds)}</p>
            <p><a href="/account/login">{Text("BackToSignIn")}</a></p></main></body>
            </html>
            """, cancellationToken);
    }
}
