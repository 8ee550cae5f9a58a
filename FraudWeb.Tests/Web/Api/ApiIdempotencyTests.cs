using System.Net;
using FraudWeb.Services.ApiKeys;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace FraudWeb.Tests.Web.Api;

/// <summary>Idempotency-Key: retries never pay twice or report twice, even when they race.</summary>
[Collection(WebTestGroup.Name)]
public sealed class ApiIdempotencyTests(FraudWebFactory factory)
{
    private Task<(HttpClient Api, long CardId, long Merchant)> HolderAsync() => factory.HolderWithKeyAsync();

    private Task<int> PaymentsOnAsync(long card) => factory.QueryAsync(db => db.Transactions.CountAsync(t => t.CardId == card));

    [Fact]
    public async Task Create_SameKeySameBody_ReplaysTheFirstResponseAndPaysOnce()
    {
        // Arrange
        var (api, card, merchant) = await HolderAsync();
        var body = new { cardId = card, terminalId = merchant, amount = "33.30" };

        // Act
        var first = await api.PostAsync(factory, "/api/v1/payments", body, "order-1001");
        var retry = await api.PostAsync(factory, "/api/v1/payments", body, "order-1001");

        // Assert
        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(HttpStatusCode.Created, retry.Status);
        Assert.Equal(first.Body, retry.Body);
        Assert.Equal(first.Message.Headers.Location, retry.Message.Headers.Location);
        Assert.Equal("true", retry.Header("Idempotent-Replayed"));
        Assert.Null(first.Header("Idempotent-Replayed"));
        Assert.Equal(1, await PaymentsOnAsync(card));
    }

