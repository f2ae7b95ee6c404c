using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using Enrollment.Ca.Authority;
using Enrollment.Ca.Linting;

namespace Enrollment.Ca.Revocation;

/// <summary>One revoked certificate as the CRL lists it.</summary>
public sealed record RevokedEntry(byte[] Serial, DateTimeOffset RevokedAt, RevocationReason Reason);

/// <summary>
/// Encodes and signs the issuing CA's full CRL with <see cref="AsnWriter"/>. The BCL's
/// CertificateRevocationListBuilder is superlinear (100,000 entries take about 5 s here, see
/// docs/pitfalls.md, "CRL encoding"); this encoder is linear.
/// <code>
/// CertificateList ::= SEQUENCE { tbsCertList TBSCertList, signatureAlgorithm AlgorithmIdentifier, signatureValue BIT STRING }
/// TBSCertList ::= SEQUENCE { version INTEGER (v2), signature AlgorithmIdentifier, issuer Name,
///   thisUpdate Time, nextUpdate Time, revokedCertificates SEQUENCE OF SEQUENCE {
///   userCertificate INTEGER, revocationDate Time, crlEntryExtensions Extensions OPTIONAL } OPTIONAL,
///   crlExtensions [0] EXPLICIT Extensions }
/// </code>
/// </summary>
public static class CrlEncoder
{
    /// <summary>A 17-byte serial, a UTCTime and a reasonCode extension take about 50 bytes.</summary>
    private const int EntrySizeEstimate = 56;

    /// <summary>The DER of each reasonCode value (ENUMERATED), made once instead of once per entry.</summary>
    private static readonly Dictionary<RevocationReason, byte[]> ReasonCodes =
        Enum.GetValues<RevocationReason>().ToDictionary(r => r, r => new byte[] { 0x0A, 0x01, (byte)r });

    public static byte[] Encode(CertificateAuthority authority, BigInteger crlNumber, DateTimeOffset thisUpdate,
        DateTimeOffset nextUpdate, IReadOnlyCollection<RevokedEntry> entries)
    {
        var hash = authority.IssuingHash;
        var tbs = EncodeTbs(authority, hash, crlNumber, thisUpdate, nextUpdate, entries);
        var findings = CrlLinter.LintTbs(tbs, authority);
        if (findings.Count > 0)
        {
            throw new LintFailedException("CRL", findings);
        }
        var signature = authority.IssuingKey.SignData(tbs, hash, DSASignatureFormat.Rfc3279DerSequence);
        var writer = new AsnWriter(AsnEncodingRules.DER, tbs.Length + 256);
        using (writer.PushSequence())
        {
            writer.WriteEncodedValue(tbs);
            Asn.WriteEcdsaAlgorithm(writer, hash);
            writer.WriteBitString(signature);
        }
        return writer.Encode();
    }

    private static byte[] EncodeTbs(CertificateAuthority authority, HashAlgorithmName hash, BigInteger crlNumber,
        DateTimeOffset thisUpdate, DateTimeOffset nextUpdate, IReadOnlyCollection<RevokedEntry> entries)
    {
        // AsnWriter grows its buffer in small steps: sizing it up front keeps a 100,000-entry CRL linear.
        var writer = new AsnWriter(AsnEncodingRules.DER, 1024 + entries.Count * EntrySizeEstimate);
        using (writer.PushSequence())
        {
            writer.WriteInteger(1);
            Asn.WriteEcdsaAlgorithm(writer, hash);
            writer.WriteEncodedValue(authority.Issuing.SubjectName.RawData);
            Asn.WriteTime(writer, thisUpdate);
            Asn.WriteTime(writer, nextUpdate);
            WriteEntries(writer, entries);
            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true)))
            using (writer.PushSequence())
            {
                Asn.WriteExtension(writer, Oids.AuthorityKeyIdentifier, false, w =>
                {
                    // AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] IMPLICIT OCTET STRING }
                    using (w.PushSequence())
                    {
                        w.WriteOctetString(Convert.FromHexString(authority.IssuerKeyId), new Asn1Tag(TagClass.ContextSpecific, 0));
                    }
                });
                Asn.WriteExtension(writer, Oids.CrlNumber, false, w => w.WriteInteger(crlNumber));
            }
        }
        return writer.Encode();
    }

    private static void WriteEntries(AsnWriter writer, IEnumerable<RevokedEntry> entries)
    {
        using var enumerator = entries.GetEnumerator();
        if (!enumerator.MoveNext())
        {
            return; // RFC 5280 5.1.2.6: absent, not empty, when nothing is revoked.
        }
        using (writer.PushSequence())
        {
            do
            {
                var entry = enumerator.Current;
                using (writer.PushSequence())
                {
                    writer.WriteIntegerUnsigned(entry.Serial);
                    Asn.WriteTime(writer, entry.RevokedAt);
                    // RFC 5280 5.3.1: reasonCode is omitted for unspecified.
                    if (entry.Reason != RevocationReason.Unspecified)
                    {
                        using (writer.PushSequence())
                        {
                            Asn.WriteExtension(writer, Oids.CrlReason, false, ReasonCodes[entry.Reason]);
                        }
                    }
                }
            }
            while (enumerator.MoveNext());
        }
    }
}
