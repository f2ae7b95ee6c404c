using Enrollment.Ca.Serials;
using Enrollment.Web.Features.Gate;
using Enrollment.Web.Shared;
using Enrollment.Web.Resources;
using Microsoft.Extensions.Localization;

namespace Enrollment.Web.Features.Admin.Certificates;

/// <summary>
/// The admin downloads: the CSV export of a filter and one certificate's PEM. Plain GETs a link can
/// start, behind the same checks as the pages: the Admin role, then the certificate gate (which
/// sends a failing connection to the certificate check page), then the service's own demand.
/// </summary>
public static class CertificateEndpoints
{
    public static void MapAdminCertificates(this WebApplication app)
    {
        var group = app.MapGroup("/admin/certificates")
            .RequireAuthorization(policy => policy.RequireRole(Roles.Admin))
            .WithMetadata(new RequiresClientCertificateAttribute())
            // Downloads a browser follows as a link: a stranger is sent to sign in, not left at a bare 401
            // (.NET 10 answers endpoints it takes for APIs with 401/403; this says which these are).
            .AllowCookieRedirect();
        group.MapGet("/export.csv", ExportAsync);
        group.MapGet("/{serial}/pem", PemAsync);
    }

    private static async Task ExportAsync(HttpContext context, AdminCertificates certificates, TimeProvider time, IStringLocalizer<SharedResource> localizer)
    {
        if (!CertificateQuery.TryParse(context.Request.Query, out var query))
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest, localizer["ExportFilterInvalid"]);
            return;
        }
        context.Response.ContentType = "text/csv; charset=utf-8";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"certificates-{time.GetUtcNow():yyyyMMdd-HHmmss}.csv\"";
        context.Response.Headers.CacheControl = "no-store";
        try
        {
            await certificates.ExportAsync(context.User, ConnectionCertificate.Of(context), query, context.Response.Body, context.RequestAborted);
        }
        catch (UnauthorizedAccessException e) when (!context.Response.HasStarted)
        {
            await RefuseAsync(context, StatusCodes.Status403Forbidden, localizer.DescribeRefusal(e));
        }
    }

    private static async Task PemAsync(string serial, HttpContext context, AdminCertificates certificates, IStringLocalizer<SharedResource> localizer)
    {
        try
        {
            if (await certificates.PemAsync(context.User, ConnectionCertificate.Of(context), serial) is not { } pem)
            {
                await RefuseAsync(context, StatusCodes.Status404NotFound, localizer["CertificateNotFound"]);
                return;
            }
            context.Response.ContentType = "application/x-pem-file";
            context.Response.Headers.ContentDisposition = $"attachment; filename=\"{SerialNumber.Canonicalize(serial)}.pem\"";
            context.Response.Headers.CacheControl = "no-store";
            await context.Response.WriteAsync(pem);
        }
        catch (UnauthorizedAccessException e)
        {
            await RefuseAsync(context, StatusCodes.Status403Forbidden, localizer.DescribeRefusal(e));
        }
    }

    private static Task RefuseAsync(HttpContext context, int status, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(message);
    }
}
