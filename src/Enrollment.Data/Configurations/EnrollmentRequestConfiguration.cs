using Enrollment.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Enrollment.Data.Configurations;

public sealed class EnrollmentRequestConfiguration : IEntityTypeConfiguration<EnrollmentRequest>
{
    public void Configure(EntityTypeBuilder<EnrollmentRequest> builder)
    {
        builder.ToTable("EnrollmentRequests");
        builder.Property(r => r.Profile).HasMaxLength(64).IsRequired();
        builder.Property(r => r.Justification).HasMaxLength(2000).IsRequired();
        builder.Property(r => r.State).HasConversion<string>().HasMaxLength(16);
        builder.Property(r => r.DeciderName).HasMaxLength(256);
        builder.Property(r => r.DecisionComment).HasMaxLength(2000);
        builder.Property(r => r.PickupMethod).HasMaxLength(16);
        builder.Property(r => r.CertificateSerial).HasMaxLength(42);
        builder.Property(r => r.RenewalOf).HasMaxLength(42);
        builder.Ignore(r => r.Subject);
        builder.Property(r => r.SubjectCommonName).HasMaxLength(64);
        builder.Property(r => r.SubjectOrganization).HasMaxLength(64);
        builder.Property(r => r.SubjectEmployeeId).HasMaxLength(64);
        builder.Property(r => r.SubjectEmail).HasMaxLength(256);
        builder.Property(r => r.SubjectUpn).HasMaxLength(256);
        builder.HasOne(r => r.Requester).WithMany().HasForeignKey(r => r.RequesterId).OnDelete(DeleteBehavior.Restrict);
        // The approver queue reads pending requests oldest first; "my requests" reads one user's, newest first.
        builder.HasIndex(r => new { r.State, r.SubmittedAt });
        builder.HasIndex(r => new { r.RequesterId, r.SubmittedAt });
        // One open request per requester and profile, kept by the database itself on every engine: an
        // approval whose window closed is lapsed before a new request is added (MyRequests).
        // Double-quoted identifiers are ANSI: SQLite and PostgreSQL read them, and SQL Server does
        // with QUOTED_IDENTIFIER on, which its filtered indexes require anyway.
        builder.HasIndex(r => new { r.RequesterId, r.Profile }).IsUnique()
            .HasFilter("\"State\" IN ('Pending', 'Approved')").HasDatabaseName("IX_EnrollmentRequests_OneOpenPerProfile");
    }
}
