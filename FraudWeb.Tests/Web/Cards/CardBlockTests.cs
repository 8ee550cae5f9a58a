using System.Globalization;
using System.Net;
using System.Text.Json;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Services.Admin;
using FraudWeb.Services.ApiKeys;
using FraudWeb.Tests.Builders;
using FraudWeb.Tests.Web.Api;
using FraudWeb.Tests.Web.Infrastructure;
using FraudWeb.Tests.Web.Localization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.AspNetCore.TestHost;
using FraudWeb.Services.Cards;
using FraudWeb.Services;
using Microsoft.Extensions.DependencyInjection;

namespace FraudWeb.Tests.Web.Cards;

/// <summary>
/// Staff block a holder's card and lift the block (docs/decisions/0028): from the user's admin page and the review
/// item; the card refuses payments on the form and the API with its own reason until the block is lifted; the holder
/// is told (pages, mail in their language) and cannot lift it; every change is audited.
/// </summary>
[Collection(WebTestGroup.Name)]
public sealed class CardBlockTests(FraudWebFactory factory)
{
    [Fact]
    public async Task BlockAsync_CardSpentFromDuringEverySave_BlockedFirstTime()
    {
        // Arrange (writer review: the block's save carried the balance as a token; a card being spent from quickly
        // answered "busy, try again" three times running)
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync();
        var spending = new ChangeDuringSave(
            db => db.ChangeTracker.Entries<Card>().Any(e => e.Entity.Id == card && e.State == EntityState.Modified),
            () => factory.QueryAsync(db => db.Database.ExecuteSqlAsync($"""UPDATE "Cards" SET "Balance" = "Balance" + 1 WHERE "Id" = {card}""")));
        using var host = factory.WithWebHostBuilder(builder => builder.ConfigureTestServices(services => services.AddSingleton<IInterceptor>(spending)));

        // Act
        Result<CardBlockChanged> result;
        await using (var scope = host.Services.CreateAsyncScope())
        {
            result = await scope.ServiceProvider.GetRequiredService<CardBlockService>()
                .BlockAsync("staff-member-without-cards", card, CardBlockReason.SuspectedFraud, null, null, CancellationToken.None);
        }
        await spending.AllDoneAsync();

        // Assert
        Assert.True(result.Succeeded, string.Join("; ", result.Errors.Select(e => e.Message)));
        Assert.Equal((1, 0), (spending.Saves, spending.CompletedDuringSave));
        Assert.True(await factory.QueryAsync(db => db.Cards.Where(c => c.Id == card).Select(c => c.BlockReason != null).SingleAsync()));
    }

    [Fact]
    public async Task Block_FromTheUserAdminPage_BlockedShownToHolderMailedAndAudited()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var number = new CardFormBuilder();
        Assert.Equal(HttpStatusCode.Redirect, (await holder.AddCardAsync(number)).StatusCode);
        var card = (await holder.CardIdsAsync())[^1];
        var holderId = await factory.UserIdAsync(holder.Email);
        using var admin = await ReviewSteps.SignedInAsAsync(factory, Roles.Admin);
        var userPage = $"/AdminUsers/Details/{holderId}";
        var before = await Html.GetPageAsync(admin.Client, userPage);

        // Act: the form the page shows, as the administrator fills it in.
        var form = before.QuerySelector($"[data-card-id='{card}'] [data-testid=block-card] form")!;
        var blocked = await Html.SubmitAsync(admin.Client, form.GetAttribute("action")!,
            [new("Reason", nameof(CardBlockReason.HolderRequest)), new("Note", "Called from a hotel abroad"), new("returnUrl", userPage)], userPage);

