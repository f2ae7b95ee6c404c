using Enrollment.Data.PostgreSql;
using Enrollment.Data.Sqlite;
using Enrollment.Data.SqlServer;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Enrollment.Data;

/// <summary>The database engines the portal runs on.</summary>
public enum DatabaseProvider
{
    /// <summary>One file in the data directory: the embedded default, one node.</summary>
    Sqlite,

    /// <summary>PostgreSQL: several nodes.</summary>
    PostgreSql,

    /// <summary>SQL Server: several nodes.</summary>
    SqlServer,
}

/// <summary>Which engine, and where: a file path for SQLite, a connection string for a server.</summary>
public sealed record DatabaseSettings(DatabaseProvider Provider, string Connection);

/// <summary>
/// One provider-neutral context, configured for the chosen engine with that engine's migrations
/// assembly (each holds its own model snapshot; docs/architecture.md, "Changing the database schema").
/// </summary>
public static class DatabaseSetup
{
    public static void Configure(DbContextOptionsBuilder options, DatabaseSettings settings)
    {
        switch (settings.Provider)
        {
            case DatabaseProvider.Sqlite:
                SqliteSetup.Configure(options, settings.Connection);
                break;
            case DatabaseProvider.PostgreSql:
                PostgreSqlSetup.Configure(options, settings.Connection);
                break;
            case DatabaseProvider.SqlServer:
                SqlServerSetup.Configure(options, settings.Connection);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(settings), settings.Provider, "Unknown database provider.");
        }
    }

    public static IServiceCollection AddEnrollmentDatabase(this IServiceCollection services, DatabaseSettings settings)
    {
        services.AddDbContextFactory<EnrollmentDbContext>(o => Configure(o, settings));
        services.AddDbContext<EnrollmentDbContext>(o => Configure(o, settings), ServiceLifetime.Scoped, ServiceLifetime.Singleton);
        services.AddSingleton(settings);
        return services;
    }
}
