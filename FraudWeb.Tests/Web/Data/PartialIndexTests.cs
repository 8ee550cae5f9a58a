using FraudWeb.Services.Reports;
using FraudWeb.Services.Retraining;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Tests.Web.Data;

/// <summary>
/// Queries that look for a few payments among many are answered from partial indexes of those few, not by reading
/// every payment (on both providers).
/// </summary>
[Collection(WebTestGroup.Name)]
public sealed class PartialIndexTests(FraudWebFactory factory)
{
    [Fact]
    public async Task AnalystLabelCount_SeededHistory_ReadsThePartialIndexNotTheTable()
    {
        // Arrange + Act: retraining's label trigger, counted on every poll
        var plan = await QueryPlans.ExplainAsync(factory, db => db.Transactions.Where(RetrainingService.AnalystLabelled).Select(t => t.LabelledBy).ToQueryString());

        // Assert
        Assert.Contains("IX_Transactions_AnalystLabels", plan, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReviewQueue_SeededHistory_ReadsHeldPaymentsFromThePartialIndex()
    {
        // Arrange + Act: the queue (open reports and held payments), as the staff pages and the queue's gauge ask it
        var plan = await QueryPlans.ExplainAsync(factory, db => AwaitingReview.Items(db).Select(i => i.TransactionId).ToQueryString());

        // Assert
        Assert.Contains("IX_Transactions_AwaitingReview", plan, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReviewQueue_CountAndPageWithRiskAndTime_ReadHeldPaymentsFromThePartialIndex()
    {
        // Arrange (exploratory testing: with the risk and time the queue sorts by, SQLite read the held payments
        // through IX_Transactions_Scored, every scored payment: 1.6 s a queue page at a million payments)
        var page = await QueryPlans.ExplainAsync(factory, db => QueryPlans.Inlined(AwaitingReview.Items(db)
            .OrderByDescending(k => k.Risk).ThenBy(k => k.Since).ThenBy(k => k.TransactionId).Take(10).ToQueryString()));
        var count = await QueryPlans.ExplainAsync(factory, db => AwaitingReview.Items(db)
            .Select(k => new { k.TransactionId, k.Risk, k.Since }).ToQueryString());

        // Assert
        Assert.Contains("IX_Transactions_AwaitingReview", page, StringComparison.Ordinal);
        Assert.DoesNotContain("IX_Transactions_Scored", page, StringComparison.Ordinal);
        Assert.Contains("IX_Transactions_AwaitingReview", count, StringComparison.Ordinal);
    }
}
