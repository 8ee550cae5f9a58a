using FraudWeb.Domain.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FraudWeb.Data.Configurations;

public sealed class CardSpendHourConfiguration : IEntityTypeConfiguration<CardSpendHour>
{
    public void Configure(EntityTypeBuilder<CardSpendHour> builder)
    {
        builder.ToTable("CardSpendHours");
        // The features read one card's hours in a time range: the key is that index.
        builder.HasKey(h => new { h.CardId, h.HourUtc });
        builder.HasOne<Card>().WithMany().HasForeignKey(h => h.CardId).OnDelete(DeleteBehavior.Cascade);
    }
}
