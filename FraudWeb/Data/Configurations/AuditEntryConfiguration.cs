using FraudWeb.Domain.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FraudWeb.Data.Configurations;

public sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.ToTable("AuditEntries");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.ActorId).HasMaxLength(450).IsRequired();
        builder.Property(e => e.Action).HasMaxLength(64).IsRequired();
        builder.Property(e => e.TargetType).HasMaxLength(32).IsRequired();
        builder.Property(e => e.TargetId).HasMaxLength(450).IsRequired();
        builder.Property(e => e.Before).HasMaxLength(8000);
        builder.Property(e => e.After).HasMaxLength(8000);
        builder.HasIndex(e => e.TimestampUtc);
        // The screen filters by actor (emails are resolved to ids at read time).
        builder.HasIndex(e => e.ActorId);
        builder.HasIndex(e => new { e.TargetType, e.TargetId });
    }
}
