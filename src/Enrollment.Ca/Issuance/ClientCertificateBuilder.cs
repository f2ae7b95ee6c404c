using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Enrollment.Ca.Authority;
using Enrollment.Ca.Linting;

namespace Enrollment.Ca.Issuance;

/// <summary>Everything fixed before signing: recorded as the issuance intent, then signed as is.</summary>
public sealed record IssuanceTemplate(
    byte[] Serial, CertificateSubject Subject, PublicKey PublicKey, DateTimeOffset NotBefore, DateTimeOffset NotAfter, string Profile);

/// <summary>
/// Turns a template into a signed client certificate. Only what the profile allows goes in;
/// the TBSCertificate passes <see cref="ClientCertificateLinter"/> before the CA key signs it.
/// </summary>
public sealed class ClientCertificateBuilder(CertificateAuthority authority, PublicationUrls urls)
{
    public X509Certificate2 Sign(IssuanceTemplate template)
    {
        var generator = new LintingSignatureGenerator(
            X509SignatureGenerator.CreateForECDsa(authority.IssuingKey), "client certificate",
            tbs => ClientCertificateLinter.Lint(tbs, authority.Issuing, urls));
        return Prepare(template).Create(authority.Issuing.SubjectName, generator, template.NotBefore, template.NotAfter, template.Serial);
    }

    /// <summary>The request with exactly the profile's extensions, before the linter and the signature.</summary>
    public CertificateRequest Prepare(IssuanceTemplate template)
    {
        var request = new CertificateRequest(template.Subject.DistinguishedName(), template.PublicKey, authority.IssuingHash);
        var extensions = request.CertificateExtensions;
        extensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        extensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        extensions.Add(new X509EnhancedKeyUsageExtension([new Oid(Oids.ClientAuth)], false));
        extensions.Add(new X509SubjectKeyIdentifierExtension(template.PublicKey, false));
        extensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority.Issuing, true, false));
        extensions.Add(template.Subject.AlternativeNames());
        extensions.Add(CertificateRevocationListBuilder.BuildCrlDistributionPointExtension([urls.Crl.AbsoluteUri]));
        extensions.Add(new X509AuthorityInformationAccessExtension([urls.Ocsp.AbsoluteUri], [urls.IssuingCertificate.AbsoluteUri]));
        return request;
    }
}
