using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Enrollment.Ca.Serials;

namespace Enrollment.Ca.Authority;

/// <summary>Creates the two-tier hierarchy and the delegated OCSP signer (docs/design.md, "The CA").</summary>
public sealed class CaGenerator(CaGenerationOptions options, PublicationUrls urls, TimeProvider time)
{
    /// <summary>
    /// A root, its key, and an issuing CA with a signer: everything a first start needs. The issuing
    /// and signer keys are made here, or given (generated in an HSM).
    /// </summary>
    public (CertificateAuthority Authority, ECDsa RootKey) CreateHierarchy(ECDsa? issuingKey = null, ECDsa? ocspSignerKey = null, ECDsa? rootKey = null)
    {
        var now = time.GetUtcNow();
        rootKey ??= ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var rootRequest = new CertificateRequest(Name(options.RootName), rootKey, HashAlgorithmName.SHA384);
        AddCaExtensions(rootRequest, pathLength: 1);
        var root = rootRequest.Create(rootRequest.SubjectName, X509SignatureGenerator.CreateForECDsa(rootKey),
            now.AddMinutes(-5), now + options.RootLifetime, SerialNumber.Create());

        var (issuing, key) = CreateIssuing(root, rootKey, issuingKey);
        var (signer, signerKey) = CreateOcspSigner(issuing, key, ocspSignerKey);
        return (new CertificateAuthority(root, issuing, key, signer, signerKey), rootKey);
    }

    /// <summary>The issuing CA's curve: P-384 or P-256 (Enrollment:Ca:IssuingKeyBits).</summary>
    public ECCurve IssuingCurve => options.IssuingKeyBits == 384 ? ECCurve.NamedCurves.nistP384 : ECCurve.NamedCurves.nistP256;

    /// <summary>An issuing CA signed by the root, valid no longer than the root, for a new key or a given one (in an HSM).</summary>
    public (X509Certificate2 Certificate, ECDsa Key) CreateIssuing(X509Certificate2 root, ECDsa rootKey, ECDsa? existingKey = null)
    {
        var now = time.GetUtcNow();
        var key = existingKey ?? ECDsa.Create(IssuingCurve);
        var request = new CertificateRequest(Name(options.IssuingName), key, HashAlgorithmName.SHA384);
        AddCaExtensions(request, pathLength: 0);
        // What a stolen issuing key could sign is limited to what this portal issues: client
        // certificates and its OCSP signer, never a certificate for a web site.
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(Oids.ClientAuth), new Oid(Oids.OcspSigning)], false));
        request.CertificateExtensions.Add(IssuingNameConstraints.NoHostNames());
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(root, true, false));
        request.CertificateExtensions.Add(new X509AuthorityInformationAccessExtension(null, [urls.RootCertificate.AbsoluteUri]));
        var notAfter = Min(now + options.IssuingLifetime, root.NotAfter);
        // Through a signature generator: the root key may be in a token.
        var certificate = request.Create(root.SubjectName, X509SignatureGenerator.CreateForECDsa(rootKey), NotBefore(now, root), notAfter, SerialNumber.Create());
        return (certificate, key);
    }

    /// <summary>
    /// A delegated OCSP signer: RFC 6960 4.2.2.2 requires id-kp-OCSPSigning in a certificate issued
    /// directly by the CA; id-pkix-ocsp-nocheck (4.2.2.2.1) tells clients not to check its own status.
    /// </summary>
    public (X509Certificate2 Certificate, ECDsa Key) CreateOcspSigner(X509Certificate2 issuing, ECDsa issuingKey, ECDsa? existingKey = null)
    {
        var now = time.GetUtcNow();
        var key = existingKey ?? ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(Name("Enrollment OCSP Signer"), key, CertificateAuthority.SigningHash(issuingKey));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(Oids.OcspSigning)], false));
        request.CertificateExtensions.Add(new X509Extension(Oids.OcspNoCheck, [0x05, 0x00], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuing, true, false));
        var notAfter = Min(now + options.OcspSignerLifetime, issuing.NotAfter);
        // Through a signature generator, not CopyWithPrivateKey: the issuing key may be in a token.
        var certificate = request.Create(issuing.SubjectName, X509SignatureGenerator.CreateForECDsa(issuingKey),
            NotBefore(now, issuing), notAfter, SerialNumber.Create());
        return (certificate, key);
    }

    private X500DistinguishedName Name(string commonName)
    {
        // The builder encodes in reverse order of the calls: this yields the conventional O=..., CN=... in DER.
        var builder = new X500DistinguishedNameBuilder();
        builder.AddCommonName(commonName);
        builder.AddOrganizationName(options.Organization);
        return builder.Build();
    }

    private static void AddCaExtensions(CertificateRequest request, int pathLength)
    {
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, pathLength, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
    }

    /// <summary>Five minutes back for clock skew, but never before the issuer's own notBefore.</summary>
    private static DateTimeOffset NotBefore(DateTimeOffset now, X509Certificate2 issuer)
    {
        var issuerStart = new DateTimeOffset(issuer.NotBefore.ToUniversalTime());
        return now.AddMinutes(-5) < issuerStart ? issuerStart : now.AddMinutes(-5);
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTime b) =>
        a < new DateTimeOffset(b.ToUniversalTime()) ? a : new DateTimeOffset(b.ToUniversalTime());
}
