using Enrollment.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Enrollment.Data.Configurations;

public sealed class IssuedCertificateConfiguration : IEntityTypeConfiguration<IssuedCertificate>
{
    public void Configure(EntityTypeBuilder<IssuedCertificate> builder)
    {
        builder.ToTable("IssuedCertificates");
        builder.Property(c => c.SerialNumber).HasMaxLength(42).IsRequired();
        // A serial is never used twice, whatever the issuer (docs/pitfalls.md, "Serial before signature").
        builder.HasIndex(c => c.SerialNumber).IsUnique();
        builder.Property(c => c.IssuerKeyId).HasMaxLength(128).IsRequired();
        builder.Property(c => c.Profile).HasMaxLength(64).IsRequired();
        builder.Property(c => c.SubjectDn).HasMaxLength(512).IsRequired();
        builder.Property(c => c.PublicKeySha256).HasMaxLength(64).IsRequired();
        builder.Property(c => c.State).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.RevocationReason).HasConversion<string>().HasMaxLength(32);
        builder.Property(c => c.LastSeenAddress).HasMaxLength(64);
        builder.HasOne(c => c.User).WithMany().HasForeignKey(c => c.UserId).OnDelete(DeleteBehavior.Restrict);
        builder.HasIndex(c => new { c.UserId, c.State });
        builder.HasIndex(c => c.NotAfter);
        builder.HasIndex(c => c.RevokedAt);
    }
}
