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
        var verdict = connection.Malformed
            ? new CertificateVerdict(GateFailure.UntrustedChain, "malformed forwarded certificate")
            : ClientCertificateVerifier.Verify(certificate, authority, time.GetUtcNow());
        var address = connection.Address;
        if (verdict.IsAccepted)
        {
            verdict = await users.GetUserAsync(principal) is { } user
                ? await ownership.CheckAsync(certificate!, authority.IssuerKeyId, user, options.Value.MatchingKey, address, cancellationToken)
                : new CertificateVerdict(GateFailure.AnotherUser);
        }
        if (verdict.IsAccepted)
        {
            return new GateResult(verdict, null, certificate);
        }
        var reference = RandomNumberGenerator.GetString("ABCDEFGHJKLMNPQRSTUVWXYZ23456789", 8);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await audit.AppendAsync(db, new AuditEntry(principal.FindFirstValue(ClaimTypes.Email) ?? "anonymous", "gate.refused", reference,
            $"failure={verdict.Failure} serial={certificate?.SerialNumber} issuer={certificate?.Issuer} subject={certificate?.Subject}", address), cancellationToken);
        return new GateResult(verdict, reference, certificate);
    }
}
