using Enrollment.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Enrollment.Data.Configurations;

public sealed class SharedCaFileConfiguration : IEntityTypeConfiguration<SharedCaFile>
{
    public void Configure(EntityTypeBuilder<SharedCaFile> builder)
    {
        builder.ToTable("SharedCaFiles");
        builder.HasKey(f => f.Name);
        builder.Property(f => f.Name).HasMaxLength(64);
    }
}
