using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FraudWeb.Data.Configurations;

public sealed class ModelArtifactConfiguration : IEntityTypeConfiguration<ModelArtifact>
{
    public void Configure(EntityTypeBuilder<ModelArtifact> builder)
    {
        builder.ToTable("ModelArtifacts");
        builder.HasKey(a => a.Name);
        builder.Property(a => a.Name).HasMaxLength(ModelArtifact.NameMaxLength);
        builder.Property(a => a.Content).IsRequired();
    }
}
