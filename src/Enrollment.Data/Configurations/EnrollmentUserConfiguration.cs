using Enrollment.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Enrollment.Data.Configurations;

public sealed class EnrollmentUserConfiguration : IEntityTypeConfiguration<EnrollmentUser>
{
    public void Configure(EntityTypeBuilder<EnrollmentUser> builder)
    {
        builder.Property(u => u.DisplayName).HasMaxLength(64).IsRequired();
        builder.Property(u => u.EmployeeId).HasMaxLength(64);
        builder.Property(u => u.Upn).HasMaxLength(256);
        // The default ownership key at the certificate gate: one employee id, one account.
        builder.HasIndex(u => u.EmployeeId).IsUnique();
    }
}
