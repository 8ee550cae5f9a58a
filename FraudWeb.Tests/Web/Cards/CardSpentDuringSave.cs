using FraudWeb.Data;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace FraudWeb.Tests.Web.Cards;

/// <summary>
/// At every save that changes the card, a payment's balance change on another connection (through the factory's own
/// host), given a second to commit before the save goes on: unheld, it commits and the save's balance token fails.
/// </summary>
public sealed class CardSpentDuringSave(FraudWebFactory factory, long cardId) : SaveChangesInterceptor
{
    private readonly List<Task> _spends = [];

    /// <summary>How many saves of the card ran, and at how many the competing change had committed first.</summary>
    public int Saves { get; private set; }

    public int SpentFirst { get; private set; }

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        if (eventData.Context!.ChangeTracker.Entries<FraudWeb.Domain.Entities.Card>().Any(e => e.Entity.Id == cardId && e.State == EntityState.Modified))
        {
            Saves++;
            var spend = SpendAsync();
            _spends.Add(spend);
            if (await Task.WhenAny(spend, Task.Delay(TimeSpan.FromSeconds(1), cancellationToken)) == spend) SpentFirst++;
        }
        return result;
    }

    /// <summary>Every competing change, once committed (each waits for the card's row while it is held).</summary>
    public Task AllSpentAsync() => Task.WhenAll(_spends);

    private async Task SpendAsync()
    {
        await Task.Yield();
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FraudDbContext>();
        await db.Database.ExecuteSqlAsync($"""UPDATE "Cards" SET "Balance" = "Balance" + 1 WHERE "Id" = {cardId}""");
    }
}
