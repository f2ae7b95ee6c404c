namespace Enrollment.Web.Infrastructure;

/// <summary>Response headers that close common browser-side holes on every page.</summary>
public static class SecurityHeaders
{
    // Blazor Server needs only same-origin scripts and its WebSocket; styles may be inline (component libraries).
    // Forms post to the portal itself, and the sign-in and sign-out forms' redirects go on to the identity
    // providers: browsers hold those redirects to form-action too.
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'{0}; object-src 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app)
    {
        var providers = app.ApplicationServices.GetRequiredService<Features.Account.Sso.SsoProviders>().FormTargets();
        var policy = string.Format(System.Globalization.CultureInfo.InvariantCulture, ContentSecurityPolicy,
            string.Concat(providers.Select(origin => " " + origin)));
        return app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            if (!context.Request.Path.StartsWithSegments("/pki"))
            {
                headers.ContentSecurityPolicy = policy;
            }
            return next(context);
        });
    }
}
