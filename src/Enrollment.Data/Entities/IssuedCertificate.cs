using Enrollment.Ca.Revocation;

namespace Enrollment.Data.Entities;

/// <summary>Where a certificate is in the crash-safe issuance order.</summary>
public enum IssuanceState
{
    /// <summary>Serial and content committed, not signed yet (or signing in progress).</summary>
    Intent,

    /// <summary>Signed and stored.</summary>
    Issued,

    /// <summary>Issuance failed after the intent: possibly signed, so listed as revoked forever.</summary>
    Abandoned,
}

/// <summary>One certificate the CA issued or set out to issue; the row exists before the signature.</summary>
public sealed class IssuedCertificate
{
    public long Id { get; set; }

    /// <summary>Canonical serial: upper-case hex without leading zero octets (SerialNumber.ToCanonical).</summary>
    public string SerialNumber { get; set; } = string.Empty;

    /// <summary>Subject key identifier (hex) of the issuing CA that signed it.</summary>
    public string IssuerKeyId { get; set; } = string.Empty;

    public string UserId { get; set; } = string.Empty;

    public EnrollmentUser? User { get; set; }

    public string Profile { get; set; } = string.Empty;

    public string SubjectDn { get; set; } = string.Empty;

    /// <summary>SHA-256 of the SubjectPublicKeyInfo, hex: binds the certificate to its key at the gate.</summary>
    public string PublicKeySha256 { get; set; } = string.Empty;

    public DateTime NotBefore { get; set; }

    public DateTime NotAfter { get; set; }

    public IssuanceState State { get; set; }

    /// <summary>The DER certificate, present once <see cref="State"/> is Issued.</summary>
    public byte[]? Certificate { get; set; }

    public Guid? RequestId { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? RevokedAt { get; set; }

    public RevocationReason? RevocationReason { get; set; }

    public DateTime? LastSeenAt { get; set; }

    public string? LastSeenAddress { get; set; }

    /// <summary>The nearest "days before expiry" reminder already sent to the owner (30, then 7 by default).</summary>
    public int? ReminderDaysSent { get; set; }

    /// <summary>When the expiry sweep recorded the end of validity (audited once as certificate.expired).</summary>
    public DateTime? ExpiredAt { get; set; }
}
