using System.Diagnostics.Metrics;
using System.Net;
using FraudWeb.Services.ApiKeys;
using FraudWeb.Tests.Web.Api;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace FraudWeb.Tests.Web.Transactions;

/// <summary>Its own app, whose payment writer a test can hold before its transaction (every payment then waits for it).</summary>
public sealed class HeldWriterFactory : FraudWebFactory
{
    public WriterGate Gate { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<IInterceptor>(Gate));
    }
}

/// <summary>
/// Holds the payment writer's next transactions while closed. The writer is the one context that turns savepoints off
/// (PaymentRecorder), on either provider; other transactions pass.
/// </summary>
public sealed class WriterGate : DbTransactionInterceptor
{
    private volatile TaskCompletionSource? _closed;
    private int _held;

    /// <summary>Writer transactions that waited here since the gate last closed.</summary>
    public int Held => Volatile.Read(ref _held);

    public void Close()
    {
        Volatile.Write(ref _held, 0);
        _closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public void Open() => Interlocked.Exchange(ref _closed, null)?.TrySetResult();

    public override async ValueTask<InterceptionResult<System.Data.Common.DbTransaction>> TransactionStartingAsync(System.Data.Common.DbConnection connection,
        TransactionStartingEventData eventData, InterceptionResult<System.Data.Common.DbTransaction> result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        if (_closed is { } closed && eventData.Context?.Database.AutoSavepointsEnabled == false)
        {
            Interlocked.Increment(ref _held);
            await closed.Task;
        }
        return result;
    }
}

/// <summary>Payments waiting for the writer's commit, with the writer held.</summary>
public sealed class HeldWriterTests(HeldWriterFactory factory) : IClassFixture<HeldWriterFactory>
{
    private const int Payments = 20;

    /// <summary>
    /// On PostgreSQL the app's pool holds 16: had a request kept its connection while it waited for the commit, 16
    /// waiting payments would take them all and the rest could not read. Counted by Npgsql itself, not from
    /// pg_stat_activity, where a connection given back and one still held both show "idle" after the window read.
    /// On SQLite (a connection per request by design) the same payments run as a plain check of the held writer.
    /// </summary>
    [Fact]
    public async Task Submit_TwentyPaymentsWaitingForAHeldWriter_TheirConnectionsBackInThePoolAndAllRecordedOnRelease()
    {
        // Arrange: form payments and API payments with and without an Idempotency-Key (each path reads differently).
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var cardId = await holder.AddCardAsync(20000m);
        var merchant = await Merchants.OrdinaryAsync(factory);
        using var api = factory.ApiClient(await holder.CreateKeyAsync(ApiScopes.PaymentsWrite));
        var appPool = await factory.QueryAsync(db => Task.FromResult(db.Database.IsNpgsql() ? db.Database.GetDbConnection().ConnectionString : null));
        using var scoring = new ScoredPayments(factory.Services.GetRequiredService<IMeterFactory>());
        var logged = factory.Logs.Entries.Count;
        factory.Gate.Close();
        Task<HttpStatusCode[]> answers;
        (long Used, long Idle)? pool = null;
        try
        {
            // Act
            var form = Enumerable.Range(1, 10).Select(async i => (await holder.PayAsync(cardId, merchant, 10m + i)).StatusCode);
            var keyed = Enumerable.Range(1, 5).Select(async i =>
                (await api.PostAsync(factory, "/api/v1/payments", new { cardId, terminalId = merchant, amount = 30m + i }, $"held-{i}")).Status);
            var plain = Enumerable.Range(1, 5).Select(async i => (await api.PostAsync(factory, "/api/v1/payments", new { cardId, terminalId = merchant, amount = 40m + i })).Status);
            answers = Task.WhenAll(form.Concat(keyed).Concat(plain).ToList());
            // Every payment scored (its reads done), then a moment to hand it to the writer; 10 s if some never get there.
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (scoring.Count < Payments && waited.Elapsed < TimeSpan.FromSeconds(10) && !answers.IsCompleted) await Task.Delay(25);
            await Task.Delay(200);
            // The most rented in a few looks, so a request passing between its score and the queue counts at most briefly.
            for (var look = 0; look < 5 && appPool is not null; look++)
            {
                if (NpgsqlPoolUsage.Of(appPool) is { } now && (pool is null || now.Used > pool.Value.Used)) pool = now;
                await Task.Delay(50);
            }

            // Assert (while held): all scored, none answered, the writer holding their batch.
            var activity = factory.PostgresDatabase is { } database ? await TestPostgres.ActivityAsync(database) : "";
            Assert.False(answers.IsCompleted, $"Payments answered while the writer was held: {Statuses(answers)}; logged: {factory.Logs.WarningsSince(logged)}");
            Assert.True(factory.Gate.Held > 0, "The writer never reached the gate: nothing was waiting for it.");
            if (appPool is not null)
            {
                // A background service may have one out for a moment; a waiting request none.
                Assert.True(pool is not null, $"Npgsql reported nothing for the app's pool {appPool}.");
                Assert.True(pool.Value.Used <= 2, $"{pool.Value.Used} of the app's connections rented ({pool.Value.Idle} idle in the pool) while " +
                    $"{scoring.Count} payments waited for the writer.\n{activity}");
            }
            Assert.True(scoring.Count == Payments, $"{scoring.Count} of {Payments} payments scored in 10 s with the writer held.\n{activity}");
        }
        finally
        {
            factory.Gate.Open();
        }

        // Assert (released): every payment recorded and answered.
        var statuses = await answers;
        Assert.True(statuses.Take(10).All(s => s == HttpStatusCode.Redirect) && statuses.Skip(10).All(s => s == HttpStatusCode.Created),
            $"Statuses {string.Join(", ", statuses.Select(s => (int)s))}; errors logged: {factory.Logs.ErrorsSince(logged)}");
        Assert.Equal(Payments, await factory.QueryAsync(db => db.Transactions.CountAsync(t => t.CardId == cardId)));
    }

