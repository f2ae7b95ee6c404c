using System.Net;
using Enrollment.Testing;
using Enrollment.Web.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Enrollment.Web.Tests.Reliability;

/// <summary>
/// The database becomes unreadable under a running portal: OCSP keeps serving the answers it has
/// signed and still holds, says tryLater for the rest (never good, never a 500), the CRL stays
/// downloadable, and pages show a maintenance message with a 503.
/// </summary>
public sealed class DegradedDatabaseTests : IAsyncLifetime
{
    private const string Password = "correct horse battery staple";
    private RunningPortal portal = default!;
    private readonly TemporaryDirectory files = new();

    public async Task InitializeAsync() => portal = await RunningPortal.StartAsync();

    [Fact]
    public async Task UnreadableDatabase_OcspServesCachedAnswersAndTryLater_CrlStays_PagesShowMaintenance()
    {
        var email = $"degraded-{Guid.NewGuid():N}@example.com";
        var user = await AddUserAsync(email);
        var (known, _) = await IssueAsync(user);
        var (other, _) = await IssueAsync(user);
        var issuing = files.Write("issuing.pem", portal.Services.GetRequiredService<Ca.Authority.CertificateAuthority>().Issuing.ExportCertificatePem());
        var chain = files.Write("chain.pem", File.ReadAllText(issuing) + "\n" + portal.Services.GetRequiredService<Ca.Authority.CertificateAuthority>().Root.ExportCertificatePem());
        using var session = await PortalSession.SignInAsync(portal, email, Password);
        Assert.Contains("good", Ocsp(issuing, chain, known), StringComparison.Ordinal);

        BreakDatabase();

        Assert.Contains(": good", Ocsp(issuing, chain, known), StringComparison.Ordinal);
        var uncached = Ocsp(issuing, chain, other);
        Assert.Contains("trylater (3)", uncached, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(": good", uncached, StringComparison.Ordinal);
        using var client = portal.Client();
        using var crl = await client.GetAsync(new Uri(portal.Http, "pki/issuing.crl"));
        Assert.Equal(HttpStatusCode.OK, crl.StatusCode);
        Assert.Equal("application/pkix-crl", crl.Content.Headers.ContentType?.MediaType);
        using var page = await session.GetAsync("account/manage");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, page.StatusCode);
        Assert.Contains("cannot reach its database", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("120", page.Headers.RetryAfter?.ToString());
    }

    /// <summary>What a failed disk or a botched restore looks like: the file is there, but not a database any more.</summary>
    private void BreakDatabase()
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in Directory.EnumerateFiles(portal.DataDirectory, "enrollment.db*"))
        {
            File.Move(file, file + ".moved");
        }
        File.WriteAllText(Path.Combine(portal.DataDirectory, "enrollment.db"), "not a database, padding padding padding padding padding padding padding");
    }

    private string Ocsp(string issuing, string chain, System.Security.Cryptography.X509Certificates.X509Certificate2 certificate)
    {
        var leaf = files.Write($"{certificate.SerialNumber}.pem", certificate.ExportCertificatePem());
        return OpenSsl.Run(files.Path, "ocsp", "-issuer", issuing, "-cert", leaf, "-CAfile", chain, "-no_nonce",
            "-url", new Uri(portal.Http, "pki/ocsp").AbsoluteUri).All;
    }

    private async Task<Data.Entities.EnrollmentUser> AddUserAsync(string email)
    {
        await using var scope = portal.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Data.Entities.EnrollmentUser>>();
        var user = new Data.Entities.EnrollmentUser
        {
            UserName = email, Email = email, EmailConfirmed = true, DisplayName = "Degraded", EmployeeId = "DG-" + Guid.NewGuid().ToString("N")[..8], CreatedAt = DateTime.UtcNow,
        };
        Assert.True((await users.CreateAsync(user, Password)).Succeeded);
        return user;
    }

    private async Task<(System.Security.Cryptography.X509Certificates.X509Certificate2, System.Security.Cryptography.ECDsa)> IssueAsync(Data.Entities.EnrollmentUser user)
    {
        var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        await using var scope = portal.Services.CreateAsyncScope();
        var issued = await scope.ServiceProvider.GetRequiredService<Web.Features.Certificates.CertificateIssuer>()
            .IssueAsync(user, new System.Security.Cryptography.X509Certificates.PublicKey(key), null, default);
        return (issued.Certificate!, key);
    }

    public async Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        await portal.DisposeAsync();
        files.Dispose();
    }
}
