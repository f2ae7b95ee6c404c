using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Enrollment.Ca.Policy;

/// <summary>A PKCS#10 request that passed every check: its key is allowed and it proves possession.</summary>
public sealed record AcceptedSigningRequest(PublicKey PublicKey, KeyDescription Key);

/// <summary>The outcome of reading a CSR: accepted, or refused with a reason the user can act on.</summary>
public sealed record SigningRequestVerdict(AcceptedSigningRequest? Accepted, Refusal? Refusal)
{
    public static SigningRequestVerdict Refuse(string code, string message) => new(null, new Refusal(code, message));
}

/// <summary>
/// Reads a PKCS#10 certificate request in PEM or DER, checks its key against <see cref="KeyPolicy"/>
/// and verifies its self-signature (proof of possession). The request's subject and extensions
/// are never used: the certificate's content comes from the user record.
/// </summary>
public static class SigningRequestReader
{
    /// <summary>Larger than any RSA-4096 request with attributes, small enough to refuse floods.</summary>
    public const int MaxBytes = 16 * 1024;

    private static readonly string[] PemLabels = ["CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"];

    public static SigningRequestVerdict Read(ReadOnlySpan<byte> input)
    {
        if (input.Length == 0)
        {
            return SigningRequestVerdict.Refuse("csr.empty", "The certificate request is empty.");
        }
        if (input.Length > MaxBytes)
        {
            return SigningRequestVerdict.Refuse("csr.too-large", $"The certificate request is larger than {MaxBytes / 1024} KiB.");
        }
        var der = LooksLikePem(input) ? DecodePem(input) : input.ToArray();
        if (der is null)
        {
            return SigningRequestVerdict.Refuse("csr.pem", "The PEM text holds no CERTIFICATE REQUEST block.");
        }
        try
        {
            return ReadDer(der);
        }
        catch (Exception e) when (e is CryptographicException or AsnContentException or NotSupportedException
                                     or PlatformNotSupportedException or ArgumentException or FormatException)
        {
            // Fuzzed requests throw all of these from the BCL parsers (docs/pitfalls.md, "CSR parsing").
            return SigningRequestVerdict.Refuse("csr.malformed", "The certificate request is not a valid PKCS#10 structure.");
        }
    }

    private static SigningRequestVerdict ReadDer(byte[] der)
    {
        var publicKey = ReadSubjectPublicKeyInfo(der);
        if (KeyPolicy.Check(publicKey, out var description) is { } refusal)
        {
            return new SigningRequestVerdict(null, refusal);
        }
        try
        {
            // LoadSigningRequest verifies the request's signature with its own key (proof of possession).
            CertificateRequest.LoadSigningRequest(der, HashAlgorithmName.SHA256, out var consumed,
                CertificateRequestLoadOptions.Default, RSASignaturePadding.Pkcs1);
            if (consumed != der.Length)
            {
                return SigningRequestVerdict.Refuse("csr.trailing-data", "The certificate request has data after its end.");
            }
        }
        catch (CryptographicException)
        {
            return SigningRequestVerdict.Refuse("csr.signature",
                "The request's signature does not match its public key, so it does not prove possession of the private key.");
        }
        return new SigningRequestVerdict(new AcceptedSigningRequest(publicKey, description), null);
    }

    /// <summary>
    /// CertificationRequest ::= SEQUENCE { certificationRequestInfo SEQUENCE { version INTEGER,
    /// subject Name, subjectPKInfo SubjectPublicKeyInfo, attributes [0] }, signatureAlgorithm, signature }
    /// </summary>
    private static PublicKey ReadSubjectPublicKeyInfo(byte[] der)
    {
        var request = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
        var info = request.ReadSequence();
        info.ReadInteger();
        info.ReadEncodedValue();
        var spki = info.ReadEncodedValue();
        // attributes [0] is not optional (RFC 2986); without it the request is malformed, not a bad signature.
        if (!info.HasData || !info.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0)))
        {
            throw new AsnContentException("The request has no attributes field.");
        }
        return PublicKey.CreateFromSubjectPublicKeyInfo(spki.Span, out _);
    }

    private static bool LooksLikePem(ReadOnlySpan<byte> input) =>
        input.TrimStart("\r\n\t "u8).StartsWith("-----BEGIN"u8);

    private static byte[]? DecodePem(ReadOnlySpan<byte> input)
    {
        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(input);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
        var rest = text.AsSpan();
        while (PemEncoding.TryFind(rest, out var fields))
        {
            if (PemLabels.Contains(rest[fields.Label].ToString()))
            {
                return Convert.FromBase64String(rest[fields.Base64Data].ToString());
            }
            rest = rest[fields.Location.End..];
        }
        return null;
    }
}
