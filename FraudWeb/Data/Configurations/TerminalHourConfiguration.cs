using FraudWeb.Domain.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FraudWeb.Data.Configurations;

public sealed class TerminalHourConfiguration : IEntityTypeConfiguration<TerminalHour>
{
    public void Configure(EntityTypeBuilder<TerminalHour> builder)
    {
        builder.ToTable("TerminalHours");
        builder.HasKey(h => new { h.TerminalId, h.HourUtc });
        builder.HasOne<Terminal>().WithMany().HasForeignKey(h => h.TerminalId).OnDelete(DeleteBehavior.Cascade);
    }
}
