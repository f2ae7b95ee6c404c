using Microsoft.EntityFrameworkCore;

namespace Enrollment.Data.SqlServer;

/// <summary>
/// SQL Server, with its own migrations assembly. No retrying execution strategy: it would conflict
/// with the transactions the portal opens itself (issuance, revocation, the audit chain).
/// </summary>
public static class SqlServerSetup
{
    public const string MigrationsAssembly = "Enrollment.Migrations.SqlServer";

    public static void Configure(DbContextOptionsBuilder options, string connectionString) =>
        options.UseSqlServer(connectionString, sql => sql.MigrationsAssembly(MigrationsAssembly));
}
