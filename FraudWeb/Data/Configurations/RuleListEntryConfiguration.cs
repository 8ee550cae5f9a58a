using FraudWeb.Domain.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FraudWeb.Data.Configurations;

public sealed class RuleListEntryConfiguration : IEntityTypeConfiguration<RuleListEntry>
{
    public void Configure(EntityTypeBuilder<RuleListEntry> builder)
    {
        builder.ToTable("RuleListEntries");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Value).HasMaxLength(128).IsRequired();
        builder.Property(e => e.Label).HasMaxLength(200).IsRequired();
        builder.Property(e => e.AddedBy).HasMaxLength(450).IsRequired();
        builder.Property(e => e.AddedReason).HasMaxLength(RuleList.ReasonMaxLength).IsRequired();
        builder.Property(e => e.RemovedBy).HasMaxLength(450);
        builder.Property(e => e.RemovedReason).HasMaxLength(RuleList.ReasonMaxLength);
        builder.Property(e => e.ApprovedBy).HasMaxLength(450);
        // Concurrency tokens: an approval and a removal each act on the entry as read (two analysts at once: one wins,
        // the other is told it changed meanwhile).
        builder.Property(e => e.ApprovedUtc).IsConcurrencyToken();
        builder.Property(e => e.RemovedUtc).IsConcurrencyToken();
        builder.Ignore(e => e.IsActive);
        builder.Ignore(e => e.IsPending);
        builder.HasIndex(e => new { e.ListId, e.Value });
        // One entry per value on a list at a time (in force or waiting): two analysts adding it at once cannot both
        // succeed, which left one copy in force after the other was removed.
        builder.HasIndex(e => new { e.ListId, e.Value }, "IX_RuleListEntries_OnTheList").IsUnique().HasFilter("\"RemovedUtc\" IS NULL");
        // A card's entries go with the card (a deleted account's cards are removed).
        builder.HasOne<Card>().WithMany().HasForeignKey(e => e.CardId).OnDelete(DeleteBehavior.SetNull);
    }
}
