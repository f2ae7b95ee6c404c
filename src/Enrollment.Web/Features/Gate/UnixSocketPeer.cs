using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Enrollment.Web.Features.Gate;

/// <summary>
/// A request on a Unix socket has no peer address. Where the portal's Unix socket is its proxy's only
/// way in (Apache httpd cannot choose the address it connects from, unlike nginx's proxy_bind), such a
/// request gets the unspecified address "::" as its peer: no TCP connection can come from it, and it
/// counts as a known proxy (GateOptions.ProxyAddresses), so X-Forwarded-For then replaces it with the
/// client's and the certificate headers are believed, and verified again, as from nginx's address.
/// </summary>
public static class UnixSocketPeer
{
    public static readonly IPAddress Address = IPAddress.IPv6None;

    public static IApplicationBuilder UseUnixSocketPeer(this IApplicationBuilder app)
    {
        var gate = app.ApplicationServices.GetRequiredService<IOptions<GateOptions>>().Value;
        if (gate.Mode != ClientCertificateMode.Proxy || !gate.UnixSocketProxy)
        {
            return app;
        }
        return app.Use((context, next) =>
        {
            // Kestrel leaves both addresses empty on a Unix socket only; a TCP connection always has them.
            if (context.Connection is { RemoteIpAddress: null, LocalIpAddress: null })
            {
                context.Connection.RemoteIpAddress = Address;
            }
            return next(context);
        });
    }

    /// <summary>
    /// Removes the socket file a killed portal left behind at each http://unix: address in Urls, which
    /// would otherwise stop the next start with "address already in use". A socket that still answers
    /// belongs to a running portal and is left alone.
    /// </summary>
    public static void RemoveStaleSockets(IConfiguration configuration)
    {
        var paths = (configuration["urls"] ?? "").Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(url => url.StartsWith("http://unix:", StringComparison.OrdinalIgnoreCase))
            .Select(url => url["http://unix:".Length..]);
        foreach (var path in paths.Where(File.Exists))
        {
            using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                probe.Connect(new UnixDomainSocketEndPoint(path));
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
            {
                File.Delete(path);
            }
        }
    }
}
