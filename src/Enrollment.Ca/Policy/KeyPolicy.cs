using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Enrollment.Ca.Policy;

/// <summary>What a public key is, in the words a user understands ("RSA 1024", "ECDSA P-521").</summary>
public sealed record KeyDescription(string Algorithm, int Bits)
{
    public override string ToString() => Bits > 0 ? $"{Algorithm} {Bits}" : Algorithm;
}

/// <summary>
/// The keys the CA accepts for client certificates: RSA 2048-4096 with exponent 65537 and
/// ECDSA on P-256 or P-384 (docs/design.md, "The CA"). Anything else is refused by name.
/// </summary>
public static class KeyPolicy
{
    public const string Allowed = "RSA 2048-4096 or ECDSA P-256/P-384";

    /// <summary>Describes the key and returns a refusal when the policy does not accept it.</summary>
    public static Refusal? Check(PublicKey key, out KeyDescription description)
    {
        try
        {
            description = Describe(key);
        }
        catch (Exception e) when (e is CryptographicException or AsnContentException or NotSupportedException
                                     or PlatformNotSupportedException or ArgumentException)
        {
            description = new KeyDescription("unreadable key", 0);
            return new Refusal("key.unreadable", "The public key could not be read.");
        }
        return description switch
        {
            { Algorithm: "RSA", Bits: >= 2048 and <= 4096 } when description.Bits % 8 == 0 && HasStandardExponent(key) => null,
            { Algorithm: "RSA", Bits: >= 2048 and <= 4096 } when description.Bits % 8 == 0 =>
                new Refusal("key.rsa-exponent", "RSA keys must use the public exponent 65537."),
            { Algorithm: "ECDSA P-256" or "ECDSA P-384" } when IsValidPoint(key) => null,
            { Algorithm: "ECDSA P-256" or "ECDSA P-384" } =>
                new Refusal("key.ec-point", "The ECDSA public key is not a valid point on its curve."),
            _ => new Refusal("key.not-allowed", $"A {description} key is not accepted; use {Allowed}."),
        };
    }

    /// <summary>Whether the algorithm and size are allowed, without decoding the key itself.</summary>
    public static bool IsAllowedType(KeyDescription description) => description switch
    {
        { Algorithm: "RSA", Bits: >= 2048 and <= 4096 } => description.Bits % 8 == 0,
        { Algorithm: "ECDSA P-256" or "ECDSA P-384" } => true,
        _ => false,
    };

    /// <summary>Names the key's algorithm and size without judging it.</summary>
    public static KeyDescription Describe(PublicKey key) => key.Oid.Value switch
    {
        Oids.Rsa => new KeyDescription("RSA", RsaModulusBits(key)),
        Oids.EcPublicKey => new KeyDescription(CurveName(key), 0),
        Oids.Ed25519 => new KeyDescription("Ed25519", 0),
        Oids.Ed448 => new KeyDescription("Ed448", 0),
        Oids.Dsa => new KeyDescription("DSA", 0),
        Oids.RsaPss => new KeyDescription("RSA-PSS", 0),
        var other => new KeyDescription($"unknown algorithm {other}", 0),
    };

    private static int RsaModulusBits(PublicKey key)
    {
        // RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }
        var reader = new AsnReader(key.EncodedKeyValue.RawData, AsnEncodingRules.DER).ReadSequence();
        var modulus = reader.ReadIntegerBytes().Span;
        return (int)new BigInteger(modulus, isUnsigned: true, isBigEndian: true).GetBitLength();
    }

    private static bool HasStandardExponent(PublicKey key)
    {
        var reader = new AsnReader(key.EncodedKeyValue.RawData, AsnEncodingRules.DER).ReadSequence();
        reader.ReadIntegerBytes();
        return reader.ReadInteger() == 65537;
    }

    private static string CurveName(PublicKey key)
    {
        // ECParameters ::= CHOICE { namedCurve OBJECT IDENTIFIER, ... }: only named curves are named here.
        // net10 reports absent parameters as null rather than empty.
        var parameters = key.EncodedParameters?.RawData ?? [];
        if (parameters.Length == 0 || parameters[0] != 0x06)
        {
            return "ECDSA with explicit curve parameters";
        }
        return AsnDecoder.ReadObjectIdentifier(parameters, AsnEncodingRules.DER, out _) switch
        {
            Oids.CurveP256 => "ECDSA P-256",
            Oids.CurveP384 => "ECDSA P-384",
            Oids.CurveP521 => "ECDSA P-521",
            var other => $"ECDSA curve {other}",
        };
    }

    private static bool IsValidPoint(PublicKey key)
    {
        try
        {
            using var ecdsa = key.GetECDsaPublicKey();
            return ecdsa is not null;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
