using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using Enrollment.Ca.Authority;
using Enrollment.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Hostile connections against the OCSP responder and the sign-in page (docs/reliability.md):
/// connections that never speak, requests sent one byte a second, bodies far over the limits;
/// meanwhile a normal client asks for an OCSP answer and the sign-in page every 200 ms, each on a
/// new connection, and every answer's time is kept. Bounded in time; loopback only.
/// </summary>
internal static class ConnectionsBench
{
    public static async Task<int> RunAsync(int seconds, string directory)
    {
        await using var app = await PageBench.StartPortalAsync(directory);
        var url = new Uri(app.Urls.Single());
        using var files = new TemporaryDirectory();
        var issuing = files.Write("issuing.pem", app.Services.GetRequiredService<CertificateAuthority>().Issuing.ExportCertificatePem());
        var request = files.File("request.der");
        OpenSsl.Ok(files.Path, "ocsp", "-issuer", issuing, "-serial", "0x1234", "-no_nonce", "-reqout", request);
        var ocspPath = "pki/ocsp/" + Uri.EscapeDataString(Convert.ToBase64String(File.ReadAllBytes(request)));

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var opened = new long[3];
        var attackers = new List<Task>();
        attackers.AddRange(Enumerable.Range(0, 200).Select(_ => Task.Run(() => SilentAsync(url, opened, stop.Token))));
        attackers.AddRange(Enumerable.Range(0, 100).Select(i => Task.Run(() => TrickleAsync(url, i % 2 == 0 ? "pki/ocsp" : "account/login", opened, stop.Token))));
        attackers.AddRange(Enumerable.Range(0, 4).Select(i => Task.Run(() => OversizedAsync(url, i % 2 == 0 ? "pki/ocsp" : "account/login", opened, stop.Token))));

        var latencies = new List<double>();
        var errors = 0;
        while (!stop.IsCancellationRequested)
        {
            foreach (var path in new[] { ocspPath, "account/login" })
            {
                // A new connection each time: a full accept queue or handshake backlog would show here.
                using var client = new HttpClient(new SocketsHttpHandler
                {
                    PooledConnectionLifetime = TimeSpan.Zero,
                    SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
                }) { BaseAddress = url, Timeout = TimeSpan.FromSeconds(10) };
                var watch = Stopwatch.StartNew();
                try
                {
                    using var response = await client.GetAsync(path);
                    errors += response.IsSuccessStatusCode ? 0 : 1;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    errors++;
                }
                latencies.Add(watch.Elapsed.TotalMilliseconds);
            }
            await Task.Delay(200);
        }
        await Task.WhenAll(attackers);
        latencies.Sort();
        PageBench.Report("seconds", seconds);
        PageBench.Report("silent_connections_opened", opened[0]);
        PageBench.Report("trickle_connections_opened", opened[1]);
        PageBench.Report("oversized_requests_sent", opened[2]);
        PageBench.Report("normal_requests", latencies.Count);
        PageBench.Report("normal_errors", errors);
        PageBench.Report("normal_p50_ms", latencies[latencies.Count / 2]);
        PageBench.Report("normal_p99_ms", latencies[(int)(latencies.Count * 0.99)]);
        PageBench.Report("normal_max_ms", latencies[^1]);
        await app.StopAsync();
        return errors == 0 && latencies[^1] < 2000 ? 0 : 1;
    }

    /// <summary>Opens a TCP connection and says nothing; opens another when the server gives up on it.</summary>
    private static async Task SilentAsync(Uri url, long[] opened, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            using var socket = new TcpClient();
            try
            {
                await socket.ConnectAsync(url.Host, url.Port, stop);
                Interlocked.Increment(ref opened[0]);
                var buffer = new byte[1];
                await socket.GetStream().ReadAtLeastAsync(buffer, 1, throwOnEndOfStream: false, stop);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
            {
            }
        }
    }

    /// <summary>Completes TLS, then sends a request one byte a second.</summary>
    private static async Task TrickleAsync(Uri url, string path, long[] opened, CancellationToken stop)
    {
        var bytes = Encoding.ASCII.GetBytes($"POST /{path} HTTP/1.1\r\nHost: {url.Authority}\r\nContent-Type: application/ocsp-request\r\nContent-Length: 4000\r\n\r\n" + new string('A', 4000));
        while (!stop.IsCancellationRequested)
        {
            using var socket = new TcpClient();
            try
            {
                await socket.ConnectAsync(url.Host, url.Port, stop);
                await using var tls = new SslStream(socket.GetStream(), false, (_, _, _, _) => true);
                await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" }, stop);
                Interlocked.Increment(ref opened[1]);
                foreach (var b in bytes)
                {
                    await tls.WriteAsync(new[] { b }, stop);
                    await tls.FlushAsync(stop);
                    await Task.Delay(1000, stop);
                }
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or System.Security.Authentication.AuthenticationException)
            {
            }
        }
    }

    /// <summary>Posts bodies far over the limits (OCSP 8 KiB, forms 1 MiB), as fast as they are refused.</summary>
    private static async Task OversizedAsync(Uri url, string path, long[] opened, CancellationToken stop)
    {
        using var client = new HttpClient(new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } })
        {
            BaseAddress = url,
        };
        var body = new byte[8 * 1024 * 1024];
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new(path == "pki/ocsp" ? "application/ocsp-request" : "application/x-www-form-urlencoded");
                Interlocked.Increment(ref opened[2]);
                using var response = await client.PostAsync(path, content, stop);
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
            {
                await Task.Delay(50, CancellationToken.None);
            }
        }
    }
}
