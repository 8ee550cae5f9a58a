using FraudWeb.Domain.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FraudWeb.Data.Configurations;

public sealed class ModelVersionConfiguration : IEntityTypeConfiguration<ModelVersion>
{
    public void Configure(EntityTypeBuilder<ModelVersion> builder)
    {
        builder.ToTable("ModelVersions");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Version).HasMaxLength(64).IsRequired();
        builder.HasIndex(m => m.Version).IsUnique();
        builder.Property(m => m.FileName).HasMaxLength(260).IsRequired();
        builder.Property(m => m.MetricsJson).HasMaxLength(4000).IsRequired();
        // Rows from before this column get "Candidate"; the migration then marks the active one Serving.
        builder.Property(m => m.Status).HasConversion<string>().HasMaxLength(20).HasDefaultValueSql("'Candidate'")
            .HasSentinel((ModelStatus)(-1)); // always send the value; the default only fills rows that existed before the column
        // One serving version at most, whoever promotes: a second process's promotion fails here instead of serving two.
        builder.HasIndex(m => m.Status).IsUnique().HasFilter($"\"Status\" = '{nameof(ModelStatus.Serving)}'")
            .HasDatabaseName("IX_ModelVersions_Serving");
        builder.Property(m => m.Trigger).HasMaxLength(300);
        builder.Property(m => m.LabelsJson).HasMaxLength(1000);
        builder.Property(m => m.DecisionReason).HasMaxLength(ModelVersion.DecisionReasonMaxLength);
        // Null while the version can serve; the entity cuts longer reasons to this length.
        builder.Property(m => m.UnusableReason).HasMaxLength(ModelVersion.UnusableReasonMaxLength);
    }
}
