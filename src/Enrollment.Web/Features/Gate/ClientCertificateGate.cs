using System.Security.Claims;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Enrollment.Ca.Authority;
using Enrollment.Ca.Gate;
using Enrollment.Data;
using Enrollment.Data.Certificates;
using Enrollment.Data.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Enrollment.Web.Features.Gate;

/// <summary>The gate's answer for one connection: the verdict, and a code the help desk can find in the audit log.</summary>
public sealed record GateResult(CertificateVerdict Verdict, string? ReferenceCode, X509Certificate2? Certificate)
{
    public bool IsAccepted => Verdict.IsAccepted;
}

/// <summary>
/// Decides whether the certificate on the current connection is valid and belongs to the signed-in
/// user (DESIGN.md, "Client-certificate gate"): verified as a certificate first, then against our
/// records. Refusals are audited with a reference code that the recovery page shows.
/// </summary>
public sealed class ClientCertificateGate(
    CertificateAuthority authority, CertificateOwnership ownership, UserManager<EnrollmentUser> users,
    IDbContextFactory<EnrollmentDbContext> factory, AuditTrail audit, IOptions<GateOptions> options, TimeProvider time)
{
    public Task<GateResult> EvaluateAsync(HttpContext context, ClaimsPrincipal principal) =>
        EvaluateAsync(ConnectionCertificate.Of(context), principal, context.RequestAborted);

    public async Task<GateResult> EvaluateAsync(ConnectionCertificate connection, ClaimsPrincipal principal, CancellationToken cancellationToken = default)
    {
        var certificate = options.Value.Mode == ClientCertificateMode.Off ? null : connection.Certificate;
        var verdict = Verify(connection, certificate);
        if (verdict.IsAccepted)
        {
            verdict = await users.GetUserAsync(principal) is { } user
                ? await ownership.CheckAsync(certificate!, authority.IssuerKeyId, user, options.Value.MatchingKey, connection.Address, cancellationToken)
                : new CertificateVerdict(GateFailure.AnotherUser);
        }
        return verdict.IsAccepted
            ? new GateResult(verdict, null, certificate)
            : await RefuseAsync(verdict, certificate, principal, connection.Address, string.Empty, cancellationToken);
    }

    /// <summary>
    /// The visitor a proxy sent to its recovery page: 495 when it refused the certificate, 496 when
    /// none came where one was required. nginx forwards the refused certificate, so the portal
    /// judges it too and names the precise fault (for a signed-in visitor, ownership included);
    /// when the portal finds nothing wrong, the proxy's own verdict is shown. Always audited.
    /// </summary>
    public async Task<GateResult> ExplainProxyRefusalAsync(HttpContext context, ClaimsPrincipal principal, int status)
    {
        var connection = ConnectionCertificate.Of(context);
        var certificate = options.Value.Mode == ClientCertificateMode.Proxy ? connection.Certificate : null;
        var proxyVerdict = context.Features.Get<ProxyVerification>()?.Result;
        var verdict = certificate is null && !connection.Malformed ? new CertificateVerdict(GateFailure.NoCertificate) : Verify(connection, certificate);
        if (verdict.IsAccepted)
        {
            verdict = await users.GetUserAsync(principal) is { } user
                ? await ownership.CheckAsync(certificate!, authority.IssuerKeyId, user, options.Value.MatchingKey, connection.Address, context.RequestAborted)
                : await ownership.RecordStatusAsync(certificate!, authority.IssuerKeyId, context.RequestAborted);
        }
        if (verdict.IsAccepted || (status == 495 && verdict.Failure == GateFailure.NoCertificate))
        {
            verdict = new CertificateVerdict(GateFailure.RefusedByProxy, proxyVerdict ?? status.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        return await RefuseAsync(verdict, certificate, principal, connection.Address, $" proxy={status} proxy-verify={proxyVerdict}", context.RequestAborted);
    }

    private CertificateVerdict Verify(ConnectionCertificate connection, X509Certificate2? certificate) =>
        connection.Malformed
            ? new CertificateVerdict(GateFailure.UntrustedChain, "malformed forwarded certificate")
            : ClientCertificateVerifier.Verify(certificate, authority, time.GetUtcNow());

    /// <summary>Audits the refusal under a fresh reference code, the one the recovery page shows.</summary>
    private async Task<GateResult> RefuseAsync(
        CertificateVerdict verdict, X509Certificate2? certificate, ClaimsPrincipal principal, string? address, string extra, CancellationToken cancellationToken)
    {
        var reference = RandomNumberGenerator.GetString("ABCDEFGHJKLMNPQRSTUVWXYZ23456789", 8);
        // Canonical, so the admin's serial search and this row name a certificate the same way (PITFALLS.md, "Serial encoding").
        var serial = certificate is not null && Ca.Serials.SerialNumber.TryCanonicalize(certificate.SerialNumber, out var canonical) ? canonical : null;
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await audit.AppendAsync(db, new AuditEntry(principal.FindFirstValue(ClaimTypes.Email) ?? "anonymous", "gate.refused", reference,
            $"failure={verdict.Failure} serial={serial} issuer={certificate?.Issuer} subject={certificate?.Subject}{extra}", address), cancellationToken);
        return new GateResult(verdict, reference, certificate);
    }
}
