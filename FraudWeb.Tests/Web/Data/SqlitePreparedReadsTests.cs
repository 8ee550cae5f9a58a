using System.Net;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Infrastructure.Database;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FraudWeb.Tests.Web.Data;

/// <summary>
/// SQLite's hot reads run on connections that keep their compiled statements (docs/decisions/0015): payments use them,
/// compile each statement once per connection, and get the same answers; reads inside a transaction stay on it.
/// </summary>
[Trait("Category", TestPostgres.SqliteOnly)]
public sealed class SqlitePreparedReadsTests(FraudWebFactory factory) : IClassFixture<FraudWebFactory>
{
    [Fact]
    public async Task Pay_ManyPayments_TaggedReadsRunPreparedAndCompileOnce()
    {
        // Arrange: a first payment compiles what a payment needs
        var prepared = factory.Services.GetRequiredService<SqlitePreparedReads>();
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var cardId = await holder.AddCardAsync(5000m);
        var merchant = await Merchants.OrdinaryAsync(factory);
        using (var first = await holder.PayAsync(cardId, merchant, 10m)) Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        var (executions, compilations) = (prepared.Executions, prepared.Compilations);

        // Act: one request at a time, so one connection serves them all
        for (var i = 0; i < 10; i++)
        {
            using var response = await holder.PayAsync(cardId, merchant, 11m + i);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        }

        // Assert: the payment form's two reads (the holder's cards, their recent merchants) per payment, compiled again
        // only by a connection opened meanwhile (a background read may hold the first), never per payment; the payment
        // itself reads from memory once its card and history are kept (docs/decisions/0018, CardMemoryTests)
        var ran = prepared.Executions - executions;
        var compiled = prepared.Compilations - compilations;
        Assert.True(ran >= 20, $"{ran} prepared reads for 10 payments");
        Assert.True(compiled <= 7, $"{compiled} statements compiled for {ran} reads");
    }

    [Fact]
    public async Task Query_InsideATransaction_SeesItsOwnUncommittedRows()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var cardId = await holder.AddCardAsync(5000m);
        var merchant = await Merchants.OrdinaryAsync(factory);
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FraudDbContext>();
        var prepared = factory.Services.GetRequiredService<SqlitePreparedReads>();
        await using var transaction = await db.Database.BeginTransactionAsync();
        var card = await db.Cards.SingleAsync(c => c.Id == cardId);
        db.Transactions.Add(CardTransaction.Submit(card, merchant, 25m, DateTime.UtcNow));
        await db.SaveChangesAsync();
        var executions = prepared.Executions;

        // Act: a tagged read in the transaction, which another connection could not see
        var count = await db.Transactions.TagWith(SqlitePreparedReads.Tag).CountAsync(t => t.CardId == cardId);

        // Assert
        Assert.Equal(1, count);
        Assert.Equal(executions, prepared.Executions);
    }

    [Fact]
    public async Task Query_Tagged_SameRowsAsUntagged()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var cardId = await holder.AddCardAsync(5000m);
        var merchant = await Merchants.OrdinaryAsync(factory);
        for (var i = 0; i < 3; i++)
        {
            using var response = await holder.PayAsync(cardId, merchant, 20m + i);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        }
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FraudDbContext>();
        var prepared = factory.Services.GetRequiredService<SqlitePreparedReads>();
        var executions = prepared.Executions;

        // Act
        var tagged = await db.Transactions.AsNoTracking().TagWith(SqlitePreparedReads.Tag).Where(t => t.CardId == cardId)
            .OrderBy(t => t.Id).Select(t => new { t.Id, t.Amount, t.TimestampUtc, Decision = t.Verdict!.Decision, t.Label }).ToListAsync();
        var plain = await db.Transactions.AsNoTracking().Where(t => t.CardId == cardId)
            .OrderBy(t => t.Id).Select(t => new { t.Id, t.Amount, t.TimestampUtc, Decision = t.Verdict!.Decision, t.Label }).ToListAsync();

        // Assert: read through a prepared connection, with the same values (amounts, UTC times, enums)
        Assert.Equal(executions + 1, prepared.Executions);
        Assert.Equal(3, tagged.Count);
        Assert.Equal(plain, tagged);
        Assert.All(tagged, t => Assert.Equal(DateTimeKind.Utc, t.TimestampUtc.Kind));
    }
}
