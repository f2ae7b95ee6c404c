using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Enrollment.Ca.Authority;

/// <summary>The delegated OCSP signer: certificate and key, always read and replaced together.</summary>
public sealed record OcspSigning(X509Certificate2 Certificate, ECDsa Key)
{
    /// <summary>ResponderID byKey: SHA-1 of the signer's subjectPublicKey bits (RFC 6960 4.2.2.3).</summary>
    public byte[] KeyHash { get; } = SHA1.HashData(Certificate.PublicKey.EncodedKeyValue.RawData);
}

/// <summary>
/// The loaded CA: the root (certificate only), the online issuing CA and the delegated OCSP signer
/// with their keys. The root's key stays sealed on disk and is opened only to sign a new issuing CA
/// or the root's CRL.
/// </summary>
public sealed class CertificateAuthority(
    X509Certificate2 root,
    X509Certificate2 issuing,
    ECDsa issuingKey,
    X509Certificate2 ocspSigner,
    ECDsa ocspSignerKey) : IDisposable
{
    private volatile OcspSigning ocsp = new(ocspSigner, ocspSignerKey);

    public X509Certificate2 Root { get; } = root;
    public X509Certificate2 Issuing { get; } = issuing;
    public ECDsa IssuingKey { get; } = issuingKey;

    /// <summary>The current OCSP signer; a response reads it once, so certificate and key always match.</summary>
    public OcspSigning Ocsp => ocsp;

    public X509Certificate2 OcspSigner => ocsp.Certificate;
    public ECDsa OcspSignerKey => ocsp.Key;

    /// <summary>The issuing CA's subject key identifier in hex: the key of its certificates in the database.</summary>
    public string IssuerKeyId { get; } = KeyIdentifiers.SubjectKeyId(issuing);

    /// <summary>The hash the issuing CA signs with: SHA-384 for a P-384 key (CA/B and NSA suite B pairing).</summary>
    public HashAlgorithmName IssuingHash => SigningHash(IssuingKey);

    public static HashAlgorithmName SigningHash(ECDsa key) =>
        key.KeySize > 256 ? HashAlgorithmName.SHA384 : HashAlgorithmName.SHA256;

    /// <summary>
    /// Puts a renewed OCSP signer in place while the portal runs. The old one is not disposed: a
    /// response being signed right now may still hold it, and the collector frees it after.
    /// </summary>
    public void ReplaceOcspSigner(X509Certificate2 signer, ECDsa key) => ocsp = new OcspSigning(signer, key);

    public void Dispose()
    {
        IssuingKey.Dispose();
        OcspSignerKey.Dispose();
        Root.Dispose();
        Issuing.Dispose();
        OcspSigner.Dispose();
    }
}
