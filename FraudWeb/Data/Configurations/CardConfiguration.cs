using FraudWeb.Domain.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FraudWeb.Data.Configurations;

public sealed class CardConfiguration : IEntityTypeConfiguration<Card>
{
    /// <summary>The shadow column of the card's payment count: <c>EF.Property&lt;long&gt;(card, CardConfiguration.PaymentCount)</c>.</summary>
    public const string PaymentCount = nameof(PaymentCount);

    /// <summary>
    /// The shadow column of how many of the card's payments are in its holder's fraud history as stopped (declined or
    /// held) or confirmed fraud: <c>EF.Property&lt;long&gt;(card, CardConfiguration.FlaggedCount)</c>.
    /// </summary>
    public const string FlaggedCount = nameof(FlaggedCount);

    /// <summary>
    /// The cards that hold their number on the holder's profile: those that take payments and those the bank blocked (a
    /// block is lifted, so the number is not free to be added again meanwhile); the filter of the per-holder fingerprint index.
    /// </summary>
    public const string ActiveFilter = "\"StoppedUtc\" IS NULL OR \"StoppedAs\" = 'Blocked'";

    public void Configure(EntityTypeBuilder<Card> builder)
    {
        builder.ToTable("Cards");
        builder.HasKey(c => c.Id);
        // HMAC-SHA256 hex; unique per holder only: a global index told anyone whether someone else holds a number (ADR 0003).
        // Among the cards that take payments only: a removed card keeps its row and history, and its number may be added
        // again as a new card (docs/decisions/0023).
        builder.Property(c => c.Fingerprint).HasMaxLength(64).IsFixedLength().IsRequired();
        builder.HasIndex(c => new { c.CardHolderId, c.Fingerprint }).IsUnique().HasFilter(ActiveFilter);
        // A holder's cards, stopped ones too (the profile, the cascade from the holder): the filtered index above serves
        // only queries that name its condition.
        builder.HasIndex(c => c.CardHolderId);
        // Staff find a card by its whole number (the card lookup, a card list's search: docs/decisions/0030): a seek
        // instead of reading every card. Not unique, for the reason above.
        builder.HasIndex(c => c.Fingerprint, "IX_Cards_Fingerprint");
        // A token too: a stop changes no balance, so without it a review's charge or a second stop read before the stop
        // would still be saved over it (the card charged after it was reported lost, or a lost card turned "removed").
        builder.Property(c => c.StoppedAs).HasConversion<string>().HasMaxLength(20).IsConcurrencyToken();
        // Why staff blocked it and their note (docs/decisions/0028); both null unless the card is blocked.
        builder.Property(c => c.BlockReason).HasConversion<string>().HasMaxLength(20);
        builder.Property(c => c.BlockNote).HasMaxLength(Card.BlockNoteMaxLength);
        builder.Property(c => c.Last4).HasMaxLength(4).IsFixedLength().IsRequired();
        // The review queue's search by a card's last four digits starts from the cards that have them (ADR 0029).
        builder.HasIndex(c => c.Last4, "IX_Cards_Last4");
        builder.Property(c => c.Brand).HasConversion<string>().HasMaxLength(20);
        builder.Property(c => c.CardholderName).HasMaxLength(100).IsRequired();
        builder.Property(c => c.Balance).IsConcurrencyToken();
        // How many payments the card has, kept by database triggers on Transactions (migration CardPaymentCount) so the
        // profile's pager needs no count of the holder's whole history; never written by the app.
        var paymentCount = builder.Property<long>(PaymentCount).HasDefaultValue(0L).Metadata;
        paymentCount.SetBeforeSaveBehavior(PropertySaveBehavior.Ignore);
        paymentCount.SetAfterSaveBehavior(PropertySaveBehavior.Ignore);
        // How many of them are flagged (CardTransactionConfiguration.FlaggedIndexFilter), kept by triggers the same way
        // (migration CardFlaggedCount): the profile skips its fraud history's statement when a holder has none.
        var flaggedCount = builder.Property<long>(FlaggedCount).HasDefaultValue(0L).Metadata;
        flaggedCount.SetBeforeSaveBehavior(PropertySaveBehavior.Ignore);
        flaggedCount.SetAfterSaveBehavior(PropertySaveBehavior.Ignore);
        builder.HasOne(c => c.CardHolder).WithMany(h => h.Cards).HasForeignKey(c => c.CardHolderId).OnDelete(DeleteBehavior.Cascade);
        builder.Ignore(c => c.AvailableCredit);
        builder.Ignore(c => c.IsStopped);
        builder.Ignore(c => c.IsBlocked);
        builder.Ignore(c => c.Masked);
        builder.Ignore(c => c.ExpiryText);
    }
}
