using System.Formats.Asn1;
using System.Security.Cryptography;

namespace Enrollment.Ca;

/// <summary>Small DER helpers shared by the CRL and OCSP encoders.</summary>
internal static class Asn
{
    /// <summary>AlgorithmIdentifier for ecdsa-with-SHA256/384; RFC 5758 3.2: parameters absent.</summary>
    public static void WriteEcdsaAlgorithm(AsnWriter writer, HashAlgorithmName hash)
    {
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(hash == HashAlgorithmName.SHA384 ? Oids.EcdsaWithSha384 : Oids.EcdsaWithSha256);
        }
    }

    /// <summary>RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050, whole seconds, Zulu.</summary>
    public static void WriteTime(AsnWriter writer, DateTimeOffset time)
    {
        var utc = new DateTimeOffset(time.UtcTicks - time.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
        if (utc.Year is >= 2000 and < 2050)
        {
            // UTCTime YYMMDDHHMMSSZ written directly: the BCL writer's formatting dominated large CRLs.
            Span<byte> encoded = stackalloc byte[15];
            encoded[0] = 0x17;
            encoded[1] = 13;
            TwoDigits(encoded[2..], utc.Year % 100);
            TwoDigits(encoded[4..], utc.Month);
            TwoDigits(encoded[6..], utc.Day);
            TwoDigits(encoded[8..], utc.Hour);
            TwoDigits(encoded[10..], utc.Minute);
            TwoDigits(encoded[12..], utc.Second);
            encoded[14] = (byte)'Z';
            writer.WriteEncodedValue(encoded);
        }
        else if (utc.Year < 2050)
        {
            writer.WriteUtcTime(utc);
        }
        else
        {
            writer.WriteGeneralizedTime(utc, omitFractionalSeconds: true);
        }
    }

    private static void TwoDigits(Span<byte> target, int value)
    {
        target[0] = (byte)('0' + value / 10);
        target[1] = (byte)('0' + value % 10);
    }

    /// <summary>GeneralizedTime in whole seconds, as OCSP uses everywhere (RFC 6960 4.2.1).</summary>
    public static void WriteGeneralizedTime(AsnWriter writer, DateTimeOffset time) =>
        writer.WriteGeneralizedTime(new DateTimeOffset(time.UtcTicks - time.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero), omitFractionalSeconds: true);

    /// <summary>Extension ::= SEQUENCE { extnID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }</summary>
    public static void WriteExtension(AsnWriter writer, string oid, bool critical, Action<AsnWriter> value)
    {
        var inner = new AsnWriter(AsnEncodingRules.DER);
        value(inner);
        WriteExtension(writer, oid, critical, inner.Encode());
    }

    public static void WriteExtension(AsnWriter writer, string oid, bool critical, byte[] value)
    {
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(oid);
            if (critical)
            {
                writer.WriteBoolean(true);
            }
            writer.WriteOctetString(value);
        }
    }
}
