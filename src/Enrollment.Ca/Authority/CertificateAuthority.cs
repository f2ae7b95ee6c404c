using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Enrollment.Ca.Authority;

/// <summary>
/// The loaded CA: the root (certificate only), the online issuing CA and the delegated OCSP signer
/// with their keys. The root's key stays sealed on disk and is opened only to sign a new issuing CA.
/// </summary>
public sealed class CertificateAuthority(
    X509Certificate2 root,
    X509Certificate2 issuing,
    ECDsa issuingKey,
    X509Certificate2 ocspSigner,
    ECDsa ocspSignerKey) : IDisposable
{
    public X509Certificate2 Root { get; } = root;
    public X509Certificate2 Issuing { get; } = issuing;
    public ECDsa IssuingKey { get; } = issuingKey;
    public X509Certificate2 OcspSigner { get; } = ocspSigner;
    public ECDsa OcspSignerKey { get; } = ocspSignerKey;

    /// <summary>The issuing CA's subject key identifier in hex: the key of its certificates in the database.</summary>
    public string IssuerKeyId { get; } = KeyIdentifiers.SubjectKeyId(issuing);

    /// <summary>The hash the issuing CA signs with: SHA-384 for a P-384 key (CA/B and NSA suite B pairing).</summary>
    public HashAlgorithmName IssuingHash => SigningHash(IssuingKey);

    public static HashAlgorithmName SigningHash(ECDsa key) =>
        key.KeySize > 256 ? HashAlgorithmName.SHA384 : HashAlgorithmName.SHA256;

    /// <summary>The same CA with a new OCSP signer; the old signer is disposed.</summary>
    public CertificateAuthority ReplaceOcspSigner(X509Certificate2 signer, ECDsa key)
    {
        var replaced = new CertificateAuthority(Root, Issuing, IssuingKey, signer, key);
        OcspSigner.Dispose();
        OcspSignerKey.Dispose();
        return replaced;
    }

    public void Dispose()
    {
        IssuingKey.Dispose();
        OcspSignerKey.Dispose();
        Root.Dispose();
        Issuing.Dispose();
        OcspSigner.Dispose();
    }
}
