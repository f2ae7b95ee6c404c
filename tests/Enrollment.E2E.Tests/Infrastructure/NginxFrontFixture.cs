using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Enrollment.Ca.Authority;
using Enrollment.Testing;

namespace Enrollment.E2E.Tests.Infrastructure;

/// <summary>
/// The portal in proxy mode behind a real nginx started from deploy/nginx/enrollment.conf.template,
/// on 127.0.0.1. nginx connects to the portal from 127.0.0.2, the only address the portal believes.
/// Its CRL file is made by deploy/nginx/refresh-crl.sh, as in production.
/// </summary>
public class NginxFrontFixture : BrowserPortalFixture
{
    private const string ProxySource = "127.0.0.2";
    private readonly TemporaryDirectory directory = new();
    private Process? nginx;
    private Uri? front;

    public override Uri FrontUrl => front ?? throw new InvalidOperationException("nginx has not started");

    /// <summary>Whether the template's OCSP lines stay ("where configured"); without them only the CRLs revoke.</summary>
    protected virtual bool WithOcsp => true;

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
        directory.Write("crl-ca.pem", authority.Issuing.ExportCertificatePem() + "\n" + authority.Root.ExportCertificatePem() + "\n");
        Assert.Equal(0, RunRefreshCrl("true").ExitCode);
        var upstream = $"127.0.0.1:{Portal.Http.Port}";
        var template = File.ReadAllText(Path.Combine(Repository.Root, "deploy", "nginx", "enrollment.conf.template"));
        if (!WithOcsp)
        {
            template = string.Join('\n', template.Split('\n').Where(line => !line.TrimStart().StartsWith("ssl_ocsp", StringComparison.Ordinal)));
        }
        var site = template
            .Replace("{{LISTEN}}", $"127.0.0.1:{port}").Replace("{{SERVER_NAME}}", "localhost")
            .Replace("{{SERVER_CERTIFICATE}}", directory.File("server.pem")).Replace("{{SERVER_KEY}}", directory.File("server.key"))
            .Replace("{{CLIENT_CA_FILE}}", directory.File("client-ca.pem")).Replace("{{TRUSTED_CA_FILE}}", directory.File("trusted-ca.pem")).Replace("{{OCSP_URL}}", $"http://{upstream}/pki/ocsp")
            .Replace("{{CRL_FILE}}", directory.File("crl.pem"))
            .Replace("{{UPSTREAM}}", upstream).Replace("{{PROXY_SOURCE}}", ProxySource)
            .Replace("{{RECOVERY_HEADERS}}", directory.File("recovery-headers.conf"));
        directory.Write("enrollment.conf", site);
        directory.Write("recovery-headers.conf", File.ReadAllText(Path.Combine(Repository.Root, "deploy", "nginx", "recovery-headers.conf"))
            .Replace("{{PROXY_SOURCE}}", ProxySource));
        directory.Write("nginx.conf", $$"""
            pid {{d}}/nginx.pid;
            error_log {{d}}/error.log notice;
            events { worker_connections 256; }
            http {
              access_log off;
              client_body_temp_path {{d}}/body; proxy_temp_path {{d}}/proxy; fastcgi_temp_path {{d}}/fastcgi;
              uwsgi_temp_path {{d}}/uwsgi; scgi_temp_path {{d}}/scgi;
              include {{d}}/enrollment.conf;
            }
            """);
        nginx = Process.Start(new ProcessStartInfo(Binary, ["-p", d, "-c", directory.File("nginx.conf"), "-g", "daemon off;"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        }) ?? throw new InvalidOperationException("nginx did not start");
        // By name: the shipped configuration refuses a handshake without its server name (SNI), and
        // browsers send none for an address.
        front = new Uri($"https://localhost:{port}/");
        await WaitForPortAsync(port);
    }

    /// <summary>
    /// Runs the shipped refresh-crl.sh against the portal, reloading nginx when the CRLs changed,
    /// and returns once the reloaded workers serve new connections.
    /// </summary>
    public async Task RefreshCrlAsync()
    {
        var log = directory.File("error.log");
        var reloads = Reloads();
        var result = RunRefreshCrl($"{Binary} -p {directory.Path} -c {directory.File("nginx.conf")} -s reload");
        Assert.True(result.ExitCode == 0, "refresh-crl.sh failed: " + result.All);
        if (!result.All.Contains("updated", StringComparison.Ordinal))
        {
            return;
        }
        for (var attempt = 0; attempt < 100 && Reloads() == reloads; attempt++)
        {
            await Task.Delay(50);
        }
        Assert.True(Reloads() > reloads, "nginx did not reload: " + File.ReadAllText(log));
        // The master starts new workers right after "reconfiguring"; old ones stop accepting on their signal.
        await Task.Delay(500);

        int Reloads() => File.Exists(log) ? File.ReadAllText(log).Split("reconfiguring").Length - 1 : 0;
    }

    /// <summary>The CRL file nginx reads, as it is now.</summary>
    public string CrlFileText => File.ReadAllText(directory.File("crl.pem"));

    /// <summary>Runs deploy/nginx/refresh-crl.sh for this nginx with the given reload command.</summary>
    public CommandResult RunRefreshCrl(string reload, IDictionary<string, string>? environment = null) =>
        Command.Run(Path.Combine(Repository.Root, "deploy", "nginx", "refresh-crl.sh"), directory.Path, environment,
            Portal.Http.AbsoluteUri, directory.File("crl.pem"), directory.File("crl-ca.pem"), reload);

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

    private static string Binary => File.Exists("/usr/sbin/nginx") ? "/usr/sbin/nginx" : "nginx";

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>The shipped nginx configuration without its OCSP lines: revocation comes from the CRLs alone.</summary>
public sealed class NginxCrlOnlyFrontFixture : NginxFrontFixture
{
    protected override bool WithOcsp => false;
}
