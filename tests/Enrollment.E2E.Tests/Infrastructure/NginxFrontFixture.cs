using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Enrollment.Ca.Authority;
using Enrollment.Testing;

namespace Enrollment.E2E.Tests.Infrastructure;

/// <summary>
/// The portal in proxy mode behind a real nginx started from deploy/nginx/enrollment.conf.template,
/// on 127.0.0.1. nginx connects to the portal from 127.0.0.2, the only address the portal believes.
/// </summary>
public sealed class NginxFrontFixture : BrowserPortalFixture
{
    private const string ProxySource = "127.0.0.2";
    private readonly TemporaryDirectory directory = new();
    private Process? nginx;
    private Uri? front;

    public override Uri FrontUrl => front ?? throw new InvalidOperationException("nginx has not started");

    protected override string[] PortalSettings =>
        ["--Enrollment:ClientCertificates:Mode=Proxy", $"--Enrollment:ClientCertificates:KnownProxies:0={ProxySource}"];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var port = FreePort();
        var authority = Portal.Services.GetRequiredService<CertificateAuthority>();
        var d = directory.Path;
        OpenSsl.Ok(d, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "server.key",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-days", "2", "-out", "server.pem");
        directory.Write("client-ca.pem", authority.Issuing.ExportCertificatePem() + "\n");
        directory.Write("trusted-ca.pem", authority.Root.ExportCertificatePem() + "\n");
        var upstream = $"127.0.0.1:{Portal.Http.Port}";
        var site = File.ReadAllText(Path.Combine(Axe.RepositoryRoot(), "deploy", "nginx", "enrollment.conf.template"))
            .Replace("{{LISTEN}}", $"127.0.0.1:{port}").Replace("{{SERVER_NAME}}", "localhost")
            .Replace("{{SERVER_CERTIFICATE}}", directory.File("server.pem")).Replace("{{SERVER_KEY}}", directory.File("server.key"))
            .Replace("{{CLIENT_CA_FILE}}", directory.File("client-ca.pem")).Replace("{{TRUSTED_CA_FILE}}", directory.File("trusted-ca.pem")).Replace("{{OCSP_URL}}", $"http://{upstream}/pki/ocsp")
            .Replace("{{UPSTREAM}}", upstream).Replace("{{PROXY_SOURCE}}", ProxySource)
            .Replace("{{RECOVERY_HEADERS}}", directory.File("recovery-headers.conf"));
        directory.Write("enrollment.conf", site);
        directory.Write("recovery-headers.conf", File.ReadAllText(Path.Combine(Axe.RepositoryRoot(), "deploy", "nginx", "recovery-headers.conf"))
            .Replace("{{PROXY_SOURCE}}", ProxySource));
        directory.Write("nginx.conf", $$"""
            pid {{d}}/nginx.pid;
            error_log {{d}}/error.log;
            events { worker_connections 256; }
            http {
              access_log off;
              client_body_temp_path {{d}}/body; proxy_temp_path {{d}}/proxy; fastcgi_temp_path {{d}}/fastcgi;
              uwsgi_temp_path {{d}}/uwsgi; scgi_temp_path {{d}}/scgi;
              include {{d}}/enrollment.conf;
            }
            """);
        var binary = File.Exists("/usr/sbin/nginx") ? "/usr/sbin/nginx" : "nginx";
        nginx = Process.Start(new ProcessStartInfo(binary, ["-p", d, "-c", directory.File("nginx.conf"), "-g", "daemon off;"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        }) ?? throw new InvalidOperationException("nginx did not start");
        front = new Uri($"https://127.0.0.1:{port}/");
        await WaitForPortAsync(port);
    }

    public override async Task DisposeAsync()
    {
        if (nginx is { HasExited: false })
        {
            nginx.Kill(entireProcessTree: true);
            await nginx.WaitForExitAsync();
        }
        await base.DisposeAsync();
        directory.Dispose();
    }

    private async Task WaitForPortAsync(int port)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (nginx!.HasExited)
            {
                throw new InvalidOperationException("nginx exited: " + await nginx.StandardError.ReadToEndAsync() + File.ReadAllText(directory.File("error.log")));
            }
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }
        throw new TimeoutException("nginx did not listen");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
