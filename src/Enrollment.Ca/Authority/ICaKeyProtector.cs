using System.Security.Cryptography;

namespace Enrollment.Ca.Authority;

/// <summary>
/// Seals CA private keys for storage and opens them again. No implementation may write a key in
/// clear: the passphrase protector writes encrypted PKCS#8, the host's default uses Data Protection.
/// </summary>
public interface ICaKeyProtector
{
    /// <summary>A short name recorded beside each sealed key, so a mismatched protector fails clearly.</summary>
    string Scheme { get; }

    byte[] Seal(ECDsa key);

    ECDsa Open(byte[] sealedKey);

    /// <summary>A new key for a CA purpose ("root", "issuing", "ocsp-signer"): in memory here, in the token for an HSM.</summary>
    ECDsa CreateKey(string purpose, ECCurve curve) => ECDsa.Create(curve);
}

/// <summary>
/// Encrypted PKCS#8 (PBES2: PBKDF2-HMAC-SHA256 and AES-256-CBC), readable by
/// <c>openssl pkey -in key.pem -passin env:VAR</c>.
/// </summary>
public sealed class PassphraseKeyProtector(string passphrase) : ICaKeyProtector
{
    /// <summary>OWASP's 2023 figure for PBKDF2-HMAC-SHA256.</summary>
    private const int Iterations = 600_000;

    private static readonly PbeParameters Pbe = new(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, Iterations);

    public string Scheme => "pkcs8-pbes2";

    public byte[] Seal(ECDsa key) =>
        System.Text.Encoding.ASCII.GetBytes(key.ExportEncryptedPkcs8PrivateKeyPem(passphrase, Pbe));

    public ECDsa Open(byte[] sealedKey)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromEncryptedPem(System.Text.Encoding.ASCII.GetString(sealedKey), passphrase);
            return key;
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }
}
