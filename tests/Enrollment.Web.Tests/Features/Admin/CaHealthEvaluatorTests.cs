using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Enrollment.Ca.Authority;
using Enrollment.Ca.Revocation;
using Enrollment.Testing;
using Enrollment.Web.Features.Admin.Health;

namespace Enrollment.Web.Tests.Features.Admin;

public sealed class CaHealthEvaluatorTests : IDisposable
{
    private readonly TestAuthority ca = new();

    [Fact]
    public void Evaluate_FreshCaWithAFreshCrl_FindsNothing()
    {
        var (chain, crl, findings) = CaHealthEvaluator.Evaluate(ca.Authority, Crl(DateTimeOffset.UtcNow), DateTimeOffset.UtcNow);

        Assert.Equal(["Root", "Issuing", "OcspSigner"], chain.Select(c => c.Role));
        Assert.All(chain, c => Assert.Equal(HealthLevel.Ok, c.Level));
        Assert.Equal(HealthLevel.Ok, crl!.Level);
        Assert.Empty(findings);
    }

    [Theory]
    [InlineData(70, HealthLevel.Warning, "chain.expiring")]
    [InlineData(100, HealthLevel.Error, "chain.expired")]
    public void Evaluate_OcspSignerNearOrPastExpiry_IsFlagged(int days, HealthLevel level, string code)
    {
        var later = DateTimeOffset.UtcNow.AddDays(days);

        var (chain, _, findings) = CaHealthEvaluator.Evaluate(ca.Authority, Crl(later), later);

        Assert.Equal(level, chain.Single(c => c.Role == "OcspSigner").Level);
        Assert.Contains(findings, f => f.Code == code && f.Detail == ca.Authority.OcspSigner.Subject);
    }

    [Theory]
    [InlineData(4, HealthLevel.Warning, "crl.stale")]
    [InlineData(8, HealthLevel.Error, "crl.expired")]
    public void Evaluate_CrlPastHalfOrPastNextUpdate_IsFlagged(int days, HealthLevel level, string code)
    {
        var (_, crl, findings) = CaHealthEvaluator.Evaluate(ca.Authority, Crl(DateTimeOffset.UtcNow), DateTimeOffset.UtcNow.AddDays(days));

        Assert.Equal(level, crl!.Level);
        Assert.Contains(findings, f => f.Code == code);
    }

    [Fact]
    public void CheckKeys_TokenThatDoesNotAnswer_OrLacksAKey_IsAnError_AndKeysInFilesAreNoFinding()
    {
        var unreachable = new Web.Features.Authority.KeyCustodyReport(Web.Features.Authority.KeyStorage.Token,
            new Ca.Hsm.TokenState("ca-token", Reachable: false, LoggedIn: false, [], ["issuing"]));
        var keyMissing = new Web.Features.Authority.KeyCustodyReport(Web.Features.Authority.KeyStorage.Token,
            new Ca.Hsm.TokenState("ca-token", Reachable: true, LoggedIn: true, ["issuing"], ["ocsp"]));
        var files = new Web.Features.Authority.KeyCustodyReport(Web.Features.Authority.KeyStorage.Passphrase, null);

        Assert.Equal([("token.unreachable", HealthLevel.Error, "ca-token")], CaHealthEvaluator.CheckKeys(unreachable).Select(f => (f.Code, f.Level, f.Detail)));
        Assert.Equal([("token.key-missing", HealthLevel.Error, "ocsp")], CaHealthEvaluator.CheckKeys(keyMissing).Select(f => (f.Code, f.Level, f.Detail)));
        Assert.Empty(CaHealthEvaluator.CheckKeys(files));
    }

    [Fact]
    public void Evaluate_NoCrl_IsAnError()
    {
        var (_, _, findings) = CaHealthEvaluator.Evaluate(ca.Authority, null, DateTimeOffset.UtcNow);

        Assert.Contains(findings, f => f.Code == "crl.missing" && f.Level == HealthLevel.Error);
    }

    [Fact]
    public void Evaluate_IntermediateConfiguredAsTheTrustAnchor_IsAnError()
    {
        using var wrong = new CertificateAuthority(
            System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(ca.Authority.Issuing.RawData),
            System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(ca.Authority.Issuing.RawData),
            System.Security.Cryptography.ECDsa.Create(ca.Authority.IssuingKey.ExportParameters(true)),
            System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(ca.Authority.OcspSigner.RawData),
            System.Security.Cryptography.ECDsa.Create(ca.Authority.OcspSignerKey.ExportParameters(true)));

        var (_, _, findings) = CaHealthEvaluator.Evaluate(wrong, Crl(DateTimeOffset.UtcNow), DateTimeOffset.UtcNow);

        Assert.Contains(findings, f => f.Code == "trust.not-self-signed" && f.Level == HealthLevel.Error);
    }

    [Theory]
    [InlineData(30, null)]
    [InlineData(70, "rootcrl.stale")]
    [InlineData(91, "rootcrl.expired")]
    public void Evaluate_RootCrlNotRenewedInTime_IsFlagged(int days, string? code)
    {
        var now = DateTimeOffset.UtcNow;
        using var rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var rootRequest = new CertificateRequest("CN=Health Root", rootKey, HashAlgorithmName.SHA384);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.KeyCertSign, true));
        rootRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(rootRequest.PublicKey, false));
        using var root = rootRequest.CreateSelfSigned(now.AddDays(-1), now.AddYears(1));
        var rootCrl = CrlInfo.Read(RootCrl.Sign(root, rootKey, 1, now));
        var later = now.AddDays(days);

        var (_, _, findings) = CaHealthEvaluator.Evaluate(ca.Authority, Crl(later), later, rootCrl);

        Assert.Equal(code, findings.Select(f => f.Code).SingleOrDefault(c => c.StartsWith("rootcrl.", StringComparison.Ordinal)));
    }

    private CrlInfo Crl(DateTimeOffset thisUpdate) =>
        CrlInfo.Read(CrlEncoder.Encode(ca.Authority, 1, thisUpdate, thisUpdate.AddDays(7), []));

    public void Dispose() => ca.Dispose();
}
