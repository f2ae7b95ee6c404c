using System.Buffers;
using Enrollment.Ca.Authority;
using Enrollment.Ca.Ocsp;
using Enrollment.Web.Shared;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Enrollment.Web.Features.Publication;

/// <summary>
/// The anonymous PKI endpoints (docs/design.md, "Public endpoints"): CA certificates, the CRL and the
/// OCSP responder. Served over plain HTTP too; rate limited; bodies capped.
/// </summary>
public static class PublicationEndpoints
{
    public const string RateLimitPolicy = "pki";

    /// <summary>GET requests carry the base64 request in the path; RFC 5019 5 caps the URL at 255 bytes, we allow more.</summary>
    private const int MaxGetPathLength = 4096;

    public static IEndpointRouteBuilder MapPublication(this IEndpointRouteBuilder endpoints)
    {
        var pki = endpoints.MapGroup("/pki").RequireRateLimiting(RateLimitPolicy).AllowAnonymous();
        pki.MapGet("/root.crt", (CertificateAuthority ca) => Certificate(ca.Root.RawData));
        pki.MapGet("/issuing.crt", (CertificateAuthority ca) => Certificate(ca.Issuing.RawData));
        pki.MapGet("/issuing.crl", (CrlPublisher publisher, HttpContext context) => publisher.Current is { } crl
            ? ServeCrl(crl, context)
            : Results.Problem("The CRL has not been published yet.", statusCode: StatusCodes.Status503ServiceUnavailable));
        pki.MapGet("/root.crl", (RootCrlFile root, HttpContext context) => root.File.Current is { } crl
            ? ServeCrl(crl, context)
            : Results.Problem("This portal does not hold the root key: the root CRL comes from your organisation's PKI.", statusCode: StatusCodes.Status404NotFound));
        pki.MapPost("/ocsp", OcspPostAsync);
        pki.MapGet("/ocsp/{**request}", OcspGetAsync);
        return endpoints;
    }

    private static IResult Certificate(byte[] der) =>
        Results.File(der, "application/pkix-cert");

    private static IResult ServeCrl(PublishedCrl crl, HttpContext context)
    {
        // Short freshness: a revocation must be visible to relying parties quickly.
        context.Response.Headers.CacheControl = "public, max-age=60, no-transform";
        return Results.File(crl.Der, "application/pkix-crl",
            lastModified: crl.Info.ThisUpdate, entityTag: new EntityTagHeaderValue($"\"{crl.ETag}\""));
    }

    private static async Task<IResult> OcspPostAsync(HttpContext context, OcspResponder responder, ILogger<OcspResponder> logger)
    {
        var request = context.Request;
        if (request.ContentLength > OcspRequestReader.MaxBytes)
        {
            return TooLarge();
        }
        var body = await ReadCappedAsync(request.Body, OcspRequestReader.MaxBytes, context.RequestAborted);
        if (body is null)
        {
            return TooLarge();
        }
        var answer = await AnswerAsync(responder, body, logger, context.RequestAborted);
        // RFC 5019 5: POST answers are not cacheable by intermediaries.
        return Ocsp(context, answer, cacheable: false);
    }

    private static async Task<IResult> OcspGetAsync(string request, HttpContext context, OcspResponder responder, ILogger<OcspResponder> logger)
    {
        var raw = context.Request.Path.Value ?? string.Empty;
        if (raw.Length > MaxGetPathLength)
        {
            return TooLarge();
        }
        var der = DecodeGetRequest(request);
        var answer = der is null ? OcspResponder.Malformed : await AnswerAsync(responder, der, logger, context.RequestAborted);
        return Ocsp(context, answer, cacheable: true);
    }

    /// <summary>An OCSP client understands internalError; it does not understand an HTML error page.</summary>
    private static async Task<OcspAnswer> AnswerAsync(OcspResponder responder, byte[] request, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            return await responder.RespondAsync(request, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            PublicationLog.OcspFailed(logger, e);
            return OcspResponder.InternalError;
        }
    }

    /// <summary>RFC 6960 A.1: GET {url}/{url-encoding of base-64 encoding of the DER OCSPRequest}.</summary>
    private static byte[]? DecodeGetRequest(string request)
    {
        var text = Uri.UnescapeDataString(request).Replace('-', '+').Replace('_', '/');
        text = text.PadRight(text.Length + (4 - text.Length % 4) % 4, '=');
        var buffer = new byte[text.Length * 3 / 4];
        return Convert.TryFromBase64String(text, buffer, out var written) ? buffer[..written] : null;
    }

    private static IResult Ocsp(HttpContext context, OcspAnswer answer, bool cacheable)
    {
        var headers = context.Response.Headers;
        if (cacheable && answer is { ThisUpdate: { } thisUpdate, NextUpdate: { } nextUpdate })
        {
            // RFC 5019 6.2: Last-Modified, Expires, max-age up to nextUpdate, and an ETag; capped so that
            // a cache cannot keep serving "good" for long after a revocation.
            var now = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
            var cap = context.RequestServices.GetRequiredService<IOptions<CaOptions>>().Value.OcspHttpMaxAgeSeconds;
            var maxAge = Math.Clamp((long)(nextUpdate - now).TotalSeconds, 0, cap);
            headers.CacheControl = $"max-age={maxAge}, public, no-transform, must-revalidate";
            headers.Expires = now.AddSeconds(maxAge).ToString("R");
            return Results.File(answer.Body, "application/ocsp-response", lastModified: thisUpdate,
                entityTag: new EntityTagHeaderValue($"\"{Convert.ToHexString(System.Security.Cryptography.SHA1.HashData(answer.Body))}\""));
        }
        headers.CacheControl = "no-store";
        return Results.File(answer.Body, "application/ocsp-response");
    }

    private static IResult TooLarge() =>
        Results.Problem($"An OCSP request may be at most {OcspRequestReader.MaxBytes} bytes.", statusCode: StatusCodes.Status413PayloadTooLarge);

    /// <summary>The body, or null when it is longer than <paramref name="limit"/> (read no further than that).</summary>
    private static async Task<byte[]?> ReadCappedAsync(Stream body, int limit, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(limit + 1);
        try
        {
            var total = 0;
            int read;
            while ((read = await body.ReadAsync(buffer.AsMemory(total, limit + 1 - total), cancellationToken)) > 0)
            {
                total += read;
                if (total > limit)
                {
                    return null;
                }
            }
            return buffer[..total];
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
