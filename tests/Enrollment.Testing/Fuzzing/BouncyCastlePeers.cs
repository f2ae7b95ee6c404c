using System.Text;
using System.Text.RegularExpressions;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Ocsp;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Utilities.IO.Pem;
using Org.BouncyCastle.X509;

namespace Enrollment.Testing.Fuzzing;

/// <summary>
/// BouncyCastle's readers of the same inputs as ours, for the differential campaign: each accepts
/// what BouncyCastle reads (and, for a CSR, whose signature verifies), and refuses with the name of
/// the exception BouncyCastle threw. Only the transport decoding every reader shares (URL encoding of
/// the forwarded header) is done with .NET.
/// </summary>
public static partial class BouncyCastlePeers
{
    public static FuzzOutcome Csr(byte[] input) => Judge(() =>
    {
        var pem = LooksLikePem(input);
        string? pemNote = null;
        byte[]? der;
        try
        {
            der = pem ? PemBlock(Encoding.UTF8.GetString(input), out pemNote, "CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST") : input;
        }
        catch (IOException e) when (e.Message.Contains("not found", StringComparison.Ordinal))
        {
            // BouncyCastle's PemReader: "-----END ... not found".
            return FuzzOutcome.Refuse("a PEM block without its end line");
        }
        if (der is null)
        {
            return FuzzOutcome.Refuse("no CERTIFICATE REQUEST block");
        }
        if (pem && !IsUtf8(input))
        {
            pemNote = "reads text that is not UTF-8";
        }
        var sequence = (Asn1Sequence)ReadAsn1(der, out var note);
        var request = new Pkcs10CertificationRequest(sequence);
        if (!request.Verify())
        {
            return FuzzOutcome.Refuse("signature does not verify");
        }
        // RFC 4055: NULL (or absent) for RSA with SHA-2; RFC 5758: absent for ECDSA. BouncyCastle does not look.
        var parameters = request.SignatureAlgorithm.Parameters;
        var rsa = request.SignatureAlgorithm.Algorithm.Id.StartsWith("1.2.840.113549.1.1.", StringComparison.Ordinal);
        if (parameters is not null && !(rsa && parameters is DerNull))
        {
            note ??= "reads signature algorithm parameters RFC 4055 and 5758 forbid";
        }
        return FuzzOutcome.AcceptNoting(pemNote ?? note);
    });

    public static FuzzOutcome OcspRequest(byte[] input) => Judge(() =>
    {
        var request = new OcspReq(Org.BouncyCastle.Asn1.Ocsp.OcspRequest.GetInstance(ReadAsn1(input, out var note)));
        // Reading every CertID and extension, as a responder would.
        var ids = request.GetRequestList().Select(r => r.GetCertID()).ToList();
        _ = ids.Select(id => id.SerialNumber).ToList();
        _ = request.RequestExtensions;
        if (note is null && ids.Any(id => id.ToAsn1Object().HashAlgorithm.Parameters is { } parameters && parameters is not DerNull))
        {
            note = "reads CertID hash parameters that are not NULL";
        }
        return FuzzOutcome.AcceptNoting(note);
    });

    public static FuzzOutcome ForwardedCertificate(byte[] input) => Judge(() =>
    {
        var header = Encoding.Latin1.GetString(input);
        if (string.IsNullOrWhiteSpace(header))
        {
            return FuzzOutcome.Refuse("no certificate");
        }
        var der = PemBlock(Uri.UnescapeDataString(header), out var note, "CERTIFICATE");
        return der is null ? FuzzOutcome.Refuse("no CERTIFICATE block")
            : new X509CertificateParser().ReadCertificate(der) is null ? FuzzOutcome.Refuse("no certificate")
            : FuzzOutcome.AcceptNoting(note);
    });

