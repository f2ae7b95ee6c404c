using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Enrollment.Ca.Authority;
using Enrollment.Testing;
using Enrollment.Web.Tests.Infrastructure;

namespace Enrollment.E2E.Tests.Infrastructure;

/// <summary>
/// The portal in proxy mode behind a real front server (nginx, Apache httpd) started from its shipped
/// template in deploy/, on 127.0.0.1, with a TLS certificate for localhost, the CA files the template
/// names and a CRL file made by deploy/nginx/refresh-crl.sh, as in production.
/// </summary>
public abstract class FrontServerFixture : BrowserPortalFixture
{
    private Process? server;
    private Uri? front;

    protected TemporaryDirectory Files { get; } = new();

    public override Uri FrontUrl => front ?? throw new InvalidOperationException("the front server has not started");

    /// <summary>Whether the template's OCSP lines stay ("where configured"); without them only the CRLs revoke.</summary>
    protected virtual bool WithOcsp => true;

    /// <summary>The front server's error log, where its reloads show.</summary>
    protected string ErrorLog => Files.File("error.log");

    /// <summary>Writes the server's configuration for the given port and returns its command line.</summary>
    protected abstract ProcessStartInfo Configure(int port, string upstream);

    /// <summary>The command that makes the running server read its CRL file again.</summary>
    protected abstract string ReloadCommand { get; }

    /// <summary>How many reloads the error log shows.</summary>
    protected abstract int Reloads();

    /// <summary>A session that reaches the portal the way the front server does, so its headers are believed.</summary>
    public abstract Task<PortalSession> SignInAsProxyAsync(string email);

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var port = FreePort();
        var authority = Portal.Services.GetRequiredService<CertificateAuthority>();
        OpenSsl.Ok(Files.Path, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "server.key",
            "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-addext", "basicConstraints=critical,CA:FALSE", "-days", "2", "-out", "server.pem");
        Files.Write("client-ca.pem", authority.Issuing.ExportCertificatePem() + "\n");
        Files.Write("trusted-ca.pem", authority.Root.ExportCertificatePem() + "\n");
        Files.Write("ca-chain.pem", authority.Issuing.ExportCertificatePem() + "\n" + authority.Root.ExportCertificatePem() + "\n");
        Assert.Equal(0, RunRefreshCrl("true").ExitCode);
        await BeforeTheFrontStartsAsync();
        var start = Configure(port, $"127.0.0.1:{Portal.Http.Port}");
        start.RedirectStandardError = true;
        start.RedirectStandardOutput = true;
        server = Process.Start(start) ?? throw new InvalidOperationException(start.FileName + " did not start");
        // By name: the shipped configurations refuse a handshake without their server name (SNI), and
        // browsers send none for an address.
        front = new Uri($"https://localhost:{port}/");
        await WaitForPortAsync(port);
    }

    /// <summary>The last step before the front server starts: more nodes for it to balance, say.</summary>
    protected virtual Task BeforeTheFrontStartsAsync() => Task.CompletedTask;

    /// <summary>A template from deploy/ with the placeholders every front shares filled in.</summary>
    protected string Template(string path, int port, string upstream)
    {
        var template = File.ReadAllText(Path.Combine(Repository.Root, "deploy", path));
        if (!WithOcsp)
        {
            template = string.Join('\n', template.Split('\n').Where(line => !line.TrimStart().StartsWith("ssl_ocsp", StringComparison.OrdinalIgnoreCase)
                                                                             && !line.TrimStart().StartsWith("SSLOCSP", StringComparison.Ordinal)));
        }
        return template
            .Replace("{{LISTEN}}", $"127.0.0.1:{port}").Replace("{{SERVER_NAME}}", "localhost")
            .Replace("{{SERVER_CERTIFICATE}}", Files.File("server.pem")).Replace("{{SERVER_KEY}}", Files.File("server.key"))
            .Replace("{{CLIENT_CA_FILE}}", Files.File("client-ca.pem")).Replace("{{TRUSTED_CA_FILE}}", Files.File("trusted-ca.pem"))
            .Replace("{{CA_CHAIN_FILE}}", Files.File("ca-chain.pem"))
            .Replace("{{OCSP_URL}}", $"http://{upstream}/pki/ocsp").Replace("{{CRL_FILE}}", Files.File("crl.pem"));
    }

    /// <summary>
    /// Runs the shipped refresh-crl.sh against the portal, reloading the server when the CRLs changed,
    /// and returns once the reloaded server answers new connections.
    /// </summary>
    public async Task RefreshCrlAsync()
    {
        var reloads = Reloads();
        var result = RunRefreshCrl(ReloadCommand);
        Assert.True(result.ExitCode == 0, "refresh-crl.sh failed: " + result.All);
        if (!result.All.Contains("updated", StringComparison.Ordinal))
        {
            return;
        }
        for (var attempt = 0; attempt < 100 && Reloads() == reloads; attempt++)
        {
            await Task.Delay(50);
        }
        Assert.True(Reloads() > reloads, "the front server did not reload: " + File.ReadAllText(ErrorLog));
        // New workers start right after the reload is logged; old ones stop accepting on their signal.
        await Task.Delay(500);
    }

    /// <summary>The protocol a handshake with the front server settles on when only <paramref name="offered"/> is offered, by name (SNI).</summary>
    public async Task<System.Security.Authentication.SslProtocols> HandshakeAsync(System.Security.Authentication.SslProtocols offered)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, FrontUrl.Port);
        await using var tls = new System.Net.Security.SslStream(client.GetStream());
        await tls.AuthenticateAsClientAsync(new System.Net.Security.SslClientAuthenticationOptions
        {
            TargetHost = FrontUrl.Host,
            EnabledSslProtocols = offered,
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
            CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
        });
        return tls.SslProtocol;
    }

    public string ErrorLogText => File.Exists(ErrorLog) ? File.ReadAllText(ErrorLog) : "";

    /// <summary>The CRL file the server reads, as it is now.</summary>
    public string CrlFileText => File.ReadAllText(Files.File("crl.pem"));

    /// <summary>Runs deploy/nginx/refresh-crl.sh for this server with the given reload command.</summary>
    public CommandResult RunRefreshCrl(string reload, IDictionary<string, string>? environment = null) =>
        Command.Run(Path.Combine(Repository.Root, "deploy", "nginx", "refresh-crl.sh"), Files.Path, environment,
            Portal.Http.AbsoluteUri, Files.File("crl.pem"), Files.File("ca-chain.pem"), reload);

    public override async Task DisposeAsync()
    {
        if (server is { HasExited: false })
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync();
        }
        await base.DisposeAsync();
        Files.Dispose();
    }

    private async Task WaitForPortAsync(int port)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (server!.HasExited)
            {
                throw new InvalidOperationException(server.StartInfo.FileName + " exited: " + await server.StandardError.ReadToEndAsync()
                                                    + (File.Exists(ErrorLog) ? File.ReadAllText(ErrorLog) : ""));
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
        throw new TimeoutException(server!.StartInfo.FileName + " did not listen");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
