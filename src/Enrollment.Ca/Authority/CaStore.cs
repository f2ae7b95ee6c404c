using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Enrollment.Ca.Authority;

/// <summary>
/// The CA on disk: certificates as PEM, keys sealed by an <see cref="ICaKeyProtector"/>, each file
/// written whole (temporary file, then rename) and readable by its owner only.
/// </summary>
public sealed class CaStore(string directory, ICaKeyProtector protector)
{
    private const string SchemeFile = "key-protection";

    public string Directory { get; } = directory;

    /// <summary>A new CA key, made where this store's protector keeps keys (memory or a token).</summary>
    public ECDsa CreateKey(string purpose, ECCurve curve) => protector.CreateKey(purpose, curve);

    public bool Exists => File.Exists(PathOf("issuing.crt")) && File.Exists(PathOf("issuing.key"));

    public CertificateAuthority Load()
    {
        var scheme = File.Exists(PathOf(SchemeFile)) ? File.ReadAllText(PathOf(SchemeFile)).Trim() : protector.Scheme;
        if (scheme != protector.Scheme)
        {
            throw new CryptographicException(
                $"The CA keys in {Directory} are sealed with '{scheme}' but the configured protection is '{protector.Scheme}'. " +
                "Set Enrollment:Ca:KeyPassphrase to match how the keys were stored.");
        }
        return new CertificateAuthority(
            LoadCertificate("root.crt"),
            LoadCertificate("issuing.crt"),
            protector.Open(File.ReadAllBytes(PathOf("issuing.key"))),
            LoadCertificate("ocsp.crt"),
            protector.Open(File.ReadAllBytes(PathOf("ocsp.key"))));
    }

    /// <summary>Writes a whole hierarchy. The root key is written only when we hold it (embedded default).</summary>
    public void Save(CertificateAuthority authority, ECDsa? rootKey)
    {
        System.IO.Directory.CreateDirectory(Directory);
        WriteText(SchemeFile, protector.Scheme);
        WriteText("root.crt", authority.Root.ExportCertificatePem() + "\n");
        WriteText("issuing.crt", authority.Issuing.ExportCertificatePem() + "\n");
        WriteBytes("issuing.key", protector.Seal(authority.IssuingKey));
        if (rootKey is not null)
        {
            WriteBytes("root.key", protector.Seal(rootKey));
        }
        else
        {
            // An imported hierarchy: a key and CRL of the root we generated before belong to another root.
            File.Delete(PathOf("root.key"));
            File.Delete(PathOf(RootCrlFile));
        }
        SaveOcspSigner(authority.OcspSigner, authority.OcspSignerKey);
    }

    public const string RootCrlFile = "root.crl";

    /// <summary>The root key when we hold it (the embedded default), else null.</summary>
    public ECDsa? OpenRootKey() => File.Exists(PathOf("root.key")) ? protector.Open(File.ReadAllBytes(PathOf("root.key"))) : null;

    /// <summary>Whether the root key is in this data directory (online), rather than offline or elsewhere.</summary>
    public bool HoldsRootKey => File.Exists(PathOf("root.key"));

    /// <summary>
    /// Removes the sealed root key once it is kept offline: overwritten, then deleted (what the
    /// file system keeps of it beyond that is sealed anyway).
    /// </summary>
    public void RemoveRootKey()
    {
        var path = PathOf("root.key");
        if (!File.Exists(path))
        {
            return;
        }
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            stream.Write(new byte[stream.Length]);
            stream.Flush(flushToDisk: true);
        }
        File.Delete(path);
    }

    /// <summary>The root's CRL (DER) when one was signed here, else null.</summary>
    public byte[]? LoadRootCrl() => File.Exists(PathOf(RootCrlFile)) ? File.ReadAllBytes(PathOf(RootCrlFile)) : null;

    public void SaveRootCrl(byte[] der) => WriteBytes(RootCrlFile, der);

    public string PathOf(string name) => Path.Combine(Directory, name);

    public void SaveOcspSigner(X509Certificate2 certificate, ECDsa key)
    {
        WriteBytes("ocsp.key", protector.Seal(key));
        WriteText("ocsp.crt", certificate.ExportCertificatePem() + "\n");
    }

    /// <summary>The OCSP signer as stored here: its certificate (PEM) and its sealed key, for the other nodes.</summary>
    public (byte[] Certificate, byte[] SealedKey) ReadOcspSigner() => (File.ReadAllBytes(PathOf("ocsp.crt")), File.ReadAllBytes(PathOf("ocsp.key")));

    /// <summary>
    /// Keeps a signer another node made (its certificate PEM and sealed key) and returns it opened.
    /// Opened first: a key this node cannot open (another passphrase, another token) changes nothing here.
    /// </summary>
    public (X509Certificate2 Certificate, ECDsa Key) AdoptOcspSigner(byte[] certificate, byte[] sealedKey)
    {
        var key = protector.Open(sealedKey);
        var opened = X509Certificate2.CreateFromPem(System.Text.Encoding.ASCII.GetString(certificate));
        WriteBytes("ocsp.key", sealedKey);
        WriteBytes("ocsp.crt", certificate);
        return (opened, key);
    }

    private X509Certificate2 LoadCertificate(string name) =>
        X509Certificate2.CreateFromPem(File.ReadAllText(PathOf(name)));


    private void WriteText(string name, string text) => WriteBytes(name, System.Text.Encoding.ASCII.GetBytes(text));

    private void WriteBytes(string name, byte[] content)
    {
        var target = PathOf(name);
        var temporary = target + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
            stream.Write(content);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, target, overwrite: true);
    }
}
