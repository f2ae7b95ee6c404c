using System.Security.Cryptography;
using System.Xml.Linq;
using Enrollment.Ca.Hsm;
using Enrollment.Web.Shared;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Enrollment.Web.Features.Authority.KeyRing;

/// <summary>
/// How the Data Protection key ring in <c>keys/</c> is kept: sealed in the token with an HSM, sealed
/// with the CA key passphrase when one is set, or in clear (the development default, refused outside
/// Development by <see cref="Authority.KeyCustodyValidation"/>).
/// </summary>
public sealed class KeyRingProtection
{
    private static readonly XNamespace DataProtection = "http://schemas.asp.net/2015/03/dataProtection";
    private readonly string keysDirectory;
    private readonly bool keysInDatabase;
    private readonly Lazy<KeyRingSealer?> sealer;

    /// <remarks>
    /// Read from the configuration itself, not the validated options: Data Protection asks whether to
    /// seal while the host is built, before a bad setting is reported by the start's validation.
    /// The sealer is made at first use (the token is opened then, not while the host is built).
    /// </remarks>
    public KeyRingProtection(IConfiguration configuration, IServiceProvider services)
    {
        var ca = configuration.GetSection(CaOptions.SectionName).Get<CaOptions>() ?? new CaOptions();
        var enrollment = configuration.GetSection(EnrollmentOptions.SectionName).Get<EnrollmentOptions>() ?? new EnrollmentOptions();
        keysDirectory = enrollment.PathOf("keys");
        keysInDatabase = KeysInDatabase(enrollment);
        IsSealed = ca.Hsm.Enabled || ca.KeyPassphrase is { Length: > 0 };
        sealer = new Lazy<KeyRingSealer?>(() => ca.Hsm.Enabled
            ? new TokenKeyRingSealer(services.GetRequiredService<Pkcs11Token>().FindOrGenerateAesKey(TokenKeyRingSealer.KeyLabel))
            : ca.KeyPassphrase is { Length: > 0 } passphrase ? new PassphraseKeyRingSealer(passphrase) : null);
    }

    /// <summary>
    /// Where the ring is kept: <c>keys/</c> beside a SQLite database, in the database itself on a
    /// server, so every node reads and writes the same keys (a cookie from one node opens on another).
    /// </summary>
    public static bool KeysInDatabase(EnrollmentOptions options) => options.Database.Provider != Data.DatabaseProvider.Sqlite;

    /// <summary>Whether the ring is sealed (an HSM or a passphrase is configured), known without opening anything.</summary>
    public bool IsSealed { get; }

    /// <summary>Null when the ring is kept in clear.</summary>
    public KeyRingSealer? Sealer => sealer.Value;

    /// <summary>
    /// At start, before the ring is read: seals master keys written in clear (a ring from before
    /// protection was configured), and opens every sealed one, so a wrong passphrase or another token
    /// stops the start here instead of leaving Data Protection to skip the key and make a new one.
    /// The ring is in <c>keys/</c> on SQLite and in the database on a server (shared by every node).
    /// Returns how many keys it sealed.
    /// </summary>
    public async Task<int> SealAndCheckAsync(IServiceProvider services)
    {
        if (Sealer is null)
        {
            return 0;
        }
        if (keysInDatabase)
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<Data.EnrollmentDbContext>();
            var sealedRows = 0;
            foreach (var row in await db.DataProtectionKeys.ToListAsync())
            {
                var key = XElement.Parse(row.Xml!);
                if (SealAndCheck(key, $"{row.FriendlyName} in the database"))
                {
                    row.Xml = key.ToString(SaveOptions.DisableFormatting);
                    sealedRows++;
                }
            }
            await db.SaveChangesAsync();
            return sealedRows;
        }
        if (!Directory.Exists(keysDirectory))
        {
            return 0;
        }
        var sealedFiles = 0;
        foreach (var path in Directory.GetFiles(keysDirectory, "key-*.xml"))
        {
            var key = XElement.Load(path);
            if (SealAndCheck(key, $"{Path.GetFileName(path)} in {keysDirectory}"))
            {
                DataFiles.WriteWhole(path, System.Text.Encoding.UTF8.GetBytes(key.ToString()), ownerOnly: true);
                sealedFiles++;
            }
        }
        return sealedFiles;
    }

    /// <summary>Opens every sealed secret of one key and seals its clear ones; whether it changed.</summary>
    private bool SealAndCheck(XElement key, string name)
    {
        foreach (var sealedSecret in key.Descendants(SealedXmlEncryptor.Element).ToList())
        {
            try
            {
                SealedXmlDecryptor.Open(sealedSecret, Sealer);
            }
            catch (CryptographicException e)
            {
                throw new CryptographicException(
                    $"The Data Protection key {name} cannot be opened ({e.Message}); " +
                    "check that Enrollment:Ca:KeyPassphrase or Enrollment:Ca:Hsm is the one it was sealed with.", e);
            }
        }
        // Data Protection marks what must be sealed with requiresEncryption="true" and replaces it by <encryptedSecret>.
        var clear = key.Descendants().Where(e => (bool?)e.Attribute(DataProtection + "requiresEncryption") == true).ToList();
        var encryptor = new SealedXmlEncryptor(this);
        foreach (var element in clear)
        {
            var info = encryptor.Encrypt(new XElement(element));
            element.ReplaceWith(new XElement(DataProtection + "encryptedSecret",
                new XAttribute("decryptorType", info.DecryptorType.AssemblyQualifiedName!), info.EncryptedElement));
        }
        return clear.Count > 0;
    }
}

/// <summary>Hands the sealer to Data Protection, which calls it for every key it writes.</summary>
public sealed class SealKeyRingOptions(KeyRingProtection protection) : IConfigureOptions<KeyManagementOptions>
{
    public void Configure(KeyManagementOptions options)
    {
        if (protection.IsSealed)
        {
            options.XmlEncryptor = new SealedXmlEncryptor(protection);
        }
    }
}
