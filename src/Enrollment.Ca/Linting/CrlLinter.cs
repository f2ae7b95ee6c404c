using System.Formats.Asn1;
using Enrollment.Ca.Authority;
using Enrollment.Ca.Revocation;

namespace Enrollment.Ca.Linting;

/// <summary>
/// Checks a TBSCertList against RFC 5280 section 5 and our choices: v2, our issuer, nextUpdate
/// after thisUpdate, unique positive serials, no reasonCode for unspecified, never
/// certificateHold, and non-critical AKI and CRL number extensions.
/// </summary>
public static class CrlLinter
{
    public static IReadOnlyList<string> LintTbs(byte[] tbsDer, CertificateAuthority authority)
    {
        var findings = new List<string>();
        try
        {
            LintTbs(new AsnReader(tbsDer, AsnEncodingRules.DER).ReadSequence(), authority, findings);
        }
        catch (AsnContentException e)
        {
            findings.Add($"not a DER TBSCertList: {e.Message}");
        }
        return findings;
    }

    /// <summary>The TBSCertList inside a signed CertificateList.</summary>
    public static IReadOnlyList<string> LintCrl(byte[] crlDer, CertificateAuthority authority) =>
        LintTbs(TbsCertificate.FromCertificate(crlDer), authority);

    private static void LintTbs(AsnReader tbs, CertificateAuthority authority, List<string> findings)
    {
        Check(findings, tbs.ReadInteger() == 1, "version is not v2");
        var algorithm = tbs.ReadSequence().ReadObjectIdentifier();
        Check(findings, algorithm is Oids.EcdsaWithSha256 or Oids.EcdsaWithSha384, "signature algorithm is not ECDSA");
        Check(findings, tbs.ReadEncodedValue().Span.SequenceEqual(authority.Issuing.SubjectName.RawData), "issuer is not the issuing CA");
        var thisUpdate = TbsCertificate.ReadTime(tbs);
        var hasNextUpdate = tbs.HasData && (tbs.PeekTag().HasSameClassAndValue(Asn1Tag.UtcTime) || tbs.PeekTag().HasSameClassAndValue(Asn1Tag.GeneralizedTime));
        Check(findings, hasNextUpdate, "nextUpdate is missing (RFC 5280 5.1.2.5 requires it)");
        if (hasNextUpdate)
        {
            Check(findings, TbsCertificate.ReadTime(tbs) > thisUpdate, "nextUpdate is not after thisUpdate");
        }
        if (tbs.HasData && tbs.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
        {
            LintEntries(tbs.ReadSequence(), thisUpdate, findings);
        }
        var extensions = tbs.HasData
            ? TbsCertificate.ReadExtensions(tbs.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0, true)).ReadSequence()).ToList()
            : [];
        Check(findings, extensions.Any(e => e.Oid == Oids.AuthorityKeyIdentifier && !e.Critical), "authorityKeyIdentifier is missing or critical");
        Check(findings, extensions.Any(e => e.Oid == Oids.CrlNumber && !e.Critical
                                          && AsnDecoder.ReadInteger(e.Value, AsnEncodingRules.DER, out _).Sign >= 0),
            "cRLNumber is missing, critical or negative");
        Check(findings, extensions.Select(e => e.Oid).Distinct().Count() == extensions.Count, "an extension appears twice");
    }

    private static void LintEntries(AsnReader entries, DateTimeOffset thisUpdate, List<string> findings)
    {
        Check(findings, entries.HasData, "revokedCertificates is present but empty");
        var seen = new HashSet<(ulong, ulong, ulong)>();
        while (entries.HasData)
        {
            var entry = entries.ReadSequence();
            var serial = entry.ReadIntegerBytes().Span;
            Check(findings, serial.Length <= 21 && (serial[0] & 0x80) == 0, "an entry's serial is negative or too long");
            Check(findings, serial.Length > 24 || seen.Add(Key(serial)), "a serial is listed twice");
            Check(findings, TbsCertificate.ReadTime(entry) <= thisUpdate, "a revocation date is after thisUpdate");
            if (entry.HasData)
            {
                foreach (var extension in TbsCertificate.ReadExtensions(entry.ReadSequence()))
                {
                    var reason = extension.Oid == Oids.CrlReason
                        ? AsnDecoder.ReadEnumeratedValue<RevocationReason>(extension.Value, AsnEncodingRules.DER, out _)
                        : (RevocationReason?)null;
                    Check(findings, reason is not null && reason != RevocationReason.Unspecified && (int)reason != 6,
                        "an entry carries an extension other than a reasonCode, or reasonCode unspecified/certificateHold");
                }
            }
        }
    }

    /// <summary>A serial of up to 24 bytes as a value, so a set of 100,000 needs no strings.</summary>
    private static (ulong, ulong, ulong) Key(ReadOnlySpan<byte> serial)
    {
        Span<byte> padded = stackalloc byte[24];
        serial.CopyTo(padded[(24 - serial.Length)..]);
        return (BitConverter.ToUInt64(padded[..8]), BitConverter.ToUInt64(padded[8..16]), BitConverter.ToUInt64(padded[16..]));
    }

    private static void Check(List<string> findings, bool condition, string finding)
    {
        if (!condition && !findings.Contains(finding))
        {
            findings.Add(finding);
        }
    }
}
