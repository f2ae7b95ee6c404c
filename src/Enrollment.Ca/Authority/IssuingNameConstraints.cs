using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;

namespace Enrollment.Ca.Authority;

/// <summary>
/// The issuing CA's name constraints (RFC 5280 4.2.1.10): every DNS name and every IP address is
/// excluded, so no certificate under it is accepted for a host, whoever holds its key.
/// </summary>
public static class IssuingNameConstraints
{
    /// <summary>
    /// excludedSubtrees: dNSName "" (the empty name matches every DNS name) and the IPv4 and IPv6
    /// addresses with a zero-length mask. Critical, as RFC 5280 requires.
    /// </summary>
    public static X509Extension NoHostNames()
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 1)))
        {
            using (writer.PushSequence())
            {
                writer.WriteCharacterString(UniversalTagNumber.IA5String, string.Empty, new Asn1Tag(TagClass.ContextSpecific, 2));
            }
            foreach (var addressAndMask in new[] { new byte[8], new byte[32] })
            {
                using (writer.PushSequence())
                {
                    writer.WriteOctetString(addressAndMask, new Asn1Tag(TagClass.ContextSpecific, 7));
                }
            }
        }
        return new X509Extension(Oids.NameConstraints, writer.Encode(), critical: true);
    }

    /// <summary>
    /// Whether OpenSSL reads a common name as a DNS name (two or more labels of letters, digits,
    /// '_' and inner '-', as its <c>cn2dnsid</c> does): a leaf without a DNS SAN has such a CN
    /// checked against the DNS constraints above, and refused.
    /// </summary>
    public static bool ReadsAsHostName(string commonName)
    {
        var labels = commonName.Split('.');
        return labels.Length > 1 && labels.All(label => label.Length > 0 && label[0] != '-' && label[^1] != '-'
            && label.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'));
    }
}
