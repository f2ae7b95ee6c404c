using System.Text;
using Enrollment.Ca.Authority;
using Enrollment.Ca.Hsm;
using Enrollment.Testing;
using Enrollment.Web.Tests.Infrastructure;

namespace Enrollment.Web.Tests.Features.Authority;

/// <summary>The portal with its CA keys in a PKCS#11 token (SoftHSM2), configured as an operator would.</summary>
public sealed class HsmPortalTests : IDisposable
{
    private const string Password = "correct horse battery staple";
    private readonly TemporaryDirectory files = new();
    private readonly TokenSettings token = SoftHsm.NewToken();

    [Fact]
    public async Task Portal_WithItsCaKeysInTheToken_SignsWhatOpenSslAccepts_AndTheDataDirectoryHoldsOnlyReferences()
    {
        await using var portal = await RunningPortal.StartAsync(Settings(token.Pin));
        var authority = portal.Services.GetRequiredService<CertificateAuthority>();
        var (_, certificate) = await PortalUsers.WithCertificateAsync(portal, "hsm-user@example.com", Password);
        var root = files.Write("root.pem", authority.Root.ExportCertificatePem());
        var issuing = files.Write("issuing.pem", authority.Issuing.ExportCertificatePem());
        var chain = files.Write("chain.pem", authority.Issuing.ExportCertificatePem() + "\n" + authority.Root.ExportCertificatePem());
        var leaf = files.Write("leaf.pem", certificate.ExportCertificatePem());

        Assert.IsType<Pkcs11ECDsa>(authority.IssuingKey);
        Assert.IsType<Pkcs11ECDsa>(authority.OcspSignerKey);
        Assert.Contains("OK", OpenSsl.Ok(files.Path, "verify", "-x509_strict", "-purpose", "sslclient", "-CAfile", root, "-untrusted", issuing, leaf), StringComparison.Ordinal);
        var ocsp = OpenSsl.Run(files.Path, "ocsp", "-issuer", issuing, "-cert", leaf, "-CAfile", chain, "-url", new Uri(portal.Http, "pki/ocsp").AbsoluteUri).All;
        Assert.Contains("Response verify OK", ocsp, StringComparison.Ordinal);
        Assert.Contains(": good", ocsp, StringComparison.Ordinal);
        using (var client = portal.Client())
        {
            var crl = files.Write("issuing.crl", await client.GetByteArrayAsync(new Uri(portal.Http, "pki/issuing.crl")));
            Assert.Contains("verify OK", OpenSsl.Run(files.Path, "crl", "-inform", "DER", "-in", crl, "-CAfile", chain, "-noout").All, StringComparison.Ordinal);
        }
        // The CA health page's view: the token answers and holds both keys in use.
        var keys = portal.Services.GetRequiredService<Web.Features.Authority.CaKeyCustody>().Describe();
        Assert.Equal(Web.Features.Authority.KeyStorage.Token, keys.Storage);
        Assert.Equal((true, true, 2), (keys.Token!.Reachable, keys.Token.LoggedIn, keys.Token.KeysFound.Count));
        Assert.Empty(Web.Features.Admin.Health.CaHealthEvaluator.CheckKeys(keys));
        // What a copy of the data directory holds for the CA keys: where they are, not what they are.
        foreach (var name in new[] { "root.key", "issuing.key", "ocsp.key" })
        {
            var stored = Encoding.UTF8.GetString(File.ReadAllBytes(Path.Combine(portal.DataDirectory, "ca", name)));
            Assert.StartsWith($"pkcs11:token={Uri.EscapeDataString(token.TokenLabel)};object=enrollment-", stored, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Restart_FindsTheSameKeysInTheToken_AndSignsWithThem()
    {
        using var data = new TemporaryDirectory();
        string issuing;
        await using (var first = await RunningPortal.RestartAsync(data, Settings(token.Pin)))
        {
            issuing = first.Services.GetRequiredService<CertificateAuthority>().Issuing.Thumbprint;
        }

        await using var restarted = await RunningPortal.RestartAsync(data, Settings(token.Pin));
        var authority = restarted.Services.GetRequiredService<CertificateAuthority>();
        var (_, certificate) = await PortalUsers.WithCertificateAsync(restarted, "hsm-restart@example.com", Password);

        Assert.Equal(issuing, authority.Issuing.Thumbprint);
        Assert.IsType<Pkcs11ECDsa>(authority.IssuingKey);
        Assert.True(Ca.Gate.ClientCertificateVerifier.Verify(certificate, authority, DateTimeOffset.UtcNow).IsAccepted);
    }

    [Fact]
    public async Task TokenUnreachableWhileRunning_IssuanceRefuses_OcspServesCachedAnswersAndTryLater_AndHealthSaysSo()
    {
        await using var portal = await RunningPortal.StartAsync(Settings(token.Pin));
        var authority = portal.Services.GetRequiredService<CertificateAuthority>();
        var (user, certificate) = await PortalUsers.WithCertificateAsync(portal, "hsm-unplugged@example.com", Password);
        var issuing = files.Write("issuing.pem", authority.Issuing.ExportCertificatePem());
        var chain = files.Write("chain.pem", authority.Issuing.ExportCertificatePem() + "\n" + authority.Root.ExportCertificatePem());
        var leaf = files.Write("leaf.pem", certificate.ExportCertificatePem());
        var url = new Uri(portal.Http, "pki/ocsp").AbsoluteUri;
        string Ocsp(params string[] arguments) => OpenSsl.Run(files.Path, ["ocsp", "-issuer", issuing, "-CAfile", chain, "-url", url, .. arguments]).All;
        Assert.Contains(": good", Ocsp("-cert", leaf, "-no_nonce"), StringComparison.Ordinal);

        // The token goes away: the portal's session with it is closed under it.
        portal.Services.GetRequiredService<Pkcs11Token>().Dispose();
        await using var scope = portal.Services.CreateAsyncScope();
        var refused = await scope.ServiceProvider.GetRequiredService<Web.Features.Certificates.CertificateIssuer>()
            .IssueAsync(user, new System.Security.Cryptography.X509Certificates.PublicKey(System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256)), null, default);

        Assert.Equal("ca.key-unavailable", refused.Refusal?.Code);
        Assert.Null(refused.Certificate);
        // The serial given up is listed as revoked, which changes the revocation epoch: once the
        // refresh service (every second) has seen it, the answers it may keep are still there.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        // The answer signed before stays valid and is served; what needs a new signature is tryLater, never good.
        Assert.Contains(": good", Ocsp("-cert", leaf, "-no_nonce"), StringComparison.Ordinal);
        Assert.Contains("trylater", Ocsp("-cert", leaf), StringComparison.OrdinalIgnoreCase);
        var unknownSerial = Ocsp("-serial", "0x0102030405060708", "-no_nonce");
        Assert.Contains("trylater", unknownSerial, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(": good", unknownSerial, StringComparison.Ordinal);
        var keys = portal.Services.GetRequiredService<Web.Features.Authority.CaKeyCustody>().Describe();
        Assert.Contains(Web.Features.Admin.Health.CaHealthEvaluator.CheckKeys(keys), f => f.Code == "token.unreachable");
    }

    [Fact]
    public async Task WrongPin_StopsTheStart_WithAMessageNamingThePinAndNotItsValue()
    {
        var refused = await Assert.ThrowsAsync<HsmException>(() => RunningPortal.StartAsync(Settings("not the pin")));

        Assert.Contains("refused the PIN", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not the pin", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingPin_StopsTheStart_NamingWhereAPinComesFrom()
    {
        var refused = await Assert.ThrowsAsync<HsmException>(() => RunningPortal.StartAsync(
            $"--Enrollment:Ca:Hsm:Library={token.Library}", $"--Enrollment:Ca:Hsm:TokenLabel={token.TokenLabel}"));

        Assert.Contains("Enrollment:Ca:Hsm:PinFile", refused.Message, StringComparison.Ordinal);
        Assert.Contains(Web.Shared.HsmOptions.PinVariable, refused.Message, StringComparison.Ordinal);
    }

    public void Dispose() => files.Dispose();

    private string[] Settings(string pin) =>
    [
        $"--Enrollment:Ca:Hsm:Library={token.Library}", $"--Enrollment:Ca:Hsm:TokenLabel={token.TokenLabel}",
        $"--Enrollment:Ca:Hsm:PinFile={files.Write($"pin-{Guid.NewGuid():N}", pin + "\n")}",
    ];
}
