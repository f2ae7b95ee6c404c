using Enrollment.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Enrollment.Data.Configurations;

public sealed class AuthenticatorStepConfiguration : IEntityTypeConfiguration<AuthenticatorStep>
{
    public void Configure(EntityTypeBuilder<AuthenticatorStep> builder)
    {
        builder.ToTable("AuthenticatorSteps");
        builder.HasKey(s => s.UserId);
        builder.HasOne<EnrollmentUser>().WithOne().HasForeignKey<AuthenticatorStep>(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
