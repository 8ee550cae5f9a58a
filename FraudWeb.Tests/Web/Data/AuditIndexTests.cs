using FraudWeb.Infrastructure.Localization;
using FraudWeb.Tests.Web.Infrastructure;
using FraudWeb.ViewModelBuilders;
using FraudWeb.ViewModels.Admin;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Tests.Web.Data;

/// <summary>
/// The audit log's filters are answered from indexes, on both providers: a long log (hundreds of thousands of entries)
/// was read whole for the count of each filtered page.
/// </summary>
[Collection(QueryPlanGroup.Name)]
public sealed class AuditIndexTests(QueryPlanFactory factory)
{
    private Task<string> PlanAsync(AuditQueryViewModel query) =>
        QueryPlans.ExplainAsync(factory, db => QueryPlans.Inlined(new AuditViewModelBuilder(db, LocalTime.In(TimeZoneInfo.Utc), TimeProvider.System).Filtered(query)
            .OrderByDescending(e => e.Id).Select(e => e.Id).ToQueryString()));

    [Fact]
    public async Task Filtered_ByAction_ReadsTheActionIndex()
    {
        // Arrange + Act
        var plan = await PlanAsync(new AuditQueryViewModel { Operation = "user.edit" });

        // Assert
        Assert.Contains("IX_AuditEntries_Action_Id", plan, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Filtered_ByTarget_ReadsTheTargetIdIndex()
    {
        // Arrange: an id of any kind of target, or an account's email (one that exists: for an address no account has,
        // the account's part of the condition is false and drops out of the plan)
        await factory.PlanQueryAsync(_ => Task.FromResult(0));

        // Act
        var plan = await PlanAsync(new AuditQueryViewModel { Target = factory.AccountEmail });

        // Assert: both terms read from the target index, the account's id looked up by its address (as a set inside
        // the OR, PostgreSQL read every entry about any account through the type index and filtered them)
        Assert.True(plan.Contains("IX_AuditEntries_TargetId", StringComparison.Ordinal), plan);
        Assert.True(plan.Contains("EmailIndex", StringComparison.Ordinal), plan);
        Assert.DoesNotContain("SubPlan", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("SCAN a ", plan, StringComparison.Ordinal);
    }
}
