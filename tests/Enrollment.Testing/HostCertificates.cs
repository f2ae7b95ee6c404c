using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Enrollment.Ca.Serials;

namespace Enrollment.Testing;

/// <summary>
/// Certificates a web server would use, made with a given CA key: what a thief of the issuing key
/// would try, and an unconstrained CA to show that the same certificate is otherwise accepted.
/// </summary>
public static class HostCertificates
{
    /// <summary>A TLS server certificate (EKU serverAuth) for the names <paramref name="name"/> adds, with its key.</summary>
    public static X509Certificate2 Server(X509Certificate2 issuer, ECDsa issuerKey, Action<SubjectAlternativeNameBuilder> name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=www.example.com", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        name(san);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.Create(issuer.SubjectName, X509SignatureGenerator.CreateForECDsa(issuerKey),
            now.AddMinutes(-1), now.AddDays(30), SerialNumber.Create());
        return certificate.CopyWithPrivateKey(key);
    }

    /// <summary>A CA certificate without EKU or name constraints: self-signed when <paramref name="issuer"/> is null.</summary>
    public static X509Certificate2 UnconstrainedCa(string name, ECDsa key, X509Certificate2? issuer, ECDsa issuerKey)
    {
        var request = new CertificateRequest("CN=" + name, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        return request.Create(issuer?.SubjectName ?? request.SubjectName, X509SignatureGenerator.CreateForECDsa(issuerKey),
            now.AddMinutes(-5), now.AddDays(60), SerialNumber.Create());
    }
}
