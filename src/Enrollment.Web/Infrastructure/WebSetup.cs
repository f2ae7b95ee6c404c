using System.Security.Authentication;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.Extensions.WebEncoders;
using Enrollment.Web.Components;
using Enrollment.Web.Components.Shell;
using Enrollment.Web.Features.Account;
using Enrollment.Web.Features.Admin;
using Enrollment.Web.Features.Admin.Certificates;
using Enrollment.Web.Features.Approvals;
using Enrollment.Web.Features.Certificates.Expiry;
using Enrollment.Web.Features.Gate;
using Enrollment.Web.Features.Health;
using Enrollment.Web.Features.Publication;
using Enrollment.Web.Features.Requests;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Enrollment.Web.Shared;

namespace Enrollment.Web.Infrastructure;

/// <summary>Kestrel, the page framework, localisation, rate limits and the request pipeline.</summary>
public static class WebSetup
{
    public static readonly string[] Cultures = ["en", "ja"];

    public static WebApplicationBuilder AddEnrollmentWeb(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 1024 * 1024;
            kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(15);
            kestrel.ConfigureHttpsDefaults(https =>
            {
                https.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13;
                https.OnAuthenticate = (_, ssl) =>
                {
                    if (!OperatingSystem.IsWindows())
                    {
                        ssl.CipherSuitesPolicy = TlsCipherSuites.Policy;
                    }
                };
                if (string.IsNullOrEmpty(context.Configuration["Kestrel:Certificates:Default:Path"]))
                {
                    https.ServerCertificate = kestrel.ApplicationServices.GetRequiredService<TlsCertificateStore>().Certificate;
                }
                GateSetup.ConfigureDirectMode(https, kestrel.ApplicationServices);
            });
        });
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddPortalShell();
        // Japanese text as UTF-8 rather than numeric entities: smaller pages, readable markup.
        services.Configure<WebEncoderOptions>(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        // Our own X-Frame-Options: DENY is sent on every response; antiforgery would add a second, weaker one.
        services.AddAntiforgery(o =>
        {
            o.SuppressXFrameOptionsHeader = true;
            o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
        });
        services.Configure<RequestLocalizationOptions>(o =>
        {
            o.SetDefaultCulture(Cultures[0]).AddSupportedCultures(Cultures).AddSupportedUICultures(Cultures);
            o.ApplyCurrentCultureToResponseHeaders = true;
        });
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = Features.Account.TooManyAttempts.RespondAsync;
            limiter.GlobalLimiter = AccountSetup.SignInLimiter(builder.Configuration);
        });
        services.AddHsts(hsts => hsts.MaxAge = TimeSpan.FromDays(365));
        services.AddAllowedHostsFromPortalUrls(builder.Configuration);
        services.TryAddSingleton<TlsCertificateStore>();
        services.AddAdministration();
        services.AddClientCertificateGate(builder.Configuration);
        services.AddRequests(builder.Configuration);
        services.AddApprovals();
        services.AddExpiry(builder.Configuration);
        return builder;
    }

    public static WebApplication UseEnrollmentPipeline(this WebApplication app)
    {
        // First of all: certificate headers from anyone but a configured proxy are gone before anything
        // reads them, and the proxy's X-Forwarded-Proto is known before the HTTPS redirect decides.
        app.UseUnixSocketPeer();
        app.UseMiddleware<ForwardedCertificateMiddleware>();
        app.UseForwardedHeadersFromKnownProxies();
        // The PKI endpoints answer over plain HTTP (CDP and AIA are http://), and so does the health probe
        // of a balancer; everything else moves to HTTPS. Before the exception handler, so a re-executed
        // error page is not redirected.
        app.UseWhen(context => !context.Request.Path.StartsWithSegments("/pki") && !context.Request.Path.StartsWithSegments(Features.Health.HealthEndpoint.Path),
            branch => branch.UseHttpsRedirection());
        app.UseExceptionHandler("/error", createScopeForErrors: true);
        app.UseNotFoundPage();
        app.UseSecurityHeaders();
        app.UseAffinityCookie();
        app.UseHsts();
        app.UseRequestLocalization();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAccountGate();
        app.UsePrivilegedPageGate();
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapPublication();
        app.MapHealth();
        app.MapAccounts();
        app.MapCultureSwitch();
        app.MapAdminCertificates();
        // The framework's own frame-ancestors CSP would be a second policy; ours already says 'none'.
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode(o => o.ContentSecurityFrameAncestorsPolicy = null);
        return app;
    }

    /// <summary>
    /// A page address that matches nothing gets the localized not-found page (the Router's NotFoundPage).
    /// Only a bodiless 404 outside /pki is re-executed: a 401 or 429 from an endpoint keeps its bare status
    /// for the script or machine that asked.
    /// </summary>
    private static void UseNotFoundPage(this WebApplication app)
    {
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.Use(async (context, next) =>
        {
            await next(context);
            if (context.Response.StatusCode != StatusCodes.Status404NotFound || context.Request.Path.StartsWithSegments("/pki"))
            {
                // The status code pages middleware reads this flag after the rest of the pipeline has run.
                context.Features.Get<IStatusCodePagesFeature>()?.Enabled = false;
            }
        });
    }

    /// <summary>The language switcher: a cookie that overrides Accept-Language.</summary>
    private static void MapCultureSwitch(this WebApplication app) =>
        app.MapGet("/culture/{culture}", (string culture, string? returnUrl, HttpContext context) =>
        {
            if (Cultures.Contains(culture))
            {
                context.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
                    CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
                    new CookieOptions { Secure = true, HttpOnly = true, SameSite = SameSiteMode.Lax, MaxAge = TimeSpan.FromDays(365), IsEssential = true });
            }
            return Results.LocalRedirect(LocalUrls.OrHome(returnUrl));
        });
}
