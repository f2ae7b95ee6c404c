using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Enrollment.Testing;
using Enrollment.Web.Tests.Infrastructure;

namespace Enrollment.Web.Tests.Features.Gate;

/// <summary>Direct mode at the TLS level, judged by openssl s_client and a real TLS client.</summary>
public sealed class DirectModeTlsTests(PortalFixture fixture) : IClassFixture<PortalFixture>
{
    [Fact]
    public void Handshake_AsksForAClientCertificateNamingOnlyOurIssuingCa()
    {
        var result = Command.Run("bash", fixture.Files.Path, "-c",
            $"openssl s_client -connect 127.0.0.1:{fixture.Portal.Https.Port} -servername localhost -tls1_2 </dev/null 2>&1");

        var names = result.Output[result.Output.IndexOf("Acceptable client certificate CA names", StringComparison.Ordinal)..]
            .Split('\n').Skip(1).TakeWhile(line => !line.StartsWith("Requested", StringComparison.Ordinal) && !line.StartsWith("Client Certificate Types", StringComparison.Ordinal))
            .Where(line => line.Trim().Length > 0).ToList();
        Assert.Equal(["O = Enrollment, CN = Enrollment Issuing CA 1"], names.Select(n => n.Trim()));
    }

    [Fact]
    public async Task Handshake_WithAForeignCertificateOrNone_StillReachesThePortal()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Somebody Else", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var foreign = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));
        using var withForeign = new HttpClient(new HttpClientHandler
        {
            ClientCertificateOptions = ClientCertificateOption.Manual,
            ClientCertificates = { foreign },
            ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator,
        });
        using var without = fixture.Portal.Client();

        // TLS accepts any certificate, so the portal itself can explain a failure instead of a bare TLS error.
        Assert.Equal(HttpStatusCode.OK, (await withForeign.GetAsync(fixture.Portal.Https)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await without.GetAsync(fixture.Portal.Https)).StatusCode);
    }

    /// <summary>
    /// During the handshake SslStream builds the client certificate's chain, and on net10 it checks
    /// revocation online by default and downloads issuers the certificate names (AIA). The database
    /// is the revocation authority and the gate judges the chain itself, so TLS must never reach
    /// out: here the portal's public base URL (its CRL, OCSP and issuer addresses) is a listener that
    /// counts every attempt. Without the gate's chain policy it counted four.
    /// </summary>
    [Fact]
    public async Task Handshake_WithOurCertificate_FetchesNothingItNames()
    {
        using var listener = new CountingListener();
        await using var portal = await RunningPortal.StartAsync($"--Enrollment:PublicBaseUrl=http://127.0.0.1:{listener.Port}/");
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var (_, issued) = await PortalUsers.WithCertificateAsync(portal, "crl-fetch@example.com", "correct horse battery staple", key);
        using var certificate = issued.CopyWithPrivateKey(key);

        var authority = portal.Services.GetRequiredService<Enrollment.Ca.Authority.CertificateAuthority>();
        var status = await GetHomeAsync(portal, certificate, authority.Issuing, authority.Root);

        Assert.Equal("HTTP/1.1 200", status);
        Assert.Equal(0, listener.Attempts);
    }

    /// <summary>
    /// Nor does the handshake download an issuer a visitor's certificate names (AIA caIssuers): a
    /// stranger's certificate must not make the portal fetch addresses of the stranger's choosing.
    /// </summary>
    [Fact]
    public async Task Handshake_WithAForeignCertificateNamingItsIssuerUrl_DownloadsNothing()
    {
        using var listener = new CountingListener();
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Elsewhere CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Somebody Else", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        request.CertificateExtensions.Add(CertificateRevocationListBuilder.BuildCrlDistributionPointExtension([$"http://127.0.0.1:{listener.Port}/elsewhere.crl"]));
        request.CertificateExtensions.Add(new X509AuthorityInformationAccessExtension([$"http://127.0.0.1:{listener.Port}/ocsp"], [$"http://127.0.0.1:{listener.Port}/elsewhere.crt"]));
        using var issued = request.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1), [1, 2, 3, 4]);
        using var leaf = issued.CopyWithPrivateKey(key);

        var status = await GetHomeAsync(fixture.Portal, leaf, ca);

        Assert.Equal("HTTP/1.1 200", status);
        Assert.Equal(0, listener.Attempts);
    }

    /// <summary>One request over a TLS connection that presents the certificate and its chain; returns the status line's start.</summary>
    private static async Task<string> GetHomeAsync(RunningPortal portal, X509Certificate2 certificate, params X509Certificate2[] chain)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, portal.Https.Port);
        await using var tls = new SslStream(tcp.GetStream());
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            ClientCertificateContext = SslStreamCertificateContext.Create(certificate, [.. chain], offline: true),
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        });
        // The server has judged the certificate once it answers a request on this connection.
        await tls.WriteAsync("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"u8.ToArray());
        var answer = new byte[12];
        await tls.ReadExactlyAsync(answer);
        return System.Text.Encoding.ASCII.GetString(answer);
    }

    /// <summary>A loopback port that accepts and counts connections, standing in for a CRL or issuer server.</summary>
    private sealed class CountingListener : IDisposable
    {
        private readonly TcpListener listener = new(IPAddress.Loopback, 0);
        private int attempts;

        public CountingListener()
        {
            listener.Start();
            _ = AcceptAsync();
        }

        public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

        public int Attempts => Volatile.Read(ref attempts);

        public void Dispose() => listener.Stop();

        private async Task AcceptAsync()
        {
            try
            {
                while (true)
                {
                    using var client = await listener.AcceptTcpClientAsync();
                    Interlocked.Increment(ref attempts);
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                // Stopped at the end of the test.
            }
        }
    }
}
