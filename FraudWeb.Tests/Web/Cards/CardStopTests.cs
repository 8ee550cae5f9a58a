using System.Net;
using FraudWeb.Domain.Entities;
using FraudWeb.Services.Admin;
using FraudWeb.Services.ApiKeys;
using FraudWeb.Tests.Builders;
using FraudWeb.Tests.Web.Api;
using FraudWeb.Tests.Web.Infrastructure;
using FraudWeb.Tests.Web.Localization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.AspNetCore.TestHost;
using FraudWeb.Services.Cards;
using FraudWeb.Services;
using Microsoft.Extensions.DependencyInjection;

namespace FraudWeb.Tests.Web.Cards;

/// <summary>
/// A holder removes a card or reports it lost or stolen (docs/decisions/0023): their own card only, refused for new
/// payments on the form and the API, gone from the payment form, its history kept and marked; a removed number may
/// come back as a new card, a lost one never.
/// </summary>
[Collection(WebTestGroup.Name)]
public sealed class CardStopTests(FraudWebFactory factory)
{
    [Fact]
    public async Task SaveChanges_RemovalReadBeforeALostReport_RefusedSoTheCardStaysLost()
    {
        // Arrange (review finding: two tabs, "Remove" read the card before "Report lost or stolen" saved, then turned
        // the lost card "removed", whose number may come back): both requests have read the card
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync();
        await using var removeScope = factory.Services.CreateAsyncScope();
        await using var lostScope = factory.Services.CreateAsyncScope();
        var removeDb = removeScope.ServiceProvider.GetRequiredService<FraudWeb.Data.FraudDbContext>();
        var lostDb = lostScope.ServiceProvider.GetRequiredService<FraudWeb.Data.FraudDbContext>();
        var toRemove = await removeDb.Cards.SingleAsync(c => c.Id == card);
        var toReport = await lostDb.Cards.SingleAsync(c => c.Id == card);
        toReport.ReportLostOrStolen(factory.Clock.UtcNow);
        await lostDb.SaveChangesAsync();

        // Act
        toRemove.Remove(factory.Clock.UtcNow);
        var error = await Record.ExceptionAsync(() => removeDb.SaveChangesAsync());

        // Assert
        Assert.IsType<DbUpdateConcurrencyException>(error);
        Assert.Equal(CardStop.LostOrStolen, await factory.QueryAsync(db => db.Cards.Where(c => c.Id == card).Select(c => c.StoppedAs).SingleAsync()));
    }

    [Fact]
    public async Task ReportLostOrStolenAsync_CardSpentFromDuringEverySave_StoppedFirstTime()
    {
        // Arrange (writer review: the stop's save carried the balance as a token, so a payment committed between its
        // read and its save failed it, three times at most, then "try again": a thief's spree kept the card usable).
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync();
        var userId = await factory.QueryAsync(db => db.Users.Where(u => u.Email == holder.Email).Select(u => u.Id).SingleAsync());
        var before = await factory.QueryAsync(db => db.Cards.Where(c => c.Id == card).Select(c => c.Balance).SingleAsync());
        var spending = new ChangeDuringSave(
            db => db.ChangeTracker.Entries<Card>().Any(e => e.Entity.Id == card && e.State == EntityState.Modified),
            () => factory.QueryAsync(db => db.Database.ExecuteSqlAsync($"""UPDATE "Cards" SET "Balance" = "Balance" + 1 WHERE "Id" = {card}""")));
        using var host = factory.WithWebHostBuilder(builder => builder.ConfigureTestServices(services => services.AddSingleton<IInterceptor>(spending)));

        // Act
        Result<CardStopped> result;
        await using (var scope = host.Services.CreateAsyncScope())
        {
            result = await scope.ServiceProvider.GetRequiredService<CardService>().ReportLostOrStolenAsync(userId, card, CancellationToken.None);
        }
        await spending.AllDoneAsync();

        // Assert: stopped at the first save, the payment's change waited for it and then went through
        Assert.True(result.Succeeded, string.Join("; ", result.Errors.Select(e => e.Message)));
        Assert.Equal((1, 0), (spending.Saves, spending.CompletedDuringSave));
        var after = await factory.QueryAsync(db => db.Cards.Where(c => c.Id == card).Select(c => new { c.StoppedAs, c.Balance }).SingleAsync());
        Assert.Equal(CardStop.LostOrStolen, after.StoppedAs);
        Assert.NotEqual(before, after.Balance);
    }

