using FraudWeb.Domain.Entities;
using FraudWeb.Domain.Features;
using FraudWeb.Infrastructure.Options;
using FraudWeb.Services.Scoring;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FraudWeb.Tests.Web.Transactions;

/// <summary>The database-summed features of a payment are exactly the training (batch) features of the same payment.</summary>
[Collection(WebTestGroup.Name)]
public sealed class PaymentFeaturesTests(FraudWebFactory factory)
{
    [Fact]
    public async Task ComputeAsync_StoredPayments_EqualBatchFeaturesExactly()
    {
        // Arrange: the seeded history, as training reads it.
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FraudWeb.Data.FraudDbContext>();
        var delay = scope.ServiceProvider.GetRequiredService<IOptions<ScoringOptions>>().Value.LabelDelayDays;
        var rows = await db.Transactions.AsNoTracking().OrderBy(t => t.TimestampUtc).ThenBy(t => t.Id)
            .Select(t => new { t.Id, t.TimestampUtc, t.CardId, t.TerminalId, t.Amount, t.Label }).ToListAsync();
        var records = rows.ConvertAll(t => new TransactionRecord(t.Id, t.TimestampUtc, t.CardId, t.TerminalId, (double)t.Amount, t.Label == FraudLabel.Fraud));
        Assert.True(records.Count > 1000, $"the seeded history has {records.Count} payments");
        Assert.Contains(records, r => r.IsFraud);
        var batch = TransactionFeatures.ComputeBatch(records, new FeatureOptions { LabelDelayDays = delay });
        var width = TransactionFeatures.Names.Count;
        var features = scope.ServiceProvider.GetRequiredService<PaymentFeatures>();
        var online = new float[width];

        // Act and assert: every 25th payment, so early, busy, quiet and fraudulent ones are all in.
        for (var i = 0; i < records.Count; i += 25)
        {
            await features.ComputeAsync(records[i], online, CancellationToken.None);
            var expected = batch.AsSpan(i * width, width).ToArray();
            Assert.True(expected.SequenceEqual(online), $"payment {records[i].TransactionId}: batch [{string.Join(", ", expected)}] online [{string.Join(", ", online)}]");
        }
    }
}
