using System.Formats.Asn1;

namespace Enrollment.Ca.Ocsp;

/// <summary>
/// CertID ::= SEQUENCE { hashAlgorithm AlgorithmIdentifier, issuerNameHash OCTET STRING,
/// issuerKeyHash OCTET STRING, serialNumber CertificateSerialNumber }. <see cref="Encoded"/> is
/// kept to echo the CertID back exactly as the client sent it.
/// </summary>
public sealed record CertId(string HashAlgorithm, byte[] IssuerNameHash, byte[] IssuerKeyHash, byte[] Serial, byte[] Encoded);

/// <summary>The parts of an OCSPRequest the responder acts on.</summary>
public sealed record OcspRequest(IReadOnlyList<CertId> CertIds, byte[]? Nonce);

/// <summary>
/// Strict DER reader for RFC 6960 4.1.1 requests:
/// <code>
/// OCSPRequest ::= SEQUENCE { tbsRequest TBSRequest, optionalSignature [0] EXPLICIT Signature OPTIONAL }
/// TBSRequest ::= SEQUENCE { version [0] EXPLICIT Version DEFAULT v1, requestorName [1] EXPLICIT GeneralName OPTIONAL,
///   requestList SEQUENCE OF Request, requestExtensions [2] EXPLICIT Extensions OPTIONAL }
/// Request ::= SEQUENCE { reqCert CertID, singleRequestExtensions [0] EXPLICIT Extensions OPTIONAL }
/// </code>
/// Anything else, including trailing bytes, is malformed.
/// </summary>
public static class OcspRequestReader
{
    /// <summary>RFC 5019 clients send one; a few more are tolerated, floods are not.</summary>
    public const int MaxCertIds = 8;

    /// <summary>A one-CertID request is about 80 bytes; a signed one with a chain still fits.</summary>
    public const int MaxBytes = 8 * 1024;

    private static readonly Asn1Tag Explicit0 = new(TagClass.ContextSpecific, 0, true);
    private static readonly Asn1Tag Explicit1 = new(TagClass.ContextSpecific, 1, true);
    private static readonly Asn1Tag Explicit2 = new(TagClass.ContextSpecific, 2, true);

    /// <summary>The request, or null when it is not a well-formed OCSPRequest within our limits.</summary>
    public static OcspRequest? Read(ReadOnlyMemory<byte> der)
    {
        if (der.Length is 0 or > MaxBytes)
        {
            return null;
        }
        try
        {
            return ReadStrict(der);
        }
        catch (Exception e) when (e is AsnContentException or ArgumentException or InvalidOperationException or OverflowException)
        {
            // AsnReader throws ArgumentException on some tag mismatches (docs/pitfalls.md, "OCSP parser").
            return null;
        }
    }

    private static OcspRequest? ReadStrict(ReadOnlyMemory<byte> der)
    {
        var outer = new AsnReader(der, AsnEncodingRules.DER);
        var request = outer.ReadSequence();
        outer.ThrowIfNotEmpty();
        var tbs = request.ReadSequence();
        if (request.HasData)
        {
            request.ReadSequence(Explicit0); // A signature: we serve everyone and do not require one.
            request.ThrowIfNotEmpty();
        }
        if (tbs.PeekTag().HasSameClassAndValue(Explicit0))
        {
            var version = tbs.ReadSequence(Explicit0);
            if (version.ReadInteger() != 0)
            {
                return null;
            }
            version.ThrowIfNotEmpty();
        }
        if (tbs.HasData && tbs.PeekTag().HasSameClassAndValue(Explicit1))
        {
            tbs.ReadSequence(Explicit1);
        }
        var ids = ReadRequestList(tbs.ReadSequence());
        byte[]? nonce = null;
        if (tbs.HasData)
        {
            var extensions = tbs.ReadSequence(Explicit2);
            nonce = ReadNonce(extensions.ReadSequence());
            extensions.ThrowIfNotEmpty();
        }
        tbs.ThrowIfNotEmpty();
        return ids is null ? null : new OcspRequest(ids, nonce);
    }

    private static List<CertId>? ReadRequestList(AsnReader list)
    {
        var ids = new List<CertId>();
        while (list.HasData)
        {
            if (ids.Count == MaxCertIds)
            {
                return null;
            }
            var single = list.ReadSequence();
            var encoded = single.PeekEncodedValue().ToArray();
            var certId = single.ReadSequence();
            var algorithm = certId.ReadSequence();
            var oid = algorithm.ReadObjectIdentifier();
            if (algorithm.HasData)
            {
                algorithm.ReadNull();
            }
            algorithm.ThrowIfNotEmpty();
            var nameHash = certId.ReadOctetString();
            var keyHash = certId.ReadOctetString();
            var serial = certId.ReadIntegerBytes().ToArray();
            certId.ThrowIfNotEmpty();
            if (single.HasData)
            {
                single.ReadSequence(Explicit0);
            }
            single.ThrowIfNotEmpty();
            ids.Add(new CertId(oid, nameHash, keyHash, serial, encoded));
        }
        return ids.Count == 0 ? null : ids;
    }

    /// <summary>
    /// The nonce's extnValue, echoed verbatim (RFC 8954 bounds it to 1-32 octets inside). Every
    /// extension is read to its end, so a malformed one after the nonce is malformed too, and there
    /// is at least one (Extensions ::= SEQUENCE SIZE (1..MAX)).
    /// </summary>
    private static byte[]? ReadNonce(AsnReader extensions)
    {
        var all = Linting.TbsCertificate.ReadExtensions(extensions).ToList();
        if (all.Count == 0)
        {
            throw new AsnContentException("Extensions holds none.");
        }
        var nonce = all.FirstOrDefault(e => e.Oid == Oids.OcspNonce);
        return nonce is null ? null
            : nonce.Value.Length is > 0 and <= 34 ? nonce.Value
            : throw new AsnContentException("nonce size");
    }
}
