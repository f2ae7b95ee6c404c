using Enrollment.Data;
using Enrollment.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Enrollment.Migrations;

/// <summary>
/// The context dotnet-ef builds when it adds or scripts a migration, configured exactly as the portal
/// configures it. No database is opened for `migrations add`, `script` or `has-pending-model-changes`.
/// </summary>
public sealed class DesignTimeContextFactory : IDesignTimeDbContextFactory<EnrollmentDbContext>
{
    public EnrollmentDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<EnrollmentDbContext>();
        SqliteSetup.Configure(options, Path.Combine(Path.GetTempPath(), "enrollment-design-time.db"));
        return new EnrollmentDbContext(options.Options);
    }
}
