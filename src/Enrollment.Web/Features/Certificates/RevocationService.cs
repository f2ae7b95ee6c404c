using Enrollment.Ca.Ocsp;
using Enrollment.Ca.Revocation;
using Enrollment.Data.Certificates;
using Enrollment.Web.Features.Publication;

namespace Enrollment.Web.Features.Certificates;

/// <summary>
/// Revokes a certificate and makes it visible at once: the record, then the OCSP cache entry,
/// then a new CRL, all before returning (docs/design.md, "Flow" step 6).
/// </summary>
public sealed class RevocationService(RevocationRecords records, OcspResponder responder, CrlPublisher crl)
{
    public async Task<RevocationOutcome> RevokeAsync(string serial, RevocationReason reason, string actor, string? address, CancellationToken cancellationToken)
    {
        var outcome = await records.RevokeAsync(serial, reason, actor, address, cancellationToken);
        if (outcome == RevocationOutcome.Revoked)
        {
            responder.Invalidate(serial);
            await crl.PublishAsync(actor, cancellationToken);
        }
        return outcome;
    }
}
