using Microsoft.EntityFrameworkCore;

namespace Enrollment.Data;

/// <summary>Creates or migrates the database on start and, for SQLite, checks that the file is sound.</summary>
public static class DatabaseInitializer
{
    public static async Task InitializeAsync(EnrollmentDbContext db, CancellationToken cancellationToken = default)
    {
        await db.Database.MigrateAsync(cancellationToken);
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
