using System.Data.Common;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace FraudWeb.Tests.Web.Data;

/// <summary>
/// The payment writer's prepared statements on SQLite (docs/decisions/0016) write the rows EF Core's SaveChanges
/// writes: every column, with the model's converters, and the hourly-totals triggers fire for them.
/// </summary>
[Trait("Category", TestPostgres.SqliteOnly)]
public sealed class PreparedPaymentWritesTests(FraudWebFactory factory) : IClassFixture<FraudWebFactory>
{
    [Fact]
    public async Task InsertAsync_Payment_SameRowAsSaveChanges()
    {
        // Arrange: two payments alike in every value, on a card of their own
        var (db, scope) = await OpenAsync();
        await using var _ = scope;
        var (card, merchant) = await CardAndMerchantAsync(db);
        using var writes = new PreparedPaymentWrites(db);
        var at = new DateTime(2026, 11, 30, 10, 15, 30, 123, DateTimeKind.Utc).AddTicks(4567);
        var verdict = new Verdict(42, Decision.Approved, "v-test", "[{\"feature\":\"amount\"}]", 1.25, null) { RuleId = 7, DecidedBy = "Rule 7 v1 'test' (allow)" };
        await using var transaction = await db.Database.BeginTransactionAsync();
        var balance = card.Balance;

        // Act: one through SaveChanges, one through the prepared insert
        var bySaveChanges = CardTransaction.Submit(card, merchant, 12.34m, at);
        bySaveChanges.RecordVerdict(verdict);
        db.Transactions.Add(bySaveChanges);
        await db.SaveChangesAsync();
        var prepared = CardTransaction.Submit(card, merchant, 12.34m, at);
        prepared.RecordVerdict(verdict);
        await writes.InsertAsync(prepared, transaction.GetDbTransaction());

        // Assert: the same stored values but the id and the row version (new per payment); the triggers counted both
        Assert.True(prepared.Id > bySaveChanges.Id);
        var expected = await RowAsync(db, "Transactions", bySaveChanges.Id);
        var actual = await RowAsync(db, "Transactions", prepared.Id);
        Assert.Equal(Without(expected, "Id", "RowVersion"), Without(actual, "Id", "RowVersion"));
        Assert.Equal(prepared.RowVersion.ToString()!.ToUpperInvariant(), actual["RowVersion"]?.ToString()?.ToUpperInvariant());
        var hours = await db.CardSpendHours.AsNoTracking().Where(h => h.CardId == card.Id).SingleAsync();
        Assert.Equal((2, 24.68m), (hours.Count, hours.Amount));
        Assert.Equal(balance + 24.68m, card.Balance);
    }

