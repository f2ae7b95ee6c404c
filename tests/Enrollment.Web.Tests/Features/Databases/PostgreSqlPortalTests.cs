using Enrollment.Ca.Authority;
using Enrollment.Ca.Revocation;
using Enrollment.Ca.Serials;
using Enrollment.Data;
using Enrollment.Testing;
using Enrollment.Web.Features.Certificates;
using Enrollment.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Enrollment.Web.Tests.Features.Databases;

/// <summary>The portal on a real PostgreSQL server: the records' whole path, from issuance to the CRL and OCSP.</summary>
public sealed class PostgreSqlPortalTests : IDisposable
{
    private const string Password = "correct horse battery staple";
    private readonly TemporaryDirectory files = new();

    [Fact]
    public async Task Portal_OnPostgreSql_IssuesRevokesPublishesTheCrlAndAnswersOcsp()
    {
        await using var portal = await RunningPortal.StartAsync(PortalDatabases.PostgreSql());
        await using (var db = await portal.Services.GetRequiredService<IDbContextFactory<EnrollmentDbContext>>().CreateDbContextAsync())
        {
            Assert.Equal("Npgsql.EntityFrameworkCore.PostgreSQL", db.Database.ProviderName);
        }
        var authority = portal.Services.GetRequiredService<CertificateAuthority>();
        var (_, certificate) = await PortalUsers.WithCertificateAsync(portal, "pg-user@example.com", Password);
        var serial = SerialNumber.Canonicalize(certificate.SerialNumber);

        await portal.Services.GetRequiredService<RevocationService>().RevokeAsync(serial, RevocationReason.KeyCompromise, "test", null, default);

        var issuing = files.Write("issuing.pem", authority.Issuing.ExportCertificatePem());
        var chain = files.Write("chain.pem", authority.Issuing.ExportCertificatePem() + "\n" + authority.Root.ExportCertificatePem());
        var leaf = files.Write("leaf.pem", certificate.ExportCertificatePem());
        using var client = portal.Client();
        var crl = files.Write("issuing.crl", await client.GetByteArrayAsync(new Uri(portal.Http, "pki/issuing.crl")));
        var crlText = OpenSsl.Run(files.Path, "crl", "-inform", "DER", "-in", crl, "-CAfile", chain, "-noout", "-text").All;
        Assert.Contains("verify OK", crlText, StringComparison.Ordinal);
        Assert.Contains(serial.ToUpperInvariant(), crlText.Replace(":", "").ToUpperInvariant(), StringComparison.Ordinal);
        var ocsp = OpenSsl.Run(files.Path, "ocsp", "-issuer", issuing, "-cert", leaf, "-CAfile", chain, "-url", new Uri(portal.Http, "pki/ocsp").AbsoluteUri).All;
        Assert.Contains("Response verify OK", ocsp, StringComparison.Ordinal);
        Assert.Contains(": revoked", ocsp, StringComparison.Ordinal);
        Assert.Contains("Reason: keyCompromise", ocsp, StringComparison.Ordinal);
    }

    public void Dispose() => files.Dispose();
}
