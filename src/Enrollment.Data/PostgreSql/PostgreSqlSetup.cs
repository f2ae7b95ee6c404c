using Microsoft.EntityFrameworkCore;

namespace Enrollment.Data.PostgreSql;

/// <summary>PostgreSQL through Npgsql, with its own migrations assembly.</summary>
public static class PostgreSqlSetup
{
    public const string MigrationsAssembly = "Enrollment.Migrations.PostgreSql";

    public static void Configure(DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(connectionString, npgsql => npgsql.MigrationsAssembly(MigrationsAssembly));
}
