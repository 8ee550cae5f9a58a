using FraudWeb.Data;
using FraudWeb.Services.Reports;
using FraudWeb.Services.Retraining;
using FraudWeb.Tests.Web.Infrastructure;
using FraudWeb.ViewModelBuilders;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Tests.Web.Data;

/// <summary>
/// Queries that look for a few payments among many are answered from partial indexes of those few, not by reading
/// every payment (on both providers).
/// </summary>
[Collection(QueryPlanGroup.Name)]
public sealed class PartialIndexTests(QueryPlanFactory factory)
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
    public async Task ReviewQueueHeld_SeededHistory_ReadsHeldPaymentsFromAPartialIndex()
    {
        // Arrange + Act: the held payments, as the staff pages and the queue's gauge count them
        var plan = await QueryPlans.ExplainAsync(factory, db => AwaitingReview.Held(db).Select(i => i.TransactionId).ToQueryString());

        // Assert
        Assert.Matches("IX_Transactions_(AwaitingReview|ReviewQueue)", plan);
        Assert.DoesNotContain("IX_Transactions_Scored", plan, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReviewQueueHeld_PageInQueueOrder_ReadsTheRiskIndex()
    {
        // Arrange (exploratory testing: with the risk and time the queue sorts by, SQLite read the held payments
        // through IX_Transactions_Scored, every scored payment: 1.6 s a queue page at a million payments; then through
        // the time index, every held payment sorted: 70-90 ms at 50,000 held)
        var page = await QueryPlans.ExplainAsync(factory, db => QueryPlans.Inlined(AwaitingReview.Held(db)
            .OrderByDescending(k => k.Risk).ThenBy(k => k.Since).ThenBy(k => k.TransactionId).Take(11).ToQueryString()));

        // Assert
        Assert.Matches(await RiskIndexAsync(), page);
        Assert.DoesNotContain("IX_Transactions_Scored", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReviewQueueHeld_PageAfterAnItem_SeeksTheRiskIndexToItsRisk()
    {
        // Arrange: Next from an item deep in the queue (risk 69), with the risk's bound before the keyset's OR
        var at = new DateTime(2026, 6, 1, 0, 0, 0, DateTimeKind.Utc);

        // Act
        var page = await QueryPlans.ExplainAsync(factory, db => QueryPlans.Inlined(AwaitingReview.Held(db)
            .Where(k => k.Risk <= 69 && (k.Risk < 69 || (k.Risk == 69 && (k.Since > at || (k.Since == at && k.TransactionId > 500)))))
            .OrderByDescending(k => k.Risk).ThenBy(k => k.Since).ThenBy(k => k.TransactionId).Take(11).ToQueryString()));

        // Assert: on SQLite a search from the bound ("RiskScore<?"), not a scan from the top
        Assert.Matches(await RiskIndexAsync(), page);
        Assert.DoesNotContain("IX_Transactions_Scored", page, StringComparison.Ordinal);
        if (!await OnPostgresAsync()) Assert.Contains("IX_Transactions_ReviewQueue (RiskScore<?)", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReviewQueueReported_PageInQueueOrder_ReadsTheReportsQueueIndexWithoutSorting()
    {
        // Arrange (ADR 0029: each report's risk came from its payment, so a page read and sorted every open report,
        // 25-55 ms at 10,000 on SQLite)
        var page = await QueryPlans.ExplainAsync(factory, db => QueryPlans.Inlined(AwaitingReview.Reported(db)
            .OrderByDescending(k => k.Risk).ThenBy(k => k.Since).ThenBy(k => k.TransactionId).Take(11).ToQueryString()));

        // Assert
        Assert.True(page.Contains("IX_FraudReports_Queue", StringComparison.Ordinal), page);
        Assert.DoesNotContain("TEMP B-TREE", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Sort", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReviewQueueReported_PageAfterAnItem_SeeksTheReportsQueueIndexToItsRisk()
    {
        // Arrange: Next from a report deep in the queue (risk 69)
        var at = new DateTime(2026, 6, 1, 0, 0, 0, DateTimeKind.Utc);

        // Act
        var page = await QueryPlans.ExplainAsync(factory, db => QueryPlans.Inlined(AwaitingReview.Reported(db)
            .Where(k => k.Risk <= 69 && (k.Risk < 69 || (k.Risk == 69 && (k.Since > at || (k.Since == at && k.TransactionId > 500)))))
            .OrderByDescending(k => k.Risk).ThenBy(k => k.Since).ThenBy(k => k.TransactionId).Take(11).ToQueryString()));

        // Assert: on SQLite a search from the bound, not a scan from the top
        Assert.True(page.Contains("IX_FraudReports_Queue", StringComparison.Ordinal), page);
        if (!await OnPostgresAsync()) Assert.Contains("IX_FraudReports_Queue (Risk<?)", page, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ReviewQueueSearch_LastFourDigits_StartsFromTheCardsWithThem(bool held)
    {
        // Arrange: either part of the queue, searched by a card's last four digits (exploratory timing: checked item by
        // item, a search matching nothing read all 50,000 held payments and their cards, 130-200 ms a query)
        IQueryable<ReviewQueueItem> Part(FraudDbContext db) => held ? AwaitingReview.Held(db) : AwaitingReview.Reported(db);

        // Act
        var plan = await QueryPlans.ExplainAsync(factory, db => QueryPlans.Inlined(ReviewQueueViewModelBuilder.OnCardsEnding(db, Part(db), "1234")
            .OrderByDescending(k => k.Risk).ThenBy(k => k.Since).ThenBy(k => k.TransactionId).Take(11).ToQueryString()));

        // Assert: the cards by their digits, their payments by card
        Assert.True(plan.Contains("IX_Cards_Last4", StringComparison.Ordinal), plan);
        Assert.True(plan.Contains("IX_Transactions_CardId_TimestampUtc_Id_TerminalId", StringComparison.Ordinal), plan);
    }

    private Task<bool> OnPostgresAsync() => factory.QueryAsync(db => Task.FromResult(db.Database.IsNpgsql()));

    /// <summary>
    /// The index a held page reads. SQLite (no statistics) plans alike at any size. PostgreSQL plans by cost: on a test's
    /// few held payments sorting them from the time index is cheaper, at 50,000 it reads the risk index (bench/README.md).
    /// </summary>
    private async Task<string> RiskIndexAsync() => await OnPostgresAsync() ? "IX_Transactions_(AwaitingReview|ReviewQueue)" : "IX_Transactions_ReviewQueue";
}
