using Enrollment.Data.Sqlite;
using Enrollment.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Enrollment.Data.Tests.Sqlite;

public sealed class SchemaTests
{
    [Fact]
    public async Task Migrate_OnFreshDatabase_GivesTheSameSchemaAsTheModel()
    {
        using var directory = new TemporaryDirectory();
        var migrated = directory.File("migrated.db");
        var created = directory.File("created.db");

        await using (var db = Context(migrated))
        {
            await db.Database.MigrateAsync();
        }
        await using (var db = Context(created))
        {
            await db.Database.EnsureCreatedAsync();
        }

        var expected = SqliteFile.Schema(created);
        var actual = SqliteFile.Schema(migrated);
        Assert.True(expected.Count > 10, "the model should have all its tables");
        Assert.Equal(expected, actual);
    }

    /// <summary>
    /// The migrations' model snapshot matches the model: a model change without a generated migration
    /// fails here (and EF's Migrate would refuse to start the portal). Needs no database.
    /// </summary>
    [Fact]
    public void Model_ComparedWithTheMigrationsSnapshot_HasNoPendingChanges()
    {
        using var directory = new TemporaryDirectory();
        using var db = Context(directory.File("unused.db"));

        Assert.False(db.Database.HasPendingModelChanges());
    }

    [Fact]
    public async Task Initialize_RunTwice_IsIdempotentAndUsesWal()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using (var db = await database.Factory.CreateDbContextAsync())
        {
            await DatabaseInitializer.InitializeAsync(db);
        }

        await using var connection = new SqliteConnection($"Data Source={database.Path}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
    }

    private static EnrollmentDbContext Context(string path)
    {
        var options = new DbContextOptionsBuilder<EnrollmentDbContext>();
        SqliteSetup.Configure(options, path);
        return new EnrollmentDbContext(options.Options);
    }
}
