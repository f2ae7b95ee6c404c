using System.Security.Cryptography;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Enrollment.Ca.Hsm;

/// <summary>
/// An ECDSA key whose private half stays in a PKCS#11 token. It is an <see cref="ECDsa"/>, so the
/// certificate builder, the CRL encoder and the OCSP responder sign through it unchanged (their
/// lint-before-sign step included); only the public parameters can be exported.
/// </summary>
public sealed class Pkcs11ECDsa : ECDsa
{
    private readonly Pkcs11Token token;
    private readonly IObjectHandle privateKey;
    private readonly ECParameters publicParameters;

    internal Pkcs11ECDsa(Pkcs11Token token, IObjectHandle privateKey, ECParameters publicParameters, string label)
    {
        this.token = token;
        this.privateKey = privateKey;
        this.publicParameters = publicParameters;
        Label = label;
        KeySizeValue = publicParameters.Q.X!.Length * 8;
        LegalKeySizesValue = [new KeySizes(KeySizeValue, KeySizeValue, 0)];
    }

    /// <summary>The key's label in the token.</summary>
    public string Label { get; }

    /// <summary>The token's label, for the CA health page.</summary>
    public string TokenLabel => token.Label;

    /// <summary>IEEE P1363 (r || s), the BCL's default format, which is what CKM_ECDSA returns.</summary>
    public override byte[] SignHash(byte[] hash) => token.Sign(privateKey, hash);

    public override bool VerifyHash(byte[] hash, byte[] signature)
    {
        using var publicKey = Create(publicParameters);
        return publicKey.VerifyHash(hash, signature);
    }

    public override ECParameters ExportParameters(bool includePrivateParameters) => includePrivateParameters
        ? throw new CryptographicException($"The key '{Label}' is in the token '{token.Label}' and cannot be exported.")
        : publicParameters;

    public override ECParameters ExportExplicitParameters(bool includePrivateParameters) =>
        throw new CryptographicException("Only named curves are used with keys in a token.");

    public override void ImportParameters(ECParameters parameters) =>
        throw new CryptographicException($"The key '{Label}' lives in the token; nothing can be imported into it.");

    public override void GenerateKey(ECCurve curve) =>
        throw new CryptographicException("Generate keys with Pkcs11Token.GenerateKey, in the token.");

    /// <summary>For the tests' proof of non-extractability: asks the token for the private value, which it must refuse.</summary>
    public byte[] ReadPrivateValueFromToken() => token.ReadSecretValue(privateKey);
}
