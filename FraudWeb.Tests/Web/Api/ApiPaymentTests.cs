using System.Net;
using System.Text.Json;
using FraudWeb.Domain.Entities;
using FraudWeb.Services.ApiKeys;
using FraudWeb.Services.Scoring;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Tests.Web.Api;

/// <summary>Scoring, paying, reading and reporting through /api/v1 with a card holder's own key.</summary>
[Collection(WebTestGroup.Name)]
public sealed class ApiPaymentTests(FraudWebFactory factory)
{
    private async Task<(CardHolderSession Holder, HttpClient Api, long CardId, long Merchant)> HolderWithKeyAsync(decimal creditLimit = 5000m)
    {
        var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync(creditLimit);
        var key = await holder.CreateKeyAsync(ApiScopes.PaymentsRead, ApiScopes.PaymentsWrite, ApiScopes.ReportsWrite);
        return (holder, factory.ApiClient(key), card, await Merchants.OrdinaryAsync(factory));
    }

    /// <summary>A key with payments:score, which only staff (reports.review) can hold: an analyst's integration key.</summary>
    private async Task<HttpClient> ScoringKeyAsync()
    {
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, FraudWeb.Data.Roles.Analyst);
        return factory.ApiClient(await factory.IssueKeyAsync(await factory.UserIdAsync(analyst.Email), ApiScopes.PaymentsScore));
    }

    [Fact]
    public async Task Predict_StaffKeyOnAHoldersCard_ScoresLikeThePaymentAndWritesNothing()
    {
        // Arrange
        var (holder, api, card, merchant) = await HolderWithKeyAsync();
        using var session = holder;
        using var scoring = await ScoringKeyAsync();
        var before = await factory.PaymentCountAsync();

        // Act
        var predicted = await scoring.PostAsync(factory, "/api/v1/predict", new { cardId = card, terminalId = merchant, amount = "42.10" });
        var after = await factory.PaymentCountAsync();
        var paid = await api.PostAsync(factory, "/api/v1/payments", new { cardId = card, terminalId = merchant, amount = 42.10 });

        // Assert
        Assert.Equal(HttpStatusCode.OK, predicted.Status);
        Assert.Equal(before, after);
        var p = predicted.Json;
        // The probability is the one the risk score was taken from (floor(probability * 100)); the API rounds it to six places.
        var probability = p.GetProperty("probability").GetDouble();
        Assert.InRange(p.GetProperty("riskScore").GetInt32(), RiskPolicy.RiskScore(probability - 1e-6), RiskPolicy.RiskScore(probability + 1e-6));
        var stored = await factory.TransactionAsync(paid.Json.GetProperty("id").GetInt64());
        Assert.Equal(stored.Verdict!.RiskScore, p.GetProperty("riskScore").GetInt32());
        Assert.Equal(paid.Json.GetProperty("decision").GetString(), p.GetProperty("decision").GetString());
        Assert.Equal(paid.Json.GetProperty("modelVersion").GetString(), p.GetProperty("modelVersion").GetString());
        Assert.All(p.GetProperty("reasons").EnumerateArray(), r => r.GetProperty("contribution").GetDouble());
        Assert.NotEmpty(p.GetProperty("reasons").EnumerateArray());
    }

    [Fact]
    public async Task Predict_HolderKeyWithEveryHolderScope_403AndTheScorerIsNotAsked()
    {
        // Arrange: the scorer's numbers for payments one might make are a tuning oracle (docs/security.md, 8.2.x).
        var (holder, api, card, merchant) = await HolderWithKeyAsync();
        using var session = holder;

        // Act
        var response = await api.PostAsync(factory, "/api/v1/predict", new { cardId = card, terminalId = merchant, amount = "42.10" });

        // Assert
        Assert.Equal(HttpStatusCode.Forbidden, response.Status);
        Assert.Equal("/api/problems/insufficient-scope", response.Json.GetProperty("type").GetString());
        Assert.DoesNotContain("probability", response.Body, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Predict_UnknownCard_404()
    {
        // Arrange
        using var scoring = await ScoringKeyAsync();

        // Act
        var response = await scoring.PostAsync(factory, "/api/v1/predict", new { cardId = 987654321L, terminalId = await Merchants.OrdinaryAsync(factory), amount = 5 });

        // Assert
        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal("/api/problems/not-found", response.Json.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Predict_FutureTimestamp_ValidationProblemOnTimestamp()
    {
        // Arrange
        var (holder, _, card, merchant) = await HolderWithKeyAsync();
        using var session = holder;
        using var api = await ScoringKeyAsync();

        // Act
        var response = await api.PostAsync(factory, "/api/v1/predict", new { cardId = card, terminalId = merchant, amount = 10, timestamp = factory.Clock.GetUtcNow().AddDays(2) });

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("/api/problems/validation", response.Json.GetProperty("type").GetString());
        Assert.True(response.Json.GetProperty("errors").TryGetProperty("timestamp", out _));
    }

    [Theory]
    [InlineData("2026-11-30T10:00:00")]
    [InlineData("30/11/2026 10:00")]
    [InlineData("2026-11-30")]
    public async Task Predict_TimestampWithoutOffset_400(string timestamp)
    {
        // Arrange
        var (holder, _, card, merchant) = await HolderWithKeyAsync();
        using var session = holder;
        using var api = await ScoringKeyAsync();

        // Act
        var response = await api.SendAsync(factory, HttpMethod.Post, "/api/v1/predict",
            $$"""{"cardId":{{card}},"terminalId":{{merchant}},"amount":5,"timestamp":"{{timestamp}}"}""", validRequest: false);

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Contains("RFC 3339", response.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Predict_PastTimestampWithOffset_Scored()
    {
        // Arrange
        var (holder, _, card, merchant) = await HolderWithKeyAsync();
        using var session = holder;
        using var api = await ScoringKeyAsync();
        var at = factory.Clock.GetUtcNow().AddDays(-3).ToOffset(TimeSpan.FromHours(8));

        // Act
        var response = await api.PostAsync(factory, "/api/v1/predict", new { cardId = card, terminalId = merchant, amount = 5, timestamp = at.ToString("yyyy-MM-dd'T'HH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture) });

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture), response.Json.GetProperty("timestamp").GetDateTime().ToString("yyyy-MM-dd'T'HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Create_OwnCard_201WithThePaymentAsTheWebRecordedIt()
    {
        // Arrange
        var (holder, api, card, merchant) = await HolderWithKeyAsync();
        using var session = holder;

        // Act
        var created = await api.PostAsync(factory, "/api/v1/payments", new { cardId = card, terminalId = merchant, amount = "19.99" });

        // Assert
        Assert.Equal(HttpStatusCode.Created, created.Status);
        var body = created.Json;
        var id = body.GetProperty("id").GetInt64();
        Assert.Equal($"/api/v1/payments/{id}", created.Message.Headers.Location!.AbsolutePath);
        var stored = await factory.TransactionAsync(id);
        Assert.Equal(19.99m, stored.Amount);
        Assert.Equal(card, stored.CardId);
        Assert.Equal(PaymentResourcesName(stored.Verdict!.Decision), body.GetProperty("decision").GetString());
        // The holder reads the verdict in words, as on the payment's page: no score, no feature values (8.2.x).
        Assert.False(body.TryGetProperty("riskScore", out _));
        Assert.Equal(TransactionScorer.ReadReasons(stored.Verdict.ReasonsJson).Select(r => r.Text), body.GetProperty("reasons").EnumerateArray().Select(r => r.GetProperty("text").GetString()));
        Assert.All(body.GetProperty("reasons").EnumerateArray(), r => Assert.Equal(["feature", "direction", "text"], r.EnumerateObject().Select(p => p.Name)));
        Assert.Equal("19.99", body.GetProperty("amount").GetString());
        Assert.Equal("EUR", body.GetProperty("currency").GetString());
        Assert.Matches(@"^\w+ •+ ?\d{4}$|^\w+ .*\d{4}$", body.GetProperty("card").GetString());
        var charged = stored.Verdict.Decision == Decision.Approved ? "19.99" : "0.00";
        Assert.Equal(charged, body.GetProperty("balanceEffect").GetProperty("charged").GetString());
        Assert.Equal((5000m - await factory.BalanceAsync(card)).ToString("F2", System.Globalization.CultureInfo.InvariantCulture),
            body.GetProperty("balanceEffect").GetProperty("availableCredit").GetString());
        var read = await api.GetAsync(factory, $"/api/v1/payments/{id}");
        Assert.Equal(created.Body, read.Body);
    }

    [Fact]
    public async Task Create_OverAvailableCredit_422NamingTheDeclinedPaymentItRecorded()
    {
        // Arrange
        var (holder, api, card, merchant) = await HolderWithKeyAsync(creditLimit: 1000m);
        using var session = holder;

        // Act
        var refused = await api.PostAsync(factory, "/api/v1/payments", new { cardId = card, terminalId = merchant, amount = "1500.00" }, "over-credit-1");
        var replay = await api.PostAsync(factory, "/api/v1/payments", new { cardId = card, terminalId = merchant, amount = "1500.00" }, "over-credit-1");

        // Assert: the issue's 422 with the reason; the decline is recorded, as the payment form records it.
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Status);
        Assert.Equal("/api/problems/insufficient-credit", refused.Json.GetProperty("type").GetString());
        Assert.Equal("1000.00", refused.Json.GetProperty("availableCredit").GetString());
        var id = refused.Json.GetProperty("paymentId").GetInt64();
        var read = await api.GetAsync(factory, $"/api/v1/payments/{id}");
        Assert.Equal("declined", read.Json.GetProperty("decision").GetString());
        Assert.Equal("insufficient-credit", read.Json.GetProperty("declineReason").GetString());
        Assert.Equal("0.00", read.Json.GetProperty("balanceEffect").GetProperty("charged").GetString());
        Assert.Equal(0m, await factory.BalanceAsync(card));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, replay.Status);
        Assert.Equal(id, replay.Json.GetProperty("paymentId").GetInt64());
        Assert.Equal(1, await factory.QueryAsync(db => db.Transactions.CountAsync(t => t.CardId == card && t.Amount == 1500m)));
    }

    [Fact]
    public async Task Read_DeclinedOverAvailableCredit_NoModelReasonsAsOnItsPage()
    {
        // Arrange
        var (holder, api, card, merchant) = await HolderWithKeyAsync(creditLimit: 1000m);
        using var session = holder;
        var refused = await api.PostAsync(factory, "/api/v1/payments", new { cardId = card, terminalId = merchant, amount = "1500.00" }, "over-credit-reasons");
        var id = refused.Json.GetProperty("paymentId").GetInt64();

        // Act
        var read = await api.GetAsync(factory, $"/api/v1/payments/{id}");

        // Assert: the card's credit declined it, not the model, so (as the payment's page) no model reason is its why.
        Assert.Equal("insufficient-credit", read.Json.GetProperty("declineReason").GetString());
        Assert.NotNull((await factory.TransactionAsync(id)).Verdict!.ReasonsJson);
        Assert.Empty(read.Json.GetProperty("reasons").EnumerateArray());
    }

    [Fact]
    public async Task Create_UnknownMerchant_422NamingTheField()
    {
        // Arrange
        var (holder, api, card, _) = await HolderWithKeyAsync();
        using var session = holder;
        var before = await factory.PaymentCountAsync();

        // Act
        var response = await api.PostAsync(factory, "/api/v1/payments", new { cardId = card, terminalId = 987_654_321, amount = 5 });

        // Assert
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.Status);
        Assert.Equal("/api/problems/business-rule", response.Json.GetProperty("type").GetString());
        Assert.True(response.Json.GetProperty("errors").TryGetProperty("terminalId", out _));
        Assert.Equal(before, await factory.PaymentCountAsync());
    }

    [Fact]
    public async Task Create_ExpiredCard_422WithTheReasonAndNothingStored()
    {
        // Arrange: the card expires (as time would make it) after it was added.
        var (holder, api, card, merchant) = await HolderWithKeyAsync();
        using var session = holder;
        await factory.QueryAsync(db => db.Cards.Where(c => c.Id == card).ExecuteUpdateAsync(set => set.SetProperty(c => c.ExpiryYear, 2020)));
        var before = await factory.PaymentCountAsync();

        // Act
        var response = await api.PostAsync(factory, "/api/v1/payments", new { cardId = card, terminalId = merchant, amount = 5 });

        // Assert
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.Status);
        Assert.Contains("expired", response.Json.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, await factory.PaymentCountAsync());
    }

    [Fact]
    public async Task List_ThreePaymentsPagesOfTwo_NewestFirstThenNoCursor()
    {
        // Arrange
        var (holder, api, card, merchant) = await HolderWithKeyAsync();
        using var session = holder;
        var ids = new List<long>();
        foreach (var amount in new[] { 1, 2, 3 })
            ids.Add((await api.PostAsync(factory, "/api/v1/payments", new { cardId = card, terminalId = merchant, amount })).Json.GetProperty("id").GetInt64());

        // Act
        var first = await api.GetAsync(factory, $"/api/v1/payments?cardId={card}&limit=2");
        var cursor = first.Json.GetProperty("nextCursor").GetString();
        var second = await api.GetAsync(factory, $"/api/v1/payments?cardId={card}&limit=2&cursor={cursor}");

        // Assert
        Assert.Equal(new[] { ids[2], ids[1] }, first.Json.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt64()));
        Assert.Equal(new[] { ids[0] }, second.Json.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt64()));
        Assert.Equal(JsonValueKind.Null, second.Json.GetProperty("nextCursor").ValueKind);
    }

    [Theory]
    [InlineData("2000-01-01T00:00:00.123456789Z")]
    [InlineData("2000-01-01T08:00:00.123456789123+08:00")]
    public async Task List_FromWithMoreThanSevenFractionDigits_AcceptedAsRfc3339(string from)
    {
        // Arrange (API review: Go's RFC3339Nano and Java's Instant write nine digits, and were refused as not RFC 3339)
        var (holder, api, card, merchant) = await HolderWithKeyAsync();
        using var session = holder;
        await api.PostAsync(factory, "/api/v1/payments", new { cardId = card, terminalId = merchant, amount = 7 });

        // Act
        var page = await api.GetAsync(factory, $"/api/v1/payments?cardId={card}&from={Uri.EscapeDataString(from)}");

        // Assert
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Single(page.Json.GetProperty("items").EnumerateArray());
    }

    [Theory]
    [InlineData("from=2026-11-30T14:05:00+08:00", "from", "%2B")] // the '+' sent unencoded: the query reads a space
    [InlineData("from=2026-02-29T00:00:00Z", "from", "a date-time that exists")] // no such day
    [InlineData("to=0001-01-01T00:00:00%2B01:00", "to", "from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z")] // before the first instant there is
    [InlineData("to=9999-12-31T23:59:59-14:00", "to", "from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z")] // after the last (money QA: was told to add an offset)
    [InlineData("to=2026-11-30T14:05:00", "to", "RFC 3339")] // no offset
    public async Task List_TimeItCannotRead_400SayingHowToWriteIt(string query, string field, string expected)
    {
        // Arrange (exploratory testing: '"2026-11-30T14:05:00 08:00" is not a valid value.', which said neither what
        // a time must look like nor that the '+' was lost)
        var (holder, api, card, _) = await HolderWithKeyAsync();
        using var session = holder;

        // Act
        var response = await api.GetAsync(factory, $"/api/v1/payments?cardId={card}&{query}");

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        var message = response.Json.GetProperty("errors").GetProperty(field)[0].GetString()!;
        Assert.Contains(expected, message, StringComparison.Ordinal);
        Assert.DoesNotContain("is not a valid value", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_TimeWindowAndBadCursor_FilteredOrRefused()
    {
        // Arrange
        var (holder, api, card, merchant) = await HolderWithKeyAsync();
        using var session = holder;
        await api.PostAsync(factory, "/api/v1/payments", new { cardId = card, terminalId = merchant, amount = 7 });
        var future = Uri.EscapeDataString(factory.Clock.GetUtcNow().AddHours(1).ToString("O"));

        // Act
        var none = await api.GetAsync(factory, $"/api/v1/payments?cardId={card}&from={future}");
        var bad = await api.GetAsync(factory, "/api/v1/payments?cursor=not-a-cursor");

        // Assert
        Assert.Empty(none.Json.GetProperty("items").EnumerateArray());
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        Assert.True(bad.Json.GetProperty("errors").TryGetProperty("cursor", out _));
    }

    [Fact]
    public async Task Report_OwnPaymentTwice_201ThenConflictAndOneOpenReport()
    {
        // Arrange
        var (holder, api, card, merchant) = await HolderWithKeyAsync();
        using var session = holder;
        var id = (await api.PostAsync(factory, "/api/v1/payments", new { cardId = card, terminalId = merchant, amount = 12 })).Json.GetProperty("id").GetInt64();

        // Act
        var first = await api.PostAsync(factory, $"/api/v1/payments/{id}/reports", new { kind = "not-me", reason = "I never bought this." });
        var second = await api.PostAsync(factory, $"/api/v1/payments/{id}/reports", new { kind = "not-me", reason = "Still not me, really." });

        // Assert
        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal("open", first.Json.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Conflict, second.Status);
        var report = await factory.ReportOfAsync(id);
        Assert.Equal(ReportKind.NotMe, report.Kind);
        Assert.Equal(first.Json.GetProperty("id").GetInt64(), report.Id);
    }

    [Fact]
    public async Task ModelsServing_AnalystKey_TheServingVersion()
    {
        // Arrange
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, FraudWeb.Data.Roles.Analyst);
        var key = await factory.IssueKeyAsync(await factory.UserIdAsync(analyst.Email), ApiScopes.ModelsRead);
        var before = await factory.QueryAsync(db => db.ModelVersions.SingleAsync(m => m.Status == ModelStatus.Serving));

        // Act
        var response = await factory.ApiClient(key).GetAsync(factory, "/api/v1/models/serving");

        // Assert: the version serving before or after the call (the suite's retraining may promote one meanwhile: a CI
        // run on PostgreSQL answered the newer one, 2026-12-07)
        var after = await factory.QueryAsync(db => db.ModelVersions.SingleAsync(m => m.Status == ModelStatus.Serving));
        Assert.Equal(HttpStatusCode.OK, response.Status);
        var serving = Assert.Single(new[] { before, after }.DistinctBy(v => v.Version), v => v.Version == response.Json.GetProperty("version").GetString());
        Assert.Equal(serving.TrainingRows, response.Json.GetProperty("trainingRows").GetInt32());
        Assert.True(response.Json.GetProperty("holdoutMetrics").EnumerateObject().Any());
        // Named like the rest of the API (API review: "holdout_auc" beside "validationRows")
        Assert.All(response.Json.GetProperty("holdoutMetrics").EnumerateObject(), m => Assert.Matches("^[a-z][A-Za-z0-9]*$", m.Name));
    }

    private static string PaymentResourcesName(Decision decision) => JsonNamingPolicy.KebabCaseLower.ConvertName(decision.ToString());
}
