using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;

namespace Enrollment.Web.Tests.Infrastructure;

/// <summary>
/// A signed-in HTTP client for page-level tests: fetches the antiforgery token from the sign-in
/// form and posts it, like a browser. It can play a reverse proxy: connect from another loopback
/// address (127.0.0.2, nginx's) or through the portal's Unix socket (Apache's).
/// </summary>
public sealed partial class PortalSession : IDisposable
{
    private readonly HttpClient client;
    private readonly CookieContainer cookies;

    private PortalSession(HttpClient client, CookieContainer cookies)
    {
        this.client = client;
        this.cookies = cookies;
    }

    /// <summary>The certificate headers a front server sends for a certificate it verified ($ssl_client_escaped_cert, $ssl_client_verify).</summary>
    public static Dictionary<string, string> ForwardedCertificate(X509Certificate2 certificate) => new()
    {
        ["X-CLIENTCERT"] = Uri.EscapeDataString(certificate.ExportCertificatePem() + "\n"),
        ["X-CLIENTCERT-VERIFY"] = "SUCCESS",
    };

    /// <summary>A visitor who has not signed in.</summary>
    public static PortalSession Anonymous(RunningPortal portal, IPAddress? from = null, string? unixSocket = null) => Create(portal, from, unixSocket);

    /// <summary>A visitor who presents the given cookies, as an attacker replaying a copy would.</summary>
    public static PortalSession WithCookies(RunningPortal portal, string cookieHeader)
    {
        var session = Create(portal, null);
        session.cookies.SetCookies(portal.Https, cookieHeader.Replace("; ", ",", StringComparison.Ordinal));
        return session;
    }

    /// <summary>The cookies this session would send now, as a Cookie header value.</summary>
    public string CookieHeader => cookies.GetCookieHeader(client.BaseAddress!);

    /// <summary>Fetches a static page's form and posts it back with its antiforgery token, like a browser.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string path, string formName, IDictionary<string, string> fields)
    {
        var page = await client.GetStringAsync(path);
        using var post = new FormUrlEncodedContent(new Dictionary<string, string>(fields)
        {
            ["_handler"] = formName, ["__RequestVerificationToken"] = AntiforgeryToken().Match(page).Groups[1].Value,
        });
        return await client.PostAsync(path, post);
    }

    /// <summary>The antiforgery token in a page's form.</summary>
    public static string AntiforgeryTokenIn(string page) => AntiforgeryToken().Match(page).Groups[1].Value;

    /// <summary>The antiforgery token of a static page's form, as this session receives it.</summary>
    public async Task<string> AntiforgeryTokenOfAsync(string path) => AntiforgeryToken().Match(await client.GetStringAsync(path)).Groups[1].Value;

    /// <summary>Posts a form with a token obtained elsewhere (another node's page).</summary>
    public async Task<HttpResponseMessage> PostFormWithTokenAsync(string path, string formName, string token, IDictionary<string, string> fields)
    {
        using var post = new FormUrlEncodedContent(new Dictionary<string, string>(fields)
        {
            ["_handler"] = formName, ["__RequestVerificationToken"] = token,
        });
        return await client.PostAsync(path, post);
    }

    /// <summary>Signs out through the layout's form, with its antiforgery token unless told otherwise.</summary>
    public async Task<HttpResponseMessage> SignOutAsync(bool withAntiforgeryToken = true)
    {
        var page = await client.GetStringAsync("account/manage");
        var fields = new Dictionary<string, string>();
        if (withAntiforgeryToken)
        {
            fields["__RequestVerificationToken"] = AntiforgeryToken().Match(page).Groups[1].Value;
        }
        using var post = new FormUrlEncodedContent(fields);
        return await client.PostAsync("account/logout", post);
    }

    public static async Task<PortalSession> SignInAsync(RunningPortal portal, string email, string password, IPAddress? from = null, string? unixSocket = null)
    {
        var session = Create(portal, from, unixSocket);
        var client = session.client;
        var form = await client.GetStringAsync("account/login");
        var token = AntiforgeryToken().Match(form).Groups[1].Value;
        using var post = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login", ["__RequestVerificationToken"] = token, ["Input.Email"] = email, ["Input.Password"] = password,
        });
        using var response = await client.PostAsync("account/login", post);
        if (response.StatusCode != HttpStatusCode.Redirect && response.StatusCode != HttpStatusCode.Found)
        {
            throw new InvalidOperationException($"Sign-in for {email} failed: {(int)response.StatusCode}");
        }
        return session;
    }

    /// <summary>The gate's verdict on the certificate check page (or another recovery page), with the given request headers.</summary>
    public async Task<string> CertificateVerdictAsync(IDictionary<string, string>? headers = null, string path = "account/certificate")
    {
        var html = await PageAsync(path, headers);
        return Verdict().Match(html) is { Success: true } match ? match.Groups[1].Value : "no verdict";
    }

    /// <summary>The HTML of a page fetched with the given request headers.</summary>
    public async Task<string> PageAsync(string path, IDictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        using var response = await client.SendAsync(request);
        return await response.Content.ReadAsStringAsync();
    }

    private static PortalSession Create(RunningPortal portal, IPAddress? from, string? unixSocket = null)
    {
        var cookies = new CookieContainer();
        if (unixSocket is not null)
        {
            return new PortalSession(new HttpClient(new UnixSocketProxyHandler(unixSocket, cookies)) { BaseAddress = portal.Https }, cookies);
        }
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            CookieContainer = cookies,
            // net10 checks revocation online by default; the test portal's certificate names no CRL, and a test never fetches one.
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true, CertificateRevocationCheckMode = X509RevocationMode.NoCheck },
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                socket.Bind(new IPEndPoint(from ?? IPAddress.Loopback, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        return new PortalSession(new HttpClient(handler) { BaseAddress = portal.Https }, cookies);
    }

    /// <summary>Fetches a page as this session; a redirect is returned, not followed.</summary>
    public Task<HttpResponseMessage> GetAsync(string path) => client.GetAsync(path);

    public void Dispose() => client.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();

    [GeneratedRegex("data-verdict=\"([A-Za-z]+)\"")]
    private static partial Regex Verdict();

    /// <summary>
    /// Sends each request as Apache would on the portal's Unix socket: plain HTTP with the client's
    /// address and scheme in X-Forwarded-For and -Proto. The cookies are kept for the https address the
    /// client asked for, as a browser behind Apache keeps them.
    /// </summary>
    private sealed class UnixSocketProxyHandler(string socket, CookieContainer cookies) : DelegatingHandler(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        ConnectCallback = async (_, cancellationToken) =>
        {
            var connection = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await connection.ConnectAsync(new UnixDomainSocketEndPoint(socket), cancellationToken);
            return new NetworkStream(connection, ownsSocket: true);
        },
    })
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var asked = request.RequestUri!;
            request.RequestUri = new UriBuilder(asked) { Scheme = "http" }.Uri;
            request.Headers.Host = asked.Authority;
            request.Headers.TryAddWithoutValidation("Cookie", cookies.GetCookieHeader(asked));
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", "127.0.0.1");
            request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", "https");
            var response = await base.SendAsync(request, cancellationToken);
            foreach (var cookie in response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [])
            {
                cookies.SetCookies(asked, cookie);
            }
            return response;
        }
    }
}
