using Enrollment.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using Npgsql;

namespace Enrollment.Data.Tests.Providers;

/// <summary>
/// One model, three engines: each provider's migrations match the model; SQL Server's script is
/// valid T-SQL (no engine runs here); PostgreSQL's migrations run on a real server.
/// </summary>
public sealed class ProviderSchemaTests
{
    /// <summary>Connection strings that are never opened: the model check needs no server.</summary>
    private static readonly Dictionary<DatabaseProvider, string> Offline = new()
    {
        [DatabaseProvider.Sqlite] = Path.Combine(Path.GetTempPath(), "enrollment-unused.db"),
        [DatabaseProvider.PostgreSql] = "Host=127.0.0.1;Database=unused",
        [DatabaseProvider.SqlServer] = "Server=localhost;Database=Unused;TrustServerCertificate=true",
    };

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.PostgreSql)]
    [InlineData(DatabaseProvider.SqlServer)]
    public void Model_ComparedWithTheProvidersMigrationsSnapshot_HasNoPendingChanges(DatabaseProvider provider)
    {
        using var db = Context(new DatabaseSettings(provider, Offline[provider]));

        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.False(db.Database.HasPendingModelChanges());
    }

    /// <summary>Parsed by Microsoft's own T-SQL parser, and it creates every table of the model.</summary>
    [Fact]
    public void SqlServerMigrationScript_ParsesAsTSql_AndCreatesEveryTableOfTheModel()
    {
        using var db = Context(new DatabaseSettings(DatabaseProvider.SqlServer, Offline[DatabaseProvider.SqlServer]));
        var script = db.GetService<IMigrator>().GenerateScript();

        var fragment = new TSql160Parser(initialQuotedIdentifiers: true).Parse(new StringReader(script), out var errors);

        Assert.Empty(errors.Select(e => $"line {e.Line}: {e.Message}"));
        var created = new CreatedTables();
        fragment.Accept(created);
        Assert.Equal(ModelTables(db), created.Names.Where(n => n != "__EFMigrationsHistory").Order());
    }

    /// <summary>What 'db script' hands a SQL Server DBA (idempotent: runs on any earlier schema) parses too.</summary>
    [Fact]
    public void SqlServerIdempotentScript_ParsesAsTSql()
    {
        using var db = Context(new DatabaseSettings(DatabaseProvider.SqlServer, Offline[DatabaseProvider.SqlServer]));
        var script = db.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent);

        new TSql160Parser(initialQuotedIdentifiers: true).Parse(new StringReader(script), out var errors);

        Assert.Empty(errors.Select(e => $"line {e.Line}: {e.Message}"));
        Assert.Contains("IF NOT EXISTS", script, StringComparison.Ordinal);
    }

    /// <summary>With MigrateOnStart off the portal checks the schema and never changes it; the refusal names the verb.</summary>
    [Fact]
    public async Task InitializeWithoutMigrating_OnANewPostgreSqlDatabase_IsRefused_AndAfterMigratingPasses()
    {
        await using var db = Context(new DatabaseSettings(DatabaseProvider.PostgreSql, PostgresServer.NewDatabase()));
        // NewDatabase makes it as a DBA hands it over: it exists, empty.
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => DatabaseInitializer.InitializeAsync(db, migrate: false));
        await db.Database.MigrateAsync();
        await DatabaseInitializer.InitializeAsync(db, migrate: false);

        Assert.Contains("run 'db migrate'", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostgreSqlMigrations_OnAFreshServerDatabase_CreateEveryTableOfTheModel()
    {
        await using var db = Context(new DatabaseSettings(DatabaseProvider.PostgreSql, PostgresServer.NewDatabase()));

        await DatabaseInitializer.InitializeAsync(db);

        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        await using var command = new NpgsqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'", connection);
        var tables = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }
        Assert.Equal(ModelTables(db), tables.Where(n => n != "__EFMigrationsHistory").Order());
    }

    private static List<string> ModelTables(EnrollmentDbContext db) =>
        db.Model.GetEntityTypes().Select(e => e.GetTableName()!).Distinct().Order().ToList();

    private static EnrollmentDbContext Context(DatabaseSettings settings)
    {
        var options = new DbContextOptionsBuilder<EnrollmentDbContext>();
        DatabaseSetup.Configure(options, settings);
        return new EnrollmentDbContext(options.Options);
    }

    private sealed class CreatedTables : TSqlFragmentVisitor
    {
        public List<string> Names { get; } = [];

        public override void Visit(CreateTableStatement node) => Names.Add(node.SchemaObjectName.BaseIdentifier.Value);
    }
}
