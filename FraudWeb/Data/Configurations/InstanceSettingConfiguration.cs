using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FraudWeb.Data.Configurations;

public sealed class InstanceSettingConfiguration : IEntityTypeConfiguration<InstanceSetting>
{
    public void Configure(EntityTypeBuilder<InstanceSetting> builder)
    {
        builder.ToTable("InstanceSettings");
        builder.HasKey(s => s.Name);
        builder.Property(s => s.Name).HasMaxLength(InstanceSetting.NameMaxLength);
        builder.Property(s => s.Value).HasMaxLength(InstanceSetting.ValueMaxLength).IsRequired();
    }
}
