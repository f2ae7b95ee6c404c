using Enrollment.Data.Entities;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Enrollment.Data;

/// <summary>The portal's database: Identity plus requests, certificates, CA counters and the audit chain.</summary>
public sealed class EnrollmentDbContext(DbContextOptions<EnrollmentDbContext> options) : IdentityDbContext<EnrollmentUser>(options), IDataProtectionKeyContext
{
    /// <summary>The Data Protection key ring on a server database (sealed like the file ring; docs/certificate-authority.md).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<IssuedCertificate> Certificates => Set<IssuedCertificate>();

    public DbSet<EnrollmentRequest> Requests => Set<EnrollmentRequest>();

    public DbSet<CaCounter> CaCounters => Set<CaCounter>();

    public DbSet<CrlPublication> CrlPublications => Set<CrlPublication>();

    public DbSet<SharedCaFile> SharedCaFiles => Set<SharedCaFile>();

    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();

    public DbSet<AuthenticatorStep> AuthenticatorSteps => Set<AuthenticatorStep>();

    public DbSet<UserSession> Sessions => Set<UserSession>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(EnrollmentDbContext).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Every DateTime is UTC: stored as ISO text (which sorts) and read back with Kind = Utc.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
    }
}
