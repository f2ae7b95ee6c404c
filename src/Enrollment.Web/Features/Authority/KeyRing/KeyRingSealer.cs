using System.Collections.Concurrent;
using System.Security.Cryptography;
using Enrollment.Ca.Hsm;

namespace Enrollment.Web.Features.Authority.KeyRing;

/// <summary>
/// Seals the Data Protection key ring's master keys before they are written to <c>keys/</c>, so a
/// copy of the data directory holds no key that opens cookies, TOTP secrets or the CA keys sealed
/// with them (docs/certificate-authority.md, "The key ring").
/// </summary>
public abstract class KeyRingSealer
{
    /// <summary>Recorded beside each sealed key, so a ring sealed one way fails clearly when opened another.</summary>
    public abstract string Scheme { get; }

    public abstract byte[] Seal(byte[] plaintext);

    public abstract byte[] Open(byte[] sealedData);
}

/// <summary>With an HSM: AES-256-GCM under a key generated in the token, not extractable.</summary>
public sealed class TokenKeyRingSealer(TokenAesKey key) : KeyRingSealer
{
    public const string KeyLabel = "enrollment-key-ring";

    public override string Scheme => "pkcs11-aes-gcm";

    public override byte[] Seal(byte[] plaintext) => key.Seal(plaintext);

    public override byte[] Open(byte[] sealedData) => key.Open(sealedData);
}

/// <summary>
/// With a passphrase (Enrollment:Ca:KeyPassphrase): AES-256-GCM under a key derived by
/// PBKDF2-HMAC-SHA256 (600,000 rounds, a salt per sealed key), the same strength as the CA key files.
/// </summary>
public sealed class PassphraseKeyRingSealer(string passphrase) : KeyRingSealer
{
    private const int Iterations = 600_000;
    private const int SaltSize = 16;
    private const int NonceSize = 12;
    private const int TagSize = 16;

    /// <summary>Derived keys by salt: the ring is read at start and again each day, and a derivation costs a fraction of a second.</summary>
    private readonly ConcurrentDictionary<string, byte[]> derived = new();

    public override string Scheme => "passphrase-aes-gcm";

    public override byte[] Seal(byte[] plaintext)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltSize);
        var nonce = RandomNumberGenerator.GetBytes(NonceSize);
        var ciphertext = new byte[plaintext.Length];
        var tag = new byte[TagSize];
        using (var aes = new AesGcm(KeyFor(salt), TagSize))
        {
            aes.Encrypt(nonce, plaintext, ciphertext, tag);
        }
        return [.. salt, .. nonce, .. tag, .. ciphertext];
    }

    public override byte[] Open(byte[] sealedData)
    {
        if (sealedData.Length < SaltSize + NonceSize + TagSize)
        {
            throw new CryptographicException("The sealed key is too short.");
        }
        var salt = sealedData[..SaltSize];
        var nonce = sealedData[SaltSize..(SaltSize + NonceSize)];
        var tag = sealedData[(SaltSize + NonceSize)..(SaltSize + NonceSize + TagSize)];
        var ciphertext = sealedData[(SaltSize + NonceSize + TagSize)..];
        var plaintext = new byte[ciphertext.Length];
        using var aes = new AesGcm(KeyFor(salt), TagSize);
        aes.Decrypt(nonce, ciphertext, tag, plaintext);
        return plaintext;
    }

    private byte[] KeyFor(byte[] salt) => derived.GetOrAdd(Convert.ToHexString(salt),
        _ => Rfc2898DeriveBytes.Pbkdf2(passphrase, salt, Iterations, HashAlgorithmName.SHA256, 32));
}
