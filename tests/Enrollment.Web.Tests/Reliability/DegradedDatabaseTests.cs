using System.Net;
using Enrollment.Data.Entities;
using Enrollment.Testing;
using Enrollment.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;

namespace Enrollment.Web.Tests.Reliability;

/// <summary>
/// The database becomes unreadable under a running portal: OCSP keeps serving the answers it has
/// signed and still holds, says tryLater for the rest (never good, never a 500), the CRL stays
/// downloadable, and pages show a maintenance message with a 503. The class's own portal is the
/// one broken, so this class holds this one test.
/// </summary>
public sealed class DegradedDatabaseTests(SqliteFilePortalFixture fixture) : IClassFixture<SqliteFilePortalFixture>
{
    private const string Password = "correct horse battery staple";

    [Fact]
    public async Task UnreadableDatabase_OcspServesCachedAnswersAndTryLater_CrlStays_PagesShowMaintenance()
    {
        var (_, user) = await RequestFlow.RequesterAsync(fixture.Portal);
        await using (var scope = fixture.Portal.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>();
            Assert.True((await users.AddPasswordAsync((await users.FindByIdAsync(user.Id))!, Password)).Succeeded);
        }
        var (_, known) = await fixture.IssueAsync(user);
        var (_, other) = await fixture.IssueAsync(user);
        using var session = await PortalSession.SignInAsync(fixture.Portal, user.Email!, Password);
        Assert.Contains("good", Ocsp(known), StringComparison.Ordinal);
        using var probe = fixture.Portal.Client();
        Assert.Equal("ok\n", await probe.GetStringAsync(new Uri(fixture.Portal.Http, "healthz")));

        BreakDatabase();

        // A balancer's probe sees the node out, and learns nothing else.
        using var health = await probe.GetAsync(new Uri(fixture.Portal.Http, "healthz"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal("unavailable\n", await health.Content.ReadAsStringAsync());

        Assert.Contains(": good", Ocsp(known), StringComparison.Ordinal);
        var uncached = Ocsp(other);
        Assert.Contains("trylater (3)", uncached, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(": good", uncached, StringComparison.Ordinal);
        using var client = fixture.Portal.Client();
        using var crl = await client.GetAsync(new Uri(fixture.Portal.Http, "pki/issuing.crl"));
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
        foreach (var file in Directory.EnumerateFiles(fixture.Portal.DataDirectory, "enrollment.db*"))
        {
            File.Move(file, file + ".moved");
        }
        File.WriteAllText(Path.Combine(fixture.Portal.DataDirectory, "enrollment.db"), "not a database, padding padding padding padding padding padding padding");
    }

    private string Ocsp(string leafPem) =>
        OpenSsl.Run(fixture.Files.Path, "ocsp", "-issuer", fixture.IssuingPem, "-cert", leafPem, "-CAfile", fixture.ChainPem, "-no_nonce",
            "-url", fixture.OcspUrl).All;
}
