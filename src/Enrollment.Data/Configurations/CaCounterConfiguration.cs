using Enrollment.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Enrollment.Data.Configurations;

public sealed class CaCounterConfiguration : IEntityTypeConfiguration<CaCounter>
{
    public void Configure(EntityTypeBuilder<CaCounter> builder)
    {
        builder.ToTable("CaCounters");
        builder.HasKey(c => c.Name);
        builder.Property(c => c.Name).HasMaxLength(64);
    }
}
