using Enrollment.Ca.Authority;

namespace Enrollment.Web.Features.Publication;

/// <summary>
/// The root's CRL (GET /pki/root.crl), which a front server checking CRLs at every level of the
/// chain needs (deploy/nginx/refresh-crl.sh). Signed and renewed (CaRenewal) only while we hold
/// the root key; an imported hierarchy's root CRL comes from the organisation's own PKI.
/// </summary>
public sealed class RootCrlFile(CaStore store)
{
    public CrlFile File { get; } = new(store.PathOf(CaStore.RootCrlFile));
}
