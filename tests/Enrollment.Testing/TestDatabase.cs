using Enrollment.Data;
using Enrollment.Data.Entities;
using Enrollment.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Enrollment.Testing;

/// <summary>A real database, migrated: a SQLite file in a temporary directory, or a new database on the tests' PostgreSQL.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly TemporaryDirectory directory = new();
    private readonly ServiceProvider services;

    public TestDatabase(DatabaseProvider provider = DatabaseProvider.Sqlite)
    {
        Path = directory.File("enrollment.db");
        Settings = provider == DatabaseProvider.PostgreSql
            ? new DatabaseSettings(provider, PostgresServer.NewDatabase())
            : new DatabaseSettings(DatabaseProvider.Sqlite, Path);
        services = new ServiceCollection().AddEnrollmentDatabase(Settings).BuildServiceProvider();
        Factory = services.GetRequiredService<IDbContextFactory<EnrollmentDbContext>>();
    }

    /// <summary>The SQLite file (unused on PostgreSQL).</summary>
    public string Path { get; }

    public DatabaseSettings Settings { get; }

    public IDbContextFactory<EnrollmentDbContext> Factory { get; }

    public static async Task<TestDatabase> CreateAsync(DatabaseProvider provider = DatabaseProvider.Sqlite)
    {
        var database = new TestDatabase(provider);
        await using var db = await database.Factory.CreateDbContextAsync();
        await DatabaseInitializer.InitializeAsync(db);
        return database;
    }

    public async Task<EnrollmentUser> AddUserAsync(string email = "alice@example.com", string employeeId = "E1001")
    {
        await using var db = await Factory.CreateDbContextAsync();
        var user = new EnrollmentUser
        {
            UserName = email, NormalizedUserName = email.ToUpperInvariant(), Email = email, NormalizedEmail = email.ToUpperInvariant(),
            DisplayName = email.Split('@')[0], EmployeeId = employeeId, SecurityStamp = Guid.NewGuid().ToString(), CreatedAt = DateTime.UtcNow,
        };
        db.Users.Add(user);
        await db.SaveChangesAsync();
        return user;
    }

    public async ValueTask DisposeAsync()
    {
        await services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Settings.Provider == DatabaseProvider.PostgreSql)
        {
            // The server keeps a connection per pooled one: give them back.
            using var connection = new Npgsql.NpgsqlConnection(Settings.Connection);
            Npgsql.NpgsqlConnection.ClearPool(connection);
        }
        directory.Dispose();
    }
}
