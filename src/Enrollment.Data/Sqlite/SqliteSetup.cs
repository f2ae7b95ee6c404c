using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Enrollment.Data.Sqlite;

/// <summary>The embedded default database: one SQLite file in WAL mode.</summary>
public static class SqliteSetup
{
    /// <summary>The assembly that holds the SQLite migrations and their model snapshot.</summary>
    public const string MigrationsAssembly = "Enrollment.Migrations.Sqlite";

    public static string ConnectionString(string databasePath) => new SqliteConnectionStringBuilder
    {
        DataSource = databasePath,
        Mode = SqliteOpenMode.ReadWriteCreate,
        Pooling = true,
        // Seconds a command waits for a lock before SQLITE_BUSY surfaces (busy_timeout).
        DefaultTimeout = 30,
    }.ToString();

    public static void Configure(DbContextOptionsBuilder options, string databasePath)
    {
        options.UseSqlite(ConnectionString(databasePath), sqlite => sqlite.MigrationsAssembly(MigrationsAssembly));
        options.AddInterceptors(DurabilityInterceptor.Instance);
    }

    /// <summary>
    /// Every connection waits for locks instead of failing and commits durably: the CA's records
    /// must survive a power cut (docs/pitfalls.md, "Data").
    /// </summary>
    private sealed class DurabilityInterceptor : DbConnectionInterceptor
    {
        public static readonly DurabilityInterceptor Instance = new();

        private const string Pragmas = "PRAGMA busy_timeout = 30000; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;";

        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

        public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            Apply(connection);
            return Task.CompletedTask;
        }

        private static void Apply(DbConnection connection)
        {
            using var command = connection.CreateCommand();
            command.CommandText = Pragmas;
            command.ExecuteNonQuery();
        }
    }
}
