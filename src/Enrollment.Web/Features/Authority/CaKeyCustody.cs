using Enrollment.Ca.Authority;
using Enrollment.Ca.Hsm;

namespace Enrollment.Web.Features.Authority;

/// <summary>Where the CA's private keys are kept, as the CA health page shows it.</summary>
public enum KeyStorage
{
    /// <summary>In a PKCS#11 token (Enrollment:Ca:Hsm).</summary>
    Token,

    /// <summary>Encrypted PKCS#8 files, with the operator's passphrase (Enrollment:Ca:KeyPassphrase).</summary>
    Passphrase,

    /// <summary>Files sealed by ASP.NET Data Protection, whose key ring is in the data directory.</summary>
    DataProtection,
}

/// <summary>
/// The keys' storage and, for a token, its state now; whether the root key is in the data directory,
/// and whether that is to be warned about (outside the Development environment).
/// </summary>
public sealed record KeyCustodyReport(KeyStorage Storage, TokenState? Token, bool RootKeyOnline = false, bool WarnRootKeyOnline = false);

/// <summary>Tells where the CA keys live and, with a token, whether it answers and still holds the keys in use.</summary>
public sealed class CaKeyCustody(ICaKeyProtector protector, CertificateAuthority authority, CaStore store, IHostEnvironment environment)
{
    public KeyCustodyReport Describe()
    {
        var report = protector switch
        {
            TokenKeyProtector token => new KeyCustodyReport(KeyStorage.Token, token.Token.Probe(
                new[] { authority.IssuingKey, authority.OcspSignerKey }.OfType<Pkcs11ECDsa>().Select(k => k.Label).ToList())),
            PassphraseKeyProtector => new KeyCustodyReport(KeyStorage.Passphrase, null),
            _ => new KeyCustodyReport(KeyStorage.DataProtection, null),
        };
        return report with { RootKeyOnline = store.HoldsRootKey, WarnRootKeyOnline = store.HoldsRootKey && !environment.IsDevelopment() };
    }
}
