using FraudWeb.Domain.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FraudWeb.Data.Configurations;

public sealed class CardTransactionConfiguration : IEntityTypeConfiguration<CardTransaction>
{
    /// <summary>
    /// Stopped or confirmed fraud, as SQL. SQLite uses a partial index only for a query whose condition is this very
    /// expression: it is written as EF Core translates ProfileViewModelBuilder's Flagged.
    /// </summary>
    public const string FlaggedIndexFilter = "\"Decision\" IN ('Declined', 'Review') OR \"Label\" = 'Fraud'";

    /// <summary>Analysts' labels (RetrainingService's count): written as EF Core translates that count's condition.</summary>
    public const string AnalystLabelsIndexFilter = "\"LabelledBy\" IS NOT NULL AND \"LabelledBy\" <> '" + CardTransaction.SimulatorLabeller + "'";

    /// <summary>
    /// Held payments nobody has labelled yet (AwaitingReview's held part), as EF Core translates that condition: a few
    /// among many payments, so the review queue reads only them.
    /// </summary>
    public const string AwaitingReviewIndexFilter = "\"Decision\" = 'Review' AND \"Label\" = 'Unknown'";

    /// <summary>Scored payments (the API's list), as EF Core translates PaymentResources' condition.</summary>
    public const string ScoredIndexFilter = "\"Decision\" IS NOT NULL";

    public void Configure(EntityTypeBuilder<CardTransaction> builder)
    {
        builder.ToTable("Transactions");
        builder.HasKey(t => t.Id);
        builder.Property(t => t.Source).HasConversion<string>().HasMaxLength(20);
        builder.Property(t => t.Label).HasConversion<string>().HasMaxLength(20);
        builder.Property(t => t.LabelledBy).HasMaxLength(256);
        builder.Property(t => t.Settlement).HasConversion<string>().HasMaxLength(20);
        builder.Property(t => t.SettlementReason).HasMaxLength(200);
        builder.Property(t => t.RefundReason).HasMaxLength(200);
        // Two analysts deciding the same held payment: the second save fails instead of charging twice.
        builder.Property(t => t.RowVersion).IsConcurrencyToken();
        builder.HasOne(t => t.Card).WithMany().HasForeignKey(t => t.CardId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(t => t.Terminal).WithMany().HasForeignKey(t => t.TerminalId).OnDelete(DeleteBehavior.Restrict);
        // The online features read a card's and a terminal's recent history; the holder's newest page reads a card's
        // backwards, in the page's order (time, then id: PostgreSQL cannot take the id's order from the row's place).
        // The merchant too: the payment form's recent merchants come from the index alone, not 50 rows scattered
        // among every card's payments (perf, issue 17).
        builder.HasIndex(t => new { t.CardId, t.TimestampUtc, t.Id, t.TerminalId });
        builder.HasIndex(t => new { t.TerminalId, t.TimestampUtc });
        // The review queue's held payments. Not an index of every payment's decision or label: nothing else looks
        // payments up by those alone, and each index was one more insert in every payment's write, about a sixth of
        // SQLite's work for a payment (bench/README.md, issue 17).
        builder.HasIndex(t => t.TimestampUtc, "IX_Transactions_AwaitingReview").HasFilter(AwaitingReviewIndexFilter);
        // A holder's fraud history (ProfileViewModelBuilder): only the flagged payments, a few among many, are in it.
        builder.HasIndex(t => new { t.CardId, t.TimestampUtc }, "IX_Transactions_Flagged").HasFilter(FlaggedIndexFilter);
        // Retraining's label trigger counts analysts' labels every poll: a few among millions of payments, so counted
        // from an index of only those, not by reading the whole table each time.
        builder.HasIndex(t => t.LabelledBy, "IX_Transactions_AnalystLabels").HasFilter(AnalystLabelsIndexFilter);
        // The API's list pages a holder's scored payments by id from a row (keyset, PaymentResources.PageIds): no other
        // index has a card's payments in id order (time and id disagree), and sorting the whole history took 15-133 ms
        // a page at 3.6 M payments, 0.2-6 ms so. The time is in it for the list's window, checked in the index. The
        // seeded history (never scored) is not in it. It costs a payment's write one more insert: 2-3 us of SQLite's CPU.
        builder.HasIndex(t => new { t.CardId, t.Id, t.TimestampUtc }, "IX_Transactions_Scored").HasFilter(ScoredIndexFilter);
        builder.Ignore(t => t.IsConfirmedFraud);
        builder.Ignore(t => t.IsAwaitingReview);
        builder.Ignore(t => t.WasCharged);
        builder.Ignore(t => t.IsRefunded);
        builder.OwnsOne(t => t.Verdict, verdict =>
        {
            verdict.Property(v => v.RiskScore).HasColumnName("RiskScore");
            verdict.Property(v => v.Decision).HasColumnName("Decision").HasConversion<string>().HasMaxLength(20);
            verdict.Property(v => v.ModelVersion).HasColumnName("ModelVersion").HasMaxLength(64);
            verdict.Property(v => v.ReasonsJson).HasColumnName("Reasons").HasMaxLength(4000);
            verdict.Property(v => v.ScoringMilliseconds).HasColumnName("ScoringMilliseconds");
            verdict.Property(v => v.DeclineReason).HasColumnName("DeclineReason").HasMaxLength(200);
            verdict.Property(v => v.RuleId).HasColumnName("RuleId");
            verdict.Property(v => v.DecidedBy).HasColumnName("DecidedBy").HasMaxLength(200);
            // The review queue's held payments in its order, highest risk first: a page reads a page of entries, not every
            // held payment sorted (docs/decisions/0029). The risk only: EF Core cannot put an owned type's column and its
            // owner's time in one index, so the time's order within one risk is a sort of that risk's entries.
            verdict.HasIndex(v => v.RiskScore, "IX_Transactions_ReviewQueue").IsDescending().HasFilter(AwaitingReviewIndexFilter);
        });
    }
}
