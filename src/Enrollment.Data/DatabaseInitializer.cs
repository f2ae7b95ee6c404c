using Microsoft.EntityFrameworkCore;

namespace Enrollment.Data;

/// <summary>Creates or migrates the database on start and, for SQLite, checks that the file is sound.</summary>
public static class DatabaseInitializer
{
    /// <param name="migrate">
    /// False where the portal's database user may not change the schema: the schema must then be
    /// current already (the <c>db migrate</c> verb, or the script of <c>db script</c> run by the DBA).
    /// </param>
    public static async Task InitializeAsync(EnrollmentDbContext db, CancellationToken cancellationToken = default, bool migrate = true)
    {
        if (migrate)
        {
            await db.Database.MigrateAsync(cancellationToken);
        }
        else if ((await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList() is { Count: > 0 } pending)
        {
            throw new InvalidOperationException(
                $"The database lacks {pending.Count} migration(s) ({string.Join(", ", pending)}) and Enrollment:Database:MigrateOnStart is false: " +
                "run 'db migrate', or have the database administrator run the script of 'db script'.");
        }
        if (!db.Database.IsSqlite())
        {
            return;
        }
        // WAL lets readers (OCSP, pages) run while a writer commits; the setting persists in the file.
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode = WAL;", cancellationToken);
        var check = await db.Database.SqlQueryRaw<string>("PRAGMA integrity_check;").ToListAsync(cancellationToken);
        if (check is not ["ok"])
        {
            throw new InvalidOperationException($"The database failed PRAGMA integrity_check: {string.Join("; ", check)}");
        }
    }
}
