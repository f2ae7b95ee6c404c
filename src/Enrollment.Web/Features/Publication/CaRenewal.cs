using Enrollment.Ca.Authority;
using Enrollment.Ca.Ocsp;
using Enrollment.Data;
using Microsoft.EntityFrameworkCore;

namespace Enrollment.Web.Features.Publication;

/// <summary>
/// Renews, while the portal runs, what start-up alone would renew too late for a long-running
/// process: the delegated OCSP signer (a third of its life left) and the root's CRL when we sign it.
/// An expired signer would make every OCSP answer unverifiable, and nginx's ssl_ocsp fails closed.
/// </summary>
public sealed partial class CaRenewal(
    CaProvisioner provisioner, CertificateAuthority authority, OcspResponder responder, AuditTrail audit,
    IDbContextFactory<EnrollmentDbContext> factory, TimeProvider time, ILogger<CaRenewal> logger)
{
    public async Task RenewDueAsync(CancellationToken cancellationToken)
    {
        if (provisioner.RenewOcspSignerIfDue(authority))
        {
            // Cached answers carry the old signer; still valid, but new ones should name the new one.
            responder.Clear();
            await AuditAsync("ca.ocsp-signer-renewed", authority.OcspSigner.Thumbprint, $"notAfter={authority.OcspSigner.NotAfter.ToUniversalTime():O}", cancellationToken);
            LogRenewed("OCSP signer", authority.OcspSigner.NotAfter.ToUniversalTime());
        }
        if (provisioner.RenewRootCrlIfDue(authority))
        {
            await AuditAsync("crl.root-published", authority.Root.Thumbprint, "root CRL renewed", cancellationToken);
            LogRenewed("root CRL", (time.GetUtcNow() + Ca.Revocation.RootCrl.Validity).UtcDateTime);
        }
    }

    private async Task AuditAsync(string eventType, string target, string details, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await audit.AppendAsync(db, new AuditEntry("system", eventType, target, details), cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Renewed the {What}; valid until {Until:O}")]
    private partial void LogRenewed(string what, DateTime until);
}
