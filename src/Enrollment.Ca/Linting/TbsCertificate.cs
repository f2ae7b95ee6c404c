using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace Enrollment.Ca.Linting;

/// <summary>One extension as encoded: its OID, criticality and DER value.</summary>
public sealed record EncodedExtension(string Oid, bool Critical, byte[] Value);

/// <summary>
/// The fields of a TBSCertificate the linter judges.
/// <code>
/// TBSCertificate ::= SEQUENCE {
///   version [0] EXPLICIT Version, serialNumber INTEGER, signature AlgorithmIdentifier,
///   issuer Name, validity SEQUENCE { notBefore Time, notAfter Time }, subject Name,
///   subjectPublicKeyInfo SubjectPublicKeyInfo, issuerUniqueID [1] IMPLICIT OPTIONAL,
///   subjectUniqueID [2] IMPLICIT OPTIONAL, extensions [3] EXPLICIT Extensions OPTIONAL }
/// </code>
/// </summary>
public sealed record TbsCertificate(
    int Version, byte[] Serial, string SignatureAlgorithm, byte[] Issuer, DateTimeOffset NotBefore,
    DateTimeOffset NotAfter, byte[] Subject, byte[] SubjectPublicKeyInfo, IReadOnlyList<EncodedExtension> Extensions)
{
    private static readonly Asn1Tag Context0 = new(TagClass.ContextSpecific, 0, isConstructed: true);
    private static readonly Asn1Tag Context3 = new(TagClass.ContextSpecific, 3, isConstructed: true);

    public static TbsCertificate Parse(byte[] der)
    {
        var tbs = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
        var version = tbs.PeekTag().HasSameClassAndValue(Context0) ? (int)ReadExplicitInteger(tbs, Context0) : 0;
        var serial = tbs.ReadIntegerBytes().ToArray();
        var signature = tbs.ReadSequence().ReadObjectIdentifier();
        var issuer = tbs.ReadEncodedValue().ToArray();
        var validity = tbs.ReadSequence();
        var notBefore = ReadTime(validity);
        var notAfter = ReadTime(validity);
        var subject = tbs.ReadEncodedValue().ToArray();
        var spki = tbs.ReadEncodedValue().ToArray();
        var extensions = new List<EncodedExtension>();
        while (tbs.HasData)
        {
            var tag = tbs.PeekTag();
            if (!tag.HasSameClassAndValue(Context3))
            {
                tbs.ReadEncodedValue();
                continue;
            }
            extensions.AddRange(ReadExtensions(tbs.ReadSequence(Context3).ReadSequence()));
        }
        return new TbsCertificate(version, serial, signature, issuer, notBefore, notAfter, subject, spki, extensions);
    }

    /// <summary>The TBSCertificate inside a signed Certificate ::= SEQUENCE { tbs, algorithm, signature }.</summary>
    public static byte[] FromCertificate(byte[] certificate) =>
        new AsnReader(certificate, AsnEncodingRules.DER).ReadSequence().ReadEncodedValue().ToArray();

    /// <summary>Extensions ::= SEQUENCE OF Extension { extnID OID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }</summary>
    public static IEnumerable<EncodedExtension> ReadExtensions(AsnReader sequence)
    {
        while (sequence.HasData)
        {
            var extension = sequence.ReadSequence();
            var oid = extension.ReadObjectIdentifier();
            var critical = extension.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean) && extension.ReadBoolean();
            var value = extension.ReadOctetString();
            extension.ThrowIfNotEmpty();
            yield return new EncodedExtension(oid, critical, value);
        }
    }

    public X500DistinguishedName SubjectName => new(Subject);

    private static long ReadExplicitInteger(AsnReader reader, Asn1Tag tag)
    {
        var inner = reader.ReadSequence(tag);
        return (long)inner.ReadInteger();
    }

    /// <summary>Time ::= CHOICE { utcTime UTCTime, generalTime GeneralizedTime }</summary>
    public static DateTimeOffset ReadTime(AsnReader reader)
    {
        // Fast path for the DER form RFC 5280 mandates, YYMMDDHHMMSSZ: a 100,000-entry CRL holds 100,000 of them.
        var encoded = reader.PeekEncodedValue().Span;
        if (encoded.Length == 15 && encoded[0] == 0x17 && encoded[1] == 13 && TryParseUtcTime(encoded[2..], out var time))
        {
            reader.ReadEncodedValue();
            return time;
        }
        return reader.PeekTag().HasSameClassAndValue(Asn1Tag.UtcTime) ? reader.ReadUtcTime() : reader.ReadGeneralizedTime();
    }

    private static bool TryParseUtcTime(ReadOnlySpan<byte> text, out DateTimeOffset time)
    {
        time = default;
        Span<int> pairs = stackalloc int[6];
        for (var i = 0; i < 6; i++)
        {
            var (high, low) = (text[2 * i] - '0', text[2 * i + 1] - '0');
            if (high is < 0 or > 9 || low is < 0 or > 9)
            {
                return false;
            }
            pairs[i] = high * 10 + low;
        }
        var year = pairs[0] < 50 ? 2000 + pairs[0] : 1900 + pairs[0];
        if (text[12] != 'Z' || pairs[1] is < 1 or > 12 || pairs[2] < 1 || pairs[2] > DateTime.DaysInMonth(year, pairs[1])
            || pairs[3] > 23 || pairs[4] > 59 || pairs[5] > 59)
        {
            return false;
        }
        time = new DateTimeOffset(year, pairs[1], pairs[2], pairs[3], pairs[4], pairs[5], TimeSpan.Zero);
        return true;
    }
}