    [Fact]
    public async Task InsertAsync_TriggersInsertRowsOfTheirOwn_IdIsThePayments()
    {
        // Arrange: a card and a merchant with no hourly totals yet, so the payment's triggers insert both rows
        var (db, scope) = await OpenAsync();
        await using var _ = scope;
        var (card, merchant) = await CardAndMerchantAsync(db);
        var at = new DateTime(2031, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        Assert.False(await db.CardSpendHours.AnyAsync(h => h.CardId == card.Id && h.HourUtc == at.Date.AddHours(3)));
        using var writes = new PreparedPaymentWrites(db);
        await using var transaction = await db.Database.BeginTransactionAsync();
        var payment = CardTransaction.Submit(card, merchant, 3.21m, at);
        payment.RecordVerdict(new Verdict(1, Decision.Approved, "v-test", "[]", 0, null));

        // Act
        await writes.InsertAsync(payment, transaction.GetDbTransaction());

        // Assert: the id names this payment's row, the newest, and the triggers did insert their rows
        var stored = await db.Transactions.AsNoTracking().SingleAsync(t => t.Id == payment.Id);
        Assert.Equal((card.Id, merchant, 3.21m), (stored.CardId, stored.TerminalId, stored.Amount));
        Assert.Equal(payment.Id, await db.Transactions.MaxAsync(t => t.Id));
        Assert.Equal(1, await db.CardSpendHours.CountAsync(h => h.CardId == card.Id && h.HourUtc == at.Date.AddHours(3)));
        Assert.Equal(1, await db.TerminalHours.CountAsync(h => h.TerminalId == merchant && h.HourUtc == at.Date.AddHours(3)));
    }

    [Fact]
    public async Task InsertAsync_IdempotencyRecord_SameRowAsSaveChanges()
    {
        // Arrange: a payment for the records to name
        var (db, scope) = await OpenAsync();
        await using var _ = scope;
        var (payment, apiKeyId) = await PaymentAndApiKeyAsync(db);
        using var writes = new PreparedPaymentWrites(db);
        var at = DateTime.UtcNow;
        await using var transaction = await db.Database.BeginTransactionAsync();

        // Act
        var bySaveChanges = IdempotencyRecord.ForPayment(apiKeyId, "key-a", "hash", payment.Id, at);
        db.IdempotencyRecords.Add(bySaveChanges);
        await db.SaveChangesAsync();
        var prepared = IdempotencyRecord.ForPayment(apiKeyId, "key-b", "hash", payment.Id, at);
        await writes.InsertAsync(prepared, transaction.GetDbTransaction());

        // Assert
        Assert.NotEqual(0, prepared.Id);
        var expected = await RowAsync(db, "IdempotencyRecords", bySaveChanges.Id);
        var actual = await RowAsync(db, "IdempotencyRecords", prepared.Id);
        Assert.Equal("key-b", actual["Key"]);
        Assert.Equal(Without(expected, "Id", "Key"), Without(actual, "Id", "Key"));
    }

    [Fact]
    public async Task UpdateBalanceAsync_BalanceAsRead_Written()
    {
        // Arrange
        var (db, scope) = await OpenAsync();
        await using var _ = scope;
        var (card, _) = await CardAndMerchantAsync(db);
        using var writes = new PreparedPaymentWrites(db);
        var original = card.Balance;
        card.Charge(99.99m);
        await using var transaction = await db.Database.BeginTransactionAsync();

        // Act
        await writes.UpdateBalanceAsync(card, original, transaction.GetDbTransaction());
        await transaction.CommitAsync();

        // Assert
        var stored = await db.Cards.AsNoTracking().SingleAsync(c => c.Id == card.Id);
        Assert.Equal(original + 99.99m, stored.Balance);
    }

    [Fact]
    public async Task UpdateBalanceAsync_BalanceChangedMeanwhile_ThrowsAndWritesNothing()
    {
        // Arrange: the card as read, then changed by someone else before the write
        var (db, scope) = await OpenAsync();
        await using var _ = scope;
        var (card, _) = await CardAndMerchantAsync(db);
        using var writes = new PreparedPaymentWrites(db);
        var original = card.Balance;
        await db.Cards.Where(c => c.Id == card.Id).ExecuteUpdateAsync(s => s.SetProperty(c => c.Balance, original + 1m));
        card.Charge(10m);
        await using var transaction = await db.Database.BeginTransactionAsync();

        // Act
        var error = await Record.ExceptionAsync(() => writes.UpdateBalanceAsync(card, original, transaction.GetDbTransaction()));

        // Assert
        Assert.IsType<DbUpdateConcurrencyException>(error);
        await transaction.RollbackAsync();
        var stored = await db.Cards.AsNoTracking().SingleAsync(c => c.Id == card.Id);
        Assert.Equal(original + 1m, stored.Balance);
    }

    [Fact]
    public async Task ReadCardAsync_StoredCard_SameValuesAsEfCoreAndNullForNone()
    {
        // Arrange: a card with a balance, as the writer reads it inside its transaction
        var (db, scope) = await OpenAsync();
        await using var _ = scope;
        var (card, _) = await CardAndMerchantAsync(db);
        await db.Cards.Where(c => c.Id == card.Id).ExecuteUpdateAsync(s => s.SetProperty(c => c.Balance, 123.45m));
        using var writes = new PreparedPaymentWrites(db);
        await using var transaction = await db.Database.BeginTransactionAsync();

        // Act
        var read = await writes.ReadCardAsync(card.Id, transaction.GetDbTransaction());
        var none = await writes.ReadCardAsync(long.MaxValue, transaction.GetDbTransaction());

        // Assert: every mapped value equal to EF Core's read of the same row
        var expected = await db.Cards.AsNoTracking().SingleAsync(c => c.Id == card.Id);
        Assert.NotNull(read);
        Assert.Equal(123.45m, read.Balance);
        Assert.Equal(Values(db, expected), Values(db, read));
        Assert.Null(none);
    }

    [Fact]
    public async Task ReadKeyAsync_StoredKey_SameValuesAsEfCoreAndNullForAnother()
    {
        // Arrange
        var (db, scope) = await OpenAsync();
        await using var _ = scope;
        var (payment, apiKeyId) = await PaymentAndApiKeyAsync(db);
        db.IdempotencyRecords.Add(IdempotencyRecord.ForPayment(apiKeyId, "key-stored", "hash-1", payment.Id, DateTime.UtcNow));
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();
        using var writes = new PreparedPaymentWrites(db);
        await using var transaction = await db.Database.BeginTransactionAsync();

        // Act
        var read = await writes.ReadKeyAsync(apiKeyId, "key-stored", transaction.GetDbTransaction());
        var otherName = await writes.ReadKeyAsync(apiKeyId, "key-other", transaction.GetDbTransaction());
        var otherApiKey = await writes.ReadKeyAsync(apiKeyId + 1_000_000, "key-stored", transaction.GetDbTransaction());

        // Assert
        var expected = await db.IdempotencyRecords.AsNoTracking().SingleAsync(r => r.ApiKeyId == apiKeyId && r.Key == "key-stored");
        Assert.NotNull(read);
        Assert.Equal(payment.Id, read.PaymentId);
        Assert.Equal(Values(db, expected), Values(db, read));
        Assert.Null(otherName);
        Assert.Null(otherApiKey);
    }

    [Fact]
    public void Card_PaymentChargesIt_OnlyBalanceChanges()
    {
        // The writer writes only a card's balance for its payments: this must stay all they change.
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<FraudDbContext>();
        var card = Card.Simulated(1, new string('a', 64), "1111", 5000m, DateTime.UtcNow);
        var entry = db.Entry(card);
        entry.Property(c => c.Id).CurrentValue = 123;
        entry.State = EntityState.Unchanged;
        var payment = CardTransaction.Submit(card, 1, 10m, DateTime.UtcNow);
        payment.RecordVerdict(new Verdict(1, Decision.Approved, "v", "[]", 0, null));
        db.ChangeTracker.DetectChanges();
        var changed = db.Entry(card).Properties.Where(p => p.IsModified).Select(p => p.Metadata.Name).ToList();
        Assert.Equal([nameof(Card.Balance)], changed);
    }

    private async Task<(FraudDbContext Db, AsyncServiceScope Scope)> OpenAsync()
    {
        var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FraudDbContext>();
        await db.Database.OpenConnectionAsync();
        return (db, scope);
    }

    private async Task<(Card Card, long Merchant)> CardAndMerchantAsync(FraudDbContext db)
    {
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var cardId = await holder.AddCardAsync(5000m);
        var merchant = await Merchants.OrdinaryAsync(factory);
        return (await db.Cards.SingleAsync(c => c.Id == cardId), merchant);
    }

    /// <summary>A stored payment and an API key of its card's holder, for Idempotency-Key records to name.</summary>
    private async Task<(CardTransaction Payment, long ApiKeyId)> PaymentAndApiKeyAsync(FraudDbContext db)
    {
        var (card, merchant) = await CardAndMerchantAsync(db);
        var payment = CardTransaction.Submit(card, merchant, 5m, DateTime.UtcNow);
        db.Transactions.Add(payment);
        await db.SaveChangesAsync();
        return (payment, await ApiKeyAsync(db, card));
    }

    private static async Task<long> ApiKeyAsync(FraudDbContext db, Card card)
    {
        var holder = await db.CardHolders.AsNoTracking().SingleAsync(h => h.Id == card.CardHolderId);
        var key = ApiKey.Create(holder.UserId!, "test", "fw_test" + Guid.NewGuid().ToString("N")[..8], new string('b', 64), ["payments:write"], holder.UserId!,
            DateTime.UtcNow, TimeSpan.FromDays(30));
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync();
        return key.Id;
    }

    private static async Task<Dictionary<string, object?>> RowAsync(FraudDbContext db, string table, long id)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = $"SELECT * FROM \"{table}\" WHERE \"Id\" = {id}";
        await using DbDataReader reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return Enumerable.Range(0, reader.FieldCount).ToDictionary(reader.GetName, i => reader.IsDBNull(i) ? null : reader.GetValue(i));
    }

    /// <summary>
    /// Every mapped property's value on the entity, by the model (byte arrays as text so they compare by content). Not
    /// shadow properties (Card's payment count): they are not the entity's, and a hand-written read does not fill them.
    /// </summary>
    private static Dictionary<string, object?> Values<T>(FraudDbContext db, T entity) where T : class =>
        db.Model.FindEntityType(typeof(T))!.GetProperties().Where(p => !p.IsShadowProperty()).ToDictionary(p => p.Name, p =>
        {
            var value = p.GetGetter().GetClrValueUsingContainingEntity(entity);
            return value is byte[] bytes ? Convert.ToHexString(bytes) : value;
        });

    private static Dictionary<string, object?> Without(Dictionary<string, object?> row, params string[] columns) =>
        row.Where(c => !columns.Contains(c.Key)).ToDictionary();
}
