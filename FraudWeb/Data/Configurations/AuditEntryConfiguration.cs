using FraudWeb.Domain.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FraudWeb.Data.Configurations;

public sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    /// <summary>The request's W3C trace id and this server's span id for it, a shadow property set by <see cref="AuditTraceInterceptor"/> (not the domain's concern).</summary>
    public const string TraceId = "TraceId";

    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.ToTable("AuditEntries");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.ActorId).HasMaxLength(450).IsRequired();
        builder.Property(e => e.Action).HasMaxLength(64).IsRequired();
        builder.Property(e => e.TargetType).HasMaxLength(32).IsRequired();
        builder.Property(e => e.TargetId).HasMaxLength(450).IsRequired();
        // Unbounded: a snapshot is JSON of bounded fields, but JSON's escapes make up to 12 characters of one (a rule of
        // 2,000 Chinese characters was 12,000), and a change must never fail for its audit entry's length.
        builder.Property(e => e.Before);
        builder.Property(e => e.After);
        builder.Property<string?>(TraceId).HasMaxLength(64);
        builder.HasIndex(e => e.TimestampUtc);
        // The screen filters by actor (emails are resolved to ids at read time).
        builder.HasIndex(e => e.ActorId);
        builder.HasIndex(e => new { e.TargetType, e.TargetId });
        // The screen's other filters: by action, newest first (the page's order), and by target id whatever its type
        // (the (TargetType, TargetId) index cannot answer that, so a long log was read whole for each).
        builder.HasIndex(e => new { e.Action, e.Id });
        builder.HasIndex(e => e.TargetId);
    }
}
