using FraudWeb.Domain.Entities;
using FraudWeb.Domain.Rules;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FraudWeb.Data.Configurations;

public sealed class FraudRuleVersionConfiguration : IEntityTypeConfiguration<FraudRuleVersion>
{
    public void Configure(EntityTypeBuilder<FraudRuleVersion> builder)
    {
        builder.ToTable("RuleVersions");
        builder.HasKey(v => v.Id);
        builder.Property(v => v.Name).HasMaxLength(FraudRule.NameMaxLength).IsRequired();
        builder.Property(v => v.Expression).HasMaxLength(RuleParserLimits.MaxLength).IsRequired();
        builder.Property(v => v.Action).HasConversion<string>().HasMaxLength(10);
        builder.Property(v => v.ChangedBy).HasMaxLength(450).IsRequired();
        builder.HasIndex(v => new { v.RuleId, v.Version }).IsUnique();
    }
}