    /// <summary>A PKCS#12 file BouncyCastle opens with the password, holding a key with its certificate.</summary>
    public static FuzzOutcome Pkcs12(byte[] input, string password) => Judge(() =>
    {
        // Named apart from BouncyCastle's other refusals: the BCL does not look at the version.
        if (PfxVersion(input) is { } version && !version.Equals(Org.BouncyCastle.Math.BigInteger.Three))
        {
            return FuzzOutcome.Refuse("PFX version is not 3");
        }
        var store = new Pkcs12StoreBuilder().Build();
        store.Load(new MemoryStream(input), password.ToCharArray());
        var keyAlias = store.Aliases.FirstOrDefault(store.IsKeyEntry);
        return keyAlias is not null && store.GetCertificate(keyAlias) is not null ? FuzzOutcome.Accept : FuzzOutcome.Refuse("no key with its certificate");
    });

    /// <summary>PFX ::= SEQUENCE { version INTEGER {v3(3)}, ... }, or null when that much cannot be read.</summary>
    private static Org.BouncyCastle.Math.BigInteger? PfxVersion(byte[] input)
    {
        try
        {
            return DerInteger.GetInstance(Asn1Sequence.GetInstance(Asn1Object.FromByteArray(input))[0]).Value;
        }
#pragma warning disable CA1031 // Anything unreadable is left to the store's own refusal.
        catch (Exception)
#pragma warning restore CA1031
        {
            return null;
        }
    }

    private static FuzzOutcome Judge(Func<FuzzOutcome> read)
    {
        try
        {
            return read();
        }
#pragma warning disable CA1031 // Every exception is BouncyCastle's way of refusing; its type names the refusal.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return FuzzOutcome.Refuse(e.GetType().Name);
        }
    }

    /// <summary>
    /// One ASN.1 object as BouncyCastle's stream reader reads it, noting what our strict DER readers
    /// refuse and BouncyCastle lets through: bytes after the object, or an encoding that is not DER.
    /// </summary>
    private static Asn1Object ReadAsn1(byte[] input, out string? note)
    {
        var stream = new MemoryStream(input);
        using var reader = new Asn1InputStream(stream, input.Length);
        var read = reader.ReadObject() ?? throw new EndOfStreamException("no object");
        note = stream.Position < input.Length ? "ignores bytes after the end"
            : !read.GetDerEncoded().AsSpan().SequenceEqual(input) ? "reads an encoding that is not DER"
            : null;
        return read;
    }

    private static bool IsUtf8(byte[] input)
    {
        try
        {
            _ = new UTF8Encoding(false, true).GetString(input);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    private static bool LooksLikePem(byte[] input) => Encoding.Latin1.GetString(input).TrimStart().StartsWith("-----BEGIN", StringComparison.Ordinal);

    /// <summary>
    /// The first PEM block with one of the labels, read with BouncyCastle's PEM reader, noting when the
    /// text is not RFC 7468 PEM (armour lines, or characters in the base64 other than base64 and whitespace).
    /// </summary>
    private static byte[]? PemBlock(string text, out string? note, params string[] labels)
    {
        using var reader = new PemReader(new StringReader(text));
        for (var block = reader.ReadPemObject(); block is not null; block = reader.ReadPemObject())
        {
            if (labels.Contains(block.Type))
            {
                note = IsStrictPem(text, block.Content) ? null : "reads text that is not RFC 7468 PEM";
                return block.Content;
            }
        }
        note = null;
        return null;
    }

    /// <summary>Whether the text holds an RFC 7468 block whose base64 is canonical and decodes to what BouncyCastle read.</summary>
    private static bool IsStrictPem(string text, byte[] content) => StrictPem().Matches(text).Any(match =>
    {
        var base64 = WhiteSpace().Replace(match.Groups[2].Value, "");
        var decoded = new byte[base64.Length];
        // Canonical too: the bits after the last byte are zero (RFC 4648 3.5), so it encodes back to itself.
        return Convert.TryFromBase64String(base64, decoded, out var length) && decoded.AsSpan(0, length).SequenceEqual(content)
               && Convert.ToBase64String(content) == base64;
    });

    [GeneratedRegex(@"(?<![^\s])-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/= \t\r\n]*)-----END \1-----(?![^\s])")]
    private static partial Regex StrictPem();

    [GeneratedRegex(@"[ \t\r\n]")]
    private static partial Regex WhiteSpace();
}
