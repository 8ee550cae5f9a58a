using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Infrastructure.Database;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FraudWeb.Tests.Web.Data;

/// <summary>A hand-written read's entity (EntityColumns) is the entity EF Core reads, on either provider.</summary>
public sealed class EntityColumnsTests(FraudWebFactory factory) : IClassFixture<FraudWebFactory>
{
    [Fact]
    public async Task Read_Card_SameValuesAsEfCore()
    {
        // Arrange: a card with a balance
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var cardId = await holder.AddCardAsync(5000m);
        var merchant = await Merchants.OrdinaryAsync(factory);
        using (var paid = await holder.PayAsync(cardId, merchant, 12.34m)) Assert.Equal(System.Net.HttpStatusCode.Redirect, paid.StatusCode);
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FraudDbContext>();
        var reads = scope.ServiceProvider.GetRequiredService<SqlitePreparedReads>();
        var columns = EntityColumns.Of<Card>(db, "c");

        // Act
        var expected = await db.Cards.AsNoTracking().SingleAsync(c => c.Id == cardId);
        var actual = await reads.ReadAsync(db, $"SELECT {columns.Select} FROM \"Cards\" AS \"c\" WHERE \"c\".\"Id\" = @id",
            command => SqlitePreparedReads.Bind(command, "@id", cardId),
            async (reader, token) => await reader.ReadAsync(token) ? columns.Read(reader, 0) : null, CancellationToken.None);

        // Assert: every mapped value, money and the UTC kind included
        Assert.NotNull(actual);
        foreach (var property in typeof(Card).GetProperties().Where(p => p.PropertyType != typeof(CardHolder)))
            Assert.Equal(property.GetValue(expected), property.GetValue(actual));
        Assert.Equal(DateTimeKind.Utc, actual.AddedUtc.Kind);
        Assert.Equal(12.34m, actual.Balance);
    }
}
