using System.Net;
using FraudWeb.Data;
using FraudWeb.Services.ApiKeys;
using FraudWeb.Tests.Web.Api;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Tests.Web.Transactions;

/// <summary>
/// On PostgreSQL, a pool of two connections that gives up after 3 s: a request that held one connection while it
/// waited for another (the payment writer's, the rule book's) would empty it and fail. On SQLite, which has no such
/// pool, the same payments run as a plain concurrency check.
/// </summary>
public sealed class SmallPoolFactory : FraudWebFactory
{
    public SmallPoolFactory()
    {
        if (PostgresDatabase is not null) Settings["Database:ConnectionString"] = PostgresDatabase + ";Maximum Pool Size=2;Timeout=3";
    }
}

public sealed class SmallPoolTests(SmallPoolFactory factory) : IClassFixture<SmallPoolFactory>
{
    [Fact]
    public async Task Submit_SixteenFormAndApiPaymentsAtOnceOnAPoolOfTwo_AllRecorded()
    {
        // Arrange: the app's first payments, so the rule book also loads while they run.
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var cardId = await holder.AddCardAsync(20000m);
        using var api = factory.ApiClient(await holder.CreateKeyAsync(ApiScopes.PaymentsWrite));
        var merchant = await Merchants.OrdinaryAsync(factory);
        var logged = factory.Logs.Entries.Count;

        // Act
        var form = Enumerable.Range(1, 8).Select(async i => (await holder.PayAsync(cardId, merchant, 10m + i)).StatusCode);
        var viaApi = Enumerable.Range(1, 8).Select(async i =>
            (await api.PostAsync(factory, "/api/v1/payments", new { cardId, terminalId = merchant, amount = 20m + i }, $"pool-{i}")).Status);
        var statuses = await Task.WhenAll(form.Concat(viaApi));

        // Assert
        Assert.True(statuses.Take(8).All(s => s == HttpStatusCode.Redirect) && statuses.Skip(8).All(s => s == HttpStatusCode.Created),
            $"Statuses {string.Join(", ", statuses.Select(s => (int)s))}; errors logged: {factory.Logs.ErrorsSince(logged)}");
        Assert.Equal(16, await factory.QueryAsync(db => db.Transactions.CountAsync(t => t.CardId == cardId)));
    }

    [Fact]
    public async Task Register_FourAtOnceOnAPoolOfTwo_OtherInstancesToldWithoutAWait()
    {
        // Arrange: each registration commits its new user's stamp in a transaction that still holds its pooled
        // connection while the other instances are told (on PostgreSQL; SQLite tells no one).
        var logged = factory.Logs.Entries.Count;

        // Act
        var holders = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => CardHolderSession.RegisteredAsync(factory)));

        // Assert: every holder signed in, and no message was dropped for want of a connection.
        try
        {
            foreach (var holder in holders) Assert.Equal(HttpStatusCode.OK, (await holder.Client.GetAsync(new Uri("/Profile", UriKind.Relative))).StatusCode);
            var dropped = factory.Logs.Entries.Skip(logged).Where(e => e.Contains("could not notify the other instances", StringComparison.Ordinal)).ToList();
            Assert.True(dropped.Count == 0, string.Join("\n---\n", dropped));
        }
        finally
        {
            foreach (var holder in holders) holder.Dispose();
        }
    }
}