        // Assert: back on the page, the card marked with the reason and an unblock button, no block form.
        Assert.Equal(HttpStatusCode.Redirect, blocked.StatusCode);
        Assert.Equal(userPage, Html.Location(blocked));
        var after = await Html.GetPageAsync(admin.Client, userPage);
        var item = after.QuerySelector($"[data-card-id='{card}']")!;
        Assert.Equal("Blocked", item.QuerySelector("[data-testid=card-stopped]")!.GetAttribute("data-stopped-as"));
        Assert.Contains("Holder's request by phone", item.QuerySelector("[data-testid=card-block-reason]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("Called from a hotel abroad", item.QuerySelector("[data-testid=card-block-reason]")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(item.QuerySelector("[data-testid=unblock-card]"));
        Assert.Null(item.QuerySelector("[data-testid=block-card]"));
        var stored = await factory.QueryAsync(db => db.Cards.AsNoTracking().SingleAsync(c => c.Id == card));
        Assert.Equal(CardStop.Blocked, stored.StoppedAs);
        Assert.Equal(CardBlockReason.HolderRequest, stored.BlockReason);
        // The holder: the card's page and the payment form say so and what to do; no way to lift it or remove the card.
        var details = await Html.GetPageAsync(holder.Client, $"/Cards/Details/{card}");
        Assert.Equal("Blocked", details.QuerySelector("[data-testid=card-stopped]")!.GetAttribute("data-stopped-as"));
        Assert.NotNull(details.QuerySelector("[data-testid=card-blocked-help]"));
        Assert.NotNull(details.QuerySelector("[data-testid=report-lost-link]"));
        Assert.Null(details.QuerySelector("[data-testid=remove-link]"));
        Assert.DoesNotContain("Called from a hotel abroad", details.Body!.TextContent, StringComparison.Ordinal);
        var payForm = await Html.GetPageAsync(holder.Client, "/Transactions/New");
        Assert.NotNull(payForm.QuerySelector($"[data-testid=card-blocked][data-card-id='{card}']"));
        Assert.DoesNotContain("You need a card first.", payForm.Body!.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain(payForm.QuerySelectorAll("select[name=CardId] option"), e => e.GetAttribute("value") == card.ToString(CultureInfo.InvariantCulture));
        var profile = await Html.GetPageAsync(holder.Client, "/Profile");
        Assert.Equal("Blocked", profile.QuerySelector($"[data-card-id='{card}'] [data-testid=card-stopped]")!.GetAttribute("data-stopped-as"));
        // Mailed (the card by its last four only), audited with who, which card and why; never the number or the note.
        var mail = Mailbox.MessageTo(factory, holder.Email, "Your card was blocked by the bank");
        Assert.Contains(number.Number[^4..], mail, StringComparison.Ordinal);
        Assert.DoesNotContain(number.Number, mail, StringComparison.Ordinal);
        Assert.DoesNotContain("hotel", mail, StringComparison.Ordinal);
        var adminId = await factory.UserIdAsync(admin.Email);
        var entry = await factory.QueryAsync(db => db.Set<AuditEntry>().SingleAsync(a => a.Action == AuditActions.CardBlock && a.TargetId == card.ToString(CultureInfo.InvariantCulture)));
        Assert.Equal(adminId, entry.ActorId);
        Assert.Equal("card", entry.TargetType);
        Assert.Contains("HolderRequest", entry.After, StringComparison.Ordinal);
        Assert.DoesNotContain("hotel", entry.After, StringComparison.Ordinal);
        Assert.DoesNotContain(number.Number[^4..], entry.After + entry.Before, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pay_BlockedCard_FormAndApiRefusedAsCardBlockedThenAcceptedOnceUnblocked()
    {
        // Arrange: paid once (the payment path keeps the card in memory on SQLite), then blocked.
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync();
        var merchant = await Merchants.OrdinaryAsync(factory);
        await holder.PayAndGetIdAsync(card, merchant, 12m);
        var key = await holder.CreateKeyAsync(ApiScopes.PaymentsRead, ApiScopes.PaymentsWrite);
        using var api = factory.ApiClient(key);
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        Assert.Equal(HttpStatusCode.Redirect, (await BlockAsync(analyst, card, CardBlockReason.SuspectedFraud)).StatusCode);
        var count = await factory.QueryAsync(db => db.Transactions.CountAsync(t => t.CardId == card));

        // Act
        var form = await holder.PayAsync(card, merchant, 15m);
        var viaApi = await api.PostAsync(factory, "/api/v1/payments", new { cardId = card, terminalId = merchant, amount = "15.00" }, idempotencyKey: Guid.NewGuid().ToString());
        using var anonymous = factory.ApiClient(null);
        var problemType = await anonymous.GetAsync(new Uri("/api/problems/card-blocked", UriKind.Relative));
        var unblocked = await UnblockAsync(analyst, card);
        var afterForm = await holder.PayAsync(card, merchant, 16m);
        var afterApi = await api.PostAsync(factory, "/api/v1/payments", new { cardId = card, terminalId = merchant, amount = "17.00" }, idempotencyKey: Guid.NewGuid().ToString());

        // Assert: refused with the block's own words and type, nothing recorded; then both pay again.
        Assert.Equal(HttpStatusCode.OK, form.StatusCode);
        Assert.Contains(Card.BlockedMessage, Html.ValidationMessages(await Html.ParseAsync(form)));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, viaApi.Status);
        Assert.Equal("/api/problems/card-blocked", viaApi.Json.GetProperty("type").GetString());
        Assert.Equal(Card.BlockedMessage, viaApi.Json.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.OK, problemType.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, unblocked.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, afterForm.StatusCode);
        Assert.Equal(HttpStatusCode.Created, afterApi.Status);
        Assert.Equal(count + 2, await factory.QueryAsync(db => db.Transactions.CountAsync(t => t.CardId == card)));
        Assert.Null(await factory.QueryAsync(db => db.Cards.Where(c => c.Id == card).Select(c => c.StoppedAs).SingleAsync()));
        Mailbox.MessageTo(factory, holder.Email, "Your card's block was lifted");
        var analystId = await factory.UserIdAsync(analyst.Email);
        Assert.True(await factory.QueryAsync(db => db.Set<AuditEntry>().AnyAsync(a => a.Action == AuditActions.CardUnblock && a.ActorId == analystId && a.TargetId == card.ToString())));
    }

    [Fact]
    public async Task Unblock_BlockWithANote_LiftsEntryNamesTheBlockItLiftedNeverTheNote()
    {
        // Arrange (auditor: the lift's entry did not say which block it lifted)
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync();
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        await BlockAsync(analyst, card, CardBlockReason.Other, "Wang Fang called about a parcel scam");

        // Act
        var unblocked = await UnblockAsync(analyst, card);

        // Assert: the lift names the block's entry, since when and that it had a note; the note's words are in neither
        Assert.Equal(HttpStatusCode.Redirect, unblocked.StatusCode);
        var target = card.ToString(CultureInfo.InvariantCulture);
        var entries = await factory.QueryAsync(db => db.Set<AuditEntry>().AsNoTracking()
            .Where(a => a.TargetId == target && (a.Action == AuditActions.CardBlock || a.Action == AuditActions.CardUnblock)).OrderBy(a => a.Id).ToListAsync());
        Assert.Equal([AuditActions.CardBlock, AuditActions.CardUnblock], entries.Select(e => e.Action));
        using var before = JsonDocument.Parse(entries[1].Before!);
        Assert.Equal(entries[0].Id, before.RootElement.GetProperty("BlockEntry").GetInt64());
        Assert.True(before.RootElement.GetProperty("HadNote").GetBoolean());
        Assert.Equal("Other", before.RootElement.GetProperty("BlockReason").GetString());
        Assert.NotEqual(JsonValueKind.Null, before.RootElement.GetProperty("BlockedSinceUtc").ValueKind);
        Assert.DoesNotContain("parcel", string.Concat(entries.Select(e => e.Before + e.After)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Block_HolderOrSignedOutOrNoToken_DeniedAndCardUnchanged()
    {
        // Arrange: the holder's own card; tokens taken from a page of each caller.
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync();
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        using var anonymous = factory.CreateBrowserClient();
        var anonymousToken = Html.AntiforgeryToken(await Html.GetPageAsync(anonymous, "/Account/Login"));
        var fields = new Dictionary<string, string> { ["Reason"] = nameof(CardBlockReason.SuspectedFraud) };

        // Act
        var byHolder = await Html.SubmitAsync(holder.Client, $"/CardBlocks/Block/{card}", fields, "/Profile");
        var unblockByHolder = await Html.SubmitAsync(holder.Client, $"/CardBlocks/Unblock/{card}", [], "/Profile");
        var signedOut = await anonymous.PostAsync(new Uri($"/CardBlocks/Block/{card}", UriKind.Relative),
            new FormUrlEncodedContent([new("Reason", "SuspectedFraud"), new("__RequestVerificationToken", anonymousToken)]));
        var noToken = await analyst.Client.PostAsync(new Uri($"/CardBlocks/Block/{card}", UriKind.Relative), new FormUrlEncodedContent(fields));
        var missing = await BlockAsync(analyst, 999_999_999, CardBlockReason.SuspectedFraud);

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, byHolder.StatusCode);
        Assert.Contains("/Account/AccessDenied", Html.Location(byHolder), StringComparison.Ordinal);
        Assert.Contains("/Account/AccessDenied", Html.Location(unblockByHolder), StringComparison.Ordinal);
        Assert.Contains("/Account/Login", Html.Location(signedOut), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Null(await factory.QueryAsync(db => db.Cards.Where(c => c.Id == card).Select(c => c.StoppedAs).SingleAsync()));
        Assert.DoesNotContain(Mailbox.MessagesTo(factory, holder.Email), m => Mailbox.Subject(m).Contains("blocked", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Block_BadReasonOrNote_SaidOnThePageAndNotBlocked()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync();
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);

        // Act
        var otherWithoutNote = await BlockAsync(analyst, card, CardBlockReason.Other);
        var otherPage = await Html.GetPageAsync(analyst.Client, Html.Location(otherWithoutNote));
        var tooLong = await BlockAsync(analyst, card, CardBlockReason.SuspectedFraud, new string('n', Card.BlockNoteMaxLength + 1));
        var tooLongPage = await Html.GetPageAsync(analyst.Client, Html.Location(tooLong));
        var unknownReason = await Html.SubmitAsync(analyst.Client, $"/CardBlocks/Block/{card}", [new("Reason", "99"), new("returnUrl", "/Review")], "/Review");
        var unknownPage = await Html.GetPageAsync(analyst.Client, Html.Location(unknownReason));
        var withNumber = await BlockAsync(analyst, card, CardBlockReason.SuspectedFraud, "used 4111 1111 1111 1111 abroad");
        var numberPage = await Html.GetPageAsync(analyst.Client, Html.Location(withNumber));
        var offsite = await Html.SubmitAsync(analyst.Client, $"/CardBlocks/Block/{card}", [new("Reason", "Other"), new("returnUrl", "https://evil.example/")], "/Review");

        // Assert
        Assert.Contains("Say in the note why the card is blocked.", otherPage.QuerySelector("[data-testid=review-error]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("The note has at most 200 characters.", tooLongPage.QuerySelector("[data-testid=review-error]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("Choose why the card is blocked.", unknownPage.QuerySelector("[data-testid=review-error]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("Do not type a card number here", numberPage.QuerySelector("[data-testid=review-error]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("/Staff", Html.Location(offsite));
        Assert.Null(await factory.QueryAsync(db => db.Cards.Where(c => c.Id == card).Select(c => c.StoppedAs).SingleAsync()));
        Assert.False(await factory.QueryAsync(db => db.Set<AuditEntry>().AnyAsync(a => a.Action == AuditActions.CardBlock && a.TargetId == card.ToString())));
    }

    [Fact]
    public async Task Block_Refused_ReasonAndNoteShownAgainInThatCardsForm()
    {
        // Arrange (staff test: the form came back reset to "Suspected fraud", so a note typed then blocked the card for
        // the wrong reason): a reported payment in the queue, and the holder's page for an administrator
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var number = new CardFormBuilder();
        Assert.Equal(HttpStatusCode.Redirect, (await holder.AddCardAsync(number)).StatusCode);
        var card = (await holder.CardIdsAsync())[^1];
        var payment = await holder.PayAndGetIdAsync(card, await Merchants.OrdinaryAsync(factory), 12m);
        Assert.Equal(HttpStatusCode.Redirect, (await holder.ReportAsync(payment, ReportKind.NotMe, "This payment was not made by me.")).StatusCode);
        using var admin = await ReviewSteps.SignedInAsAsync(factory, Roles.Admin);
        var userPage = $"/AdminUsers/Details/{await factory.UserIdAsync(holder.Email)}";
        var queueAddress = $"/Review?Search={number.Number[^4..]}";
        var tooLong = new string('n', Card.BlockNoteMaxLength + 1);

        // Act: "Other" with a note too long, from each page; then a note with a card number
        var fromUserPage = await Html.SubmitAsync(admin.Client, $"/CardBlocks/Block/{card}", [new("Reason", "Other"), new("Note", tooLong), new("returnUrl", userPage)], userPage);
        var userPageAfter = await Html.GetPageAsync(admin.Client, Html.Location(fromUserPage));
        var fromQueue = await Html.SubmitAsync(admin.Client, $"/CardBlocks/Block/{card}", [new("Reason", "HolderRequest"), new("Note", tooLong), new("returnUrl", queueAddress)], queueAddress);
        var queueAfter = await Html.GetPageAsync(admin.Client, Html.Location(fromQueue));
        var withNumber = await Html.SubmitAsync(admin.Client, $"/CardBlocks/Block/{card}", [new("Reason", "Other"), new("Note", "used " + number.Number), new("returnUrl", userPage)], userPage);
        var numberPage = await Html.GetPageAsync(admin.Client, Html.Location(withNumber));
        var later = await Html.GetPageAsync(admin.Client, userPage);

        // Assert
        var form = userPageAfter.QuerySelector($"[data-card-id='{card}'] [data-testid=block-card]")!;
        Assert.True(form.HasAttribute("open"));
        Assert.Equal("Other", form.QuerySelector("select[name=Reason] option[selected]")!.GetAttribute("value"));
        Assert.Equal(tooLong, form.QuerySelector("input[name=Note]")!.GetAttribute("value"));
        var item = queueAfter.QuerySelector($"[data-testid=review-item][data-transaction-id='{payment}'] [data-testid=block-card]")!;
        Assert.True(item.HasAttribute("open"));
        Assert.Equal("HolderRequest", item.QuerySelector("select[name=Reason] option[selected]")!.GetAttribute("value"));
        Assert.Equal(tooLong, item.QuerySelector("input[name=Note]")!.GetAttribute("value"));
        var refusedNumber = numberPage.QuerySelector($"[data-card-id='{card}'] [data-testid=block-card]")!;
        Assert.Equal("Other", refusedNumber.QuerySelector("select[name=Reason] option[selected]")!.GetAttribute("value"));
        Assert.DoesNotContain(number.Number, numberPage.Source.Text, StringComparison.Ordinal); // never shown back
        Assert.False(later.QuerySelector($"[data-card-id='{card}'] [data-testid=block-card]")!.HasAttribute("open")); // once only
        Assert.Null(await factory.QueryAsync(db => db.Cards.Where(c => c.Id == card).Select(c => c.StoppedAs).SingleAsync()));
    }

    [Fact]
    public async Task Block_RefusedWithNoPageToGoBackTo_SaidOnTheStaffDashboardNotLaterOnTheQueue()
    {
        // Arrange: a post without the page it came from (or with one off the site) goes back to the staff dashboard.
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync();
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);

        // Act
        var refused = await Html.SubmitAsync(analyst.Client, $"/CardBlocks/Block/{card}", [new("Reason", nameof(CardBlockReason.Other))], "/Review");
        var dashboard = await Html.GetPageAsync(analyst.Client, Html.Location(refused));
        var queue = await Html.GetPageAsync(analyst.Client, "/Review");

        // Assert: said where staff land, not kept for whichever page next shows errors.
        Assert.Equal("/Staff", Html.Location(refused));
        Assert.Contains("Say in the note why the card is blocked.", dashboard.QuerySelector("[data-testid=admin-error]")?.TextContent ?? "", StringComparison.Ordinal);
        Assert.Null(queue.QuerySelector("[data-testid=review-error]"));
        Assert.Null(await factory.QueryAsync(db => db.Cards.Where(c => c.Id == card).Select(c => c.StoppedAs).SingleAsync()));
    }

    [Fact]
    public async Task Block_Twice_SecondSaysSoAndUnblockOfAHoldersLostCardRefused()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync();
        var lost = await holder.AddCardAsync();
        Assert.Equal(HttpStatusCode.Redirect, (await Html.SubmitAsync(holder.Client, $"/Cards/ReportLost/{lost}", [], $"/Cards/ReportLost/{lost}")).StatusCode);
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        await BlockAsync(analyst, card, CardBlockReason.SuspectedFraud);
        var blockedAt = await factory.QueryAsync(db => db.Cards.Where(c => c.Id == card).Select(c => c.StoppedUtc).SingleAsync());

        // Act
        var again = await BlockAsync(analyst, card, CardBlockReason.HolderRequest);
        var againPage = await Html.GetPageAsync(analyst.Client, Html.Location(again));
        var unblockLost = await UnblockAsync(analyst, lost);
        var unblockLostPage = await Html.GetPageAsync(analyst.Client, Html.Location(unblockLost));
        var blockLost = await BlockAsync(analyst, lost, CardBlockReason.SuspectedFraud);
        var blockLostPage = await Html.GetPageAsync(analyst.Client, Html.Location(blockLost));

        // Assert
        Assert.Contains("This card is already blocked by the bank.", againPage.QuerySelector("[data-testid=review-error]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(blockedAt, await factory.QueryAsync(db => db.Cards.Where(c => c.Id == card).Select(c => c.StoppedUtc).SingleAsync()));
        Assert.Equal(CardBlockReason.SuspectedFraud, await factory.QueryAsync(db => db.Cards.Where(c => c.Id == card).Select(c => c.BlockReason).SingleAsync()));
        Assert.Contains("that stop is never lifted", unblockLostPage.QuerySelector("[data-testid=review-error]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("This card was already reported lost or stolen.", blockLostPage.QuerySelector("[data-testid=review-error]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(CardStop.LostOrStolen, await factory.QueryAsync(db => db.Cards.Where(c => c.Id == lost).Select(c => c.StoppedAs).SingleAsync()));
        Assert.Single(await factory.QueryAsync(db => db.Set<AuditEntry>().Where(a => a.Action == AuditActions.CardBlock && a.TargetId == card.ToString()).ToListAsync()));
    }

    [Fact]
    public async Task Block_StaffMembersOwnCard_RefusedSoNobodyLiftsTheirOwnBlock()
    {
        // Arrange: a holder with a card who then becomes an analyst.
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync();
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var user = (await users.FindByEmailAsync(holder.Email))!;
            Assert.True((await users.AddToRoleAsync(user, Roles.Analyst)).Succeeded);
        }
        await holder.SignOutAsync();
        Assert.Equal(HttpStatusCode.Redirect, (await holder.SignInAsync(FraudWebFactory.Password)).StatusCode);

        // Act
        var response = await BlockAsync(holder, card, CardBlockReason.HolderRequest);
        var page = await Html.GetPageAsync(holder.Client, Html.Location(response));

        // Assert
        Assert.Contains(FraudWeb.Services.Cards.CardBlockService.OwnCardRefused, page.QuerySelector("[data-testid=review-error]")!.TextContent, StringComparison.Ordinal);
        Assert.Null(await factory.QueryAsync(db => db.Cards.Where(c => c.Id == card).Select(c => c.StoppedAs).SingleAsync()));
    }

    [Fact]
    public async Task AdminUserPage_OwnBlockedCard_NoUnblockButtonThatCanOnlyBeRefused()
    {
        // Arrange: a holder with a card who then becomes an administrator; another member of staff blocks the card.
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync();
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var user = (await users.FindByEmailAsync(holder.Email))!;
            Assert.True((await users.AddToRoleAsync(user, Roles.Admin)).Succeeded);
        }
        await holder.SignOutAsync();
        Assert.Equal(HttpStatusCode.Redirect, (await holder.SignInAsync(FraudWebFactory.Password)).StatusCode);
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        Assert.Equal(HttpStatusCode.Redirect, (await BlockAsync(analyst, card, CardBlockReason.SuspectedFraud)).StatusCode);

        // Act
        var ownPage = await Html.GetPageAsync(holder.Client, $"/AdminUsers/Details/{await factory.UserIdAsync(holder.Email)}");

        // Assert: the block is shown, but neither form: the service refuses a staff member's own card either way.
        var item = ownPage.QuerySelector($"[data-card-id='{card}']")!;
        Assert.Equal("Blocked", item.QuerySelector("[data-testid=card-stopped]")!.GetAttribute("data-stopped-as"));
        Assert.Null(item.QuerySelector("[data-testid=unblock-card]"));
        Assert.Null(item.QuerySelector("[data-testid=block-card]"));
    }

    [Fact]
    public async Task HolderActs_OnABlockedCard_ReportsItLostForGoodCannotRemoveItNorAddItsNumberAgain()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var number = new CardFormBuilder();
        Assert.Equal(HttpStatusCode.Redirect, (await holder.AddCardAsync(number)).StatusCode);
        var card = (await holder.CardIdsAsync())[^1];
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        await BlockAsync(analyst, card, CardBlockReason.SuspectedFraud);

        // Act
        var confirmRemove = await holder.Client.GetAsync(new Uri($"/Cards/Remove/{card}", UriKind.Relative));
        var remove = await Html.SubmitAsync(holder.Client, $"/Cards/Remove/{card}", [], "/Profile");
        var removeRefusal = await Html.GetPageAsync(holder.Client, Html.Location(remove));
        var addedAgain = await holder.AddCardAsync(number);
        var renewed = await holder.AddCardAsync(number.WithExpiry(12, factory.Clock.UtcNow.Year + 5));
        var confirmLost = await Html.GetPageAsync(holder.Client, $"/Cards/ReportLost/{card}");
        var lost = await Html.SubmitAsync(holder.Client, $"/Cards/ReportLost/{card}", [], $"/Cards/ReportLost/{card}");
        var unblock = await UnblockAsync(analyst, card);

        // Assert: removal refused (its number would come back unblocked), the number still the blocked card's, the
        // renewal refused while blocked; lost or stolen replaces the block for good, and staff cannot lift that.
        Assert.Equal(HttpStatusCode.Redirect, confirmRemove.StatusCode);
        Assert.Equal(Card.BlockedRemoveMessage, removeRefusal.QuerySelector("[data-testid=admin-error]")!.TextContent.Trim());
        Assert.Equal(HttpStatusCode.Redirect, addedAgain.StatusCode);
        Assert.Equal(HttpStatusCode.OK, renewed.StatusCode);
        Assert.Contains(Card.BlockedMessage, Html.ValidationMessages(await Html.ParseAsync(renewed)));
        Assert.Single(await holder.CardIdsAsync());
        Assert.NotNull(confirmLost.QuerySelector("[data-testid=confirm-report-lost]"));
        Assert.Equal(HttpStatusCode.Redirect, lost.StatusCode);
        var stored = await factory.QueryAsync(db => db.Cards.AsNoTracking().SingleAsync(c => c.Id == card));
        Assert.Equal(CardStop.LostOrStolen, stored.StoppedAs);
        Assert.Null(stored.BlockReason);
        Assert.Equal(HttpStatusCode.Redirect, unblock.StatusCode);
        Assert.Equal(CardStop.LostOrStolen, await factory.QueryAsync(db => db.Cards.Where(c => c.Id == card).Select(c => c.StoppedAs).SingleAsync()));
    }

    [Fact]
    public async Task Review_ItemOfABlockedCard_ShowsTheBlockAndLiftsItBackToTheQueue()
    {
        // Arrange: a reported payment, so it is in the queue.
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var number = new CardFormBuilder();
        Assert.Equal(HttpStatusCode.Redirect, (await holder.AddCardAsync(number)).StatusCode);
        var card = (await holder.CardIdsAsync())[^1];
        var payment = await holder.PayAndGetIdAsync(card, await Merchants.OrdinaryAsync(factory), 12m);
        Assert.Equal(HttpStatusCode.Redirect, (await holder.ReportAsync(payment, ReportKind.NotMe, "This payment was not made by me.")).StatusCode);
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        var queueAddress = $"/Review?Search={number.Number[^4..]}";
        var queue = await Html.GetPageAsync(analyst.Client, queueAddress);
        var item = queue.QuerySelector($"[data-testid=review-item][data-transaction-id='{payment}']")!;
        var blockForm = item.QuerySelector("[data-testid=block-card] form")!;
        var fields = blockForm.QuerySelectorAll("input[type=hidden]").Select(i => new KeyValuePair<string, string>(i.GetAttribute("name")!, i.GetAttribute("value") ?? ""))
            .Append(new("Reason", nameof(CardBlockReason.SuspectedFraud))).ToList();

        // Act: the item's own form (its antiforgery token, card id and the queue's address).
        var blocked = await analyst.Client.PostAsync(new Uri(blockForm.GetAttribute("action")!, UriKind.Relative), new FormUrlEncodedContent(fields));
        var after = await Html.GetPageAsync(analyst.Client, Html.Location(blocked));
        var blockedItem = after.QuerySelector($"[data-testid=review-item][data-transaction-id='{payment}']")!;
        var unblockForm = blockedItem.QuerySelector("[data-testid=unblock-card]")!.Closest("form")!;
        var unblockFields = unblockForm.QuerySelectorAll("input[type=hidden]").Select(i => new KeyValuePair<string, string>(i.GetAttribute("name")!, i.GetAttribute("value") ?? "")).ToList();
        var unblocked = await analyst.Client.PostAsync(new Uri(unblockForm.GetAttribute("action")!, UriKind.Relative), new FormUrlEncodedContent(unblockFields));
        var finally_ = await Html.GetPageAsync(analyst.Client, Html.Location(unblocked));

        // Assert
        Assert.Equal(queueAddress, Html.Location(blocked));
        Assert.Equal("Blocked", blockedItem.QuerySelector("[data-testid=card-stopped]")!.GetAttribute("data-stopped-as"));
        Assert.Contains("Suspected fraud", blockedItem.QuerySelector("[data-testid=card-block-reason]")!.TextContent, StringComparison.Ordinal);
        Assert.Null(blockedItem.QuerySelector("[data-testid=block-card]"));
        Assert.Equal(queueAddress, Html.Location(unblocked));
        var itemAgain = finally_.QuerySelector($"[data-testid=review-item][data-transaction-id='{payment}']")!;
        Assert.Null(itemAgain.QuerySelector("[data-testid=card-stopped]"));
        Assert.NotNull(itemAgain.QuerySelector("[data-testid=block-card]"));
    }

    [Fact]
    public async Task Block_ChineseHolder_MailMarkAndRefusalInChinese()
    {
        // Arrange: the holder's language is Chinese (stored with their account).
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var number = new CardFormBuilder();
        Assert.Equal(HttpStatusCode.Redirect, (await holder.AddCardAsync(number)).StatusCode);
        var card = (await holder.CardIdsAsync())[^1];
        var merchant = await Merchants.OrdinaryAsync(factory);
        await Html.SubmitAsync(holder.Client, "/Language/Set", [new("culture", "zh-CN"), new("returnUrl", "/Profile")], formPage: "/Profile");
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);

        // Act
        await BlockAsync(analyst, card, CardBlockReason.SuspectedFraud);
        var details = await Html.GetPageAsync(holder.Client, $"/Cards/Details/{card}");
        var refused = await holder.PayAsync(card, merchant, 10m);
        await UnblockAsync(analyst, card);

        // Assert
        var mail = Mailbox.MessageTo(factory, holder.Email, Chinese.Of("Your card was blocked by the bank"));
        Assert.Contains(Chinese.Of("We have blocked your card {0}: every payment with it is refused until we lift the block.", $"Visa •••• {number.Number[^4..]}"), mail, StringComparison.Ordinal);
        Mailbox.MessageTo(factory, holder.Email, Chinese.Of("Your card's block was lifted"));
        Assert.Contains("冻结", details.QuerySelector("[data-testid=card-stopped]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains(Chinese.Of(Card.BlockedMessage), Html.ValidationMessages(await Html.ParseAsync(refused)));
    }

    [Fact]
    public async Task Export_BlockedCard_SaysBlockedWithReasonAndTheStaffEvent()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync();
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        await BlockAsync(analyst, card, CardBlockReason.Other, "Merchant called about this card");

        // Act
        var response = await Html.SubmitAsync(holder.Client, "/Privacy/Export", [], "/Privacy");
        var root = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        // Assert
        var exported = root.GetProperty("cards").EnumerateArray().Single(c => c.GetProperty("id").GetInt64() == card);
        Assert.Equal("blocked", exported.GetProperty("stopped").GetString());
        Assert.Equal("other", exported.GetProperty("blockReason").GetString());
        Assert.Equal("Merchant called about this card", exported.GetProperty("blockNote").GetString());
        var blockEvent = Assert.Single(root.GetProperty("securityEvents").EnumerateArray(), e => e.GetProperty("action").GetString() == "card.block");
        Assert.Equal($"card {card}", blockEvent.GetProperty("target").GetString());
        Assert.Equal("staff", blockEvent.GetProperty("by").GetString());
    }

    [Fact]
    public async Task Close_HolderOfABlockedCard_NoteErasedBlockReasonKeptAndNeitherLiftedNorPlacedAfter()
    {
        // Arrange: staff's note is about the holder (personal data, docs/decisions/0004, 0028).
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync();
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        await BlockAsync(analyst, card, CardBlockReason.HolderRequest, "Ada called from her office in Leeds");

        // Act
        var closed = await Html.SubmitAsync(holder.Client, "/Privacy/Close", [new("Form.CurrentPassword", FraudWebFactory.Password)], "/Privacy/Close");

        // Assert
        Assert.Equal("/Privacy/Closed", Html.Location(closed));
        var stored = await factory.QueryAsync(db => db.Cards.AsNoTracking().SingleAsync(c => c.Id == card));
        Assert.Equal(Card.ErasedBlockNote, stored.BlockNote);
        Assert.Equal(CardStop.Blocked, stored.StoppedAs);
        Assert.Equal(CardBlockReason.HolderRequest, stored.BlockReason);
        // Review finding: the block of a closed account's card could be lifted, which changed nothing but said it had.
        var unblock = await UnblockAsync(analyst, card);
        var unblockPage = await Html.GetPageAsync(analyst.Client, Html.Location(unblock));
        Assert.Contains("account is closed", unblockPage.QuerySelector("[data-testid=review-error]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(CardStop.Blocked, await factory.QueryAsync(db => db.Cards.Where(c => c.Id == card).Select(c => c.StoppedAs).SingleAsync()));
    }

    internal static Task<HttpResponseMessage> BlockAsync(CardHolderSession staff, long card, CardBlockReason reason, string? note = null)
    {
        var fields = new List<KeyValuePair<string, string>> { new("Reason", reason.ToString()), new("returnUrl", "/Review") };
        if (note is not null) fields.Add(new("Note", note));
        return Html.SubmitAsync(staff.Client, $"/CardBlocks/Block/{card}", fields, "/Review");
    }

    internal static Task<HttpResponseMessage> UnblockAsync(CardHolderSession staff, long card) =>
        Html.SubmitAsync(staff.Client, $"/CardBlocks/Unblock/{card}", [new("returnUrl", "/Review")], "/Review");
}
