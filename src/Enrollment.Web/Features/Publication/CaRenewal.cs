using System.Security.Cryptography.X509Certificates;
using Enrollment.Ca.Authority;
using Enrollment.Ca.Ocsp;
using Enrollment.Data;
using Enrollment.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace Enrollment.Web.Features.Publication;

/// <summary>
/// Renews, while the portal runs, what start-up alone would renew too late for a long-running
/// process: the delegated OCSP signer (a third of its life left) and the root's CRL when we sign it.
/// An expired signer would make every OCSP answer unverifiable, and nginx's ssl_ocsp fails closed.
/// With several nodes the signer is renewed once: the newest signer is kept in the database, and
/// under the renewal lock each node adopts it when it is newer than its own, publishes its own when
/// that is newer (one renewed at start), and renews only when the newest is due.
/// </summary>
public sealed partial class CaRenewal(
    CaProvisioner provisioner, CaStore store, CertificateAuthority authority, OcspResponder responder, AuditTrail audit,
    IDbContextFactory<EnrollmentDbContext> factory, TimeProvider time, ILogger<CaRenewal> logger)
{
    public async Task RenewDueAsync(CancellationToken cancellationToken)
    {
        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            await WriterLocks.AcquireAsync(db.Database, WriterLocks.CaRenewal, cancellationToken);
            var oursUnshared = await AdoptNewerOcspSignerAsync(db, cancellationToken);
            var renewed = provisioner.RenewOcspSignerIfDue(authority);
            if (renewed || oursUnshared)
            {
                await PublishOcspSignerAsync(db, cancellationToken);
            }
            if (renewed)
            {
                // Cached answers carry the old signer; still valid, but new ones should name the new one.
                responder.Clear();
                await audit.AppendAsync(db, new AuditEntry("system", "ca.ocsp-signer-renewed", authority.OcspSigner.Thumbprint,
                    $"notAfter={authority.OcspSigner.NotAfter.ToUniversalTime():O}"), cancellationToken);
                LogRenewed("OCSP signer", authority.OcspSigner.NotAfter.ToUniversalTime());
            }
            await transaction.CommitAsync(cancellationToken);
        }
        // Only while the root key is online (development): production keeps it offline ('ca root crl').
        if (provisioner.RenewRootCrlIfDue(authority))
        {
            await using var db = await factory.CreateDbContextAsync(cancellationToken);
            await audit.AppendAsync(db, new AuditEntry("system", "crl.root-published", authority.Root.Thumbprint, "root CRL renewed"), cancellationToken);
            LogRenewed("root CRL", (time.GetUtcNow() + Ca.Revocation.RootCrl.Validity).UtcDateTime);
        }
    }

    /// <summary>Adopts the database's signer when it is newer than ours; returns whether ours is the newer (or the first) and so must be shared.</summary>
    private async Task<bool> AdoptNewerOcspSignerAsync(EnrollmentDbContext db, CancellationToken cancellationToken)
    {
        var shared = await db.SharedCaFiles.AsNoTracking().Where(f => f.Name == SharedCaFile.OcspSignerCertificate || f.Name == SharedCaFile.OcspSignerKey)
            .ToDictionaryAsync(f => f.Name, f => f.Content, cancellationToken);
        if (shared.TryGetValue(SharedCaFile.OcspSignerCertificate, out var certificate) && shared.TryGetValue(SharedCaFile.OcspSignerKey, out var key))
        {
            using var theirs = X509Certificate2.CreateFromPem(System.Text.Encoding.ASCII.GetString(certificate));
            if (theirs.Thumbprint == authority.OcspSigner.Thumbprint)
            {
                return false;
            }
            // A signer of an issuing CA imported since belongs to the old one: ours replaces it.
            if (theirs.NotAfter > authority.OcspSigner.NotAfter && IsSignedByOurIssuingCa(theirs))
            {
                var (adopted, adoptedKey) = store.AdoptOcspSigner(certificate, key);
                authority.ReplaceOcspSigner(adopted, adoptedKey);
                responder.Clear();
                LogAdopted(adopted.Thumbprint);
                return false;
            }
        }
        return true;
    }

    private bool IsSignedByOurIssuingCa(X509Certificate2 signer) =>
        signer.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().FirstOrDefault()?.KeyIdentifier is { } issuerKey
        && Convert.ToHexString(issuerKey.Span) == authority.IssuerKeyId;

    private async Task PublishOcspSignerAsync(EnrollmentDbContext db, CancellationToken cancellationToken)
    {
        var (certificate, key) = store.ReadOcspSigner();
        var now = time.GetUtcNow().UtcDateTime;
        await db.SharedCaFiles.Where(f => f.Name == SharedCaFile.OcspSignerCertificate || f.Name == SharedCaFile.OcspSignerKey).ExecuteDeleteAsync(cancellationToken);
        db.SharedCaFiles.AddRange(
            new SharedCaFile { Name = SharedCaFile.OcspSignerCertificate, Content = certificate, UpdatedAt = now },
            new SharedCaFile { Name = SharedCaFile.OcspSignerKey, Content = key, UpdatedAt = now });
        await db.SaveChangesAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Renewed the {What}; valid until {Until:O}")]
    private partial void LogRenewed(string what, DateTime until);

    [LoggerMessage(Level = LogLevel.Information, Message = "Adopted the OCSP signer {Thumbprint} another node renewed")]
    private partial void LogAdopted(string thumbprint);
}
