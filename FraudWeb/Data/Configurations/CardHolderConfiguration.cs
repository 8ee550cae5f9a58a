using FraudWeb.Domain.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FraudWeb.Data.Configurations;

public sealed class CardHolderConfiguration : IEntityTypeConfiguration<CardHolder>
{
    public void Configure(EntityTypeBuilder<CardHolder> builder)
    {
        builder.ToTable("CardHolders");
        builder.HasKey(h => h.Id);
        builder.Property(h => h.FullName).HasMaxLength(PersonalDetailsLimits.FullNameMaxLength).IsRequired();
        builder.Property(h => h.PhoneNumber).HasMaxLength(PersonalDetailsLimits.PhoneNumberMaxLength);
        builder.Property(h => h.UserId).HasMaxLength(450);
        builder.Property(h => h.RowVersion).IsConcurrencyToken();
        builder.Property(h => h.ConsentNotice).HasMaxLength(CardHolder.ConsentNoticeMaxLength);
        builder.HasIndex(h => h.UserId).IsUnique();
        builder.HasOne<ApplicationUser>().WithOne().HasForeignKey<CardHolder>(h => h.UserId).OnDelete(DeleteBehavior.Cascade);
        builder.OwnsOne(h => h.Address, address =>
        {
            address.Property(a => a.Line1).HasColumnName("AddressLine1").HasMaxLength(PersonalDetailsLimits.AddressLineMaxLength);
            address.Property(a => a.Line2).HasColumnName("AddressLine2").HasMaxLength(PersonalDetailsLimits.AddressLineMaxLength);
            address.Property(a => a.City).HasColumnName("City").HasMaxLength(PersonalDetailsLimits.CityMaxLength);
            address.Property(a => a.Postcode).HasColumnName("Postcode").HasMaxLength(PersonalDetailsLimits.PostcodeMaxLength);
            address.Property(a => a.Country).HasColumnName("Country").HasMaxLength(PersonalDetailsLimits.CountryMaxLength);
        });
        builder.Navigation(h => h.Cards).HasField("_cards").UsePropertyAccessMode(PropertyAccessMode.Field);
    }
}
