using FraudWeb.Data;
using FraudWeb.Infrastructure.Localization;
using FraudWeb.Tests.Web.Infrastructure;
using FraudWeb.ViewModelBuilders;
using FraudWeb.ViewModels.Admin;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Tests.Web.Data;

/// <summary>
/// The administrators' lists read about a page from indexes, on both providers (data-volume review: at 30,000 accounts
/// and 500,000 audit entries each page read and sorted every row before it, and the dashboard read every account ever locked).
/// </summary>
[Collection(QueryPlanGroup.Name)]
public sealed class AdminListIndexTests(QueryPlanFactory factory)
{
    private Task<string> UsersPlanAsync(UserQueryViewModel query, Func<IQueryable<ApplicationUser>, IQueryable<ApplicationUser>>? page = null) =>
        QueryPlans.ExplainAsync(factory, db =>
        {
            var users = new AdminUsersViewModelBuilder(db, factory.Clock).FilteredAsync(query, factory.Clock.GetUtcNow(), default).GetAwaiter().GetResult().Users;
            return QueryPlans.Inlined((page ?? (u => u))(users).OrderBy(u => u.NormalizedEmail).ThenBy(u => u.Id).Take(21).Select(u => u.Id).ToQueryString());
        });

    [Fact]
    public async Task LockedAt_Count_ReadsTheLockoutEndIndex()
    {
        // Arrange + Act
        var plan = await QueryPlans.ExplainAsync(factory, db => QueryPlans.Inlined(
            AdminUsersViewModelBuilder.LockedAt(db, factory.Clock.GetUtcNow()).Select(u => u.Id).ToQueryString()));

        // Assert
        Assert.Contains("IX_AspNetUsers_LockoutEnd", plan, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FilteredUsers_ARoleFewHold_ReadsTheRoleIndex()
    {
        // Arrange + Act: the Admin role, a handful of accounts
        var plan = await UsersPlanAsync(new UserQueryViewModel { Role = Roles.Admin });

        // Assert
        Assert.True(plan.Contains("IX_AspNetUserRoles_RoleId", StringComparison.Ordinal), plan);
    }

    [Fact]
    public async Task FilteredUsers_AnAddressStart_ReadsTheAddressIndex()
    {
        // Arrange + Act
        var plan = await UsersPlanAsync(new UserQueryViewModel { Search = "someone@exa" });

        // Assert
        Assert.Contains("EmailIndex", plan, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FilteredUsers_PageAfterARow_ReadsTheAddressIndexFromThere()
    {
        // Arrange + Act: the keyset's first condition, as the list's next page writes it
        var plan = await UsersPlanAsync(new UserQueryViewModel(), users => users.Where(u => u.NormalizedEmail!.CompareTo("M@EXAMPLE.TEST") >= 0));

        // Assert
        Assert.Contains("EmailIndex", plan, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuditFiltered_ByActionOlderThanAnEntry_ReadsTheActionIndex()
    {
        // Arrange + Act
        var plan = await QueryPlans.ExplainAsync(factory, db => QueryPlans.Inlined(new AuditViewModelBuilder(db, LocalTime.In(TimeZoneInfo.Utc), TimeProvider.System)
            .Filtered(new AuditQueryViewModel { Operation = "user.edit" }).Where(e => e.Id < QueryPlanFactory.Rows / 2).OrderByDescending(e => e.Id).Take(26).Select(e => e.Id).ToQueryString()));

        // Assert
        Assert.True(plan.Contains("IX_AuditEntries_Action_Id", StringComparison.Ordinal), plan);
    }
}
