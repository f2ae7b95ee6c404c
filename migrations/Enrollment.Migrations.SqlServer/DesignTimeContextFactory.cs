using Enrollment.Data;
using Enrollment.Data.SqlServer;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Enrollment.Migrations.SqlServer;

/// <summary>The context dotnet-ef builds for SQL Server migrations; no server is opened to add or script one.</summary>
public sealed class DesignTimeContextFactory : IDesignTimeDbContextFactory<EnrollmentDbContext>
{
    public EnrollmentDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<EnrollmentDbContext>();
        SqlServerSetup.Configure(options, "Server=localhost;Database=EnrollmentDesignTime;Integrated Security=true;TrustServerCertificate=true");
        return new EnrollmentDbContext(options.Options);
    }
}
