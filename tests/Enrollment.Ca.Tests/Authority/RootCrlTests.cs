using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Enrollment.Ca.Authority;
using Enrollment.Ca.Issuance;
using Enrollment.Ca.Revocation;
using Enrollment.Ca.Tests.Issuance;
using Enrollment.Testing;

namespace Enrollment.Ca.Tests.Authority;

/// <summary>The root's CRL, which nginx's ssl_crl needs for the issuing CA's certificate (deploy/nginx/refresh-crl.sh).</summary>
public sealed class RootCrlTests : IDisposable
{
    private const string Passphrase = "an operator's long passphrase";
    private readonly TemporaryDirectory directory = new();

    [Fact]
    public void FirstStart_SignsARootCrl_ThatOpenSslVerifiesAgainstTheRootAndUsesForAFullChainCheck()
    {
        var (provisioner, store, _) = Provisioner(TimeProvider.System);

        using var authority = provisioner.LoadOrCreate(out var created);

        Assert.True(created);
        var root = directory.Write("root.pem", authority.Root.ExportCertificatePem());
        var crl = directory.Write("root.crl", "");
        File.WriteAllBytes(crl, store.LoadRootCrl()!);
        Assert.Contains("verify OK", OpenSsl.Ok(directory.Path, "crl", "-inform", "DER", "-in", crl, "-CAfile", root, "-verify", "-noout"),
            StringComparison.Ordinal);
        // What nginx's ssl_crl does: a CRL at every level. The issuing CA's comes from a test CRL here.
        var issuing = directory.Write("issuing.pem", authority.Issuing.ExportCertificatePem());
        var issuingCrl = directory.Write("issuing-crl.pem", PemEncoding.WriteString("X509 CRL",
            CrlEncoder.Encode(authority, 1, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1), [])));
        OpenSsl.Ok(directory.Path, "crl", "-inform", "DER", "-in", crl, "-out", "root-crl.pem");
        using var templates = new TestAuthority();
        var leaf = directory.Write("leaf.pem", new ClientCertificateBuilder(authority, TestAuthority.Urls)
            .Sign(IssuedCertificates.Template(templates, IssuedCertificates.NewKey()) with { NotAfter = DateTimeOffset.UtcNow.AddDays(30) })
            .ExportCertificatePem());
        Assert.Contains("OK", OpenSsl.Ok(directory.Path, "verify", "-crl_check_all", "-CAfile", root, "-untrusted", issuing,
            "-CRLfile", issuingCrl, "-CRLfile", directory.File("root-crl.pem"), leaf), StringComparison.Ordinal);
        // BouncyCastle agrees: the root signed it, it revokes nothing, and it says when the next comes.
        var read = BouncyCastleJudge.Crl(store.LoadRootCrl()!, authority.Root.RawData);
        Assert.Empty(read.Entries);
        Assert.NotNull(read.NextUpdate);
        Assert.True(read.Number.SignValue > 0);
    }

    [Fact]
    public void Renewal_IsDueOnlyWhenAThirdOfItsLifeRemains_AndRaisesTheNumber()
    {
        var clock = new ManualTime(DateTimeOffset.UtcNow);
        var (provisioner, store, _) = Provisioner(clock);
        using var authority = provisioner.LoadOrCreate(out _);
        var first = CrlInfo.Read(store.LoadRootCrl()!);

        clock.Now += RootCrl.Validity / 2;
        Assert.False(provisioner.RenewRootCrlIfDue(authority));
        clock.Now += RootCrl.Validity / 4;
        Assert.True(provisioner.RenewRootCrlIfDue(authority));

        var second = CrlInfo.Read(store.LoadRootCrl()!);
        Assert.Equal(first.Number + 1, second.Number);
        Assert.Equal(clock.Now + RootCrl.Validity, second.NextUpdate, TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void Import_DropsTheGeneratedRootsKeyAndCrl_AndSignsNoneForTheImportedRoot()
    {
        var (provisioner, store, _) = Provisioner(TimeProvider.System);
        provisioner.LoadOrCreate(out _).Dispose();
        using var external = new TestAuthority();
        using var issuingWithKey = external.Authority.Issuing.CopyWithPrivateKey(external.Authority.IssuingKey);
        var pkcs12 = new X509Certificate2Collection { issuingWithKey, external.Authority.Root }.Export(X509ContentType.Pkcs12, "secret")!;

        using var imported = provisioner.Import(pkcs12, "secret");

        Assert.Null(store.LoadRootCrl());
        Assert.Null(store.OpenRootKey());
        Assert.False(provisioner.RenewRootCrlIfDue(imported));
    }

    public void Dispose() => directory.Dispose();

    private (CaProvisioner Provisioner, CaStore Store, string Path) Provisioner(TimeProvider time)
    {
        var path = directory.File("ca-" + Guid.NewGuid().ToString("N")[..8]);
        var store = new CaStore(path, new PassphraseKeyProtector(Passphrase));
        return (new CaProvisioner(store, new CaGenerator(new CaGenerationOptions(), TestAuthority.Urls, time), time), store, path);
    }
}
