using FraudWeb.Domain.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FraudWeb.Data.Configurations;

public sealed class RuleBacktestConfiguration : IEntityTypeConfiguration<RuleBacktest>
{
    public void Configure(EntityTypeBuilder<RuleBacktest> builder)
    {
        builder.ToTable("RuleBacktests");
        builder.HasKey(b => b.Id);
        builder.Property(b => b.RanBy).HasMaxLength(450).IsRequired();
        builder.Property(b => b.SampleIds).HasMaxLength(RuleBacktest.SampleSize * 21).IsRequired();
        builder.Ignore(b => b.Sample);
        builder.Ignore(b => b.MatchedUnlabelled);
        builder.HasIndex(b => new { b.RuleId, b.RanUtc });
        builder.HasOne<FraudRule>().WithMany().HasForeignKey(b => b.RuleId).OnDelete(DeleteBehavior.Cascade);
    }
}
