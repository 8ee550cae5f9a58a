using System.Globalization;
using System.Net;
using System.Text.Json;
using FraudWeb.Api;
using FraudWeb.Domain.Entities;
using FraudWeb.Services.Admin;
using FraudWeb.Services.ApiKeys;
using FraudWeb.Tests.Builders;
using FraudWeb.Tests.Web.Infrastructure;
using FraudWeb.Tests.Web.Localization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FraudWeb.Tests.Web.Api;

/// <summary>
/// Cards in the API (docs/decisions/0026): a holder's key reads its holder's cards only, and stops one as the card's
/// page does (same stop, audit and mail; final; Idempotency-Key as every writing POST), with a problem for each bad input.
/// </summary>
[Collection(WebTestGroup.Name)]
public sealed class ApiCardTests(FraudWebFactory factory)
{
    private sealed record Holder(CardHolderSession Session, HttpClient Api, long Card, CardFormBuilder Number) : IDisposable
    {
        public void Dispose()
        {
            Api.Dispose();
            Session.Dispose();
        }
    }

    /// <summary>A registered holder with one card and a key made on the API keys page with read, pay and stop scopes.</summary>
    private async Task<Holder> HolderAsync(params string[] scopes)
    {
        var session = await CardHolderSession.RegisteredAsync(factory);
        var number = new CardFormBuilder();
        Assert.Equal(HttpStatusCode.Redirect, (await session.AddCardAsync(number)).StatusCode);
        var card = (await session.CardIdsAsync()).Single();
        var key = await session.CreateKeyAsync(scopes.Length > 0 ? scopes : [ApiScopes.PaymentsRead, ApiScopes.PaymentsWrite, ApiScopes.CardsWrite]);
        return new Holder(session, factory.ApiClient(key), card, number);
    }

    private static string Stop(long card) => $"/api/v1/cards/{card}/stop";

    private Task<CardStop?> StoppedAsAsync(long card) => factory.QueryAsync(db => db.Cards.Where(c => c.Id == card).Select(c => c.StoppedAs).SingleAsync());

    private Task<int> AuditsAsync(long card) => factory.QueryAsync(db => db.Set<AuditEntry>()
        .CountAsync(a => (a.Action == AuditActions.CardRemove || a.Action == AuditActions.CardLostOrStolen) && a.TargetId == card.ToString(CultureInfo.InvariantCulture)));

    private int LostMails(string email) => Mailbox.MessagesTo(factory, email).Count(m => Mailbox.Subject(m).Contains("lost or stolen", StringComparison.Ordinal));

