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
/// user (docs/design.md, "Client-certificate gate"): verified as a certificate first, then against our
/// records. Refusals are audited with a reference code that the recovery page shows.
/// </summary>
public sealed partial class ClientCertificateGate(
    CertificateAuthority authority, CertificateOwnership ownership, UserManager<EnrollmentUser> users,
    IDbContextFactory<EnrollmentDbContext> factory, AuditTrail audit, RefusalAuditBudget budget, IOptions<GateOptions> options,
    TimeProvider time, ILogger<ClientCertificateGate> logger)
{
    /// <summary>The longest User-Agent kept in an audit row: enough to tell browser and system apart.</summary>
    private const int UserAgentLength = 160;

    public Task<GateResult> EvaluateAsync(HttpContext context, ClaimsPrincipal principal) =>
        EvaluateAsync(ConnectionCertificate.Of(context), principal, context.RequestAborted, UserAgentOf(context));

    public Task<GateResult> EvaluateAsync(ConnectionCertificate connection, ClaimsPrincipal principal, CancellationToken cancellationToken = default) =>
        EvaluateAsync(connection, principal, cancellationToken, userAgent: null);

    private async Task<GateResult> EvaluateAsync(ConnectionCertificate connection, ClaimsPrincipal principal, CancellationToken cancellationToken, string? userAgent)
    {
        var certificate = options.Value.Mode == ClientCertificateMode.Off ? null : connection.Certificate;
        var user = await users.GetUserAsync(principal);
        var verdict = await JudgeAsync(connection, certificate, user, cancellationToken);
        if (verdict.IsAccepted && user is null)
        {
            // A sound certificate, but no (longer a) user for it to belong to.
            verdict = new CertificateVerdict(GateFailure.AnotherUser);
        }
        return verdict.IsAccepted
            ? new GateResult(verdict, null, certificate)
            : await RefuseAsync(verdict, certificate, principal, connection.Address, UserAgentDetail(userAgent), cancellationToken);
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
        var verdict = await JudgeAsync(connection, certificate, await users.GetUserAsync(principal), context.RequestAborted);
        if (verdict.IsAccepted || (status == 495 && verdict.Failure == GateFailure.NoCertificate))
        {
            verdict = new CertificateVerdict(GateFailure.RefusedByProxy, proxyVerdict ?? status.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        return await RefuseAsync(verdict, certificate, principal, connection.Address,
            $" proxy={status} proxy-verify={proxyVerdict}{UserAgentDetail(UserAgentOf(context))}", context.RequestAborted);
    }

    /// <summary>
    /// A visitor whose browser could not sign with the certificate's key. The portal never sees that
    /// handshake, so the visitor's own report is recorded, with the browser it came from, under a
    /// reference code the help desk can look up.
    /// </summary>
    public Task<GateResult> ExplainSignatureFailureAsync(HttpContext context, ClaimsPrincipal principal) =>
        RefuseAsync(new CertificateVerdict(GateFailure.SignatureFailure), null, principal, ConnectionCertificate.Of(context).Address,
            UserAgentDetail(UserAgentOf(context)), context.RequestAborted);

    /// <summary>
    /// The certificate as a certificate, then against our records: as the user's, or, without a user,
    /// only whether we issued it and did not revoke it (then "accepted" says nothing of ownership).
    /// </summary>
    private async Task<CertificateVerdict> JudgeAsync(
        ConnectionCertificate connection, X509Certificate2? certificate, EnrollmentUser? user, CancellationToken cancellationToken)
    {
        var verdict = connection.Malformed
            ? new CertificateVerdict(GateFailure.UntrustedChain, "malformed forwarded certificate")
            : ClientCertificateVerifier.Verify(certificate, authority, time.GetUtcNow());
        if (!verdict.IsAccepted)
        {
            return verdict;
        }
        return user is not null
            ? await ownership.CheckAsync(certificate!, authority.IssuerKeyId, user, options.Value.MatchingKey, connection.Address, cancellationToken)
            : await ownership.RecordStatusAsync(certificate!, authority.IssuerKeyId, cancellationToken);
    }

    /// <summary>Audits the refusal under a fresh reference code, the one the recovery page shows.</summary>
    private async Task<GateResult> RefuseAsync(
        CertificateVerdict verdict, X509Certificate2? certificate, ClaimsPrincipal principal, string? address, string extra, CancellationToken cancellationToken)
    {
        var userId = principal.Identity?.IsAuthenticated == true ? principal.FindFirstValue(ClaimTypes.NameIdentifier) : null;
        if (!budget.TryTake(userId, address))
        {
            LogOverBudget(userId, address);
            return new GateResult(verdict, null, certificate);
        }
        var reference = RandomNumberGenerator.GetString("ABCDEFGHJKLMNPQRSTUVWXYZ23456789", 8);
        // Canonical, so the admin's serial search and this row name a certificate the same way (docs/pitfalls.md, "Serial encoding").
        var serial = certificate is not null && Ca.Serials.SerialNumber.TryCanonicalize(certificate.SerialNumber, out var canonical) ? canonical : null;
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await audit.AppendAsync(db, new AuditEntry(principal.FindFirstValue(ClaimTypes.Email) ?? "anonymous", "gate.refused", reference,
            $"failure={verdict.Failure} serial={serial} issuer={certificate?.Issuer} subject={certificate?.Subject}{extra}", address), cancellationToken);
        return new GateResult(verdict, reference, certificate);
    }

    private static string? UserAgentOf(HttpContext context) => context.Request.Headers.UserAgent.ToString();

    /// <summary>The visitor's browser for the help desk: printable characters only, and short.</summary>
    private static string UserAgentDetail(string? userAgent)
    {
        if (string.IsNullOrWhiteSpace(userAgent))
        {
            return string.Empty;
        }
        var printable = new string(userAgent.Where(c => c >= ' ' && c != '\u007f').Take(UserAgentLength).ToArray());
        return $" ua={printable}";
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refusals for user {UserId} / address {Address} are over their audit budget; not recorded")]
    private partial void LogOverBudget(string? userId, string? address);
}
