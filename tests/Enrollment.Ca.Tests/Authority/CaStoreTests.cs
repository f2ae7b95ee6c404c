using System.Security.Cryptography;
using Enrollment.Ca.Authority;
using Enrollment.Ca.Issuance;
using Enrollment.Ca.Tests.Issuance;
using Enrollment.Testing;

namespace Enrollment.Ca.Tests.Authority;

public sealed class CaStoreTests : IDisposable
{
    private const string Passphrase = "an operator's long passphrase";
    private readonly TemporaryDirectory directory = new();

    [Fact]
    public void Save_WithPassphrase_WritesEncryptedPkcs8ThatOpenSslOpensOnlyWithThePassphrase()
    {
        using var ca = new TestAuthority();
        var store = new CaStore(directory.File("ca"), new PassphraseKeyProtector(Passphrase));

        store.Save(ca.Authority, rootKey: null);
        var keyFile = Path.Combine(store.Directory, "issuing.key");
        var text = File.ReadAllText(keyFile);

        var pem = PemEncoding.Find(text);
        Assert.Equal("ENCRYPTED PRIVATE KEY", text[pem.Label]);
        Assert.Equal(0, OpenSsl.Run(directory.Path, "pkey", "-in", keyFile, "-passin", "pass:" + Passphrase, "-noout").ExitCode);
        Assert.NotEqual(0, OpenSsl.Run(directory.Path, "pkey", "-in", keyFile, "-passin", "pass:wrong", "-noout").ExitCode);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
    }

    [Fact]
    public void Load_AfterSave_GivesTheSameAuthority()
    {
        using var ca = new TestAuthority();
        var store = new CaStore(directory.File("ca"), new PassphraseKeyProtector(Passphrase));
        store.Save(ca.Authority, rootKey: null);

        using var loaded = store.Load();

        Assert.Equal(ca.Authority.Issuing.Thumbprint, loaded.Issuing.Thumbprint);
        Assert.Equal(ca.Authority.IssuerKeyId, loaded.IssuerKeyId);
        var data = RandomNumberGenerator.GetBytes(32);
        Assert.True(ca.Authority.IssuingKey.VerifyData(data, loaded.IssuingKey.SignData(data, HashAlgorithmName.SHA256), HashAlgorithmName.SHA256));
    }

    [Fact]
    public void Load_WithAnotherProtection_FailsNamingTheSetting()
    {
        using var ca = new TestAuthority();
        var path = directory.File("ca");
        new CaStore(path, new PassphraseKeyProtector(Passphrase)).Save(ca.Authority, rootKey: null);
        File.WriteAllText(Path.Combine(path, "key-protection"), "aspnet-data-protection");

        var error = Assert.Throws<CryptographicException>(() => new CaStore(path, new PassphraseKeyProtector(Passphrase)).Load());

        Assert.Contains("Enrollment:Ca:KeyPassphrase", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Import_IssuingCaMadeByOpenSsl_IssuesCertificatesThatChainToTheExternalRoot()
    {
        var pkcs12 = ExternalHierarchy();
        var provisioner = new CaProvisioner(new CaStore(directory.File("ca"), new PassphraseKeyProtector(Passphrase)),
            new CaGenerator(new CaGenerationOptions(), TestAuthority.Urls, TimeProvider.System), TimeProvider.System);

        using var imported = provisioner.Import(File.ReadAllBytes(pkcs12), "import-secret");
        using var templates = new TestAuthority();
        using var leaf = new ClientCertificateBuilder(imported, TestAuthority.Urls).Sign(
            IssuedCertificates.Template(templates, IssuedCertificates.NewKey()) with
            {
                NotAfter = DateTimeOffset.UtcNow.AddDays(30),
            });
        var leafPath = directory.Write("leaf.pem", leaf.ExportCertificatePem());
        var signerPath = directory.Write("signer.pem", imported.OcspSigner.ExportCertificatePem());

        OpenSsl.Ok(directory.Path, "verify", "-x509_strict", "-purpose", "sslclient", "-CAfile", directory.File("root.pem"),
            "-untrusted", directory.File("issuing.pem"), leafPath);
        OpenSsl.Ok(directory.Path, "verify", "-CAfile", directory.File("root.pem"), "-untrusted", directory.File("issuing.pem"), signerPath);
        Assert.True(provisioner.LoadOrCreate(out var created) is { } reloaded && !created && reloaded.Issuing.Thumbprint == imported.Issuing.Thumbprint);
    }

    [Fact]
    public void Import_FileWithoutCaKey_IsRefusedClearly()
    {
        using var ca = new TestAuthority();
        var pfx = ca.Authority.Root.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pkcs12, "x");
        var provisioner = new CaProvisioner(new CaStore(directory.File("ca"), new PassphraseKeyProtector(Passphrase)),
            new CaGenerator(new CaGenerationOptions(), TestAuthority.Urls, TimeProvider.System), TimeProvider.System);

        var error = Assert.Throws<CryptographicException>(() => provisioner.Import(pfx, "x"));

        Assert.Contains("no CA certificate with its private key", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A root and issuing CA made entirely by OpenSSL, exported as the operator would.</summary>
    private string ExternalHierarchy()
    {
        var d = directory.Path;
        directory.Write("ca.ext", "basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n");
        OpenSsl.Ok(d, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384", "-nodes", "-keyout", "root.key",
            "-subj", "/O=External/CN=External Root", "-days", "3650", "-out", "root.pem",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        OpenSsl.Ok(d, "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "issuing.key",
            "-subj", "/O=External/CN=External Issuing", "-out", "issuing.csr");
        OpenSsl.Ok(d, "x509", "-req", "-in", "issuing.csr", "-CA", "root.pem", "-CAkey", "root.key", "-CAcreateserial",
            "-days", "1825", "-extfile", "ca.ext", "-out", "issuing.pem");
        OpenSsl.Ok(d, "pkcs12", "-export", "-inkey", "issuing.key", "-in", "issuing.pem", "-certfile", "root.pem",
            "-passout", "pass:import-secret", "-out", "issuing.p12");
        return directory.File("issuing.p12");
    }

    public void Dispose() => directory.Dispose();
}