    [Fact]
    public async Task Create_KeyOlderThan24HoursAndTheNewWriteFails_NotAnsweredWithTheOldPayment()
    {
        // Arrange (writer review: the failed write looked the key up without the 24-hour limit, found yesterday's record,
        // whose deletion had rolled back with the write, and answered 201 "replayed" for a payment that was not made)
        var (api, card, merchant) = await HolderAsync();
        var body = new { cardId = card, terminalId = merchant, amount = "7.77" };
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsync(factory, "/api/v1/payments", body, "daily-777")).Status);
        await factory.QueryAsync(db => db.IdempotencyRecords.Where(r => r.Key == "daily-777")
            .ExecuteUpdateAsync(set => set.SetProperty(r => r.CreatedUtc, factory.Clock.UtcNow.AddHours(-25))));
        var name = $"refuse_test_{card}";
        var sqlite = factory.PostgresDatabase is null;
        await factory.QueryAsync(db => db.Database.ExecuteSqlRawAsync(sqlite
            ? $"CREATE TRIGGER {name} BEFORE INSERT ON Transactions WHEN NEW.CardId = {card} BEGIN SELECT RAISE(ABORT, 'refused for a test'); END;"
            : $"CREATE FUNCTION {name}() RETURNS trigger AS $$ BEGIN IF NEW.\"CardId\" = {card} THEN RAISE EXCEPTION 'refused for a test'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql; "
              + $"CREATE TRIGGER {name} BEFORE INSERT ON \"Transactions\" FOR EACH ROW EXECUTE FUNCTION {name}();"));
        HttpResponseMessage again;
        try
        {
            // Act: the key may be used again; this payment's write fails in the database (sent without the contract's
            // check: an unforeseen database error is a 500, which the document does not list)
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/v1/payments", UriKind.Relative))
            {
                Content = System.Net.Http.Json.JsonContent.Create(body),
            };
            request.Headers.Add("Idempotency-Key", "daily-777");
            again = await api.SendAsync(request);
        }
        finally
        {
            await factory.QueryAsync(db => db.Database.ExecuteSqlRawAsync(sqlite ? $"DROP TRIGGER {name};" : $"DROP TRIGGER {name} ON \"Transactions\"; DROP FUNCTION {name}();"));
        }

        // Assert: nothing new stored, and no success said
        Assert.Equal(1, await PaymentsOnAsync(card));
        Assert.NotEqual(HttpStatusCode.Created, again.StatusCode);
        Assert.False(again.Headers.Contains("Idempotent-Replayed"));
        Assert.DoesNotContain("   at ", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_ReplayAfterTheCreditRanOutOnSettlement_StillTheFirst201()
    {
        // Arrange: a payment answered 201, whose settlement later says the card's credit was used up (as an analyst's
        // decision on a held payment can).
        var (api, card, merchant) = await HolderAsync();
        var body = new { cardId = card, terminalId = merchant, amount = "21.10" };
        var first = await api.PostAsync(factory, "/api/v1/payments", body, "order-3003");
        var id = first.Json.GetProperty("id").GetInt64();
        await factory.QueryAsync(db => db.Transactions.Where(t => t.Id == id).ExecuteUpdateAsync(set => set
            .SetProperty(t => t.SettlementReason, FraudWeb.Domain.Entities.DeclineReasons.InsufficientCredit)));

        // Act
        var retry = await api.PostAsync(factory, "/api/v1/payments", body, "order-3003");

        // Assert: the retry hears what the first request heard, not a 422 it never got.
        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(HttpStatusCode.Created, retry.Status);
        Assert.Equal("true", retry.Header("Idempotent-Replayed"));
    }

    [Fact]
    public async Task Create_SameKeyOtherBody_422AndNothingMore()
    {
        // Arrange
        var (api, card, merchant) = await HolderAsync();
        await api.PostAsync(factory, "/api/v1/payments", new { cardId = card, terminalId = merchant, amount = 10 }, "order-2002");

        // Act
        var reused = await api.PostAsync(factory, "/api/v1/payments", new { cardId = card, terminalId = merchant, amount = 11 }, "order-2002");

        // Assert
        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.Status);
        Assert.Equal("/api/problems/idempotency-key-reused", reused.Json.GetProperty("type").GetString());
        Assert.Equal(1, await PaymentsOnAsync(card));
    }

    [Fact]
    public async Task Create_SameKeyFromSixteenThreads_ExactlyOnePaymentAndOneAnswer()
    {
        // Arrange
        var (api, card, merchant) = await HolderAsync();
        var body = new { cardId = card, terminalId = merchant, amount = "5.55" };

        // Act: all at once, as a client's retries after a timeout might be.
        using var start = new ManualResetEventSlim();
        var tasks = Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            return await api.PostAsync(factory, "/api/v1/payments", body, "race-3003");
        })).ToList();
        start.Set();
        var responses = await Task.WhenAll(tasks);

        // Assert
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.Status));
        Assert.Single(responses.Select(r => r.Json.GetProperty("id").GetInt64()).Distinct());
        Assert.Equal(15, responses.Count(r => r.Header("Idempotent-Replayed") == "true"));
        Assert.Equal(1, await PaymentsOnAsync(card));
    }

    [Fact]
    public async Task Report_SameKeyFromSixteenThreads_OneReportAndNoDatabaseErrorLogged()
    {
        // Arrange
        var (api, card, merchant) = await HolderAsync();
        var id = (await api.PostAsync(factory, "/api/v1/payments", new { cardId = card, terminalId = merchant, amount = 9 })).Json.GetProperty("id").GetInt64();
        var body = new { kind = "not-me", reason = "Not my purchase at all." };
        var logged = factory.Logs.Entries.Count;

        // Act: retries racing for one key; the losers wait for the winner's answer
        using var start = new ManualResetEventSlim();
        var tasks = Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            return await api.PostAsync(factory, $"/api/v1/payments/{id}/reports", body, "report-race-6006");
        })).ToList();
        start.Set();
        var responses = await Task.WhenAll(tasks);

        // Assert: one report, and a race that is expected is no error in the operators' log
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.Status));
        Assert.Equal(1, await factory.QueryAsync(db => db.FraudReports.CountAsync(r => r.TransactionId == id)));
        Assert.DoesNotContain(factory.Logs.Entries.Skip(logged), e => e.StartsWith("Error", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Create_KeysOfTwoApiKeys_AreSeparate()
    {
        // Arrange: two integrators may pick the same Idempotency-Key; each has its own.
        var (first, card1, merchant) = await HolderAsync();
        var (second, card2, _) = await HolderAsync();

        // Act
        var a = await first.PostAsync(factory, "/api/v1/payments", new { cardId = card1, terminalId = merchant, amount = 3 }, "shared-4004");
        var b = await second.PostAsync(factory, "/api/v1/payments", new { cardId = card2, terminalId = merchant, amount = 3 }, "shared-4004");

        // Assert
        Assert.Equal(HttpStatusCode.Created, a.Status);
        Assert.Equal(HttpStatusCode.Created, b.Status);
        Assert.NotEqual(a.Json.GetProperty("id").GetInt64(), b.Json.GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task Report_SameKeyTwice_OneReportAndTheSame201()
    {
        // Arrange
        var (api, card, merchant) = await HolderAsync();
        var id = (await api.PostAsync(factory, "/api/v1/payments", new { cardId = card, terminalId = merchant, amount = 8 })).Json.GetProperty("id").GetInt64();
        var body = new { kind = "not-me", reason = "Not my purchase at all." };

        // Act
        var first = await api.PostAsync(factory, $"/api/v1/payments/{id}/reports", body, "report-5005");
        var retry = await api.PostAsync(factory, $"/api/v1/payments/{id}/reports", body, "report-5005");

        // Assert
        Assert.Equal(HttpStatusCode.Created, retry.Status);
        Assert.Equal(first.Body, retry.Body);
        Assert.Equal(1, await factory.QueryAsync(db => db.FraudReports.CountAsync(r => r.TransactionId == id)));
    }

    [Fact]
    public async Task Report_AnswerCannotBeStoredOnce_ClientGetsItsAnswerAndTheRetryItsReplay()
    {
        // Arrange (API review: the report was made, the client got a 5xx, and the retry, once the claim was abandoned,
        // ran again and heard 409 "already reported"): a host over the same database whose first store of an answer fails.
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync();
        var key = await holder.CreateKeyAsync(ApiScopes.PaymentsRead, ApiScopes.PaymentsWrite, ApiScopes.ReportsWrite);
        var failing = new FirstAnswerStoreFails();
        using var host = factory.WithWebHostBuilder(builder => builder.ConfigureTestServices(services => services.AddSingleton<IInterceptor>(failing)));
        using var api = host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false, BaseAddress = FraudWebFactory.HttpsBaseAddress });
        api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        var id = (await api.PostAsync(factory, "/api/v1/payments", new { cardId = card, terminalId = await Merchants.OrdinaryAsync(factory), amount = 8 })).Json.GetProperty("id").GetInt64();
        var body = new { kind = "not-me", reason = "Not my purchase at all." };

        // Act
        var first = await api.PostAsync(factory, $"/api/v1/payments/{id}/reports", body, "report-7007");
        var retry = await api.PostAsync(factory, $"/api/v1/payments/{id}/reports", body, "report-7007");

        // Assert
        Assert.Equal(1, failing.Failed);
        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(HttpStatusCode.Created, retry.Status);
        Assert.Equal("true", retry.Header("Idempotent-Replayed"));
        Assert.Equal(first.Body, retry.Body);
        Assert.Equal(1, await factory.QueryAsync(db => db.FraudReports.CountAsync(r => r.TransactionId == id)));
    }

    /// <summary>Fails the first statement that stores an answer, as a database away for a moment would.</summary>
    private sealed class FirstAnswerStoreFails : DbCommandInterceptor
    {
        private int _failed;

        public int Failed => Volatile.Read(ref _failed);

        public override ValueTask<InterceptionResult<System.Data.Common.DbDataReader>> ReaderExecutingAsync(System.Data.Common.DbCommand command,
            CommandEventData eventData, InterceptionResult<System.Data.Common.DbDataReader> result, CancellationToken cancellationToken = default)
        {
            if (command.CommandText.Contains("UPDATE \"IdempotencyRecords\"", StringComparison.Ordinal) && Interlocked.CompareExchange(ref _failed, 1, 0) == 0)
                throw new InvalidOperationException("The database is away for a moment (test).");
            return ValueTask.FromResult(result);
        }
    }

    [Fact]
    public async Task Report_SameKeyPropertiesInAnotherOrder_TheSameRequestReplayed()
    {
        // Arrange (API review: reports and labels compared bytes, so a retry serialized again with its properties in
        // another order was "reused with another body", while payments compared values)
        var (api, card, merchant) = await HolderAsync();
        var id = (await api.PostAsync(factory, "/api/v1/payments", new { cardId = card, terminalId = merchant, amount = 8 })).Json.GetProperty("id").GetInt64();
        var url = $"/api/v1/payments/{id}/reports";

        // Act
        var first = await api.SendAsync(factory, HttpMethod.Post, url, """{"kind":"not-me","reason":"Not my purchase at all."}""", "report-5006");
        var reordered = await api.SendAsync(factory, HttpMethod.Post, url, """{ "reason": "Not my purchase at all.",  "kind": "not-me" }""", "report-5006");
        var other = await api.SendAsync(factory, HttpMethod.Post, url, """{"kind":"not-me","reason":"Another reason."}""", "report-5006");

        // Assert
        Assert.Equal(HttpStatusCode.Created, reordered.Status);
        Assert.Equal(first.Body, reordered.Body);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, other.Status);
        Assert.Equal(1, await factory.QueryAsync(db => db.FraudReports.CountAsync(r => r.TransactionId == id)));
    }

    [Fact]
    public async Task Create_FailedValidationThenFixedBodyWithANewKey_Pays()
    {
        // Arrange: a refused request records nothing under its key.
        var (api, card, merchant) = await HolderAsync();
        var bad = await api.SendAsync(factory, HttpMethod.Post, "/api/v1/payments", $$"""{"cardId":{{card}},"terminalId":{{merchant}},"amount":"1.234"}""", "fix-6006", validRequest: false);

        // Act
        var again = await api.SendAsync(factory, HttpMethod.Post, "/api/v1/payments", $$"""{"cardId":{{card}},"terminalId":{{merchant}},"amount":"1.234"}""", "fix-6006", validRequest: false);
        var fixedBody = await api.PostAsync(factory, "/api/v1/payments", new { cardId = card, terminalId = merchant, amount = "1.23" }, "fix-6007");

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        Assert.Equal(HttpStatusCode.BadRequest, again.Status);
        Assert.Equal(HttpStatusCode.Created, fixedBody.Status);
        Assert.Equal(1, await PaymentsOnAsync(card));
    }

    [Fact]
    public async Task Report_FailedValidationThenFixedBodyWithTheSameKey_Reports()
    {
        // Arrange: a 400 says only that the request was wrong; it is not kept as the key's answer.
        var (api, card, merchant) = await HolderAsync();
        var id = (await api.PostAsync(factory, "/api/v1/payments", new { cardId = card, terminalId = merchant, amount = 9 })).Json.GetProperty("id").GetInt64();
        var bad = await api.SendAsync(factory, HttpMethod.Post, $"/api/v1/payments/{id}/reports", """{"kind":"not-me","reason":"x"}""", "report-fix-1", validRequest: false);

        // Act
        var fixedBody = await api.PostAsync(factory, $"/api/v1/payments/{id}/reports", new { kind = "not-me", reason = "I was at home that day." }, "report-fix-1");

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        Assert.Equal(HttpStatusCode.Created, fixedBody.Status);
        Assert.Equal(1, await factory.QueryAsync(db => db.FraudReports.CountAsync(r => r.TransactionId == id)));
    }

    [Fact]
    public async Task Create_FailedValidationThenFixedBodyWithTheSameKey_Pays()
    {
        // Arrange
        var (api, card, merchant) = await HolderAsync();
        var bad = await api.SendAsync(factory, HttpMethod.Post, "/api/v1/payments", $$"""{"cardId":{{card}},"terminalId":{{merchant}},"amount":"1.001"}""", "fix-same-1", validRequest: false);

        // Act
        var fixedBody = await api.PostAsync(factory, "/api/v1/payments", new { cardId = card, terminalId = merchant, amount = "1.00" }, "fix-same-1");

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        Assert.Equal(HttpStatusCode.Created, fixedBody.Status);
        Assert.Equal(1, await PaymentsOnAsync(card));
    }

    [Fact]
    public async Task Report_ClaimLeftUnansweredByACrashedProcess_RetryAfterTwoMinutesRunsIt()
    {
        // Arrange: a report whose process died after claiming the key and before anything was written (as if).
        var (api, card, merchant) = await HolderAsync();
        var id = (await api.PostAsync(factory, "/api/v1/payments", new { cardId = card, terminalId = merchant, amount = 9 })).Json.GetProperty("id").GetInt64();
        var body = new { kind = "not-me", reason = "Not my purchase at all." };
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsync(factory, $"/api/v1/payments/{id}/reports", body, "report-6006")).Status);
        await factory.QueryAsync(async db =>
        {
            await db.FraudReports.Where(r => r.TransactionId == id).ExecuteDeleteAsync();
            return await db.IdempotencyRecords.Where(r => r.Key == "report-6006").ExecuteUpdateAsync(set => set
                .SetProperty(r => r.StatusCode, (int?)null).SetProperty(r => r.CreatedUtc, factory.Clock.UtcNow.AddMinutes(-3)));
        });

        // Act
        var retry = await api.PostAsync(factory, $"/api/v1/payments/{id}/reports", body, "report-6006");

        // Assert: the retry runs, instead of waiting for an answer that will never come (for a day).
        Assert.Equal(HttpStatusCode.Created, retry.Status);
        Assert.Equal(1, await factory.QueryAsync(db => db.FraudReports.CountAsync(r => r.TransactionId == id)));
    }

    [Fact]
    public async Task Create_KeyOlderThan24Hours_ReusableForANewPaymentAndPurged()
    {
        // Arrange: a key used a day and an hour ago (as time would make it).
        var (api, card, merchant) = await HolderAsync();
        var body = new { cardId = card, terminalId = merchant, amount = 4 };
        var first = await api.PostAsync(factory, "/api/v1/payments", body, "old-7007");
        await factory.QueryAsync(db => db.IdempotencyRecords.Where(r => r.Key == "old-7007").ExecuteUpdateAsync(set => set.SetProperty(r => r.CreatedUtc, factory.Clock.UtcNow.AddHours(-25))));

        // Act
        var again = await api.PostAsync(factory, "/api/v1/payments", body, "old-7007");
        await factory.QueryAsync(db => db.IdempotencyRecords.Where(r => r.Key == "old-7007").ExecuteUpdateAsync(set => set.SetProperty(r => r.CreatedUtc, factory.Clock.UtcNow.AddHours(-25))));
        var purged = await factory.Services.GetRequiredService<FraudWeb.Api.IdempotencyStore>().PurgeExpiredAsync(CancellationToken.None);

        // Assert
        Assert.NotEqual(first.Json.GetProperty("id").GetInt64(), again.Json.GetProperty("id").GetInt64());
        Assert.Null(again.Header("Idempotent-Replayed"));
        Assert.Equal(2, await PaymentsOnAsync(card));
        Assert.True(purged >= 1);
        Assert.False(await factory.QueryAsync(db => db.IdempotencyRecords.AnyAsync(r => r.Key == "old-7007")));
    }

    [Fact]
    public async Task Create_IdempotencyKeyTooLong_400()
    {
        // Arrange
        var (api, card, merchant) = await HolderAsync();

        // Act
        var response = await api.PostAsync(factory, "/api/v1/payments", new { cardId = card, terminalId = merchant, amount = 1 }, new string('k', 256));

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal(0, await PaymentsOnAsync(card));
    }
}
