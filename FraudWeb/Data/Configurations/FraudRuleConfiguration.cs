using FraudWeb.Domain.Entities;
using FraudWeb.Domain.Rules;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FraudWeb.Data.Configurations;

public sealed class FraudRuleConfiguration : IEntityTypeConfiguration<FraudRule>
{
    public void Configure(EntityTypeBuilder<FraudRule> builder)
    {
        builder.ToTable("Rules");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Name).HasMaxLength(FraudRule.NameMaxLength).IsRequired();
        builder.Property(r => r.Expression).HasMaxLength(RuleParserLimits.MaxLength).IsRequired();
        builder.Property(r => r.Action).HasConversion<string>().HasMaxLength(10);
        builder.Property(r => r.Status).HasConversion<string>().HasMaxLength(10);
        builder.Property(r => r.CreatedBy).HasMaxLength(450).IsRequired();
        builder.Property(r => r.UpdatedBy).HasMaxLength(450).IsRequired();
        builder.Property(r => r.RowVersion).IsConcurrencyToken();
        builder.Ignore(r => r.IsBacktested);
        builder.HasIndex(r => r.Status);
        builder.HasMany(r => r.Versions).WithOne().HasForeignKey(v => v.RuleId).OnDelete(DeleteBehavior.Cascade);
        builder.Navigation(r => r.Versions).UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}
