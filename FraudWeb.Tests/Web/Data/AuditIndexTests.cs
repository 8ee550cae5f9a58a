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
        // Arrange + Act: an id of any kind of target, or an account's email
        var plan = await PlanAsync(new AuditQueryViewModel { Target = "someone@example.com" });

        // Assert
        Assert.True(plan.Contains("IX_AuditEntries_TargetId", StringComparison.Ordinal), plan);
    }
}
