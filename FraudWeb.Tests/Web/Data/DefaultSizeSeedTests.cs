using FraudWeb.Data;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FraudWeb.Tests.Web.Data;

/// <summary>
/// A first start with the shipped seed sizes (500 cards, 1,000 merchants, 90 days: 93,769 payments), on each provider:
/// on PostgreSQL it failed once its row triggers made the copy take 38 s, past Npgsql's read timeout.
/// </summary>
public sealed class DefaultSizeSeedTests(DefaultSizeSeedTests.DefaultSeedFactory factory) : IClassFixture<DefaultSizeSeedTests.DefaultSeedFactory>
{
    [Fact]
    public async Task SeedIfEmpty_ShippedSizes_StartsWithEveryPaymentCounted()
    {
        // Arrange and act: the factory's first start
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FraudDbContext>();

        // Assert
        var payments = await db.Transactions.LongCountAsync();
        Assert.True(payments > 90_000, $"seeded {payments} payments");
        Assert.Equal(payments, await db.Cards.SumAsync(c => EF.Property<long>(c, "PaymentCount")));
        Assert.Equal(payments, await db.TerminalHours.SumAsync(h => h.Count));
    }

    /// <summary>The shipped seed sizes (appsettings.json), with no model trained: seeding is what is tested.</summary>
    public sealed class DefaultSeedFactory : FraudWebFactory
    {
        public DefaultSeedFactory()
        {
            Settings.Remove("Seed:CardHolders");
            Settings.Remove("Seed:Terminals");
            Settings.Remove("Seed:Days");
            Settings["Seed:TrainModel"] = "false";
        }
    }
}
