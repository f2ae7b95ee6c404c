using Enrollment.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Enrollment.Data.Configurations;

public sealed class CrlPublicationConfiguration : IEntityTypeConfiguration<CrlPublication>
{
    public void Configure(EntityTypeBuilder<CrlPublication> builder)
    {
        builder.ToTable("CrlPublications");
        builder.HasKey(c => c.Number);
        builder.Property(c => c.Number).ValueGeneratedNever();
        builder.Property(c => c.IssuerKeyId).HasMaxLength(128).IsRequired();
    }
}
