using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography.Pkcs;
using Enrollment.Ca.Authority;

namespace Enrollment.Ca.Packaging;

/// <summary>How the PKCS#12 file is protected.</summary>
public enum Pkcs12Protection
{
    /// <summary>PBES2 with AES-256-CBC and PBKDF2-HMAC-SHA256, MAC with SHA-256: every current importer reads it.</summary>
    Aes256Sha256,

    /// <summary>
    /// pbeWithSHAAnd3-KeyTripleDES-CBC with a SHA-1 MAC: only for old importers (Windows Server 2016
    /// and earlier, old Java keytool, some MDM tools). Weak; offered only when asked for by name.
    /// </summary>
    LegacyTripleDesSha1,
}

/// <summary>The key types the server generates for users who pick up a server-made PKCS#12.</summary>
public enum ServerKeyType
{
    EcdsaP256,
    EcdsaP384,
    Rsa2048,
    Rsa3072,
}

/// <summary>
/// Server-side key generation for the "server PKCS#12" pickup: makes a key pair, hands its public
/// key to issuance, and packs key, certificate and chain into a password-protected PKCS#12. The
/// private key exists only in memory for the duration of the call.
/// </summary>
public static class ServerKeyPackager
{
    public static AsymmetricAlgorithm CreateKey(ServerKeyType type) => type switch
    {
        ServerKeyType.EcdsaP256 => ECDsa.Create(ECCurve.NamedCurves.nistP256),
        ServerKeyType.EcdsaP384 => ECDsa.Create(ECCurve.NamedCurves.nistP384),
        ServerKeyType.Rsa2048 => RSA.Create(2048),
        ServerKeyType.Rsa3072 => RSA.Create(3072),
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public static PublicKey PublicKeyOf(AsymmetricAlgorithm key) => key switch
    {
        ECDsa ec => new PublicKey(ec),
        RSA rsa => new PublicKey(rsa),
        _ => throw new ArgumentException("Unsupported key type.", nameof(key)),
    };

    public static byte[] Package(X509Certificate2 certificate, AsymmetricAlgorithm key, CertificateAuthority authority,
        string password, Pkcs12Protection protection)
    {
        var (pbe, macHash) = protection == Pkcs12Protection.LegacyTripleDesSha1
            ? (new PbeParameters(PbeEncryptionAlgorithm.TripleDes3KeyPkcs12, HashAlgorithmName.SHA1, 2048), HashAlgorithmName.SHA1)
            : (new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 100_000), HashAlgorithmName.SHA256);
        // The same localKeyId on the key and its certificate is how importers pair them (PKCS#9 21).
        var keyId = new Pkcs9LocalKeyId(SHA256.HashData(certificate.RawData));

        var certificates = new Pkcs12SafeContents();
        certificates.AddCertificate(certificate).Attributes.Add(keyId);
        // The issuing CA completes the chain the browser presents; the root stays out, so importing
        // the file never offers to trust a root (docs/certificate-authority.md, "Client certificates").
        certificates.AddCertificate(authority.Issuing);
        var keys = new Pkcs12SafeContents();
        keys.AddShroudedKey(key, password, pbe).Attributes.Add(keyId);

        var builder = new Pkcs12Builder();
        builder.AddSafeContentsEncrypted(certificates, password, pbe);
        builder.AddSafeContentsUnencrypted(keys);
        builder.SealWithMac(password, macHash, pbe.IterationCount);
        return builder.Encode();
    }
}
