using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FraudWeb.Data.Configurations;

/// <summary>Identity's account table, beyond Identity's own configuration.</summary>
public sealed class ApplicationUserConfiguration : IEntityTypeConfiguration<ApplicationUser>
{
    public void Configure(EntityTypeBuilder<ApplicationUser> builder)
    {
        // The accounts locked now (the dashboard's count, the list's status filter) as one range of this index: without
        // it, every account was read to find the few locked.
        builder.HasIndex(u => u.LockoutEnd);
    }
}
