using Microsoft.Data.Sqlite;

namespace Enrollment.Data.Sqlite;

/// <summary>
/// A consistent copy of the live database through SQLite's online backup API: it reads one
/// snapshot while the portal goes on writing (WAL mode), unlike a file copy, which can catch a
/// half-applied checkpoint.
/// </summary>
public static class SqliteBackup
{
    public static void Copy(string databasePath, string targetPath)
    {
        using (var source = new SqliteConnection(SqliteSetup.ConnectionString(databasePath)))
        using (var target = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = targetPath, Pooling = false }.ToString()))
        {
            source.Open();
            target.Open();
            source.BackupDatabase(target);
            // One self-contained file: the copy's own journal mode is left as the portal sets it at start.
            using var checkpoint = target.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
            checkpoint.ExecuteNonQuery();
        }
        SqliteConnection.ClearAllPools();
    }
}
