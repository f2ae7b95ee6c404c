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

    private CrlInfo Crl(DateTimeOffset thisUpdate) =>
        CrlInfo.Read(CrlEncoder.Encode(ca.Authority, 1, thisUpdate, thisUpdate.AddDays(7), []));

    public void Dispose() => ca.Dispose();
}
