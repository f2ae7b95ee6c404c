using System.Formats.Asn1;
using System.Numerics;
using Enrollment.Ca.Linting;

namespace Enrollment.Ca.Revocation;

/// <summary>The header facts of a DER CRL: its number and update times, for serving and health checks.</summary>
public sealed record CrlInfo(BigInteger Number, DateTimeOffset ThisUpdate, DateTimeOffset NextUpdate, int EntryCount)
{
    public static CrlInfo Read(byte[] crl)
    {
        var tbs = new AsnReader(TbsCertificate.FromCertificate(crl), AsnEncodingRules.DER).ReadSequence();
        tbs.ReadInteger();
        tbs.ReadSequence();
        tbs.ReadEncodedValue();
        var thisUpdate = TbsCertificate.ReadTime(tbs);
        var nextUpdate = TbsCertificate.ReadTime(tbs);
        var count = 0;
        if (tbs.HasData && tbs.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
        {
            var entries = tbs.ReadSequence();
            for (; entries.HasData; count++)
            {
                entries.ReadEncodedValue();
            }
        }
        var extensions = TbsCertificate.ReadExtensions(tbs.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0, true)).ReadSequence());
        var number = extensions.Where(e => e.Oid == Oids.CrlNumber)
            .Select(e => AsnDecoder.ReadInteger(e.Value, AsnEncodingRules.DER, out _)).First();
        return new CrlInfo(number, thisUpdate, nextUpdate, count);
    }
}
