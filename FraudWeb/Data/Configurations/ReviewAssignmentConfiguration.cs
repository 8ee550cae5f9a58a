using FraudWeb.Domain.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FraudWeb.Data.Configurations;

public sealed class ReviewAssignmentConfiguration : IEntityTypeConfiguration<ReviewAssignment>
{
    public void Configure(EntityTypeBuilder<ReviewAssignment> builder)
    {
        builder.ToTable("ReviewAssignments");
        // One assignee per payment, decided by the key (two analysts taking it at once: one insert wins).
        builder.HasKey(a => a.TransactionId);
        builder.Property(a => a.TransactionId).ValueGeneratedNever();
        // A concurrency token: a give-back or take-over acts only on the assignment it read (another analyst may have taken
        // the payment meanwhile; their assignment must not be deleted or overwritten unseen).
        builder.Property(a => a.AssigneeId).HasMaxLength(450).IsRequired().IsConcurrencyToken();
        builder.HasIndex(a => a.AssigneeId);
        builder.HasOne<CardTransaction>().WithMany().HasForeignKey(a => a.TransactionId).OnDelete(DeleteBehavior.Cascade);
        // A deleted analyst's assignments go back to the queue.
        builder.HasOne<ApplicationUser>().WithMany().HasForeignKey(a => a.AssigneeId).OnDelete(DeleteBehavior.Cascade);
    }
}
