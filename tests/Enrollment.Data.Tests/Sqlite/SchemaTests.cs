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

        var expected = Describe(created);
        var actual = Describe(migrated);
        Assert.True(expected.Count > 10, "the model should have all its tables");
        Assert.Equal(expected, actual);
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

    /// <summary>Every table's columns, keys, foreign keys and indexes, as SQLite reports them.</summary>
    private static List<string> Describe(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        var lines = new List<string>();
        foreach (var table in Query(connection, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('__EFMigrationsHistory', '__EFMigrationsLock', 'sqlite_sequence') ORDER BY name"))
        {
            lines.AddRange(Query(connection, $"SELECT '{table}.' || name || ' ' || type || ' notnull=' || \"notnull\" || ' pk=' || pk || ' default=' || ifnull(dflt_value, '') FROM pragma_table_info('{table}') ORDER BY name"));
            lines.AddRange(Query(connection, $"SELECT '{table} fk ' || \"from\" || '->' || \"table\" || '.' || \"to\" || ' ' || on_delete FROM pragma_foreign_key_list('{table}') ORDER BY \"from\""));
            lines.AddRange(Query(connection, $"SELECT '{table} index ' || il.name || ' unique=' || il.\"unique\" || ' (' || (SELECT group_concat(name, ',') FROM pragma_index_info(il.name)) || ')' FROM pragma_index_list('{table}') il ORDER BY il.name"));
        }
        return lines;
    }

    private static List<string> Query(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(reader.GetString(0));
        }
        return rows;
    }
}
