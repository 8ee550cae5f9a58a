using FraudWeb.Api;
using FraudWeb.Tests.Web.Infrastructure;
using FraudWeb.ViewModelBuilders;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Tests.Web.Data;

/// <summary>
/// Reads of a holder's payments are answered from indexes, a page at a time, on both providers: at 3.5 million payments
/// the API's list sorted a holder's whole history for each page, and the review queue every card's of a held payment's holder.
/// </summary>
[Collection(QueryPlanGroup.Name)]
public sealed class PaymentReadIndexTests(QueryPlanFactory factory)
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task PageIds_AfterACursor_ReadsTheScoredIndex(bool filtered)
    {
        // Arrange: a later page, with or without the card and the window
        var from = filtered ? factory.Clock.UtcNow.AddDays(-7) : (DateTime?)null;
        var to = filtered ? factory.Clock.UtcNow : (DateTime?)null;

        // The second page's cursor: the newest payments but a page are after it (a cursor among the oldest few is a
        // short walk back from it through the key, which PostgreSQL rightly takes at this volume).
        var cursor = await factory.PlanQueryAsync(db => db.Transactions.MaxAsync(t => t.Id)) - PaymentResources.DefaultPageSize;

        // Act
        var plan = await QueryPlans.ExplainAsync(factory, db => QueryPlans.Inlined(new PaymentResources(db)
            .PageIds("some-user", filtered ? 42 : null, from, to, cursor, PaymentResources.DefaultPageSize + 1).ToQueryString()));

        // Assert
        Assert.True(plan.Contains("IX_Transactions_Scored", StringComparison.Ordinal), plan);
    }

    [Fact]
    public async Task HolderHistoryIds_AnyHolder_ReadsTheCardTimeIndex()
    {
        // Arrange + Act
        var plan = await QueryPlans.ExplainAsync(factory, db => QueryPlans.Inlined(ReviewQueueViewModelBuilder.HolderHistoryIds(db, 1, 1000).ToQueryString()));

        // Assert
        Assert.Contains("IX_Transactions_CardId_TimestampUtc_Id_TerminalId", plan, StringComparison.Ordinal);
    }
}
