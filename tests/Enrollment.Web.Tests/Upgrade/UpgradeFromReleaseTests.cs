using System.Globalization;
using Enrollment.Ca.Revocation;
using Enrollment.Data;
using Enrollment.Data.Entities;
using Enrollment.Testing;
using Enrollment.Web.Features.Publication;
using Enrollment.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Enrollment.Web.Tests.Upgrade;

/// <summary>
/// An installation of the last .NET 9 release (a data directory it made, see the README beside
/// this file) starts on this build with nothing lost: every row as it was, the CA's keys still
/// open, the audit chain intact, the CRL number rising from where it stood, the schema the model's.
/// </summary>
public sealed class UpgradeFromReleaseTests
{
    private const string Fixture = "Upgrade/Release725edbf";

    [Fact]
    public async Task DataDirectoryOfTheNet9Release_StartsOnThisBuild_WithEveryRowIntact()
    {
        using var directory = CopyOfFixture();
        var database = directory.File("data/enrollment.db");
        var before = SqliteFile.Rows(database);
        // The portal runs at the moment the old release stopped, so no sweep lapses or expires anything.
        var clock = new FixedClock(LastEventTime(before) + TimeSpan.FromMinutes(1));

        await using (var portal = await RunningPortal.RestartAsync(directory, clock, PortalDatabases.SqliteFile))
        {
            await using var scope = portal.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>();
            Assert.False(db.Database.HasPendingModelChanges());
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
            Assert.Null(await AuditTrail.FindFirstBrokenAsync(db));
        }

        var after = SqliteFile.Rows(database);
        foreach (var (table, rows) in before.Where(t => t.Key != "CaCounters"))
        {
            // Rows may be added (start-up events) and columns added by later migrations (with their
            // defaults); no value that was there may change or go.
            var columns = rows.SelectMany(Columns).ToHashSet();
            var kept = after[table].Select(row => string.Join('|', row.Split('|').Where(part => columns.Contains(part[..part.IndexOf('=')])))).ToList();
            Assert.Empty(rows.Except(kept));
        }
        Assert.True(before["AuditEvents"].Count > 20 && before["IssuedCertificates"].Count >= 4 && before["EnrollmentRequests"].Count >= 6,
            "the fixture should hold a filled installation");
    }

    [Fact]
    public async Task DataDirectoryOfTheNet9Release_ReadThroughThisBuild_GivesTheSameValues()
    {
        using var directory = CopyOfFixture();
        var before = SqliteFile.Rows(directory.File("data/enrollment.db"));
        var clock = new FixedClock(LastEventTime(before) + TimeSpan.FromMinutes(1));

        await using var portal = await RunningPortal.RestartAsync(directory, clock, PortalDatabases.SqliteFile);
        await using var scope = portal.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<EnrollmentDbContext>();

        // Dates written as text by EF 9 read back as the same UTC instants (Microsoft.Data.Sqlite 10 changed its defaults).
        var locked = await scope.ServiceProvider.GetRequiredService<UserManager<EnrollmentUser>>().Users.SingleAsync(u => u.LockoutEnd != null);
        Assert.Equal(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero), locked.LockoutEnd);
        var revoked = await db.Certificates.AsNoTracking().Where(c => c.RevokedAt != null).OrderBy(c => c.RevokedAt).ToListAsync();
        Assert.Equal([RevocationReason.KeyCompromise, RevocationReason.CessationOfOperation], revoked.Select(c => c.RevocationReason!.Value));
        Assert.All(revoked, c => Assert.Contains(before["IssuedCertificates"], row => row.Contains($"RevokedAt={c.RevokedAt:yyyy-MM-dd HH:mm:ss.FFFFFFF}", StringComparison.Ordinal)));
        // The CA's keys, sealed by the old release, still sign: the next CRL carries the next number.
        var oldNumber = CounterOf(before, CaCounter.CrlNumber);
        var published = await portal.Services.GetRequiredService<CrlPublisher>().PublishAsync("upgrade-test", default);
        Assert.True(published.Info.Number > oldNumber, $"CRL number {published.Info.Number} after {oldNumber}");
        Assert.Equal(revoked.Count, published.Info.EntryCount);
    }

    [Fact]
    public async Task DataDirectoryOfTheNet9Release_AfterStarting_HasTheModelsSchema()
    {
        using var directory = CopyOfFixture();
        using var fresh = new TemporaryDirectory();
        var clock = new FixedClock(LastEventTime(SqliteFile.Rows(directory.File("data/enrollment.db"))) + TimeSpan.FromMinutes(1));
        await using (await RunningPortal.RestartAsync(directory, clock, PortalDatabases.SqliteFile))
        {
        }
        var options = new DbContextOptionsBuilder<EnrollmentDbContext>();
        Enrollment.Data.Sqlite.SqliteSetup.Configure(options, fresh.File("model.db"));
        await using (var db = new EnrollmentDbContext(options.Options))
        {
            await db.Database.EnsureCreatedAsync();
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        Assert.Equal(SqliteFile.Schema(fresh.File("model.db")), SqliteFile.Schema(directory.File("data/enrollment.db")));
    }

    private static TemporaryDirectory CopyOfFixture()
    {
        var directory = new TemporaryDirectory();
        TemporaryDirectory.Copy(Path.Combine(AppContext.BaseDirectory, Fixture), directory.Path);
        return directory;
    }

    private static DateTimeOffset LastEventTime(Dictionary<string, List<string>> rows) =>
        rows["AuditEvents"].Select(row => DateTimeOffset.Parse(Field(row, "OccurredAt"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal)).Max();

    private static long CounterOf(Dictionary<string, List<string>> rows, string name) =>
        long.Parse(Field(rows["CaCounters"].Single(row => Field(row, "Name") == name), "Value"), CultureInfo.InvariantCulture);

    private static IEnumerable<string> Columns(string row) => row.Split('|').Select(part => part[..part.IndexOf('=')]);

    private static string Field(string row, string column) =>
        row.Split('|').Single(part => part.StartsWith(column + "=", StringComparison.Ordinal))[(column.Length + 1)..];
}
