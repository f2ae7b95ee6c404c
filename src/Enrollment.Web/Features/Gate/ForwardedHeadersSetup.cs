using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace Enrollment.Web.Features.Gate;

public static class ForwardedHeadersSetup
{
    /// <summary>
    /// X-Forwarded-For and -Proto from the configured proxies only, one hop (docs/pitfalls.md, "Forwarded headers": the
    /// environment switch clears KnownProxies, so this is configured in code).
    /// </summary>
    public static IApplicationBuilder UseForwardedHeadersFromKnownProxies(this IApplicationBuilder app)
    {
        var gate = app.ApplicationServices.GetRequiredService<IOptions<GateOptions>>().Value;
        if (gate.Mode != ClientCertificateMode.Proxy)
        {
            return app;
        }
        var options = new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto,
            ForwardLimit = 1,
        };
        options.KnownIPNetworks.Clear();
        options.KnownProxies.Clear();
        foreach (var proxy in gate.ProxyAddresses)
        {
            options.KnownProxies.Add(proxy);
        }
        return app.UseForwardedHeaders(options);
    }
}
