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
        builder.Property(a => a.AssigneeId).HasMaxLength(450).IsRequired();
        builder.HasIndex(a => a.AssigneeId);
        builder.HasOne<CardTransaction>().WithMany().HasForeignKey(a => a.TransactionId).OnDelete(DeleteBehavior.Cascade);
        // A deleted analyst's assignments go back to the queue.
        builder.HasOne<ApplicationUser>().WithMany().HasForeignKey(a => a.AssigneeId).OnDelete(DeleteBehavior.Cascade);
    }
}
