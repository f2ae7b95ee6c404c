using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;
using Enrollment.Ca.Authority;
using Enrollment.Ca.Policy;
using Enrollment.Ca.Serials;

namespace Enrollment.Ca.Linting;

/// <summary>
/// Checks a client certificate's TBSCertificate against the privileged-access profile in docs/design.md ("The CA"):
/// exactly the required extensions with the right criticality, EKU clientAuth only, validity inside
/// the issuer's, our serial layout, an allowed key, and our CDP and AIA URLs.
/// </summary>
public static class ClientCertificateLinter
{
    private static readonly string[] RequiredExtensions =
    [
        Oids.BasicConstraints, Oids.KeyUsage, Oids.ExtendedKeyUsage, Oids.SubjectKeyIdentifier,
        Oids.AuthorityKeyIdentifier, Oids.SubjectAltName, Oids.CrlDistributionPoints, Oids.AuthorityInfoAccess,
    ];

    public static IReadOnlyList<string> Lint(byte[] tbsDer, X509Certificate2 issuer, PublicationUrls urls)
    {
        var findings = new List<string>();
        TbsCertificate tbs;
        try
        {
            tbs = TbsCertificate.Parse(tbsDer);
        }
        catch (AsnContentException e)
        {
            return [$"not a DER TBSCertificate: {e.Message}"];
        }
        Check(findings, tbs.Version == 2, "version is not v3");
        Check(findings, tbs.Serial.Length == SerialNumber.ByteCount && tbs.Serial[0] is >= 0x01 and <= 0x7F,
            "serial is not one prefix byte 0x01-0x7F plus 16 random bytes");
        Check(findings, tbs.SignatureAlgorithm is Oids.EcdsaWithSha256 or Oids.EcdsaWithSha384, "signature algorithm is not ECDSA with SHA-256/384");
        Check(findings, tbs.Issuer.AsSpan().SequenceEqual(issuer.SubjectName.RawData), "issuer name differs from the issuing CA's subject");
        Check(findings, tbs.NotBefore < tbs.NotAfter, "notBefore is not before notAfter");
        Check(findings, tbs.NotBefore >= issuer.NotBefore.ToUniversalTime() && tbs.NotAfter <= issuer.NotAfter.ToUniversalTime(),
            "validity is not inside the issuing CA's validity");
        var subjectOids = tbs.SubjectName.EnumerateRelativeDistinguishedNames().Select(r => r.GetSingleElementType().Value).ToList();
        Check(findings, subjectOids.Contains(Oids.CommonName) && subjectOids.Contains(Oids.SubjectSerialNumber),
            "subject lacks CN or serialNumber (employee id)");
        // The key itself was validated on intake; here the profile only needs an allowed type and size.
        Check(findings, KeyPolicy.IsAllowedType(KeyPolicy.Describe(PublicKey.CreateFromSubjectPublicKeyInfo(tbs.SubjectPublicKeyInfo, out _))),
            "subject public key is not an allowed key type and size");
        LintExtensions(findings, tbs, issuer, urls);
        return findings;
    }

    private static void LintExtensions(List<string> findings, TbsCertificate tbs, X509Certificate2 issuer, PublicationUrls urls)
    {
        var byOid = tbs.Extensions.GroupBy(e => e.Oid).ToDictionary(g => g.Key, g => g.ToList());
        foreach (var duplicate in byOid.Where(g => g.Value.Count > 1))
        {
            findings.Add($"extension {duplicate.Key} appears more than once");
        }
        foreach (var missing in RequiredExtensions.Where(oid => !byOid.ContainsKey(oid)))
        {
            findings.Add($"required extension {missing} is missing");
        }
        foreach (var extra in byOid.Keys.Where(oid => !RequiredExtensions.Contains(oid)))
        {
            findings.Add($"extension {extra} is not part of the profile");
        }
        if (findings.Count > 0)
        {
            return;
        }
        var ext = byOid.ToDictionary(p => p.Key, p => p.Value[0]);
        var basic = new X509BasicConstraintsExtension(new System.Security.Cryptography.AsnEncodedData(Oids.BasicConstraints, ext[Oids.BasicConstraints].Value), true);
        Check(findings, ext[Oids.BasicConstraints].Critical && !basic.CertificateAuthority, "basicConstraints must be critical with cA false");
        var usage = new X509KeyUsageExtension(new System.Security.Cryptography.AsnEncodedData(Oids.KeyUsage, ext[Oids.KeyUsage].Value), true);
        Check(findings, ext[Oids.KeyUsage].Critical && usage.KeyUsages == X509KeyUsageFlags.DigitalSignature,
            "keyUsage must be critical and digitalSignature only");
        var eku = new X509EnhancedKeyUsageExtension(new System.Security.Cryptography.AsnEncodedData(Oids.ExtendedKeyUsage, ext[Oids.ExtendedKeyUsage].Value), false);
        Check(findings, !ext[Oids.ExtendedKeyUsage].Critical && eku.EnhancedKeyUsages.Count == 1 && eku.EnhancedKeyUsages[0].Value == Oids.ClientAuth,
            "extendedKeyUsage must be clientAuth only and not critical");
        var aki = new X509AuthorityKeyIdentifierExtension(ext[Oids.AuthorityKeyIdentifier].Value, false);
        Check(findings, !ext[Oids.AuthorityKeyIdentifier].Critical && aki.KeyIdentifier is { } keyId
                        && Convert.ToHexString(keyId.Span) == KeyIdentifiers.SubjectKeyId(issuer),
            "authorityKeyIdentifier does not name the issuing CA's key");
        Check(findings, !ext[Oids.SubjectKeyIdentifier].Critical && ext[Oids.SubjectKeyIdentifier].Value.Length > 2, "subjectKeyIdentifier is empty or critical");
        var names = GeneralNames.Read(new AsnReader(ext[Oids.SubjectAltName].Value, AsnEncodingRules.DER).ReadSequence()).ToList();
        Check(findings, !ext[Oids.SubjectAltName].Critical && names.Any(n => n.Kind == "email") && names.Any(n => n.Kind == "upn")
                        && names.All(n => n.Kind is "email" or "upn"),
            "subjectAltName must hold the email and UPN only, not critical");
        Check(findings, GeneralNames.DistributionPointUris(ext[Oids.CrlDistributionPoints].Value).SequenceEqual([urls.Crl.AbsoluteUri]),
            "CRL distribution point is not our CRL URL");
        var aia = new X509AuthorityInformationAccessExtension(ext[Oids.AuthorityInfoAccess].Value, false);
        Check(findings, aia.EnumerateOcspUris().SequenceEqual([urls.Ocsp.AbsoluteUri])
                        && aia.EnumerateCAIssuersUris().SequenceEqual([urls.IssuingCertificate.AbsoluteUri]),
            "authorityInfoAccess must name our OCSP and caIssuers URLs");
    }

    private static void Check(List<string> findings, bool condition, string finding)
    {
        if (!condition)
        {
            findings.Add(finding);
        }
    }
}
