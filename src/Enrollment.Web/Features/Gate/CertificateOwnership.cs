using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;
using Enrollment.Ca;
using Enrollment.Ca.Authority;
using Enrollment.Ca.Gate;
using Enrollment.Ca.Linting;
using Enrollment.Ca.Revocation;
using Enrollment.Ca.Serials;
using Enrollment.Data.Certificates;
using Enrollment.Data.Entities;

namespace Enrollment.Web.Features.Gate;

/// <summary>Which attribute of the user the certificate must also carry (docs/design.md, "Client-certificate gate").</summary>
public enum MatchingKey
{
    EmployeeId,
    Upn,
    Email,
}

/// <summary>
/// Decides whether a verified certificate belongs to the signed-in user: a strong binding, not a
/// name match. Issuer and canonical serial find our record; the record must be issued, not
/// revoked, the user's, for the same DER and public key; and the configured matching key must
/// agree. A same-name certificate from anywhere else never gets this far (docs/pitfalls.md,
/// "Same-name rogue CA").
/// </summary>
public sealed class CertificateOwnership(CertificateRecords records, TimeProvider time)
{
    /// <summary>How stale the recorded last use may be before an accepted use writes it again.</summary>
    public static readonly TimeSpan LastSeenResolution = TimeSpan.FromMinutes(1);

    public async Task<CertificateVerdict> CheckAsync(
        X509Certificate2 certificate, string issuerKeyId, EnrollmentUser user, MatchingKey key, string? address, CancellationToken cancellationToken)
    {
        var (found, refusal) = await RecordOfAsync(certificate, issuerKeyId, cancellationToken);
        if (refusal is not null)
        {
            return refusal;
        }
        var row = found!;
        if (row.UserId != user.Id || !KeyMatches(certificate, user, key))
        {
            return new CertificateVerdict(GateFailure.AnotherUser, row.SerialNumber);
        }
        var now = time.GetUtcNow().UtcDateTime;
        // Last use to the minute is what users and admins read; a durable write per click would cost every action.
        if (row.LastSeenAt is not { } seen || now - seen >= LastSeenResolution || row.LastSeenAddress != address)
        {
            await records.RecordUseAsync(row.Id, now, address, cancellationToken);
        }
        return CertificateVerdict.Accepted;
    }

    /// <summary>
    /// What our records say of a certificate whoever presents it: unknown to us, revoked (when and
    /// why), or accepted. For a visitor who is not signed in, where ownership cannot be judged.
    /// </summary>
    public async Task<CertificateVerdict> RecordStatusAsync(X509Certificate2 certificate, string issuerKeyId, CancellationToken cancellationToken)
    {
        return (await RecordOfAsync(certificate, issuerKeyId, cancellationToken)).Refusal ?? CertificateVerdict.Accepted;
    }

    /// <summary>Our record of exactly this certificate (issuer, canonical serial, same DER and key); the refusal is null only when the record is usable.</summary>
    private async Task<(IssuedCertificate? Row, CertificateVerdict? Refusal)> RecordOfAsync(
        X509Certificate2 certificate, string issuerKeyId, CancellationToken cancellationToken)
    {
        var serial = SerialNumber.Canonicalize(certificate.SerialNumber);
        var row = await records.FindAsync(serial, issuerKeyId, cancellationToken);
        if (row is null || row.Certificate is null || !row.Certificate.AsSpan().SequenceEqual(certificate.RawData)
            || row.PublicKeySha256 != KeyIdentifiers.PublicKeySha256(certificate.PublicKey))
        {
            return (null, new CertificateVerdict(GateFailure.UnknownToUs, serial));
        }
        if (row.RevokedAt is { } revokedAt)
        {
            return (row, new CertificateVerdict(GateFailure.Revoked, (row.RevocationReason ?? RevocationReason.Unspecified).Name(),
                new DateTimeOffset(revokedAt, TimeSpan.Zero)));
        }
        return (row, null);
    }

    private static bool KeyMatches(X509Certificate2 certificate, EnrollmentUser user, MatchingKey key) => key switch
    {
        MatchingKey.EmployeeId => user.EmployeeId is { Length: > 0 } id && SubjectSerialNumber(certificate) == id,
        MatchingKey.Upn => AlternativeNames(certificate).Contains(("upn", string.IsNullOrEmpty(user.Upn) ? user.Email ?? string.Empty : user.Upn)),
        MatchingKey.Email => AlternativeNames(certificate).Any(n => n.Kind == "email" && string.Equals(n.Value, user.Email, StringComparison.OrdinalIgnoreCase)),
        _ => false,
    };

    private static string? SubjectSerialNumber(X509Certificate2 certificate) =>
        certificate.SubjectName.EnumerateRelativeDistinguishedNames()
            .Where(r => r.GetSingleElementType().Value == Oids.SubjectSerialNumber)
            .Select(r => r.GetSingleElementValue())
            .FirstOrDefault();

    private static List<(string Kind, string Value)> AlternativeNames(X509Certificate2 certificate)
    {
        var extension = certificate.Extensions[Oids.SubjectAltName];
        return extension is null
            ? []
            : GeneralNames.Read(new AsnReader(extension.RawData, AsnEncodingRules.DER).ReadSequence()).ToList();
    }
}
