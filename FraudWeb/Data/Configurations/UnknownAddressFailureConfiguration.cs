using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FraudWeb.Data.Configurations;

public sealed class UnknownAddressFailureConfiguration : IEntityTypeConfiguration<UnknownAddressFailure>
{
    public void Configure(EntityTypeBuilder<UnknownAddressFailure> builder)
    {
        builder.ToTable("UnknownAddressFailures");
        builder.HasKey(f => f.AddressHash);
        builder.Property(f => f.AddressHash).HasMaxLength(UnknownAddressFailure.HashLength);
        // The purge of counts nobody has added to for a day.
        builder.HasIndex(f => f.LastFailedUtc);
    }
}
