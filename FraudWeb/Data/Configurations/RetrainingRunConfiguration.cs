using FraudWeb.Domain.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FraudWeb.Data.Configurations;

public sealed class RetrainingRunConfiguration : IEntityTypeConfiguration<RetrainingRun>
{
    public void Configure(EntityTypeBuilder<RetrainingRun> builder)
    {
        builder.ToTable("RetrainingRuns");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(r => r.Trigger).HasConversion<string>().HasMaxLength(20);
        builder.Property(r => r.RequestedBy).HasMaxLength(256);
        builder.Property(r => r.Error).HasMaxLength(RetrainingRun.ErrorMaxLength);
        builder.Property(r => r.Outcome).HasMaxLength(1000);
        builder.Property(r => r.ModelVersion).HasMaxLength(64);
        // Always sent (the sentinel is never a real attempt); the default only fills rows that existed before the column.
        builder.Property(r => r.Attempt).HasDefaultValue(1).HasSentinel(-1);
        // RetryOfRunId is a plain link for reading the history, not a foreign key: a run never depends on another existing.
        builder.HasIndex(r => r.Status, "IX_RetrainingRuns_Status");
        // At most one run trains at a time, across every instance: the database refuses a second Running row.
        builder.HasIndex(r => r.Status, "IX_RetrainingRuns_OneRunning").IsUnique().HasFilter($"\"Status\" = '{nameof(RetrainingRunStatus.Running)}'");
        // At most one run waits, across every instance: two requests at the same moment on two instances queued two
        // runs that trained the same labels twice (found by a review); the second request is answered with the first's run.
        builder.HasIndex(r => r.Status, "IX_RetrainingRuns_OneQueued").IsUnique().HasFilter($"\"Status\" = '{nameof(RetrainingRunStatus.Queued)}'");
    }
}
