using FraudWeb.Domain.Entities;
using FraudWeb.Domain.Features;
using FraudWeb.Data;
using FraudWeb.Infrastructure.Database;
using FraudWeb.Infrastructure.Options;
using FraudWeb.Services.Scoring;
using FraudWeb.Tests.Web.Infrastructure;
using LinqKit;
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
            .Select(t => new { t.Id, t.TimestampUtc, t.CardId, t.TerminalId, t.Amount, t.Label, Spend = PaymentStatusRule.CountsAsSpend.Invoke(t) })
            .ToListAsync();
        // Declined attempts other tests left in the shared database are in the history but are not spend.
        var records = rows.ConvertAll(t => new TransactionRecord(t.Id, t.TimestampUtc, t.CardId, t.TerminalId, (double)t.Amount, t.Label == FraudLabel.Fraud, t.Spend));
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

    [Fact]
    public async Task ComputeAsync_AfterTheFormsSpendRead_EqualsTheFeaturesReadAlone()
    {
        // Arrange: a card with payments at a merchant, and the same new payment scored two ways
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync(5000m);
        var merchant = await Merchants.OrdinaryAsync(factory);
        await holder.PayAndGetIdAsync(card, merchant, 40m);
        await holder.PayAndGetIdAsync(card, merchant, 60m);
        var payment = new TransactionRecord(long.MaxValue, factory.Clock.UtcNow, card, merchant, 25, false);
        var alone = new float[TransactionFeatures.Names.Count];
        await using (var scope = factory.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<PaymentFeatures>().ComputeAsync(payment, alone, CancellationToken.None);

        // Act: the payment form's order: the card's spend for the confirmation first (on PostgreSQL it reads the
        // terminal's windows too, and the features then read nothing)
        var afterSpend = new float[TransactionFeatures.Names.Count];
        WindowTotals spend;
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var features = scope.ServiceProvider.GetRequiredService<PaymentFeatures>();
            spend = await features.CardSpendAsync(card, merchant, payment.Timestamp, CancellationToken.None);
            await features.ComputeAsync(payment, afterSpend, CancellationToken.None);
        }

        // Act: as the card read sends them (TransactionService on PostgreSQL): the windows' statements in a command
        var afterCommand = new float[TransactionFeatures.Names.Count];
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var features = scope.ServiceProvider.GetRequiredService<PaymentFeatures>();
            await scope.ServiceProvider.GetRequiredService<SqlitePreparedReads>().ReadAsync(scope.ServiceProvider.GetRequiredService<FraudDbContext>(),
                PaymentFeatures.NewPaymentWindowsSql, command => features.BindNewPaymentWindows(command, card, merchant, payment.Timestamp),
                async (reader, token) =>
                {
                    await features.ReadNewPaymentWindowsAsync(reader, card, merchant, payment.Timestamp, token);
                    return 0;
                }, CancellationToken.None);
            await features.ComputeAsync(payment, afterCommand, CancellationToken.None);
        }

        // Assert
        Assert.Equal(alone, afterSpend);
        Assert.Equal(alone, afterCommand);
        Assert.Equal(2, spend.Count1);
        Assert.Equal(100m, spend.Total1);
        Assert.Equal(3f, afterSpend[TransactionFeatures.Names.ToList().IndexOf("customer_nb_tx_1day")]);
    }

    [Fact]
    public async Task ComputeAsync_AfterADeclinedAttempt_AttemptIsNotSpend()
    {
        // Arrange: a charged payment, then an attempt over the card's limit (declined), on a new card
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync(1000m);
        var merchant = await Merchants.OrdinaryAsync(factory);
        var charged = await holder.PayAndGetIdAsync(card, merchant, 40m);
        var attempt = await holder.PayAndGetIdAsync(card, merchant, 5000m);
        Assert.Equal(PaymentStatus.Declined, PaymentStatusRule.Of(await factory.TransactionAsync(attempt)));
        Assert.NotEqual(PaymentStatus.Declined, PaymentStatusRule.Of(await factory.TransactionAsync(charged)));
        await using var scope = factory.Services.CreateAsyncScope();
        var features = scope.ServiceProvider.GetRequiredService<PaymentFeatures>();
        var values = new float[TransactionFeatures.Names.Count];
        int Feature(string name) => TransactionFeatures.Names.ToList().IndexOf(name);

        // Act: the features of a 20 payment now
        await features.ComputeAsync(new TransactionRecord(long.MaxValue, factory.Clock.UtcNow, card, merchant, 20, false), values, CancellationToken.None);

        // Assert: the card's usual spend is the 40 and this payment, never the 5,000 attempt
        Assert.Equal(2f, values[Feature("customer_nb_tx_1day")]);
        Assert.Equal(30f, values[Feature("customer_avg_amount_1day")]);
    }
}
