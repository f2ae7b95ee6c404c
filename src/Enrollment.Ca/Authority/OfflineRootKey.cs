using System.Security.Cryptography;

namespace Enrollment.Ca.Authority;

/// <summary>
/// The root key kept offline: an encrypted PKCS#8 file (PBES2, as <see cref="PassphraseKeyProtector"/>
/// writes, readable by <c>openssl pkey</c>) that the operator stores away from the portal and brings
/// back only to sign the root's next CRL or a new issuing CA.
/// </summary>
public static class OfflineRootKey
{
    /// <summary>Shorter passphrases are refused: the file is the root of every certificate.</summary>
    public const int MinimumPassphraseLength = 12;

    /// <summary>Writes the key, then reads it back with the passphrase, so nothing is removed for a file that does not open.</summary>
    public static void Write(string path, ECDsa key, string passphrase)
    {
        CheckPassphrase(passphrase);
        var protector = new PassphraseKeyProtector(passphrase);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using (var stream = new FileStream(path, options))
        {
            stream.Write(protector.Seal(key));
            stream.Flush(flushToDisk: true);
        }
        using var readBack = Read(path, passphrase);
        if (!readBack.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(key.ExportSubjectPublicKeyInfo()))
        {
            throw new CryptographicException($"The root key written to {path} does not read back as the same key.");
        }
    }

    public static ECDsa Read(string path, string passphrase)
    {
        try
        {
            return new PassphraseKeyProtector(passphrase).Open(File.ReadAllBytes(path));
        }
        catch (CryptographicException e)
        {
            throw new CryptographicException($"The root key file {path} does not open with the given passphrase, or is not a root key file.", e);
        }
        catch (ArgumentException e)
        {
            throw new CryptographicException($"The root key file {path} is not an encrypted PKCS#8 key.", e);
        }
    }

    public static void CheckPassphrase(string? passphrase)
    {
        if (passphrase is null || passphrase.Length < MinimumPassphraseLength)
        {
            throw new CryptographicException($"The root key passphrase must have at least {MinimumPassphraseLength} characters.");
        }
    }
}
