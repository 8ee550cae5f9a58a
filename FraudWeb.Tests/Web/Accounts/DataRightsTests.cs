using System.Net;
using System.Text.Json;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Services.Admin;
using FraudWeb.Services.ApiKeys;
using FraudWeb.Services.Privacy;
using FraudWeb.Tests.Builders;
using FraudWeb.Tests.Web.Api;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace FraudWeb.Tests.Web.Accounts;

/// <summary>A card holder downloads their data and closes their own account (docs/decisions/0024), on the seeded app.</summary>
[Collection(WebTestGroup.Name)]
public sealed class DataRightsTests(FraudWebFactory factory)
{
    private const string Reason = "Not me: the card was in my drawer at home all day.";

    /// <summary>A holder with a card, a payment, a report on it and an API key; the key as shown once.</summary>
    private async Task<(CardHolderSession Holder, string CardNumber, long Payment, string Key)> HolderWithEverythingAsync(string reason = Reason)
    {
        var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = new CardFormBuilder().WithCreditLimit(20_000m);
        Assert.Equal(HttpStatusCode.Redirect, (await holder.AddCardAsync(card)).StatusCode);
        var cardId = (await holder.CardIdsAsync()).Single();
        var payment = await holder.PayAndGetIdAsync(cardId, await Merchants.OrdinaryAsync(factory), 42.50m);
        Assert.Equal(HttpStatusCode.Redirect, (await holder.ReportAsync(payment, ReportKind.NotMe, reason)).StatusCode);
        var key = await holder.CreateKeyAsync(ApiScopes.PaymentsRead);
        return (holder, card.Number, payment, key);
    }

    private static async Task<(HttpResponseMessage Response, string Body)> ExportAsync(CardHolderSession holder)
    {
        var response = await Html.SubmitAsync(holder.Client, "/Privacy/Export", [], "/Privacy");
        return (response, await response.Content.ReadAsStringAsync());
    }