    [Fact]
    public async Task Submit_AccountClosedWhileThePaymentWaitsForTheWriter_RefusedAndNothingCharged()
    {
        // Arrange (payment writer review): a payment checked and scored, waiting for the (held) writer; then its
        // holder closes their account. The writer read the card alone, and charged it to the closed account.
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var cardId = await holder.AddCardAsync(1000m);
        var merchant = await Merchants.OrdinaryAsync(factory);
        using var scoring = new ScoredPayments(factory.Services.GetRequiredService<IMeterFactory>());
        factory.Gate.Close();
        Task<HttpResponseMessage> paying;
        try
        {
            paying = holder.PayAsync(cardId, merchant, 25m);
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (factory.Gate.Held == 0 && waited.Elapsed < TimeSpan.FromSeconds(10) && !paying.IsCompleted) await Task.Delay(25);
            Assert.True(factory.Gate.Held > 0 && scoring.Count == 1, $"The payment never reached the held writer ({scoring.Count} scored).");

            // Act
            var closed = await Html.SubmitAsync(holder.Client, "/Privacy/Close", [new("Form.CurrentPassword", FraudWebFactory.Password)], "/Privacy/Close");
            Assert.Equal("/Privacy/Closed", Html.Location(closed));
        }
        finally
        {
            factory.Gate.Open();
        }
        using var response = await paying;

        // Assert: refused as a card that no longer exists; nothing recorded, nothing charged
        Assert.NotEqual(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(0, await factory.QueryAsync(db => db.Transactions.CountAsync(t => t.CardId == cardId)));
        Assert.Equal(0m, await factory.QueryAsync(db => db.Cards.Where(c => c.Id == cardId).Select(c => c.Balance).SingleAsync()));
    }

    private static string Statuses(Task<HttpStatusCode[]> answers) =>
        answers.IsCompletedSuccessfully ? string.Join(", ", answers.Result.Select(s => (int)s)) : answers.Status.ToString();

    /// <summary>Payments scored by this app (its scoring-time histogram, on its own meter).</summary>
    private sealed class ScoredPayments : IDisposable
    {
        private readonly MeterListener _listener = new();
        private int _count;

        public ScoredPayments(IMeterFactory app)
        {
            _listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Scope == app && instrument.Name == "fraudweb.scoring.duration") l.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<double>((_, _, _, _) => Interlocked.Increment(ref _count));
            _listener.Start();
        }

        public int Count => Volatile.Read(ref _count);

        public void Dispose() => _listener.Dispose();
    }
}
