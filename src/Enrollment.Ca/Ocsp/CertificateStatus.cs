using Enrollment.Ca.Revocation;

namespace Enrollment.Ca.Ocsp;

public enum CertificateState
{
    Good,
    Revoked,
    Unknown,
}

/// <summary>What the records say of one serial.</summary>
public sealed record CertificateStatus(CertificateState State, DateTimeOffset? RevokedAt = null, RevocationReason Reason = RevocationReason.Unspecified)
{
    public static readonly CertificateStatus Good = new(CertificateState.Good);
    public static readonly CertificateStatus Unknown = new(CertificateState.Unknown);
}

/// <summary>
/// The authoritative status of our serials: the database, never a cached CRL. A serial that was
/// never issued, or whose issuance has not finished, is <see cref="CertificateState.Unknown"/>;
/// one that may have been signed but was abandoned is revoked.
/// </summary>
public interface ICertificateStatusSource
{
    ValueTask<CertificateStatus> FindAsync(string issuerKeyId, string serial, CancellationToken cancellationToken);
}
