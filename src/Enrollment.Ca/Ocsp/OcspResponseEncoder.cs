using System.Formats.Asn1;
using System.Security.Cryptography;
using Enrollment.Ca.Authority;
using Enrollment.Ca.Linting;
using Enrollment.Ca.Revocation;

namespace Enrollment.Ca.Ocsp;

/// <summary>RFC 6960 4.2.1 OCSPResponseStatus.</summary>
public enum OcspResponseStatus
{
    Successful = 0,
    MalformedRequest = 1,
    InternalError = 2,
    TryLater = 3,
    SigRequired = 5,
    Unauthorized = 6,
}

/// <summary>One answer inside a response.</summary>
public sealed record SingleAnswer(CertId CertId, CertificateStatus Status, DateTimeOffset ThisUpdate, DateTimeOffset NextUpdate);

/// <summary>
/// Encodes and signs OCSP responses with the delegated signer:
/// <code>
/// OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED, responseBytes [0] EXPLICIT ResponseBytes OPTIONAL }
/// ResponseBytes ::= SEQUENCE { responseType OID (id-pkix-ocsp-basic), response OCTET STRING }
/// BasicOCSPResponse ::= SEQUENCE { tbsResponseData ResponseData, signatureAlgorithm, signature BIT STRING,
///   certs [0] EXPLICIT SEQUENCE OF Certificate OPTIONAL }
/// ResponseData ::= SEQUENCE { version [0] EXPLICIT DEFAULT v1, responderID ResponderID, producedAt GeneralizedTime,
///   responses SEQUENCE OF SingleResponse, responseExtensions [1] EXPLICIT Extensions OPTIONAL }
/// SingleResponse ::= SEQUENCE { certID CertID, certStatus CertStatus, thisUpdate GeneralizedTime,
///   nextUpdate [0] EXPLICIT GeneralizedTime OPTIONAL }
/// CertStatus ::= CHOICE { good [0] IMPLICIT NULL, revoked [1] IMPLICIT RevokedInfo, unknown [2] IMPLICIT NULL }
/// </code>
/// </summary>
public static class OcspResponseEncoder
{
    public static byte[] Status(OcspResponseStatus status)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteEnumeratedValue(status);
        }
        return writer.Encode();
    }

    public static byte[] Successful(CertificateAuthority authority, IReadOnlyList<SingleAnswer> answers, DateTimeOffset producedAt, byte[]? nonce)
    {
        var signing = authority.Ocsp;
        var tbs = EncodeResponseData(signing, answers, producedAt, nonce);
        var findings = OcspResponseLinter.LintTbs(tbs, signing);
        if (findings.Count > 0)
        {
            throw new LintFailedException("OCSP response", findings);
        }
        var hash = CertificateAuthority.SigningHash(signing.Key);
        var basic = new AsnWriter(AsnEncodingRules.DER);
        using (basic.PushSequence())
        {
            basic.WriteEncodedValue(tbs);
            Asn.WriteEcdsaAlgorithm(basic, hash);
            basic.WriteBitString(signing.Key.SignData(tbs, hash, DSASignatureFormat.Rfc3279DerSequence));
            // RFC 6960 4.2.2.2: a delegated responder includes its certificate so clients can check it.
            using (basic.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, true)))
            using (basic.PushSequence())
            {
                basic.WriteEncodedValue(signing.Certificate.RawData);
            }
        }
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteEnumeratedValue(OcspResponseStatus.Successful);
            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, true)))
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier(Oids.OcspBasic);
                writer.WriteOctetString(basic.Encode());
            }
        }
        return writer.Encode();
    }

    private static byte[] EncodeResponseData(OcspSigning signing, IReadOnlyList<SingleAnswer> answers, DateTimeOffset producedAt, byte[]? nonce)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 2, true)))
            {
                writer.WriteOctetString(signing.KeyHash);
            }
            Asn.WriteGeneralizedTime(writer, producedAt);
            using (writer.PushSequence())
            {
                foreach (var answer in answers)
                {
                    WriteSingle(writer, answer);
                }
            }
            if (nonce is not null)
            {
                using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 1, true)))
                using (writer.PushSequence())
                {
                    Asn.WriteExtension(writer, Oids.OcspNonce, false, nonce);
                }
            }
        }
        return writer.Encode();
    }

    private static void WriteSingle(AsnWriter writer, SingleAnswer answer)
    {
        using (writer.PushSequence())
        {
            writer.WriteEncodedValue(answer.CertId.Encoded);
            switch (answer.Status.State)
            {
                case CertificateState.Good:
                    writer.WriteNull(new Asn1Tag(TagClass.ContextSpecific, 0));
                    break;
                case CertificateState.Revoked:
                    using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 1, true)))
                    {
                        Asn.WriteGeneralizedTime(writer, answer.Status.RevokedAt ?? answer.ThisUpdate);
                        if (answer.Status.Reason != RevocationReason.Unspecified)
                        {
                            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, true)))
                            {
                                writer.WriteEnumeratedValue(answer.Status.Reason);
                            }
                        }
                    }
                    break;
                default:
                    writer.WriteNull(new Asn1Tag(TagClass.ContextSpecific, 2));
                    break;
            }
            Asn.WriteGeneralizedTime(writer, answer.ThisUpdate);
            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, true)))
            {
                Asn.WriteGeneralizedTime(writer, answer.NextUpdate);
            }
        }
    }
}
