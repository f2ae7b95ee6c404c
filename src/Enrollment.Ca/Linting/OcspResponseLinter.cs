using System.Formats.Asn1;
using Enrollment.Ca.Authority;
using Enrollment.Ca.Ocsp;

namespace Enrollment.Ca.Linting;

/// <summary>
/// Checks ResponseData before it is signed: v1, responderID byKey naming our signer, at least one
/// SingleResponse, each with a SHA-1 or SHA-256 CertID, thisUpdate before nextUpdate, and no
/// certificateHold; and that the signer carries id-kp-OCSPSigning (RFC 6960 4.2.2.2).
/// </summary>
public static class OcspResponseLinter
{
    private static readonly Asn1Tag ByKey = new(TagClass.ContextSpecific, 2, true);
    private static readonly Asn1Tag Revoked = new(TagClass.ContextSpecific, 1, true);
    private static readonly Asn1Tag Explicit0 = new(TagClass.ContextSpecific, 0, true);

    public static IReadOnlyList<string> LintTbs(byte[] tbsDer, OcspSigning signing)
    {
        var findings = new List<string>();
        var eku = signing.Certificate.Extensions.OfType<System.Security.Cryptography.X509Certificates.X509EnhancedKeyUsageExtension>()
            .SelectMany(e => e.EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>()).Select(o => o.Value);
        if (!eku.Contains(Oids.OcspSigning))
        {
            findings.Add("the signer lacks id-kp-OCSPSigning");
        }
        try
        {
            var data = new AsnReader(tbsDer, AsnEncodingRules.DER).ReadSequence();
            if (!data.PeekTag().HasSameClassAndValue(ByKey)
                || !data.ReadSequence(ByKey).ReadOctetString().AsSpan().SequenceEqual(signing.KeyHash))
            {
                findings.Add("responderID is not byKey of our signer");
            }
            data.ReadGeneralizedTime();
            var responses = data.ReadSequence();
            if (!responses.HasData)
            {
                findings.Add("no SingleResponse");
            }
            while (responses.HasData)
            {
                LintSingle(responses.ReadSequence(), findings);
            }
        }
        catch (AsnContentException e)
        {
            findings.Add($"not a DER ResponseData: {e.Message}");
        }
        return findings;
    }

    private static void LintSingle(AsnReader single, List<string> findings)
    {
        var algorithm = single.ReadSequence().ReadSequence().ReadObjectIdentifier();
        if (algorithm is not (Oids.Sha1 or Oids.Sha256))
        {
            findings.Add($"CertID hash {algorithm} is neither SHA-1 nor SHA-256");
        }
        var status = single.PeekTag();
        if (status.HasSameClassAndValue(Revoked))
        {
            var info = single.ReadSequence(Revoked);
            info.ReadGeneralizedTime();
            if (info.HasData && (int)info.ReadSequence(Explicit0).ReadEnumeratedValue<Revocation.RevocationReason>() == 6)
            {
                findings.Add("certificateHold is never used");
            }
        }
        else
        {
            single.ReadEncodedValue();
        }
        var thisUpdate = single.ReadGeneralizedTime();
        if (!single.HasData || single.ReadSequence(Explicit0).ReadGeneralizedTime() <= thisUpdate)
        {
            findings.Add("nextUpdate is missing or not after thisUpdate");
        }
    }
}
