using System.Formats.Asn1;

namespace Enrollment.Ca.Linting;

/// <summary>Reads the GeneralName forms our profile uses (RFC 5280 4.2.1.6).</summary>
public static class GeneralNames
{
    private static readonly Asn1Tag OtherName = new(TagClass.ContextSpecific, 0, isConstructed: true);
    private static readonly Asn1Tag Rfc822Name = new(TagClass.ContextSpecific, 1);
    private static readonly Asn1Tag Uri = new(TagClass.ContextSpecific, 6);
    private static readonly Asn1Tag Explicit0 = new(TagClass.ContextSpecific, 0, isConstructed: true);

    /// <summary>Each name as ("email", value), ("upn", value), ("uri", value) or ("other", tag).</summary>
    public static IEnumerable<(string Kind, string Value)> Read(AsnReader generalNames)
    {
        while (generalNames.HasData)
        {
            var tag = generalNames.PeekTag();
            if (tag.HasSameClassAndValue(Rfc822Name))
            {
                yield return ("email", generalNames.ReadCharacterString(UniversalTagNumber.IA5String, Rfc822Name));
            }
            else if (tag.HasSameClassAndValue(Uri))
            {
                yield return ("uri", generalNames.ReadCharacterString(UniversalTagNumber.IA5String, Uri));
            }
            else if (tag.HasSameClassAndValue(OtherName))
            {
                // OtherName ::= SEQUENCE { type-id OBJECT IDENTIFIER, value [0] EXPLICIT ANY }
                var other = generalNames.ReadSequence(OtherName);
                var type = other.ReadObjectIdentifier();
                var value = other.ReadSequence(Explicit0);
                yield return type == Oids.UserPrincipalName
                    ? ("upn", value.ReadCharacterString(UniversalTagNumber.UTF8String))
                    : ("other", type);
            }
            else
            {
                generalNames.ReadEncodedValue();
                yield return ("other", tag.ToString());
            }
        }
    }

    /// <summary>
    /// The URIs of CRLDistributionPoints ::= SEQUENCE OF DistributionPoint, where
    /// DistributionPoint ::= SEQUENCE { distributionPoint [0] { fullName [0] GeneralNames } ... }.
    /// </summary>
    public static IEnumerable<string> DistributionPointUris(byte[] value)
    {
        var points = new AsnReader(value, AsnEncodingRules.DER).ReadSequence();
        var uris = new List<string>();
        while (points.HasData)
        {
            var point = points.ReadSequence();
            if (point.HasData && point.PeekTag().HasSameClassAndValue(Explicit0))
            {
                var name = point.ReadSequence(Explicit0);
                var fullName = name.ReadSequence(Explicit0);
                uris.AddRange(Read(fullName).Where(n => n.Kind == "uri").Select(n => n.Value));
            }
        }
        return uris;
    }
}
