using System.Diagnostics;
using Enrollment.Testing;
using Enrollment.Web.Tests.Infrastructure;

namespace Enrollment.E2E.Tests.Infrastructure;

/// <summary>
/// The portal behind a real nginx started from deploy/nginx/enrollment.conf.template. nginx connects
/// to the portal from 127.0.0.2, the only address the portal believes.
/// </summary>
public class NginxFrontFixture : FrontServerFixture
{
    private const string ProxySource = "127.0.0.2";

    protected override string[] PortalSettings =>
        ["--Enrollment:ClientCertificates:Mode=Proxy", $"--Enrollment:ClientCertificates:KnownProxies:0={ProxySource}"];

    /// <summary>Nodes beside <see cref="BrowserPortalFixture.Portal"/> that nginx balances across (host:port).</summary>
    protected virtual IEnumerable<string> MoreUpstreams => [];

    protected override ProcessStartInfo Configure(int port, string upstream)
    {
        var d = Files.Path;
        // One "server" line per node, as the template says.
        var template = string.Join('\n', Template(Path.Combine("nginx", "enrollment.conf.template"), port, upstream).Split('\n')
            .SelectMany(line => line.Contains("{{UPSTREAM}}", StringComparison.Ordinal)
                ? MoreUpstreams.Prepend(upstream).Select(node => line.Replace("{{UPSTREAM}}", node))
                : [line]));
        Files.Write("enrollment.conf", template.Replace("{{PROXY_SOURCE}}", ProxySource)
            .Replace("{{RECOVERY_HEADERS}}", Files.File("recovery-headers.conf")));
        Files.Write("recovery-headers.conf", File.ReadAllText(Path.Combine(Repository.Root, "deploy", "nginx", "recovery-headers.conf"))
            .Replace("{{PROXY_SOURCE}}", ProxySource));
        Files.Write("nginx.conf", $$"""
            pid {{d}}/nginx.pid;
            error_log {{ErrorLog}} notice;
            events { worker_connections 256; }
            http {
              access_log off;
              client_body_temp_path {{d}}/body; proxy_temp_path {{d}}/proxy; fastcgi_temp_path {{d}}/fastcgi;
              uwsgi_temp_path {{d}}/uwsgi; scgi_temp_path {{d}}/scgi;
              include {{d}}/enrollment.conf;
            }
            """);
        return new ProcessStartInfo(Binary, ["-p", d, "-c", Files.File("nginx.conf"), "-g", "daemon off;"]);
    }

    public override Task<PortalSession> SignInAsProxyAsync(string email) =>
        PortalSession.SignInAsync(Portal, email, Password, System.Net.IPAddress.Parse(ProxySource));

    protected override string ReloadCommand => $"{Binary} -p {Files.Path} -c {Files.File("nginx.conf")} -s reload";

    protected override int Reloads() => File.Exists(ErrorLog) ? File.ReadAllText(ErrorLog).Split("reconfiguring").Length - 1 : 0;

    private static string Binary => File.Exists("/usr/sbin/nginx") ? "/usr/sbin/nginx" : "nginx";
}

/// <summary>The shipped nginx configuration without its OCSP lines: revocation comes from the CRLs alone.</summary>
public sealed class NginxCrlOnlyFrontFixture : NginxFrontFixture
{
    protected override bool WithOcsp => false;
}
