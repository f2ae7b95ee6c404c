using System.Security.Cryptography;
using System.Text;
using Enrollment.Ca.Authority;

namespace Enrollment.Ca.Hsm;

/// <summary>
/// CA keys in a PKCS#11 token. A new CA key is generated in the token, and what the CA store keeps
/// for it is only a reference, an RFC 7512 PKCS#11 URI naming the token and the key's label; a copy
/// of the data directory holds no key material for it. Keys that must be in memory (the development
/// TLS certificate's, a key imported from PKCS#12) are sealed by the software protector as before.
/// </summary>
public sealed class TokenKeyProtector(Pkcs11Token token, ICaKeyProtector software, TimeProvider time) : ICaKeyProtector
{
    private const string UriPrefix = "pkcs11:";

    public string Scheme => "pkcs11+" + software.Scheme;

    public Pkcs11Token Token => token;

    public ECDsa CreateKey(string purpose, ECCurve curve) =>
        token.GenerateKey($"enrollment-{purpose}-{time.GetUtcNow():yyyyMMddTHHmmssZ}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(3))}", curve);

    public byte[] Seal(ECDsa key) => key is Pkcs11ECDsa inToken
        ? Encoding.UTF8.GetBytes($"{UriPrefix}token={Uri.EscapeDataString(inToken.TokenLabel)};object={Uri.EscapeDataString(inToken.Label)}\n")
        : software.Seal(key);

    public ECDsa Open(byte[] sealedKey)
    {
        var text = Encoding.UTF8.GetString(sealedKey).Trim();
        if (!text.StartsWith(UriPrefix, StringComparison.Ordinal))
        {
            return software.Open(sealedKey);
        }
        var parts = text[UriPrefix.Length..].Split(';').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => Uri.UnescapeDataString(p.ElementAtOrDefault(1) ?? ""));
        var tokenLabel = parts.GetValueOrDefault("token");
        var label = parts.GetValueOrDefault("object") ?? throw new HsmException($"'{text}' names no key.");
        if (tokenLabel != token.Label)
        {
            throw new HsmException($"The key '{label}' is in the token '{tokenLabel}', but Enrollment:Ca:Hsm:TokenLabel is '{token.Label}'.");
        }
        return token.FindKey(label) ?? throw new HsmException($"The token '{token.Label}' holds no key labelled '{label}'.");
    }
}