    /// <summary>At the first transaction it sees start while armed, another request's change (its own host) is given a second to commit.</summary>
    private sealed class ChangeAtTransactionStart(Func<Task> change) : DbTransactionInterceptor
    {
        private int _fired;
        public Task Change { get; private set; } = Task.CompletedTask;

        public override async ValueTask<System.Data.Common.DbTransaction> TransactionStartedAsync(System.Data.Common.DbConnection connection, TransactionEndEventData eventData,
            System.Data.Common.DbTransaction result, CancellationToken cancellationToken = default)
        {
            if (Interlocked.Exchange(ref _fired, 1) == 0)
            {
                Change = Task.Run(change, CancellationToken.None);
                await Task.WhenAny(Change, Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None));
            }
            return result;
        }
    }

    [Fact]
    public async Task AddAsync_SameNumberWhileTheCardIsReportedLost_NeverAnActiveCardWithTheLostNumber()
    {
        // Arrange (lock-order review: the "reported lost" check ran before the add's transaction, so a stop committed
        // while the add waited for the holder's row let the lost number come back as a new card, taking payments). The
        // second tab's add of the same card starts its transaction as the first tab's report of it commits.
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var form = new CardFormBuilder();
        Assert.Equal(HttpStatusCode.Redirect, (await holder.AddCardAsync(form)).StatusCode);
        var card = (await holder.CardIdsAsync())[^1];
        var userId = await factory.QueryAsync(db => db.Users.Where(u => u.Email == holder.Email).Select(u => u.Id).SingleAsync());
        var reporting = new ChangeAtTransactionStart(async () =>
        {
            await using var scope = factory.Services.CreateAsyncScope();
            Assert.True((await scope.ServiceProvider.GetRequiredService<CardService>().ReportLostOrStolenAsync(userId, card, CancellationToken.None)).Succeeded);
        });
        using var host = factory.WithWebHostBuilder(builder => builder.ConfigureTestServices(services => services.AddSingleton<IInterceptor>(reporting)));
        await using var scope = host.Services.CreateAsyncScope();
        var cards = scope.ServiceProvider.GetRequiredService<CardService>();

        // Act
        var added = await cards.AddAsync(userId, new NewCard(form.Number, "ADA LOVELACE", int.Parse(form.Build()["ExpiryMonth"], System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(form.Build()["ExpiryYear"], System.Globalization.CultureInfo.InvariantCulture), 5000m), CancellationToken.None);
        await reporting.Change;

        // Assert: either the add came first (the card already there) and the report then stopped it, or the report came
        // first and the add was refused as a lost number; one card, stopped as lost, either way.
        var stored = await factory.QueryAsync(db => db.Cards.AsNoTracking().Where(c => c.CardHolder!.UserId == userId).Select(c => new { c.Id, c.StoppedAs }).ToListAsync());
        Assert.Equal(card, Assert.Single(stored).Id);
        Assert.Equal(CardStop.LostOrStolen, stored[0].StoppedAs);
        if (!added.Succeeded) Assert.Equal(CardService.LostNumberRefused, Assert.Single(added.Errors).Message);
    }

    [Fact]
    public async Task Remove_OwnCardWithHistory_StoppedHiddenFromPaymentFormHistoryKeptAndAudited()
    {
        // Arrange: a card with a charged payment (kept in the payment path's memory on SQLite) and a second card.
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync();
        var merchant = await Merchants.OrdinaryAsync(factory);
        var payment = await holder.PayAndGetIdAsync(card, merchant, 12m);
        Assert.Equal(HttpStatusCode.Redirect, (await holder.AddCardAsync(new CardFormBuilder().WithNumber(TestCards.Mastercard))).StatusCode);
        var balance = await factory.QueryAsync(db => db.Cards.Where(c => c.Id == card).Select(c => c.Balance).SingleAsync());

        // Act
        var confirm = await Html.GetPageAsync(holder.Client, $"/Cards/Remove/{card}");
        var removed = await Html.SubmitAsync(holder.Client, $"/Cards/Remove/{card}", [], $"/Cards/Remove/{card}");

        // Assert: asked first, then stopped with its date, the balance and history kept.
        Assert.NotNull(confirm.QuerySelector("[data-testid=confirm-remove]"));
        Assert.Equal(HttpStatusCode.Redirect, removed.StatusCode);
        Assert.Equal($"/Cards/Details/{card}", Html.Location(removed));
        var stored = await factory.QueryAsync(db => db.Cards.AsNoTracking().SingleAsync(c => c.Id == card));
        Assert.Equal(CardStop.Removed, stored.StoppedAs);
        Assert.Equal(factory.Clock.UtcNow, stored.StoppedUtc!.Value, TimeSpan.FromMinutes(1));
        Assert.Equal(balance, stored.Balance);
        var details = await Html.GetPageAsync(holder.Client, $"/Cards/Details/{card}");
        Assert.Equal("Removed", details.QuerySelector("[data-testid=card-stopped]")!.GetAttribute("data-stopped-as"));
        Assert.NotNull(details.QuerySelector($"tr[data-transaction-id='{payment}']"));
        Assert.Null(details.QuerySelector("[data-testid=card-stop-actions]"));
        var profile = await Html.GetPageAsync(holder.Client, "/Profile");
        Assert.NotNull(profile.QuerySelector($"[data-card-id='{card}'] [data-testid=card-stopped]"));
        Assert.NotNull(profile.QuerySelector($"#transactions tr[data-transaction-id='{payment}']"));
        // Review: the payment's page still offered the card's credit as available, which its own page does not.
        var paymentPage = await Html.GetPageAsync(holder.Client, $"/Transactions/Details/{payment}");
        Assert.Equal("–", paymentPage.QuerySelector("[data-testid=available-credit]")!.TextContent.Trim());
        var form = await Html.GetPageAsync(holder.Client, "/Transactions/New");
        Assert.DoesNotContain(form.QuerySelectorAll("select[name=CardId] option"), e => e.GetAttribute("value") == card.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.NotEmpty(form.QuerySelectorAll("select[name=CardId] option[value]"));
        var userId = await factory.UserIdAsync(holder.Email);
        Assert.True(await factory.QueryAsync(db => db.Set<AuditEntry>().AnyAsync(a => a.Action == AuditActions.CardRemove && a.ActorId == userId && a.TargetId == card.ToString())));
    }

    [Fact]
    public async Task Pay_RemovedCardKeptInMemory_FormRefusesWithMessageAndRecordsNothing()
    {
        // Arrange: paid once (so the payment path keeps the card), then removed.
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync();
        var merchant = await Merchants.OrdinaryAsync(factory);
        await holder.PayAndGetIdAsync(card, merchant, 12m);
        await RemoveAsync(holder, card);
        var before = await factory.QueryAsync(db => db.Transactions.CountAsync(t => t.CardId == card));

        // Act: the form sent with the removed card's id (a stale page, or a hand-made one).
        var response = await holder.PayAsync(card, merchant, 15m);

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(Card.RemovedMessage, Html.ValidationMessages(await Html.ParseAsync(response)));
        Assert.Equal(before, await factory.QueryAsync(db => db.Transactions.CountAsync(t => t.CardId == card)));
    }

    [Fact]
    public async Task Pay_LostCardThroughTheApi_422BusinessRuleProblemAndNothingRecorded()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync();
        var key = await holder.CreateKeyAsync(ApiScopes.PaymentsRead, ApiScopes.PaymentsWrite);
        using var api = factory.ApiClient(key);
        var merchant = await Merchants.OrdinaryAsync(factory);
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsync(factory, "/api/v1/payments", new { cardId = card, terminalId = merchant, amount = "10.00" })).Status);
        await ReportLostAsync(holder, card);

        // Act
        var refused = await api.PostAsync(factory, "/api/v1/payments", new { cardId = card, terminalId = merchant, amount = "10.00" }, idempotencyKey: Guid.NewGuid().ToString());

        // Assert
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Status);
        Assert.Equal("/api/problems/business-rule", refused.Json.GetProperty("type").GetString());
        Assert.Equal(Card.LostOrStolenMessage, refused.Json.GetProperty("detail").GetString());
        Assert.Equal(1, await factory.QueryAsync(db => db.Transactions.CountAsync(t => t.CardId == card)));
    }

    [Fact]
    public async Task Stop_AnotherHoldersCard_NotFoundAsAMissingOneAndCardUnchanged()
    {
        // Arrange
        using var owner = await CardHolderSession.RegisteredAsync(factory);
        using var other = await CardHolderSession.RegisteredAsync(factory);
        var card = await owner.AddCardAsync();

        // Act: the other holder's own antiforgery token (from a page of theirs), the owner's card id, and a missing id.
        var removeOther = await Html.SubmitAsync(other.Client, $"/Cards/Remove/{card}", [], "/Cards/Add");
        var lostOther = await Html.SubmitAsync(other.Client, $"/Cards/ReportLost/{card}", [], "/Cards/Add");
        var removeMissing = await Html.SubmitAsync(other.Client, "/Cards/Remove/999999999", [], "/Cards/Add");
        var confirmOther = await other.Client.GetAsync(new Uri($"/Cards/ReportLost/{card}", UriKind.Relative));

        // Assert
        Assert.Equal(HttpStatusCode.NotFound, removeOther.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, lostOther.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, removeMissing.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, confirmOther.StatusCode);
        Assert.Null(await factory.QueryAsync(db => db.Cards.Where(c => c.Id == card).Select(c => c.StoppedAs).SingleAsync()));
        Assert.DoesNotContain(Mailbox.MessagesTo(factory, owner.Email), m => Mailbox.Subject(m).Contains("lost or stolen", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Remove_Twice_SecondSaysSoAndKeepsTheFirstDate()
    {
        // Arrange: the confirmation page opened once, sent twice (a double click).
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync();
        var page = await Html.GetPageAsync(holder.Client, $"/Cards/Remove/{card}");
        var token = Html.AntiforgeryToken(page);
        var first = await holder.Client.PostAsync(new Uri($"/Cards/Remove/{card}", UriKind.Relative), new FormUrlEncodedContent([new("__RequestVerificationToken", token)]));
        var stoppedAt = await factory.QueryAsync(db => db.Cards.Where(c => c.Id == card).Select(c => c.StoppedUtc).SingleAsync());

        // Act
        var second = await holder.Client.PostAsync(new Uri($"/Cards/Remove/{card}", UriKind.Relative), new FormUrlEncodedContent([new("__RequestVerificationToken", token)]));

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);
        var details = await Html.GetPageAsync(holder.Client, Html.Location(second));
        Assert.Equal("This card has already been removed.", details.QuerySelector("[data-testid=admin-error]")!.TextContent.Trim());
        Assert.Equal(stoppedAt, await factory.QueryAsync(db => db.Cards.Where(c => c.Id == card).Select(c => c.StoppedUtc).SingleAsync()));
        var confirmAgain = await holder.Client.GetAsync(new Uri($"/Cards/Remove/{card}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, confirmAgain.StatusCode);
    }

    [Fact]
    public async Task AddCard_SameNumberAfterRemoval_AddedAgainAsANewCard()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var number = new CardFormBuilder();
        var first = await AddAsync(holder, number);
        await RemoveAsync(holder, first);

        // Act: the same number, expiry and name.
        var added = await holder.AddCardAsync(number);

        // Assert: a second row beside the removed one, which keeps its mark.
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        var cards = await holder.CardIdsAsync();
        Assert.Equal(2, cards.Count);
        var again = cards[1];
        Assert.Null(await factory.QueryAsync(db => db.Cards.Where(c => c.Id == again).Select(c => c.StoppedAs).SingleAsync()));
        Assert.Equal(CardStop.Removed, await factory.QueryAsync(db => db.Cards.Where(c => c.Id == first).Select(c => c.StoppedAs).SingleAsync()));
        await holder.PayAndGetIdAsync(again, await Merchants.OrdinaryAsync(factory), 5m);
    }

    [Fact]
    public async Task AddCard_SameNumberAfterLostOrStolen_RefusedWithReplacementAdvice()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var number = new CardFormBuilder();
        var card = await AddAsync(holder, number);
        await ReportLostAsync(holder, card);

        // Act: the same number, even with a later expiry (which would renew a card still in use).
        var added = await holder.AddCardAsync(number.WithExpiry(12, factory.Clock.UtcNow.Year + 4));

        // Assert
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        Assert.Contains(FraudWeb.Services.Cards.CardService.LostNumberRefused, Html.ValidationMessages(await Html.ParseAsync(added)));
        Assert.Single(await holder.CardIdsAsync());
    }

    [Fact]
    public async Task ReportLost_OwnCard_StoppedMailedOffersToReportPaymentsAndAudited()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var number = new CardFormBuilder();
        var card = await AddAsync(holder, number);
        var payment = await holder.PayAndGetIdAsync(card, await Merchants.OrdinaryAsync(factory), 12m);

        // Act
        var reported = await ReportLostAsync(holder, card);

        // Assert: the card's page offers the report of each payment on it, the mail names the card by its last 4 and links to it.
        var details = await Html.GetPageAsync(holder.Client, Html.Location(reported));
        Assert.Equal("LostOrStolen", details.QuerySelector("[data-testid=card-stopped]")!.GetAttribute("data-stopped-as"));
        var offer = details.QuerySelector("[data-testid=report-unknown-payments]")!;
        Assert.Equal($"/Reports/New?transactionId={payment}", offer.QuerySelector($"[data-transaction-id='{payment}'] a[data-testid=report-link]")!.GetAttribute("href"));
        var mail = Mailbox.MessageTo(factory, holder.Email, "Your card was reported lost or stolen");
        Assert.Contains(number.Number[^4..], mail, StringComparison.Ordinal);
        Assert.DoesNotContain(number.Number, mail, StringComparison.Ordinal);
        Assert.Equal($"/Cards/Details/{card}", Mailbox.LinkTo(mail, "/Cards/Details").Split('?')[0]);
        var userId = await factory.UserIdAsync(holder.Email);
        Assert.True(await factory.QueryAsync(db => db.Set<AuditEntry>().AnyAsync(a => a.Action == AuditActions.CardLostOrStolen && a.ActorId == userId && a.TargetId == card.ToString())));
    }

    [Fact]
    public async Task ReportLost_Chinese_MailRefusalAndMarkInChinese()
    {
        // Arrange: the holder's language is Chinese (stored with their account).
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var number = new CardFormBuilder();
        var card = await AddAsync(holder, number);
        var merchant = await Merchants.OrdinaryAsync(factory);
        await Html.SubmitAsync(holder.Client, "/Language/Set", [new("culture", "zh-CN"), new("returnUrl", "/Profile")], formPage: "/Profile");

        // Act
        var reported = await ReportLostAsync(holder, card);
        var flash = await Html.GetPageAsync(holder.Client, Html.Location(reported));
        var refused = await holder.PayAsync(card, merchant, 10m);
        var addedAgain = await holder.AddCardAsync(number);

        // Assert
        var stoppedMark = flash.QuerySelector("[data-testid=card-stopped]")!.TextContent;
        Assert.Contains("挂失", stoppedMark, StringComparison.Ordinal);
        var mail = Mailbox.MessageTo(factory, holder.Email, Chinese.Of("Your card was reported lost or stolen"));
        Assert.Contains(Chinese.Of("Your card {0} has been reported lost or stolen on your FraudWeb account. It is stopped: every payment with it is refused.",
            $"Visa •••• {number.Number[^4..]}"), mail, StringComparison.Ordinal);
        var refusal = await Html.ParseAsync(refused);
        Assert.Contains(Chinese.Of(Card.LostOrStolenMessage), Html.ValidationMessages(refusal));
        Assert.Contains(Chinese.Of(FraudWeb.Services.Cards.CardService.LostNumberRefused), Html.ValidationMessages(await Html.ParseAsync(addedAgain)));
    }

    [Fact]
    public async Task Review_PaymentReportedOnALostCard_AnalystSeesTheCardWasReportedLost()
    {
        // Arrange: the holder reports the card lost, then a payment on it as not theirs (the flow the card's page offers).
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var number = new CardFormBuilder();
        var card = await AddAsync(holder, number);
        var payment = await holder.PayAndGetIdAsync(card, await Merchants.OrdinaryAsync(factory), 12m);
        await ReportLostAsync(holder, card);
        Assert.Equal(HttpStatusCode.Redirect, (await holder.ReportAsync(payment, ReportKind.NotMe, "My card was stolen; this was not me.")).StatusCode);
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, FraudWeb.Data.Roles.Analyst);

        // Act: the queue filtered to the card's last 4, as an analyst looks at one card's payments.
        var queue = await Html.GetPageAsync(analyst.Client, $"/Review?Search={number.Number[^4..]}");

        // Assert
        var item = queue.QuerySelector($"[data-testid=review-item][data-transaction-id='{payment}']")!;
        Assert.Equal("LostOrStolen", item.QuerySelector("[data-testid=card-stopped]")!.GetAttribute("data-stopped-as"));
    }

    [Fact]
    public async Task AdminUserDetails_HolderRemovedACard_CardMarkedRemovedBesideTheActiveOne()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var removed = await holder.AddCardAsync();
        var active = await holder.AddCardAsync();
        await RemoveAsync(holder, removed);
        var userId = await factory.UserIdAsync(holder.Email);
        using var admin = await ReviewSteps.SignedInAsAsync(factory, FraudWeb.Data.Roles.Admin);

        // Act
        var page = await Html.GetPageAsync(admin.Client, $"/AdminUsers/Details/{userId}");

        // Assert
        Assert.Equal("Removed", page.QuerySelector($"[data-card-id='{removed}'] [data-testid=card-stopped]")!.GetAttribute("data-stopped-as"));
        Assert.Null(page.QuerySelector($"[data-card-id='{active}'] [data-testid=card-stopped]"));
    }

    private static async Task<long> AddAsync(CardHolderSession holder, CardFormBuilder card)
    {
        Assert.Equal(HttpStatusCode.Redirect, (await holder.AddCardAsync(card)).StatusCode);
        return (await holder.CardIdsAsync())[^1];
    }

    private static async Task RemoveAsync(CardHolderSession holder, long card) =>
        Assert.Equal(HttpStatusCode.Redirect, (await Html.SubmitAsync(holder.Client, $"/Cards/Remove/{card}", [], $"/Cards/Remove/{card}")).StatusCode);

    private static async Task<HttpResponseMessage> ReportLostAsync(CardHolderSession holder, long card)
    {
        var response = await Html.SubmitAsync(holder.Client, $"/Cards/ReportLost/{card}", [], $"/Cards/ReportLost/{card}");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response;
    }
}
