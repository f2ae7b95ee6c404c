using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Enrollment.Web.Features.Gate;

/// <summary>
/// Reverse-proxy mode (docs/design.md, "Behind a reverse proxy"). Certificate headers are believed only
/// from the configured proxy addresses and removed from everyone else, in every mode (docs/pitfalls.md, "Forwarded headers":
/// CertificateForwardingMiddleware trusts anyone). A believed header must hold exactly one
/// URL-encoded PEM certificate within a size cap; the certificate then goes through the same gate
/// as in direct mode, so a forwarded PEM proves nothing by itself.
/// </summary>
public sealed partial class ForwardedCertificateMiddleware(RequestDelegate next, IOptions<GateOptions> options, ILogger<ForwardedCertificateMiddleware> logger)
{
    /// <summary>An RSA-4096 certificate with our extensions is about 2 KB as DER; URL-encoded PEM roughly doubles it.</summary>
    public const int MaxHeaderLength = 16 * 1024;

    private readonly HashSet<IPAddress> proxies = options.Value.ProxyAddresses.Select(Normalize).ToHashSet();

    public async Task InvokeAsync(HttpContext context)
    {
        var settings = options.Value;
        var fromProxy = context.Connection.RemoteIpAddress is { } remote && proxies.Contains(Normalize(remote));
        if (settings.Mode == ClientCertificateMode.Proxy && fromProxy)
        {
            var (certificate, malformed) = Decode(context.Request.Headers[settings.CertificateHeader].ToString());
            context.Features.Set<ITlsConnectionFeature>(new ForwardedTlsFeature(certificate));
            if (malformed)
            {
                context.Features.Set(new MalformedForwardedCertificate());
            }
            if (context.Request.Headers[settings.VerifyHeader].ToString() is { Length: > 0 } verify)
            {
                context.Features.Set(new ProxyVerification(verify.Length > ProxyVerification.MaxLength ? verify[..ProxyVerification.MaxLength] : verify));
            }
        }
        else if (settings.Headers.Any(context.Request.Headers.ContainsKey))
        {
            LogDropped(context.Connection.RemoteIpAddress?.ToString());
        }
        foreach (var header in settings.Headers)
        {
            context.Request.Headers.Remove(header);
        }
        await next(context);
    }

    /// <summary>Exactly one CERTIFICATE block in URL-encoded PEM, alone; anything else is malformed, never a 500.</summary>
    public static (X509Certificate2? Certificate, bool Malformed) Decode(string header)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return (null, false);
        }
        if (header.Length > MaxHeaderLength)
        {
            return (null, true);
        }
        try
        {
            var pem = Uri.UnescapeDataString(header).AsSpan();
            // One block and nothing else around it but white space, as nginx and Apache send it.
            if (!PemEncoding.TryFind(pem, out var fields) || !pem[fields.Label].SequenceEqual("CERTIFICATE")
                || !pem[..fields.Location.Start].IsWhiteSpace() || !pem[fields.Location.End..].IsWhiteSpace())
            {
                return (null, true);
            }
            return (X509CertificateLoader.LoadCertificate(Convert.FromBase64String(pem[fields.Base64Data].ToString())), false);
        }
        catch (Exception e) when (e is CryptographicException or FormatException or UriFormatException or ArgumentException)
        {
            return (null, true);
        }
    }

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped client-certificate headers from {Address}, which is not a configured proxy")]
    private partial void LogDropped(string? address);

    private sealed class ForwardedTlsFeature(X509Certificate2? certificate) : ITlsConnectionFeature
    {
        public X509Certificate2? ClientCertificate { get; set; } = certificate;

        public Task<X509Certificate2?> GetClientCertificateAsync(CancellationToken cancellationToken) => Task.FromResult(ClientCertificate);
    }
}

/// <summary>Marks a request whose believed certificate header could not be read.</summary>
public sealed class MalformedForwardedCertificate;

/// <summary>The proxy's own verification result ($ssl_client_verify, e.g. "FAILED:certificate has expired"), for the audit log.</summary>
public sealed record ProxyVerification(string Result)
{
    public const int MaxLength = 200;
}
