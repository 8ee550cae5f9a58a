using FraudWeb.Domain.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FraudWeb.Data.Configurations;

public sealed class RuleListConfiguration : IEntityTypeConfiguration<RuleList>
{
    public void Configure(EntityTypeBuilder<RuleList> builder)
    {
        builder.ToTable("RuleLists");
        builder.HasKey(l => l.Id);
        builder.Property(l => l.Name).HasMaxLength(RuleList.NameMaxLength).IsRequired();
        builder.Property(l => l.Description).HasMaxLength(RuleList.DescriptionMaxLength).IsRequired();
        builder.Property(l => l.Kind).HasConversion<string>().HasMaxLength(20);
        builder.Property(l => l.Purpose).HasConversion<string>().HasMaxLength(10);
        builder.Property(l => l.CreatedBy).HasMaxLength(450).IsRequired();
        // Rules name lists as @name.
        builder.HasIndex(l => l.Name).IsUnique();
        builder.HasMany(l => l.Entries).WithOne().HasForeignKey(e => e.ListId).OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(l => l.Entries).UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}