    [Fact]
    public async Task List_HolderWithTwoCards_OwnCardsInOrderWithThePagesFiguresNeverTheNumber()
    {
        // Arrange: A has two cards (one paid with), B one.
        using var a = await HolderAsync();
        var second = new CardFormBuilder().WithNumber(TestCards.Mastercard);
        Assert.Equal(HttpStatusCode.Redirect, (await a.Session.AddCardAsync(second)).StatusCode);
        await a.Session.PayAndGetIdAsync(a.Card, await Merchants.OrdinaryAsync(factory), 12m);
        using var b = await HolderAsync();
        var stored = await factory.QueryAsync(db => db.Cards.AsNoTracking().SingleAsync(c => c.Id == a.Card));

        // Act
        var list = await a.Api.GetAsync(factory, "/api/v1/cards");

        // Assert
        Assert.Equal(HttpStatusCode.OK, list.Status);
        var items = list.Json.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(await a.Session.CardIdsAsync(), items.Select(i => i.GetProperty("id").GetInt64()).ToList());
        Assert.DoesNotContain(b.Card, items.Select(i => i.GetProperty("id").GetInt64()));
        var first = items[0];
        Assert.Equal("Visa", first.GetProperty("brand").GetString());
        Assert.Equal(a.Number.Number[^4..], first.GetProperty("last4").GetString());
        Assert.Equal(stored.ExpiryMonth, first.GetProperty("expiryMonth").GetInt32());
        Assert.Equal(stored.ExpiryYear, first.GetProperty("expiryYear").GetInt32());
        Assert.False(first.GetProperty("expired").GetBoolean());
        Assert.Equal("active", first.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, first.GetProperty("stoppedUtc").ValueKind);
        Assert.Equal(stored.CreditLimit.ToString("F2", CultureInfo.InvariantCulture), first.GetProperty("creditLimit").GetString());
        Assert.Equal(stored.Balance.ToString("F2", CultureInfo.InvariantCulture), first.GetProperty("balance").GetString());
        Assert.Equal(stored.AvailableCredit.ToString("F2", CultureInfo.InvariantCulture), first.GetProperty("availableCredit").GetString());
        Assert.True(stored.Balance > 0);
        Assert.Equal($"/api/v1/cards/{a.Card}", first.GetProperty("links").GetProperty("self").GetString());
        Assert.Equal($"/api/v1/payments?cardId={a.Card}", first.GetProperty("links").GetProperty("payments").GetString());
        Assert.Equal("Mastercard", items[1].GetProperty("brand").GetString());
        Assert.DoesNotContain(a.Number.Number, list.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(second.Number, list.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(stored.Fingerprint, list.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("fingerprint", list.Body, StringComparison.OrdinalIgnoreCase);
        // The payments link lists that card's payments.
        var payments = await a.Api.GetAsync(factory, first.GetProperty("links").GetProperty("payments").GetString()!);
        Assert.Equal(1, payments.Json.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Get_AnotherHoldersCardOrNone_The404OfAMissingCard()
    {
        // Arrange
        using var a = await HolderAsync();
        using var b = await HolderAsync();

        // Act
        var own = await a.Api.GetAsync(factory, $"/api/v1/cards/{a.Card}");
        var others = await a.Api.GetAsync(factory, $"/api/v1/cards/{b.Card}");
        var missing = await a.Api.GetAsync(factory, "/api/v1/cards/987654321");

        // Assert: the same words for both, so ids cannot be probed.
        Assert.Equal(HttpStatusCode.OK, own.Status);
        Assert.Equal(a.Card, own.Json.GetProperty("id").GetInt64());
        Assert.Equal(HttpStatusCode.NotFound, others.Status);
        Assert.Equal("/api/problems/not-found", others.Json.GetProperty("type").GetString());
        Assert.Equal(CardResources.NoSuchCard, others.Json.GetProperty("detail").GetString());
        Assert.Equal(missing.Json.GetProperty("detail").GetString(), others.Json.GetProperty("detail").GetString());
        Assert.DoesNotContain(b.Number.Number[^4..], others.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_CardNumberAsTheId_404ThatNeverRepeatsIt()
    {
        // Arrange (privacy test: the problem's instance repeated the number typed into the address)
        using var a = await HolderAsync();

        // Act
        var answer = await a.Api.GetAsync(factory, "/api/v1/cards/4111111111111111");

        // Assert
        Assert.Equal(HttpStatusCode.NotFound, answer.Status);
        Assert.DoesNotContain("4111111111111111", answer.Body, StringComparison.Ordinal);
        Assert.Equal("/api/v1/cards/Visa •••• 1111", Uri.UnescapeDataString(answer.Json.GetProperty("instance").GetString()!));
    }

    [Fact]
    public async Task Stop_LostOrStolen_StoppedAuditedMailedAndItsNextPaymentRefused()
    {
        // Arrange
        using var holder = await HolderAsync();
        var merchant = await Merchants.OrdinaryAsync(factory);
        var before = await holder.Api.PostAsync(factory, "/api/v1/payments", new { cardId = holder.Card, terminalId = merchant, amount = "10.00" });
        Assert.Equal(HttpStatusCode.Created, before.Status);

        // Act
        var stopped = await holder.Api.PostAsync(factory, Stop(holder.Card), new { reason = "lost-or-stolen" });
        var paid = await holder.Api.PostAsync(factory, "/api/v1/payments", new { cardId = holder.Card, terminalId = merchant, amount = "10.00" });
        var earlier = await holder.Api.GetAsync(factory, $"/api/v1/payments/{before.Json.GetProperty("id").GetInt64()}");

        // Assert: the card as it is now, the audit entry and the mail of the page's button, and no more payments.
        Assert.Equal(HttpStatusCode.OK, stopped.Status);
        Assert.Equal("lost-or-stolen", stopped.Json.GetProperty("status").GetString());
        Assert.Equal(factory.Clock.UtcNow, stopped.Json.GetProperty("stoppedUtc").GetDateTime().ToUniversalTime(), TimeSpan.FromMinutes(1));
        Assert.Equal(JsonValueKind.Null, stopped.Json.GetProperty("availableCredit").ValueKind);
        Assert.Equal("10.00", stopped.Json.GetProperty("balance").GetString());
        // The earlier payment says what its card says (API test: it still gave 990.00 of credit).
        Assert.NotEqual(JsonValueKind.Null, before.Json.GetProperty("balanceEffect").GetProperty("availableCredit").ValueKind);
        Assert.Equal(JsonValueKind.Null, earlier.Json.GetProperty("balanceEffect").GetProperty("availableCredit").ValueKind);
        Assert.Equal(CardStop.LostOrStolen, await StoppedAsAsync(holder.Card));
        var userId = await factory.UserIdAsync(holder.Session.Email);
        Assert.True(await factory.QueryAsync(db => db.Set<AuditEntry>().AnyAsync(e => e.Action == AuditActions.CardLostOrStolen && e.ActorId == userId
            && e.TargetId == holder.Card.ToString(CultureInfo.InvariantCulture))));
        var mail = Mailbox.MessageTo(factory, holder.Session.Email, "Your card was reported lost or stolen");
        Assert.Contains(holder.Number.Number[^4..], mail, StringComparison.Ordinal);
        Assert.DoesNotContain(holder.Number.Number, mail, StringComparison.Ordinal);
        Assert.Equal($"/Cards/Details/{holder.Card}", Mailbox.LinkTo(mail, "/Cards/Details").Split('?')[0]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, paid.Status);
        Assert.Equal(Card.LostOrStolenMessage, paid.Json.GetProperty("detail").GetString());
        var read = await holder.Api.GetAsync(factory, $"/api/v1/cards/{holder.Card}");
        Assert.Equal(stopped.Body, read.Body);
    }

    [Fact]
    public async Task Stop_Removed_StoppedAuditedNoMailAndTheNumberMayComeBack()
    {
        // Arrange
        using var holder = await HolderAsync();

        // Act
        var removed = await holder.Api.PostAsync(factory, Stop(holder.Card), new { reason = "removed" });
        var addedAgain = await holder.Session.AddCardAsync(holder.Number);

        // Assert
        Assert.Equal(HttpStatusCode.OK, removed.Status);
        Assert.Equal("removed", removed.Json.GetProperty("status").GetString());
        Assert.Equal(CardStop.Removed, await StoppedAsAsync(holder.Card));
        var userId = await factory.UserIdAsync(holder.Session.Email);
        Assert.True(await factory.QueryAsync(db => db.Set<AuditEntry>().AnyAsync(e => e.Action == AuditActions.CardRemove && e.ActorId == userId
            && e.TargetId == holder.Card.ToString(CultureInfo.InvariantCulture))));
        Assert.Equal(0, LostMails(holder.Session.Email));
        Assert.Equal(HttpStatusCode.Redirect, addedAgain.StatusCode);
        Assert.Equal(2, (await holder.Session.CardIdsAsync()).Count);
    }

    [Theory]
    [InlineData("lost-or-stolen", "removed", "lost-or-stolen")]
    [InlineData("lost-or-stolen", "lost-or-stolen", "lost-or-stolen")]
    [InlineData("removed", "lost-or-stolen", "removed")]
    [InlineData("removed", "removed", "removed")]
    public async Task Stop_CardAlreadyStopped_409CardStoppedNamingHowAndTheStopKept(string first, string second, string kept)
    {
        // Arrange
        using var holder = await HolderAsync();
        var before = await holder.Api.PostAsync(factory, Stop(holder.Card), new { reason = first });
        var mails = LostMails(holder.Session.Email);

        // Act
        var again = await holder.Api.PostAsync(factory, Stop(holder.Card), new { reason = second });

        // Assert: never reactivated nor changed (a lost card never becomes "removed", whose number may come back).
        Assert.Equal(HttpStatusCode.Conflict, again.Status);
        Assert.Equal("/api/problems/card-stopped", again.Json.GetProperty("type").GetString());
        Assert.Equal(ApiProblems.CardStopped.Title, again.Json.GetProperty("title").GetString());
        Assert.Equal(kept, again.Json.GetProperty("cardStatus").GetString());
        Assert.Equal(before.Json.GetProperty("stoppedUtc").GetDateTime(), again.Json.GetProperty("stoppedUtc").GetDateTime());
        Assert.Equal(kept == "removed" ? "This card has already been removed." : "This card was already reported lost or stolen.", again.Json.GetProperty("detail").GetString());
        Assert.Equal(kept == "removed" ? CardStop.Removed : CardStop.LostOrStolen, await StoppedAsAsync(holder.Card));
        Assert.Equal(1, await AuditsAsync(holder.Card));
        Assert.Equal(mails, LostMails(holder.Session.Email));
    }

    [Fact]
    public async Task Stop_SameKeySameBody_FirstAnswerReplayedOneStopOneAuditOneMail()
    {
        // Arrange
        using var holder = await HolderAsync();

        // Act
        var first = await holder.Api.PostAsync(factory, Stop(holder.Card), new { reason = "lost-or-stolen" }, "stop-1001");
        var retry = await holder.Api.SendAsync(factory, HttpMethod.Post, Stop(holder.Card), """{ "reason" : "lost-or-stolen" }""", "stop-1001");
        var otherBody = await holder.Api.PostAsync(factory, Stop(holder.Card), new { reason = "removed" }, "stop-1001");

        // Assert
        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(HttpStatusCode.OK, retry.Status);
        Assert.Equal("true", retry.Header("Idempotent-Replayed"));
        Assert.Equal(first.Body, retry.Body);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, otherBody.Status);
        Assert.Equal("/api/problems/idempotency-key-reused", otherBody.Json.GetProperty("type").GetString());
        Assert.Equal(CardStop.LostOrStolen, await StoppedAsAsync(holder.Card));
        Assert.Equal(1, await AuditsAsync(holder.Card));
        Assert.Equal(1, LostMails(holder.Session.Email));
    }

    [Fact]
    public async Task Stop_SameKeyFromEightThreads_OneStopAndTheSameAnswerToAll()
    {
        // Arrange
        using var holder = await HolderAsync();

        // Act: retries racing for one key; the losers wait for the winner's answer.
        using var start = new ManualResetEventSlim();
        var tasks = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            return await holder.Api.PostAsync(factory, Stop(holder.Card), new { reason = "lost-or-stolen" }, "stop-race-1002");
        })).ToList();
        start.Set();
        var responses = await Task.WhenAll(tasks);

        // Assert
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        Assert.Single(responses.Select(r => r.Body).Distinct());
        Assert.Equal(7, responses.Count(r => r.Header("Idempotent-Replayed") == "true"));
        Assert.Equal(1, await AuditsAsync(holder.Card));
        Assert.Equal(1, LostMails(holder.Session.Email));
    }

    [Fact]
    public async Task Stop_CardTheBankBlocked_ListedBlockedNotRemovedButReportedLost()
    {
        // Arrange: staff blocked the card (docs/decisions/0028), straight in the database.
        using var holder = await HolderAsync();
        await factory.QueryAsync(async db =>
        {
            var card = await db.Cards.SingleAsync(c => c.Id == holder.Card);
            card.Block(CardBlockReason.SuspectedFraud, null, factory.Clock.UtcNow);
            await db.SaveChangesAsync();
            return 0;
        });

        // Act
        var read = await holder.Api.GetAsync(factory, $"/api/v1/cards/{holder.Card}");
        var removed = await holder.Api.PostAsync(factory, Stop(holder.Card), new { reason = "removed" }, "stop-blocked-1");
        var lost = await holder.Api.PostAsync(factory, Stop(holder.Card), new { reason = "lost-or-stolen" }, "stop-blocked-2");

        // Assert: a status of its own; the holder cannot remove it (its number would come back unblocked), but can report it lost
        Assert.Equal("blocked", read.Json.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, read.Json.GetProperty("availableCredit").ValueKind);
        Assert.Equal(HttpStatusCode.Conflict, removed.Status);
        Assert.Equal("/api/problems/card-stopped", removed.Json.GetProperty("type").GetString());
        Assert.Equal("blocked", removed.Json.GetProperty("cardStatus").GetString());
        Assert.Equal(HttpStatusCode.OK, lost.Status);
        Assert.Equal("lost-or-stolen", lost.Json.GetProperty("status").GetString());
        Assert.Equal(CardStop.LostOrStolen, await StoppedAsAsync(holder.Card));
    }

    private static readonly string[] BothWays = ["removed", "lost-or-stolen", "removed", "lost-or-stolen"];

    [Fact]
    public async Task Stop_BothWaysAtOnceWithoutKeys_OneStopTheOther409()
    {
        // Arrange
        using var holder = await HolderAsync();

        // Act: two tabs of an integration, one removing and one reporting the card lost, at the same moment.
        using var start = new ManualResetEventSlim();
        var tasks = BothWays.Select(reason => Task.Run(async () =>
        {
            start.Wait();
            return (Reason: reason, Response: await holder.Api.PostAsync(factory, Stop(holder.Card), new { reason }));
        })).ToList();
        start.Set();
        var responses = await Task.WhenAll(tasks);

        // Assert: exactly one stop, the others told how it is stopped; what is stored is what the winner asked.
        var won = Assert.Single(responses, r => r.Response.Status == HttpStatusCode.OK);
        Assert.All(responses.Where(r => r != won), r => Assert.Equal(HttpStatusCode.Conflict, r.Response.Status));
        Assert.All(responses.Where(r => r != won), r => Assert.Equal(won.Reason, r.Response.Json.GetProperty("cardStatus").GetString()));
        Assert.Equal(won.Reason == "removed" ? CardStop.Removed : CardStop.LostOrStolen, await StoppedAsAsync(holder.Card));
        Assert.Equal(1, await AuditsAsync(holder.Card));
    }

    public static TheoryData<string, string, string> BadBodies => new()
    {
        { "malformed JSON", """{"reason": """, "body" },
        { "not an object", """["removed"]""", "body" },
        { "unknown reason", """{"reason": "stolen"}""", "reason" },
        { "reason in another case", """{"reason": "Removed"}""", "reason" },
        { "reason as a number", """{"reason": 1}""", "reason" },
        { "reason with a trailing space", """{"reason": "removed "}""", "reason" },
        { "reason with a leading space", """{"reason": " removed"}""", "reason" },
        { "reason in capitals", """{"reason": "LOST-OR-STOLEN"}""", "reason" },
        { "reason as a list", """{"reason": "removed, lost-or-stolen"}""", "reason" },
        { "reason as a number in a string", """{"reason": "1"}""", "reason" },
        { "null reason", """{"reason": null}""", "reason" },
        { "missing reason", """{}""", "reason" },
        { "unknown field", """{"reason": "removed", "reactivate": true}""", "reactivate" },
        { "a field twice", """{"reason": "removed", "reason": "lost-or-stolen"}""", "body" },
        { "empty body", "", "body" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Stop_BadBody_400ValidationProblemCardUntouchedAndTheKeyLeftFree(string kind, string json, string field)
    {
        // Arrange
        using var holder = await HolderAsync();

        // Act
        var bad = await holder.Api.SendAsync(factory, HttpMethod.Post, Stop(holder.Card), json, "stop-bad-1003", validRequest: false);
        var corrected = await holder.Api.PostAsync(factory, Stop(holder.Card), new { reason = "removed" }, "stop-bad-1003");

        // Assert
        Assert.True(bad.Status == HttpStatusCode.BadRequest, $"{kind}: {(int)bad.Status} {bad.Body}");
        Assert.Equal("/api/problems/validation", bad.Json.GetProperty("type").GetString());
        var errors = bad.Json.GetProperty("errors").EnumerateObject().Select(e => e.Name).ToList();
        Assert.True(errors.Contains(field) || (field == "body" && errors.Count > 0), $"{kind}: errors name {string.Join(", ", errors)}");
        Assert.DoesNotMatch(@"\b(System|FraudWeb|Microsoft)\.[A-Za-z]", bad.Body);
        Assert.Equal(HttpStatusCode.OK, corrected.Status);
        Assert.Equal(1, await AuditsAsync(holder.Card));
    }

    [Fact]
    public async Task Stop_ReasonWithALoneSurrogateEscaped_400ProblemAndTheCardStillActive()
    {
        // Arrange
        using var holder = await HolderAsync();

        // Act
        var bad = await holder.Api.SendAsync(factory, HttpMethod.Post, Stop(holder.Card), """{"reason":"\udfff"}""", "stop-surrogate-1005", validRequest: false);

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        Assert.Equal("/api/problems/validation", bad.Json.GetProperty("type").GetString());
        Assert.Null(await StoppedAsAsync(holder.Card));
    }

    [Fact]
    public async Task Stop_BodyOverTheLimit_413AndTheCardStillActive()
    {
        // Arrange
        using var holder = await HolderAsync();
        var padding = new string(' ', 200 * 1024);

        // Act
        var response = await holder.Api.SendAsync(factory, HttpMethod.Post, Stop(holder.Card), $$"""{"reason":"removed"{{padding}}}""", validRequest: false);

        // Assert
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.Status);
        Assert.Equal("/api/problems/payload-too-large", response.Json.GetProperty("type").GetString());
        Assert.Null(await StoppedAsAsync(holder.Card));
    }

    [Fact]
    public async Task Stop_FormEncodedBody_415AndTheCardStillActive()
    {
        // Arrange
        using var holder = await HolderAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Stop(holder.Card), UriKind.Relative))
        {
            Content = new FormUrlEncodedContent([new("reason", "removed")]),
        };

        // Act
        using var response = await holder.Api.SendAsync(request);

        // Assert
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Null(await StoppedAsAsync(holder.Card));
    }

    [Theory]
    [InlineData("/api/v1/cards/abc/stop")]
    [InlineData("/api/v1/cards/-{CARD}/stop")]
    [InlineData("/api/v1/cards/+{CARD}/stop")]
    [InlineData("/api/v1/cards/{CARD}.0/stop")]
    [InlineData("/api/v1/cards/0x{CARD}/stop")]
    [InlineData("/api/v1/cards/99999999999999999999/stop")]
    [InlineData("/api/v1/cards/{CARD}%20/stop")]
    public async Task Stop_TamperedId_404AndTheCardStillActive(string template)
    {
        // Arrange
        using var holder = await HolderAsync();
        var url = template.Replace("{CARD}", holder.Card.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

        // Act
        var response = await holder.Api.SendAsync(factory, HttpMethod.Post, url, """{"reason":"removed"}""", validRequest: false);

        // Assert
        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal("/api/problems/not-found", response.Json.GetProperty("type").GetString());
        Assert.Null(await StoppedAsAsync(holder.Card));
    }

    [Fact]
    public async Task Stop_AnotherHoldersCard_404AsAMissingOneAndNothingStopped()
    {
        // Arrange
        using var owner = await HolderAsync();
        using var other = await HolderAsync();

        // Act
        var response = await other.Api.PostAsync(factory, Stop(owner.Card), new { reason = "lost-or-stolen" }, "stop-other-1004");

        // Assert
        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal(CardResources.NoSuchCard, response.Json.GetProperty("detail").GetString());
        Assert.Null(await StoppedAsAsync(owner.Card));
        Assert.Equal(0, await AuditsAsync(owner.Card));
        Assert.Equal(0, LostMails(owner.Session.Email));
        Assert.Equal(0, LostMails(other.Session.Email));
    }

    [Fact]
    public async Task Stop_KeyThatPaysButHasNoCardsWrite_403AndTheCardStillActive()
    {
        // Arrange: a checkout's key (payments:read and :write) made before cards:write existed, or without it.
        using var holder = await HolderAsync(ApiScopes.PaymentsRead, ApiScopes.PaymentsWrite, ApiScopes.ReportsWrite);

        // Act
        var stop = await holder.Api.PostAsync(factory, Stop(holder.Card), new { reason = "lost-or-stolen" });
        var read = await holder.Api.GetAsync(factory, "/api/v1/cards");

        // Assert: it still reads the cards (payments:read), and cannot stop one.
        Assert.Equal(HttpStatusCode.Forbidden, stop.Status);
        Assert.Equal("/api/problems/insufficient-scope", stop.Json.GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.OK, read.Status);
        Assert.Null(await StoppedAsAsync(holder.Card));
    }

    [Fact]
    public async Task Stop_ChineseHolder_MailInTheirLanguage()
    {
        // Arrange: the holder chose Chinese on the site (stored with the account); the API itself answers in English.
        using var holder = await HolderAsync();
        await Html.SubmitAsync(holder.Session.Client, "/Language/Set", [new("culture", "zh-CN"), new("returnUrl", "/Profile")], formPage: "/Profile");

        // Act
        var stopped = await holder.Api.PostAsync(factory, Stop(holder.Card), new { reason = "lost-or-stolen" });

        // Assert
        Assert.Equal(HttpStatusCode.OK, stopped.Status);
        var mail = Mailbox.MessageTo(factory, holder.Session.Email, Chinese.Of("Your card was reported lost or stolen"));
        Assert.Contains(Chinese.Of("Your card {0} has been reported lost or stolen on your FraudWeb account. It is stopped: every payment with it is refused.",
            $"Visa •••• {holder.Number.Number[^4..]}"), mail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cards_AdministratorsIntegrationKey_403AndNoHolderScopeOnIt()
    {
        // Arrange: an analyst's integration key carries staff scopes only; cards are a holder's.
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, FraudWeb.Data.Roles.Analyst);
        var analystId = await factory.UserIdAsync(analyst.Email);
        var key = await factory.IssueKeyAsync(analystId, ApiScopes.LabelsWrite, ApiScopes.ModelsRead, ApiScopes.PaymentsScore);
        using var api = factory.ApiClient(key);

        // Act
        var list = await api.GetAsync(factory, "/api/v1/cards");
        await using var scope = factory.Services.CreateAsyncScope();
        var withCardsWrite = await scope.ServiceProvider.GetRequiredService<ApiKeyService>()
            .CreateAsync(analystId, await factory.KeyIssuerIdAsync(), "integration", [ApiScopes.CardsWrite], 30, null, CancellationToken.None);

        // Assert
        Assert.Equal(HttpStatusCode.Forbidden, list.Status);
        Assert.False(withCardsWrite.Succeeded);
    }

    [Fact]
    public async Task ApiKeysPage_BothLanguages_OffersCardsWriteInWords()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);

        // Act
        var english = await Html.GetPageAsync(holder.Client, "/ApiKeys");
        await Html.SubmitAsync(holder.Client, "/Language/Set", [new("culture", "zh-CN"), new("returnUrl", "/ApiKeys")], formPage: "/ApiKeys");
        var chinese = await Html.GetPageAsync(holder.Client, "/ApiKeys");

        // Assert
        Assert.NotNull(english.QuerySelector($"input[name=Scopes][value='{ApiScopes.CardsWrite}']"));
        Assert.Contains(ApiScopes.Describe(ApiScopes.CardsWrite), english.Body!.TextContent, StringComparison.Ordinal);
        Assert.Contains(Chinese.Of(ApiScopes.Describe(ApiScopes.CardsWrite)), chinese.Body!.TextContent, StringComparison.Ordinal);
        Assert.Contains(Chinese.Of(ApiScopes.Describe(ApiScopes.PaymentsRead)), chinese.Body!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Status_EveryStopOfTheDomain_OneDistinctNameAndTheHoldersStopsTakenBack()
    {
        // Assert: a new CardStop fails here until it has an API name (one line); a holder's stop request names only the
        // holder's stops (the bank's block is a status, never a request).
        var names = Enum.GetValues<CardStop>().Select(s => CardResources.Status(s)).ToList();
        Assert.Equal("active", CardResources.Status(null));
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.DoesNotContain("active", names);
        Assert.Equal(["active", "removed", "lost-or-stolen", "blocked"], CardResources.Statuses);
        Assert.DoesNotContain(Enum.GetValues<CardStopValue>(), v => CardResources.StopOf(v) == CardStop.Blocked);
        foreach (var value in Enum.GetValues<CardStopValue>())
        {
            var json = JsonSerializer.Serialize(value).Trim('"');
            Assert.Equal(json, CardResources.Status(CardResources.StopOf(value)));
        }
    }
}
