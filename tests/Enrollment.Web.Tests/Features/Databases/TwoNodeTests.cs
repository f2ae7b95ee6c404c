using System.Net;
using Microsoft.EntityFrameworkCore;
using Enrollment.Testing;
using Enrollment.Web.Tests.Infrastructure;

namespace Enrollment.Web.Tests.Features.Databases;

/// <summary>
/// Two portals on one PostgreSQL database, each with its own data directory (the CA's files copied,
/// as an operator sets up a second node): what one node sealed, the other opens.
/// </summary>
public sealed class TwoNodeTests
{
    private const string Password = "correct horse battery staple";

    [Fact]
    public async Task SessionCookieAndAntiforgeryToken_FromNodeA_AreAcceptedByNodeB()
    {
        var database = PortalDatabases.PostgreSql();
        using var directoryA = new TemporaryDirectory();
        using var directoryB = new TemporaryDirectory();
        await using var nodeA = await RunningPortal.RestartAsync(directoryA, database);
        foreach (var shared in new[] { "ca", "tls", "audit" })
        {
            CopyDirectory(Path.Combine(nodeA.DataDirectory, shared), Path.Combine(directoryB.File("data"), shared));
        }
        await using var nodeB = await RunningPortal.RestartAsync(directoryB, database);
        await PortalUsers.WithCertificateAsync(nodeA, "two-nodes@example.com", Password);
        using var onA = await PortalSession.SignInAsync(nodeA, "two-nodes@example.com", Password);
        var tokenFromA = await onA.AntiforgeryTokenOfAsync("account/manage");

        using var onB = PortalSession.WithCookies(nodeB, onA.CookieHeader);
        var profile = await onB.PageAsync("account/manage");
        // The profile form rendered by node A, posted to node B.
        using var saved = await onB.PostFormWithTokenAsync("account/manage", "profile", tokenFromA,
            new Dictionary<string, string> { ["Input.DisplayName"] = "Two Nodes" });

        Assert.Contains("two-nodes@example.com", profile, StringComparison.Ordinal);
        Assert.True(saved.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found, saved.StatusCode.ToString());
        Assert.Contains("value=\"Two Nodes\"", await onA.PageAsync("account/manage"), StringComparison.Ordinal);
    }

    /// <summary>What a dump of the database holds of the ring in the production configuration: sealed keys only.</summary>
    [Fact]
    public async Task KeyRingInTheDatabase_InProduction_HoldsOnlySealedKeys()
    {
        await using var portal = await RunningPortal.StartAsync(
            [.. PortalDatabases.PostgreSql(), "--environment=Production", "--Enrollment:Ca:KeyPassphrase=a passphrase outside the database"]);
        await PortalUsers.WithCertificateAsync(portal, "sealed-ring@example.com", Password);
        using (await PortalSession.SignInAsync(portal, "sealed-ring@example.com", Password))
        {
        }

        await using var db = await portal.Services.GetRequiredService<IDbContextFactory<Data.EnrollmentDbContext>>().CreateDbContextAsync();
        var keys = await db.DataProtectionKeys.ToListAsync();
        Assert.NotEmpty(keys);
        Assert.All(keys, key => Assert.Contains("sealedSecret scheme=\"passphrase-aes-gcm\"", key.Xml, StringComparison.Ordinal));
        Assert.All(keys, key => Assert.DoesNotContain("<masterKey", key.Xml, StringComparison.Ordinal));
        Assert.False(Directory.Exists(Path.Combine(portal.DataDirectory, "keys")) && Directory.GetFiles(Path.Combine(portal.DataDirectory, "keys")).Length > 0);
    }

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
