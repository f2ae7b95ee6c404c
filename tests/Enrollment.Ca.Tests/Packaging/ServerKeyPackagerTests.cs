using Enrollment.Ca.Issuance;
using Enrollment.Ca.Packaging;
using Enrollment.Ca.Tests.Issuance;
using Enrollment.Testing;

namespace Enrollment.Ca.Tests.Packaging;

public sealed class ServerKeyPackagerTests : IDisposable
{
    private const string Password = "correct horse battery staple";
    private readonly TestAuthority ca = new();

    [Theory]
    [InlineData(ServerKeyType.EcdsaP256)]
    [InlineData(ServerKeyType.Rsa2048)]
    public void Package_Aes256_OpenSslOpensItAndTheKeyMatchesTheCertificate(ServerKeyType type)
    {
        var path = Package(type, Pkcs12Protection.Aes256Sha256);

        var info = OpenSsl.Ok(ca.Files.Path, "pkcs12", "-in", path, "-passin", "pass:" + Password, "-info", "-noout");
        OpenSsl.Ok(ca.Files.Path, "pkcs12", "-in", path, "-passin", "pass:" + Password, "-nocerts", "-nodes", "-out", ca.Files.File("key.pem"));
        OpenSsl.Ok(ca.Files.Path, "pkcs12", "-in", path, "-passin", "pass:" + Password, "-clcerts", "-nokeys", "-out", ca.Files.File("cert.pem"));
        var keyPublic = OpenSsl.Ok(ca.Files.Path, "pkey", "-in", ca.Files.File("key.pem"), "-pubout");
        var certificatePublic = OpenSsl.Ok(ca.Files.Path, "x509", "-in", ca.Files.File("cert.pem"), "-noout", "-pubkey");

        Assert.Contains("PBES2, PBKDF2, AES-256-CBC, Iteration 100000, PRF hmacWithSHA256", info, StringComparison.Ordinal);
        Assert.Contains("MAC: sha256", info, StringComparison.Ordinal);
        Assert.Equal(certificatePublic, keyPublic);
        OpenSsl.Ok(ca.Files.Path, "verify", "-CAfile", ca.RootPem, "-untrusted", ca.IssuingPem, ca.Files.File("cert.pem"));
        // BouncyCastle opens it too: the key is the certificate's, the leaf verifies under the issuing CA.
        var (leaf, chain) = BouncyCastleJudge.Pkcs12(File.ReadAllBytes(path), Password, ca.Authority.Issuing.RawData);
        Assert.Equal(["1.3.6.1.5.5.7.3.2"], leaf.ExtendedKeyUsage);
        Assert.True(chain == 2, $"the file's certificates make a chain of {chain}: the leaf and the issuing CA, and no root");
    }

    [Fact]
    public void Package_WrongPassword_IsRefusedByOpenSsl()
    {
        var path = Package(ServerKeyType.EcdsaP256, Pkcs12Protection.Aes256Sha256);

        var result = OpenSsl.Run(ca.Files.Path, "pkcs12", "-in", path, "-passin", "pass:wrong", "-info", "-noout");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Mac verify error: invalid password?", result.All, StringComparison.Ordinal);
    }

    [Fact]
    public void Package_Legacy_UsesTripleDesAndShaOneByName()
    {
        var path = Package(ServerKeyType.EcdsaP256, Pkcs12Protection.LegacyTripleDesSha1);

        var info = OpenSsl.Ok(ca.Files.Path, "pkcs12", "-in", path, "-passin", "pass:" + Password, "-info", "-noout");

        Assert.Contains("pbeWithSHA1And3-KeyTripleDES-CBC", info, StringComparison.Ordinal);
        Assert.Contains("MAC: sha1", info, StringComparison.Ordinal);
    }

    [Fact]
    public void Package_Aes256_NssImportsItLikeChromiumAndFirefoxOnLinux()
    {
        var path = Package(ServerKeyType.EcdsaP256, Pkcs12Protection.Aes256Sha256);
        var database = Directory.CreateDirectory(ca.Files.File("nssdb")).FullName;
        Command.Run("certutil", ca.Files.Path, "-N", "-d", "sql:" + database, "--empty-password");

        var imported = Command.Run("pk12util", ca.Files.Path, "-i", path, "-d", "sql:" + database, "-W", Password);
        var listed = Command.Run("certutil", ca.Files.Path, "-L", "-d", "sql:" + database);

        Assert.True(imported.ExitCode == 0, imported.All);
        Assert.Contains("PKCS12 IMPORT SUCCESSFUL", imported.All, StringComparison.Ordinal);
        Assert.Contains("u,u,u", listed.Output, StringComparison.Ordinal);
        // Nothing imported as a trust anchor: the root is not in the file, and no certificate got a trust flag.
        Assert.DoesNotContain("Enrollment Root CA", listed.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("C,", listed.Output, StringComparison.Ordinal);
    }

    private string Package(ServerKeyType type, Pkcs12Protection protection)
    {
        using var key = ServerKeyPackager.CreateKey(type);
        using var certificate = new ClientCertificateBuilder(ca.Authority, TestAuthority.Urls)
            .Sign(IssuedCertificates.Template(ca, ServerKeyPackager.PublicKeyOf(key)));
        return ca.Files.Write($"{type}-{protection}.p12", ServerKeyPackager.Package(certificate, key, ca.Authority, Password, protection));
    }

    public void Dispose() => ca.Dispose();
}
