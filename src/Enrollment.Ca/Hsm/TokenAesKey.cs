using System.Security.Cryptography;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Enrollment.Ca.Hsm;

/// <summary>An AES-256 key that never leaves its token: data is sealed and opened by AES-GCM inside it.</summary>
public sealed class TokenAesKey
{
    private const int NonceSize = 12;
    private readonly Pkcs11Token token;
    private readonly IObjectHandle handle;

    internal TokenAesKey(Pkcs11Token token, IObjectHandle handle, string label)
    {
        this.token = token;
        this.handle = handle;
        Label = label;
    }

    public string Label { get; }

    /// <summary>The key's CKA_VALUE as the token gives it: a sensitive key refuses (the test of non-extractability).</summary>
    public byte[] ReadValueFromToken() => token.ReadSecretValue(handle);

    /// <summary>A fresh random nonce, then the ciphertext and its tag.</summary>
    public byte[] Seal(byte[] plaintext)
    {
        var nonce = RandomNumberGenerator.GetBytes(NonceSize);
        return [.. nonce, .. token.AesGcm(handle, nonce, plaintext, encrypt: true)];
    }

    /// <summary>The plaintext; a changed byte or another key fails the tag check in the token.</summary>
    public byte[] Open(byte[] sealedData) =>
        sealedData.Length > NonceSize
            ? token.AesGcm(handle, sealedData[..NonceSize], sealedData[NonceSize..], encrypt: false)
            : throw new CryptographicException("The sealed data is too short.");
}
