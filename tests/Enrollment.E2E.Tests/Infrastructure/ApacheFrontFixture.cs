using System.Diagnostics;
using Enrollment.Testing;
using Enrollment.Web.Tests.Infrastructure;

namespace Enrollment.E2E.Tests.Infrastructure;

/// <summary>
/// The portal behind a real Apache httpd 2.4 (mod_ssl) started from deploy/apache/enrollment.conf.template.
/// Apache reaches the portal on a Unix socket, the only way in whose headers the portal believes.
/// </summary>
public class ApacheFrontFixture : FrontServerFixture
{
    private const string Modules = "/usr/lib/apache2/modules";

    private string Socket => Files.File("portal.sock");

    protected override string[] PortalSettings =>
    [
        $"--urls=http://127.0.0.1:0;https://127.0.0.1:0;http://unix:{Socket}",
        "--Enrollment:ClientCertificates:Mode=Proxy", "--Enrollment:ClientCertificates:UnixSocketProxy=true",
    ];

    /// <summary>The shipped virtual host, as a variant may change it.</summary>
    protected virtual string Site(string template) => template;

    protected override ProcessStartInfo Configure(int port, string upstream)
    {
        var d = Files.Path;
        Files.Write("enrollment.conf", Site(Template(Path.Combine("apache", "enrollment.conf.template"), port, upstream)
            .Replace("{{PORTAL_SOCKET}}", Socket)));
        string[] modules = ["mpm_event", "authz_core", "ssl", "socache_shmcb", "headers", "proxy", "proxy_http"];
        Files.Write("httpd.conf", $"""
            ServerRoot {d}
            DefaultRuntimeDir {d}
            PidFile {d}/httpd.pid
            ErrorLog {ErrorLog}
            LogLevel warn ssl:info
            ServerName localhost
            {string.Join("\n", modules.Select(m => $"LoadModule {m}_module {Modules}/mod_{m}.so"))}
            SSLSessionCache shmcb:{d}/ssl_scache(512000)
            Include {d}/enrollment.conf
            """);
        return new ProcessStartInfo(Binary, ["-f", Files.File("httpd.conf"), "-DFOREGROUND"]);
    }

    public override Task<PortalSession> SignInAsProxyAsync(string email) => PortalSession.SignInAsync(Portal, email, Password, unixSocket: Socket);

    protected override string ReloadCommand => $"{Binary} -f {Files.File("httpd.conf")} -k graceful";

    protected override int Reloads() => File.Exists(ErrorLog) ? File.ReadAllText(ErrorLog).Split("Doing graceful restart").Length - 1 : 0;

    private static string Binary => File.Exists("/usr/sbin/apache2") ? "/usr/sbin/apache2" : "httpd";
}

/// <summary>The shipped Apache configuration without its OCSP lines: revocation comes from the CRLs alone.</summary>
public sealed class ApacheCrlOnlyFrontFixture : ApacheFrontFixture
{
    protected override bool WithOcsp => false;
}

/// <summary>
/// The per-directory form from Apache's own documentation, which the portal does not ship: no
/// certificate asked at the handshake, "SSLVerifyClient require" inside a &lt;Location&gt; for the
/// certificate check page, so mod_ssl must ask for one in the middle of the connection.
/// </summary>
public abstract class ApachePerDirectoryFixture : ApacheFrontFixture
{
    public const string ProtectedPath = "account/certificate";

    /// <summary>The only protocol offered: renegotiation (TLS 1.2) or post-handshake authentication (TLS 1.3).</summary>
    protected abstract string Protocol { get; }

    protected override string Site(string template)
    {
        Assert.Contains("SSLVerifyClient optional\n", template, StringComparison.Ordinal);
        return template
            .Replace("SSLVerifyClient optional\n", "SSLVerifyClient none\n", StringComparison.Ordinal)
            .Replace("SSLProtocol -all +TLSv1.2 +TLSv1.3", "SSLProtocol -all +" + Protocol, StringComparison.Ordinal)
            .Replace("</VirtualHost>", $"""
                    <Location /{ProtectedPath}>
                        SSLVerifyClient require
                        SSLVerifyDepth 2
                    </Location>
                </VirtualHost>
                """, StringComparison.Ordinal);
    }
}

public sealed class ApacheRenegotiationFixture : ApachePerDirectoryFixture
{
    protected override string Protocol => "TLSv1.2";
}

public sealed class ApachePostHandshakeFixture : ApachePerDirectoryFixture
{
    protected override string Protocol => "TLSv1.3";
}
