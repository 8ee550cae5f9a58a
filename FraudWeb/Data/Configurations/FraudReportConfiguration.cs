using FraudWeb.Domain.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FraudWeb.Data.Configurations;

public sealed class FraudReportConfiguration : IEntityTypeConfiguration<FraudReport>
{
    public void Configure(EntityTypeBuilder<FraudReport> builder)
    {
        builder.ToTable("FraudReports");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Kind).HasConversion<string>().HasMaxLength(20);
        builder.Property(r => r.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(r => r.Reason).HasMaxLength(FraudReport.ReasonMaxLength).IsRequired();
        builder.Property(r => r.DecidedBy).HasMaxLength(256);
        builder.Property(r => r.RowVersion).IsConcurrencyToken();
        builder.HasOne(r => r.Transaction).WithMany().HasForeignKey(r => r.TransactionId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(r => new { r.TransactionId, r.Status });
        // A holder's reports by their cards (the profile's fraud history); no foreign key: the payment's cascades.
        builder.HasIndex(r => r.CardId);
        // The column came with default 0 for existing rows (then filled from their payments); a card id is never -1.
        builder.Property(r => r.CardId).HasDefaultValue(0L).HasSentinel(-1L);
        // At most one open report per payment, decided by the database (two simultaneous submissions both pass a check).
        builder.HasIndex(r => r.TransactionId).IsUnique().HasFilter("\"Status\" = 'Open'").HasDatabaseName("IX_FraudReports_TransactionId_Open");
        // The analysts' queue's open reports in its order (risk highest first, then the longest waiting, then the payment):
        // a page reads a page of entries, not every open report (docs/decisions/0029). The filter is the query's condition
        // as written, which SQLite needs to see to use a partial index.
        // As CardId's: the column came with default 0 for existing rows (then filled from their payments); every report
        // is written with its risk (-1 to 99), never the sentinel.
        builder.Property(r => r.Risk).HasDefaultValue(0).HasSentinel(int.MinValue);
        builder.HasIndex(r => new { r.Risk, r.CreatedUtc, r.TransactionId }).IsDescending(true, false, false)
            .HasFilter("\"Status\" = 'Open'").HasDatabaseName("IX_FraudReports_Queue");
    }
}
