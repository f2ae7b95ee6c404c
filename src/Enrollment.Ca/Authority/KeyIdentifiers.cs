using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Enrollment.Ca.Authority;

/// <summary>Key identifiers and key hashes, computed one way everywhere.</summary>
public static class KeyIdentifiers
{
    /// <summary>The certificate's SKI extension in upper-case hex; every CA certificate we make has one.</summary>
    public static string SubjectKeyId(X509Certificate2 certificate) =>
        certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().FirstOrDefault()?.SubjectKeyIdentifier
        ?? throw new CryptographicException($"The certificate {certificate.Subject} has no subject key identifier.");

    /// <summary>SHA-256 over the DER SubjectPublicKeyInfo: the public-key hash recorded at issuance.</summary>
    public static string PublicKeySha256(PublicKey key) =>
        Convert.ToHexString(SHA256.HashData(key.ExportSubjectPublicKeyInfo()));
}
