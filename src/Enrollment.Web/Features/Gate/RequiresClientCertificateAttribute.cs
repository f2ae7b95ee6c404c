using Microsoft.AspNetCore.Components.Endpoints;

namespace Enrollment.Web.Features.Gate;

/// <summary>
/// Marks a privileged page (as an attribute) or endpoint (as metadata): it opens only with a verified
/// certificate owned by the signed-in user.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RequiresClientCertificateAttribute : Attribute;

/// <summary>Thrown by privileged services when the connection's certificate does not pass the gate.</summary>
public sealed class CertificateRequiredException(GateResult result)
    : UnauthorizedAccessException($"A verified client certificate of your own is required ({result.Verdict.Failure}, reference {result.ReferenceCode}).")
{
    public GateResult Result { get; } = result;
}

/// <summary>Sends a request for a privileged page or endpoint whose connection fails the gate to the certificate check page.</summary>
public static class PrivilegedPageGate
{
    public const string CheckPath = "/account/certificate";

    public static IApplicationBuilder UsePrivilegedPageGate(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var endpoint = context.GetEndpoint();
        var page = endpoint?.Metadata.GetMetadata<ComponentTypeMetadata>()?.Type;
        var privileged = endpoint?.Metadata.GetMetadata<RequiresClientCertificateAttribute>() is not null
                         || page?.IsDefined(typeof(RequiresClientCertificateAttribute), false) == true;
        if (privileged && context.User.Identity?.IsAuthenticated == true)
        {
            var result = await context.RequestServices.GetRequiredService<ClientCertificateGate>().EvaluateAsync(context, context.User);
            if (!result.IsAccepted)
            {
                context.Response.Redirect(CheckPath);
                return;
            }
        }
        await next(context);
    });
}