    private Task<string> UserIdAsync(string email) => factory.QueryAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.Id).FirstAsync());

    [Fact]
    public async Task Export_HolderWithCardPaymentReportAndKey_HoldsAllTheirDataAndNoSecrets()
    {
        // Arrange: the holder, and another holder whose data must not appear.
        var (holder, number, payment, key) = await HolderWithEverythingAsync();
        using var _ = holder;
        var (other, otherNumber, otherPayment, otherKey) = await HolderWithEverythingAsync("Not me: someone else's words, never exported.");
        using var __ = other;
        var id = await UserIdAsync(holder.Email);
        var secrets = await factory.QueryAsync(async db => new
        {
            Fingerprint = await db.Cards.OwnedBy(id).Select(c => c.Fingerprint).SingleAsync(),
            KeyHash = await db.ApiKeys.OwnedBy(id).Select(k => k.Hash).SingleAsync(),
            User = await db.Users.Where(u => u.Id == id).Select(u => new { u.PasswordHash, u.SecurityStamp }).SingleAsync(),
        });

        // Act
        var (response, body) = await ExportAsync(holder);

        // Assert: a UTF-8 JSON attachment, not kept by caches.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.True(response.Headers.CacheControl?.NoStore);
        var root = JsonDocument.Parse(body).RootElement;
        Assert.Equal(DataExportService.Format, root.GetProperty("format").GetString());
        Assert.Equal(holder.Email, root.GetProperty("account").GetProperty("email").GetString());
        Assert.Equal("Ada Lovelace", root.GetProperty("profile").GetProperty("fullName").GetString());
        var card = Assert.Single(root.GetProperty("cards").EnumerateArray());
        Assert.Equal(number[^4..], card.GetProperty("last4").GetString());
        Assert.Equal("20000.00", card.GetProperty("creditLimit").GetString());
        var paid = Assert.Single(root.GetProperty("payments").EnumerateArray());
        Assert.Equal(payment, paid.GetProperty("id").GetInt64());
        Assert.Equal("42.50", paid.GetProperty("amount").GetString());
        Assert.False(string.IsNullOrEmpty(paid.GetProperty("decision").GetString()));
        // Decisions and reasons in words, as the pages say them: a score would let someone tune payments until they pass.
        Assert.False(paid.TryGetProperty("riskScore", out var score));
        var report = Assert.Single(root.GetProperty("fraudReports").EnumerateArray());
        Assert.Equal(Reason, report.GetProperty("reason").GetString());
        Assert.Equal("not-me", report.GetProperty("kind").GetString());
        var apiKey = Assert.Single(root.GetProperty("apiKeys").EnumerateArray());
        Assert.Equal("test key", apiKey.GetProperty("name").GetString());
        Assert.StartsWith(apiKey.GetProperty("prefix").GetString()!, key, StringComparison.Ordinal);
        var actions = root.GetProperty("securityEvents").EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Contains(AuditActions.ApiKeyCreate, actions);
        Assert.Contains(AuditActions.UserExport, actions);
        // No secret of theirs, and nothing of the other holder's.
        foreach (var secret in new[] { number, secrets.Fingerprint, secrets.KeyHash, key, secrets.User.PasswordHash!, secrets.User.SecurityStamp!, FraudWebFactory.Password })
            Assert.DoesNotContain(secret, body, StringComparison.Ordinal);
        foreach (var foreign in new[] { other.Email, otherNumber, otherKey, "someone else's words", $"\"id\": {otherPayment}," })
            Assert.DoesNotContain(foreign, body, StringComparison.Ordinal);
        Assert.Equal(1, await factory.QueryAsync(db => db.Set<AuditEntry>().CountAsync(e => e.Action == AuditActions.UserExport && e.ActorId == id && e.TargetId == id)));
    }

    [Fact]
    public async Task Export_ChineseHolder_SameKeysAsEnglishWithChineseTexts()
    {
        // Arrange
        var (holder, _, _, _) = await HolderWithEverythingAsync();
        using var _h = holder;
        var (_, english) = await ExportAsync(holder);
        await Html.SubmitAsync(holder.Client, "/Language/Set", [new("culture", "zh-CN"), new("returnUrl", "/Privacy")], formPage: "/Privacy");

        // Act
        var (response, chinese) = await ExportAsync(holder);

        // Assert: every key path the same; texts in Chinese, written as UTF-8 characters, not escapes.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(KeyPaths(JsonDocument.Parse(english).RootElement), KeyPaths(JsonDocument.Parse(chinese).RootElement));
        Assert.Equal("zh-CN", JsonDocument.Parse(chinese).RootElement.GetProperty("language").GetString());
        var texts = JsonDocument.Parse(chinese).RootElement.GetProperty("payments")[0].GetProperty("reasons").EnumerateArray()
            .Select(r => r.GetProperty("text").GetString()!).ToList();
        Assert.NotEmpty(texts);
        Assert.Contains(texts, t => t.Any(c => c >= '\u4e00' && c <= '\u9fff'));
        Assert.Contains(texts[0], chinese, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_CardReportedLostOrStolen_SaysSoWithItsDate()
    {
        // Arrange: one card taking payments, one reported lost or stolen
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var working = await holder.AddCardAsync();
        var lost = await holder.AddCardAsync();
        Assert.Equal(HttpStatusCode.Redirect, (await Html.SubmitAsync(holder.Client, $"/Cards/ReportLost/{lost}", [], $"/Cards/ReportLost/{lost}")).StatusCode);

        // Act
        var (response, body) = await ExportAsync(holder);

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cards = JsonDocument.Parse(body).RootElement.GetProperty("cards").EnumerateArray().ToDictionary(c => c.GetProperty("id").GetInt64());
        Assert.Equal(JsonValueKind.Null, cards[working].GetProperty("stopped").ValueKind);
        Assert.Equal(JsonValueKind.Null, cards[working].GetProperty("stoppedUtc").ValueKind);
        Assert.Equal("lost-or-stolen", cards[lost].GetProperty("stopped").GetString());
        Assert.Equal(JsonValueKind.String, cards[lost].GetProperty("stoppedUtc").ValueKind);
        var stop = Assert.Single(JsonDocument.Parse(body).RootElement.GetProperty("securityEvents").EnumerateArray(),
            e => e.GetProperty("action").GetString() == "card.lost-or-stolen");
        Assert.Equal($"card {lost}", stop.GetProperty("target").GetString());
        Assert.Equal("you", stop.GetProperty("by").GetString());
    }

    private static List<string> KeyPaths(JsonElement element, string path = "")
    {
        var paths = new List<string>();
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                paths.Add(path + "/" + property.Name);
                paths.AddRange(KeyPaths(property.Value, path + "/" + property.Name));
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray()) paths.AddRange(KeyPaths(item, path + "[]"));
        }
        return paths.Distinct().Order(StringComparer.Ordinal).ToList();
    }

    [Fact]
    public async Task Privacy_SignedOut_SentToSignInAndNoDataGiven()
    {
        // Arrange: a token from the sign-in page, so only the missing session stops the download.
        using var client = factory.CreateBrowserClient();
        var token = Html.AntiforgeryToken(await Html.GetPageAsync(client, "/Account/Login"));

        // Act
        var page = await client.GetAsync(new Uri("/Privacy", UriKind.Relative));
        var export = await client.PostAsync(new Uri("/Privacy/Export", UriKind.Relative), new FormUrlEncodedContent([new("__RequestVerificationToken", token)]));
        var close = await client.PostAsync(new Uri("/Privacy/Close", UriKind.Relative),
            new FormUrlEncodedContent([new("__RequestVerificationToken", token), new("Form.CurrentPassword", FraudWebFactory.Password)]));

        // Assert
        Assert.Contains("/Account/Login", Html.Location(page), StringComparison.Ordinal);
        Assert.NotEqual(HttpStatusCode.OK, export.StatusCode);
        Assert.DoesNotContain(DataExportService.Format, await export.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.NotEqual(HttpStatusCode.OK, close.StatusCode);
    }

    [Fact]
    public async Task Export_WithoutAntiforgeryToken_Refused400()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);

        // Act
        var response = await holder.Client.PostAsync(new Uri("/Privacy/Export", UriKind.Relative), new FormUrlEncodedContent([]));

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private static Task<HttpResponseMessage> CloseAsync(CardHolderSession session, string password) =>
        Html.SubmitAsync(session.Client, "/Privacy/Close", [new("Form.CurrentPassword", password)], "/Privacy/Close");

    [Fact]
    public async Task Close_WrongPassword_AccountStaysAndErrorShown()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);

        // Act
        var response = await CloseAsync(holder, "not the password at all");

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await Html.ParseAsync(response);
        Assert.Contains(AccountClosingService.WrongPassword, Html.ValidationMessages(page));
        Assert.True(await factory.QueryAsync(db => db.Users.AnyAsync(u => u.Email == holder.Email)));
        Assert.Equal(HttpStatusCode.OK, (await holder.Client.GetAsync(new Uri("/Profile", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Close_RightPassword_ErasedSignedOutEverywhereKeysRevokedMailedAndAudited()
    {
        // Arrange: the holder is signed in twice (a second browser) and has an API key that works.
        var (holder, number, payment, key) = await HolderWithEverythingAsync();
        using var _h = holder;
        var id = await UserIdAsync(holder.Email);
        using var secondBrowser = CardHolderSession.Anonymous(factory, holder.Email);
        Assert.Equal(HttpStatusCode.Redirect, (await secondBrowser.SignInAsync(FraudWebFactory.Password)).StatusCode);
        using var api = factory.ApiClient(key);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync(new Uri($"/api/v1/payments/{payment}", UriKind.Relative))).StatusCode);
        var closePage = await Html.GetPageAsync(holder.Client, "/Privacy/Close");
        Assert.NotNull(closePage.QuerySelector("[data-testid=close-consequences]"));

        // Act
        var response = await CloseAsync(holder, FraudWebFactory.Password);

        // Assert: told it is closed, and signed out in both browsers and the API.
        Assert.Equal("/Privacy/Closed", Html.Location(response));
        var closed = await Html.GetPageAsync(holder.Client, "/Privacy/Closed");
        Assert.NotNull(closed.QuerySelector("[data-testid=account-closed]"));
        Assert.Contains("/Account/Login", Html.Location(await holder.Client.GetAsync(new Uri("/Profile", UriKind.Relative))), StringComparison.Ordinal);
        Assert.Contains("/Account/Login", Html.Location(await secondBrowser.Client.GetAsync(new Uri("/Profile", UriKind.Relative))), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync(new Uri($"/api/v1/payments/{payment}", UriKind.Relative))).StatusCode);
        // The password no longer signs in: the sign-in form answers as for any unknown address.
        Assert.Equal(HttpStatusCode.OK, (await holder.SignInAsync(FraudWebFactory.Password)).StatusCode);
        Assert.Contains("/Account/Login", Html.Location(await holder.Client.GetAsync(new Uri("/Profile", UriKind.Relative))), StringComparison.Ordinal);
        // The same erasure as an administrator's: person gone, card and payment kept, report text forgotten, key revoked.
        var state = await factory.QueryAsync(async db => new
        {
            UserExists = await db.Users.AnyAsync(u => u.Id == id),
            Holder = await db.Cards.Where(c => db.Transactions.Any(t => t.Id == payment && t.CardId == c.Id)).Select(c => new { c.CardHolder!.FullName, c.CardHolder.UserId, c.CardholderName }).SingleAsync(),
            Report = await db.FraudReports.Where(r => r.TransactionId == payment).Select(r => new { r.Reason, r.Kind, r.Status }).SingleAsync(),
            KeysActive = await db.ApiKeys.CountAsync(k => k.OwnerId == id && k.RevokedUtc == null),
            Audit = await db.Set<AuditEntry>().Where(e => e.Action == AuditActions.UserClose && e.TargetId == id).Select(e => new { e.ActorId, e.After }).SingleAsync(),
            KeyRevokedAudited = await db.Set<AuditEntry>().AnyAsync(e => e.Action == AuditActions.ApiKeyRevoke && e.ActorId == id),
        });
        Assert.False(state.UserExists);
        Assert.Equal((CardHolder.ErasedName, (string?)null), (state.Holder.FullName, state.Holder.UserId));
        Assert.NotEqual("Ada Lovelace", state.Holder.CardholderName);
        Assert.Equal(FraudReport.ErasedReason, state.Report.Reason);
        Assert.Equal(ReportKind.NotMe, state.Report.Kind);
        Assert.Equal(0, state.KeysActive);
        Assert.Equal(id, state.Audit.ActorId);
        Assert.Contains("\"ReportTextsErased\":1", state.Audit.After, StringComparison.Ordinal);
        Assert.DoesNotContain(holder.Email, state.Audit.After!, StringComparison.Ordinal);
        Assert.True(state.KeyRevokedAudited);
        Assert.Contains("Your FraudWeb account is closed", Mailbox.Subject(Mailbox.MessageTo(factory, holder.Email, "Your FraudWeb account is closed")), StringComparison.Ordinal);
        // Staff see the report without the holder's words, find no such person, and read the closing in the log without personal data.
        using var admin = await ReviewSteps.SignedInAsAsync(factory, Roles.Admin);
        var item = await ReviewItemTextAsync(admin, payment);
        Assert.DoesNotContain(Reason, item, StringComparison.Ordinal);
        Assert.Contains("erased with the card holder's account", item, StringComparison.Ordinal);
        Assert.DoesNotContain(number, item, StringComparison.Ordinal);
        var people = await Html.GetPageAsTypedAsync(admin.Client, "/AdminUsers?Search=" + Uri.EscapeDataString(holder.Email));
        Assert.DoesNotContain(holder.Email, people.Body!.TextContent, StringComparison.Ordinal);
        var log = await Html.GetPageAsync(admin.Client, "/AdminAudit?Target=" + Uri.EscapeDataString(id));
        Assert.Contains(AuditActions.UserClose, log.Body!.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain(holder.Email, log.Body!.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("Ada Lovelace", log.Body!.TextContent, StringComparison.Ordinal);
    }

    /// <summary>The text of a payment's item in the review queue, as the analyst's pages show it.</summary>
    private static async Task<string> ReviewItemTextAsync(CardHolderSession analyst, long transactionId)
    {
        await foreach (var document in analyst.QueuePagesAsync())
        {
            var item = document.QuerySelector($"[data-testid=review-item][data-transaction-id='{transactionId.ToString(System.Globalization.CultureInfo.InvariantCulture)}']");
            if (item is not null) return item.TextContent;
        }
        throw new InvalidOperationException($"Transaction {transactionId} is not in the review queue.");
    }

    [Fact]
    public async Task Close_DoubleClick_ClosedOnceEveryAnswerARedirect()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var id = await UserIdAsync(holder.Email);
        var token = Html.AntiforgeryToken(await Html.GetPageAsync(holder.Client, "/Privacy/Close"));

        // Act: the same form sent three times at once, as an impatient click does.
        var responses = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => holder.Client.PostAsync(new Uri("/Privacy/Close", UriKind.Relative),
            new FormUrlEncodedContent([new("__RequestVerificationToken", token), new("Form.CurrentPassword", FraudWebFactory.Password)]))));

        // Assert: closed (no form shown back with a hidden error), audited and mailed once.
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Redirect, r.StatusCode));
        Assert.Contains(responses, r => Html.Location(r) == "/Privacy/Closed");
        Assert.All(responses, r => Assert.True(Html.Location(r) == "/Privacy/Closed" || Html.Location(r).Contains("/Account/Login", StringComparison.Ordinal), Html.Location(r)));
        Assert.Equal(1, await factory.QueryAsync(db => db.Set<AuditEntry>().CountAsync(e => e.Action == AuditActions.UserClose && e.TargetId == id)));
        Assert.Single(Mailbox.MessagesTo(factory, holder.Email), m => Mailbox.Subject(m) == "Your FraudWeb account is closed");
    }

    [Fact]
    public async Task EraseAsync_PaymentChangesACardBalanceBeforeTheErasureWrites_ErasedOnTheCardAsItIsNow()
    {
        // Arrange (review: on PostgreSQL a payment landing between the erasure's read of the cards and its write was a
        // 500, nothing erased): the card's balance changes just before the erasure's first save, inside its transaction.
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync();
        var id = await UserIdAsync(holder.Email);
        var meanwhile = new BalanceChangedBeforeFirstSave(card);
        using var host = factory.WithWebHostBuilder(builder => builder.ConfigureTestServices(services => services.AddSingleton<IInterceptor>(meanwhile)));

        // Act
        FraudWeb.Services.Result result;
        await using (var scope = host.Services.CreateAsyncScope())
        {
            result = await scope.ServiceProvider.GetRequiredService<AdminUserService>().EraseAsync(id, id, AuditActions.UserClose, null, CancellationToken.None);
        }

        // Assert: erased at the second try, the card kept without its name
        Assert.True(meanwhile.Changed);
        Assert.True(result.Succeeded);
        Assert.False(await factory.QueryAsync(db => db.Users.AnyAsync(u => u.Id == id)));
        Assert.Equal(CardHolder.ErasedName, await factory.QueryAsync(db => db.Cards.Where(c => c.Id == card).Select(c => c.CardholderName).SingleAsync()));
        Assert.Equal(1, await factory.QueryAsync(db => db.Set<AuditEntry>().CountAsync(e => e.Action == AuditActions.UserClose && e.TargetId == id)));
    }

    /// <summary>Before the first save that changes a card, changes the card's balance in the same transaction (as a payment's commit would be seen).</summary>
    private sealed class BalanceChangedBeforeFirstSave(long cardId) : SaveChangesInterceptor
    {
        private int _armed = 1;

        public bool Changed => Volatile.Read(ref _armed) == 0;

        public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
            CancellationToken cancellationToken = default)
        {
            if (eventData.Context!.ChangeTracker.Entries<Card>().Any(e => e.State == EntityState.Modified) && Interlocked.Exchange(ref _armed, 0) == 1)
            {
                await eventData.Context.Set<Card>().Where(c => c.Id == cardId).ExecuteUpdateAsync(set => set.SetProperty(c => c.Balance, 123.45m), cancellationToken);
            }
            return result;
        }
    }

    [Fact]
    public async Task Close_CardOnListsWithAnalystsReasons_ReasonsErasedEntriesKept()
    {
        // Arrange (review: analysts' words about the holder on list entries outlived the account, where the same words
        // in a block note did not): the card added to one list and taken off another, each with a reason.
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync();
        const string analyst = "analyst-under-test";
        long kept, removed;
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var lists = scope.ServiceProvider.GetRequiredService<FraudWeb.Services.Rules.RuleListService>();
            kept = (await lists.CreateAsync(analyst, "held_" + Guid.NewGuid().ToString("N")[..8], FraudWeb.Domain.Rules.RuleListKind.Card, FraudWeb.Domain.Rules.RuleListPurpose.Block, null, CancellationToken.None)).Value;
            removed = (await lists.CreateAsync(analyst, "gone_" + Guid.NewGuid().ToString("N")[..8], FraudWeb.Domain.Rules.RuleListKind.Card, FraudWeb.Domain.Rules.RuleListPurpose.Block, null, CancellationToken.None)).Value;
            Assert.True((await lists.AddAsync(analyst, kept, card.ToString(System.Globalization.CultureInfo.InvariantCulture), "Jane called from Spain, travelling until May", CancellationToken.None)).Succeeded);
            Assert.True((await lists.AddAsync(analyst, removed, card.ToString(System.Globalization.CultureInfo.InvariantCulture), "Jane said her son has the card", CancellationToken.None)).Succeeded);
            var entry = await factory.QueryAsync(db => db.RuleListEntries.Where(e => e.ListId == removed).Select(e => e.Id).SingleAsync());
            Assert.True((await lists.RemoveAsync(analyst, removed, entry, "Jane found it in her coat", CancellationToken.None)).Succeeded);
        }

        // Act
        var response = await CloseAsync(holder, FraudWebFactory.Password);

        // Assert: both entries stay (the bank's control), with no word about her
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var entries = await factory.QueryAsync(db => db.RuleListEntries.AsNoTracking().Where(e => e.CardId == card).OrderBy(e => e.Id).ToListAsync());
        Assert.Equal(2, entries.Count);
        Assert.True(entries[0].IsActive);
        Assert.All(entries, e => Assert.Equal(FraudWeb.Domain.Entities.RuleListEntry.ErasedReason, e.AddedReason));
        Assert.Equal(FraudWeb.Domain.Entities.RuleListEntry.ErasedReason, entries[1].RemovedReason);
    }

    private static async Task<long> CardListAsync(FraudWeb.Services.Rules.RuleListService lists, string analyst) =>
        (await lists.CreateAsync(analyst, "later_" + Guid.NewGuid().ToString("N")[..8], FraudWeb.Domain.Rules.RuleListKind.Card,
            FraudWeb.Domain.Rules.RuleListPurpose.Block, null, CancellationToken.None)).Value;

    [Fact]
    public async Task ListAdd_CardOfAnAccountClosedBefore_EntryKeptReasonNot()
    {
        // Arrange: the holder has closed their account; the card stays (renamed), as the bank's record
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync();
        Assert.Equal(HttpStatusCode.Redirect, (await CloseAsync(holder, FraudWebFactory.Password)).StatusCode);
        await using var scope = factory.Services.CreateAsyncScope();
        var lists = scope.ServiceProvider.GetRequiredService<FraudWeb.Services.Rules.RuleListService>();
        var list = await CardListAsync(lists, "analyst-under-test");

        // Act
        var added = await lists.AddAsync("analyst-under-test", list, card.ToString(System.Globalization.CultureInfo.InvariantCulture), "Jane's card, seen in Lisbon", CancellationToken.None);

        // Assert
        Assert.True(added.Succeeded);
        Assert.Equal(RuleListEntry.ErasedReason, await factory.QueryAsync(db => db.RuleListEntries.Where(e => e.ListId == list).Select(e => e.AddedReason).SingleAsync()));
    }

    [Fact]
    public async Task ListAdd_WhileTheCardsHolderClosesTheirAccount_ReasonErasedEitherWay()
    {
        // Arrange (left by the last notes: a reason saved while the account closed was written after the erasure had
        // replaced the others, and kept). The account closes while the entry is saved.
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync();
        var userId = await factory.QueryAsync(db => db.Users.Where(u => u.Email == holder.Email).Select(u => u.Id).SingleAsync());
        var closing = new ChangeDuringSave(db => db.ChangeTracker.Entries<RuleListEntry>().Any(e => e.Entity.CardId == card && e.State == EntityState.Added),
            async () =>
            {
                await using var scope = factory.Services.CreateAsyncScope();
                var erased = await scope.ServiceProvider.GetRequiredService<AdminUserService>().EraseAsync(userId, userId, AuditActions.UserClose, null, CancellationToken.None);
                Assert.True(erased.Succeeded, string.Join("; ", erased.Errors.Select(e => e.Message)));
            });
        using var host = factory.WithWebHostBuilder(builder => builder.ConfigureTestServices(services => services.AddSingleton<IInterceptor>(closing)));
        await using var listScope = host.Services.CreateAsyncScope();
        var lists = listScope.ServiceProvider.GetRequiredService<FraudWeb.Services.Rules.RuleListService>();
        closing.Armed = false;
        var list = await CardListAsync(lists, "analyst-under-test");
        closing.Armed = true;

        // Act
        var added = await lists.AddAsync("analyst-under-test", list, card.ToString(System.Globalization.CultureInfo.InvariantCulture), "Jane's card, seen in Lisbon", CancellationToken.None);
        await closing.AllDoneAsync();

        // Assert: the closing waited for the entry and erased its reason with the others'
        Assert.True(added.Succeeded);
        Assert.Equal((1, 0), (closing.Saves, closing.CompletedDuringSave));
        Assert.False(await factory.QueryAsync(db => db.Users.AnyAsync(u => u.Id == userId)));
        Assert.Equal(RuleListEntry.ErasedReason, await factory.QueryAsync(db => db.RuleListEntries.Where(e => e.ListId == list).Select(e => e.AddedReason).SingleAsync()));
    }

    [Fact]
    public async Task Close_ChineseHolder_ConfirmationPageAndLastMailInChinese()
    {
        // Arrange: the holder chooses Chinese while signed in, which their mails then follow.
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var client = holder.Client;
        var email = holder.Email;
        await Html.SubmitAsync(client, "/Language/Set", [new("culture", "zh-CN"), new("returnUrl", "/Privacy")], formPage: "/Privacy");

        // Act
        var page = await Html.GetPageAsync(client, "/Privacy/Close");
        var response = await Html.SubmitAsync(client, "/Privacy/Close", [new("Form.CurrentPassword", FraudWebFactory.Password)], "/Privacy/Close");

        // Assert
        Assert.Contains("注销您的账户", page.QuerySelector("h1")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("/Privacy/Closed", Html.Location(response));
        Assert.Contains(Mailbox.MessagesTo(factory, email), m => Mailbox.Subject(m) == "您的 FraudWeb 账户已注销");
    }

    [Fact]
    public async Task Close_Analyst_RefusedAccountKept()
    {
        // Arrange
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        var page = await Html.GetPageAsync(analyst.Client, "/Privacy/Close");

        // Act
        var response = await Html.SubmitAsync(analyst.Client, "/Privacy/Close", [new("Form.CurrentPassword", FraudWebFactory.Password)], "/Privacy/Close");

        // Assert
        Assert.NotNull(page.QuerySelector("[data-testid=staff-close-refused]"));
        Assert.Null(page.QuerySelector("[data-testid=close-form]"));
        Assert.Equal("/Privacy", Html.Location(response));
        var after = await Html.GetPageAsync(analyst.Client, "/Privacy");
        Assert.Equal(AccountClosingService.StaffRefused, after.QuerySelector("[data-testid=admin-error]")?.TextContent);
        Assert.True(await factory.QueryAsync(db => db.Users.AnyAsync(u => u.Email == analyst.Email)));
        Assert.False(await factory.QueryAsync(db => db.Set<AuditEntry>().AnyAsync(e => e.Action == AuditActions.UserClose && db.Users.Any(u => u.Id == e.TargetId && u.Email == analyst.Email))));
    }

    [Fact]
    public async Task Delete_ByAdministrator_ReportTextErasedLabelKept()
    {
        // Arrange
        var (holder, _, payment, _) = await HolderWithEverythingAsync();
        using var _h = holder;
        var id = await UserIdAsync(holder.Email);
        using var admin = await ReviewSteps.SignedInAsAsync(factory, Roles.Admin);

        // Act
        var response = await Html.SubmitAsync(admin.Client, $"/AdminUsers/Delete/{id}", [], $"/AdminUsers/Delete/{id}");

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var report = await factory.ReportOfAsync(payment);
        Assert.Equal(FraudReport.ErasedReason, report.Reason);
        Assert.Equal((ReportKind.NotMe, ReportStatus.Open), (report.Kind, report.Status));
        Assert.Equal(0, await factory.QueryAsync(db => db.FraudReports.CountAsync(r => r.Reason == Reason && r.TransactionId == payment)));
    }

    /// <summary>Erases the account (as an administrator's deletion does) when the watched write begins its transaction: after its reads.</summary>
    private sealed class ErasedBeforeTheWrite(FraudWebFactory factory, string userId) : DbTransactionInterceptor
    {
        public bool Erased { get; private set; }

        public override async ValueTask<InterceptionResult<System.Data.Common.DbTransaction>> TransactionStartingAsync(System.Data.Common.DbConnection connection,
            TransactionStartingEventData eventData, InterceptionResult<System.Data.Common.DbTransaction> result, CancellationToken cancellationToken = default)
        {
            if (!Erased)
            {
                Erased = true;
                var adminId = await factory.KeyIssuerIdAsync();
                await using var scope = factory.Services.CreateAsyncScope();
                var deleted = await scope.ServiceProvider.GetRequiredService<AdminUserService>().DeleteAsync(adminId, userId, CancellationToken.None);
                Assert.True(deleted.Succeeded, deleted.Succeeded ? "" : deleted.Errors[0].Message);
            }
            return result;
        }
    }

    [Fact]
    public async Task AddCardAndReport_AccountErasedBetweenTheirReadsAndTheirWrites_NothingOfThePersonKept()
    {
        // Arrange (left over from a review: a card's name or a report's reason read before the erasure and saved after it
        // outlived the erasure): two holders, each erased just as their write begins.
        using var adding = await CardHolderSession.RegisteredAsync(factory);
        var addingId = await factory.UserIdAsync(adding.Email);
        using var reporting = await CardHolderSession.RegisteredAsync(factory);
        var reportingId = await factory.UserIdAsync(reporting.Email);
        var paymentId = await reporting.PayAndGetIdAsync(await reporting.AddCardAsync(), await Merchants.OrdinaryAsync(factory), 12m);
        var card = new FraudWeb.Services.Cards.NewCard(TestCards.NewVisa(), "ADA KEEPSAKE", 12, factory.Clock.UtcNow.Year + 3, 5000m);

        // Act
        FraudWeb.Services.Result added;
        var eraseAdding = new ErasedBeforeTheWrite(factory, addingId);
        using (var host = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IInterceptor>(eraseAdding))))
        await using (var scope = host.Services.CreateAsyncScope())
        {
            added = await scope.ServiceProvider.GetRequiredService<FraudWeb.Services.Cards.CardService>().AddAsync(addingId, card, CancellationToken.None);
        }
        FraudWeb.Services.Result reported;
        var eraseReporting = new ErasedBeforeTheWrite(factory, reportingId);
        using (var host = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IInterceptor>(eraseReporting))))
        await using (var scope = host.Services.CreateAsyncScope())
        {
            reported = await scope.ServiceProvider.GetRequiredService<FraudWeb.Services.Reports.ReportService>()
                .CreateAsync(reportingId, paymentId, ReportKind.NotMe, "Ada's keepsake reason", CancellationToken.None);
        }

        // Assert
        Assert.True(eraseAdding.Erased && eraseReporting.Erased);
        Assert.Equal(FraudWeb.Services.ErrorCode.NotFound, added.Code);
        Assert.Equal(FraudWeb.Services.ErrorCode.NotFound, reported.Code);
        Assert.False(await factory.QueryAsync(db => db.Cards.AnyAsync(c => c.CardholderName == "ADA KEEPSAKE")));
        Assert.False(await factory.QueryAsync(db => db.FraudReports.AnyAsync(r => r.Reason == "Ada's keepsake reason")));
    }
}
