using Enrollment.Ca.Ocsp;
using Enrollment.Ca.Revocation;
using Enrollment.Data.Certificates;
using Enrollment.Web.Features.Publication;

namespace Enrollment.Web.Features.Certificates;

/// <summary>
/// Revokes a certificate and makes it visible at once: the record, then the OCSP cache entry,
/// then a new CRL, all before returning (docs/design.md, "Flow" step 6).
/// </summary>
public sealed partial class RevocationService(RevocationRecords records, OcspResponder responder, CrlPublisher crl, ILogger<RevocationService> logger)
{
    public async Task<RevocationOutcome> RevokeAsync(string serial, RevocationReason reason, string actor, string? address, CancellationToken cancellationToken)
    {
        var outcome = await records.RevokeAsync(serial, reason, actor, address, cancellationToken);
        if (outcome == RevocationOutcome.Revoked)
        {
            responder.Invalidate(serial);
            try
            {
                await crl.PublishAsync(actor, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The revocation stands (OCSP already says so); the publication refresh keeps
                // publishing until a CRL lists it, and CA health shows the CRL as behind until then.
                LogPublicationFailed(e, serial);
            }
        }
        return outcome;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Revoked {Serial}, but publishing the CRL failed; retrying in the background")]
    private partial void LogPublicationFailed(Exception exception, string serial);
}
