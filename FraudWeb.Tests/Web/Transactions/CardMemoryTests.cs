using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Infrastructure.Database;
using FraudWeb.Services.Transactions;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FraudWeb.Tests.Web.Transactions;

/// <summary>The cards kept in memory for payments on SQLite: the holder's, with the balance as committed, forgotten on any other change.</summary>
[Collection(WebTestGroup.Name)]
public sealed class CardMemoryTests(FraudWebFactory factory)
{
    [Fact]
    public async Task Pay_TwiceThenAnotherChange_KeptCardHasTheStoredBalanceUntilForgotten()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var cardId = await holder.AddCardAsync(1000m);
        var merchant = await Merchants.OrdinaryAsync(factory);
        var memory = factory.Services.GetRequiredService<CardMemory>();
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FraudDbContext>();
        var userId = await db.Cards.Where(c => c.Id == cardId).Select(c => c.CardHolder!.UserId).SingleAsync() ?? throw new InvalidOperationException("the card has no holder");
        var sqlite = db.Database.IsSqlite();
        async Task<decimal> StoredBalanceAsync() => await db.Cards.AsNoTracking().Where(c => c.Id == cardId).Select(c => c.Balance).SingleAsync();

        // Act and assert: each payment's commit replaces the kept card with the committed one
        await holder.PayAndGetIdAsync(cardId, merchant, 40m);
        await holder.PayAndGetIdAsync(cardId, merchant, 2.5m);
        var kept = memory.OwnedCard(cardId, userId);
        Assert.Equal(sqlite, kept is not null);
        if (sqlite) Assert.Equal(await StoredBalanceAsync(), kept!.Balance);
        Assert.Null(memory.OwnedCard(cardId, "someone-else"));

        // Another change of the card, through EF Core: forgotten once committed, read again by the next payment
        var tracked = await db.Cards.SingleAsync(c => c.Id == cardId);
        tracked.Repay(10m);
        await db.SaveChangesAsync();
        Assert.Null(memory.OwnedCard(cardId, userId));
        await holder.PayAndGetIdAsync(cardId, merchant, 1m);
        if (sqlite) Assert.Equal(await StoredBalanceAsync(), memory.OwnedCard(cardId, userId)!.Balance);
    }

    [Fact]
    [Trait("Category", TestPostgres.SqliteOnly)]
    public async Task SubmitFromFormAsync_CardMerchantAndHistoryKept_NoDatabaseRead()
    {
        // Arrange: a first payment keeps the card, the merchant and both series
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var cardId = await holder.AddCardAsync(1000m);
        var merchant = await Merchants.OrdinaryAsync(factory);
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FraudDbContext>();
        var userId = await db.Cards.Where(c => c.Id == cardId).Select(c => c.CardHolder!.UserId).SingleAsync() ?? throw new InvalidOperationException("the card has no holder");
        var service = scope.ServiceProvider.GetRequiredService<TransactionService>();
        Assert.True((await service.SubmitFromFormAsync(userId, cardId, merchant, 5m, confirmed: true, submissionKey: null, CancellationToken.None)).Succeeded);
        var reads = factory.Services.GetRequiredService<SqlitePreparedReads>();
        var before = reads.Executions;

        // Act
        var result = await service.SubmitFromFormAsync(userId, cardId, merchant, 6m, confirmed: false, submissionKey: null, CancellationToken.None);

        // Assert: recorded (the writer's statements are its own), with no read before it
        Assert.True(result.Succeeded && result.Value.PaymentId > 0, "the second payment was recorded");
        Assert.Equal(before, reads.Executions);
    }

    [Fact]
    public async Task Pay_OnAnotherHoldersKeptCard_NotFoundAndNothingRecorded()
    {
        // Arrange: the owner's card is kept after a payment
        using var owner = await CardHolderSession.RegisteredAsync(factory);
        using var other = await CardHolderSession.RegisteredAsync(factory);
        var cardId = await owner.AddCardAsync(1000m);
        var merchant = await Merchants.OrdinaryAsync(factory);
        await owner.PayAndGetIdAsync(cardId, merchant, 5m);
        async Task<int> PaymentsAsync()
        {
            await using var scope = factory.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<FraudDbContext>().Transactions.CountAsync(t => t.CardId == cardId);
        }
        var before = await PaymentsAsync();

        // Act
        var response = await other.PayAsync(cardId, merchant, 5m);

        // Assert
        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(before, await PaymentsAsync());
    }
}
