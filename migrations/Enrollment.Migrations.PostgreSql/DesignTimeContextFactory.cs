using Enrollment.Data;
using Enrollment.Data.PostgreSql;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Enrollment.Migrations.PostgreSql;

/// <summary>The context dotnet-ef builds for PostgreSQL migrations; no server is opened to add or script one.</summary>
public sealed class DesignTimeContextFactory : IDesignTimeDbContextFactory<EnrollmentDbContext>
{
    public EnrollmentDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<EnrollmentDbContext>();
        PostgreSqlSetup.Configure(options, "Host=127.0.0.1;Database=enrollment_design_time");
        return new EnrollmentDbContext(options.Options);
    }
}
