using Enrollment.Testing;
using Microsoft.EntityFrameworkCore;

namespace Enrollment.Data.Tests;

public sealed class AuditTrailTests
{
    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task FindFirstBroken_UntouchedChain_IsNull(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await AppendThreeAsync(database);

        await using var db = await database.Factory.CreateDbContextAsync();

        Assert.Null(await AuditTrail.FindFirstBrokenAsync(db));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task FindFirstBroken_RowAlteredInTheDatabase_NamesThatRow(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await AppendThreeAsync(database);
        await using var db = await database.Factory.CreateDbContextAsync();
        var second = await db.AuditEvents.OrderBy(e => e.Id).Skip(1).Select(e => e.Id).FirstAsync();

        await db.Database.ExecuteSqlAsync($"UPDATE \"AuditEvents\" SET \"Details\" = 'reason=superseded' WHERE \"Id\" = {second}");

        Assert.Equal(second, await AuditTrail.FindFirstBrokenAsync(db));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task FindFirstBroken_RowDeletedFromTheMiddle_NamesTheNextRow(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await AppendThreeAsync(database);
        await using var db = await database.Factory.CreateDbContextAsync();
        var ids = await db.AuditEvents.OrderBy(e => e.Id).Select(e => e.Id).ToListAsync();

        await db.Database.ExecuteSqlAsync($"DELETE FROM \"AuditEvents\" WHERE \"Id\" = {ids[1]}");

        Assert.Equal(ids[2], await AuditTrail.FindFirstBrokenAsync(db));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    public async Task Append_Concurrently_KeepsOneUnbrokenChain(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var audit = new AuditTrail(TimeProvider.System);

        await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
        {
            await using var db = await database.Factory.CreateDbContextAsync();
            await audit.AppendAsync(db, new AuditEntry("tester", "test.event", i.ToString(), "parallel"));
        }));

        await using var check = await database.Factory.CreateDbContextAsync();
        Assert.Equal(20, await check.AuditEvents.CountAsync());
        Assert.Null(await AuditTrail.FindFirstBrokenAsync(check));
    }

    private static async Task AppendThreeAsync(TestDatabase database)
    {
        var audit = new AuditTrail(TimeProvider.System);
        await using var db = await database.Factory.CreateDbContextAsync();
        foreach (var type in new[] { "certificate.issued", "certificate.revoked", "crl.published" })
        {
            await audit.AppendAsync(db, new AuditEntry("admin@example.com", type, "0A1B", "reason=keyCompromise", "127.0.0.1"));
        }
    }
}
