using System.Globalization;
using System.Net;
using FraudWeb.Api;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Services.Admin;
using FraudWeb.Services.ApiKeys;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FraudWeb.Tests.Web.Api;

/// <summary>
/// The bank's block through the API (cards:block, staff keys): the card lookup's forms as endpoints, with the same
/// service, rules, audit and mail (docs/decisions/0028), Idempotency-Key as every writing POST, a problem for each refusal.
/// </summary>
[Collection(WebTestGroup.Name)]
public sealed class ApiCardBlockTests(FraudWebFactory factory)
{
    private static string Block(long card) => $"/api/v1/cards/{card}/block";

    private static string Unblock(long card) => $"/api/v1/cards/{card}/unblock";

    private async Task<(string UserId, HttpClient Api)> AnalystAsync()
    {
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        var id = await factory.UserIdAsync(analyst.Email);
        return (id, factory.ApiClient(await factory.IssueKeyAsync(id, ApiScopes.CardsBlock)));
    }

    private Task<CardStop?> StoppedAsAsync(long card) => factory.QueryAsync(db => db.Cards.Where(c => c.Id == card).Select(c => c.StoppedAs).SingleAsync());

    private Task<List<AuditEntry>> AuditsAsync(long card) => factory.QueryAsync(db => db.Set<AuditEntry>().AsNoTracking()
        .Where(a => (a.Action == AuditActions.CardBlock || a.Action == AuditActions.CardUnblock) && a.TargetId == card.ToString(CultureInfo.InvariantCulture))
        .OrderBy(a => a.Id).ToListAsync());

    [Fact]
    public async Task BlockThenUnblock_HoldersCard_PaymentsRefusedThenTakenAuditedAndMailed()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync();
        var merchant = await Merchants.OrdinaryAsync(factory);
        using var pay = factory.ApiClient(await holder.CreateKeyAsync(ApiScopes.PaymentsRead, ApiScopes.PaymentsWrite));
        var (analystId, api) = await AnalystAsync();
        using var _ = api;

        // Act
        var blocked = await api.PostAsync(factory, Block(card), new { reason = "suspected-fraud", note = "Same pattern as case Kestrel." }, "block-1");
        var refused = await pay.PostAsync(factory, "/api/v1/payments", new { cardId = card, terminalId = merchant, amount = "15.00" }, Guid.NewGuid().ToString());
        var unblocked = await api.SendAsync(factory, HttpMethod.Post, Unblock(card), idempotencyKey: "unblock-1");
        var paid = await pay.PostAsync(factory, "/api/v1/payments", new { cardId = card, terminalId = merchant, amount = "16.00" }, Guid.NewGuid().ToString());

        // Assert: the card as the pages show it, never its number; blocked, then taking payments again
        Assert.Equal(HttpStatusCode.OK, blocked.Status);
        Assert.Equal(card, blocked.Json.GetProperty("id").GetInt64());
        var last4 = await factory.QueryAsync(db => db.Cards.Where(c => c.Id == card).Select(c => c.Last4).SingleAsync());
        Assert.EndsWith("•••• " + last4, blocked.Json.GetProperty("card").GetString(), StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\d{5,}", blocked.Json.GetProperty("card").GetString()!);
        Assert.True(blocked.Json.GetProperty("blocked").GetBoolean());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Status);
        Assert.Equal("/api/problems/card-blocked", refused.Json.GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.OK, unblocked.Status);
        Assert.False(unblocked.Json.GetProperty("blocked").GetBoolean());
        Assert.Equal(HttpStatusCode.Created, paid.Status);
        Assert.Null(await StoppedAsAsync(card));
        // Audited as the analyst, with the reason and never the note; the holder mailed both times
        var audits = await AuditsAsync(card);
        Assert.Equal([AuditActions.CardBlock, AuditActions.CardUnblock], audits.Select(a => a.Action));
        Assert.All(audits, a => Assert.Equal(analystId, a.ActorId));
        Assert.Contains("SuspectedFraud", audits[0].After, StringComparison.Ordinal);
        Assert.DoesNotContain("Kestrel", string.Concat(audits.Select(a => a.Before + a.After)), StringComparison.Ordinal);
        Assert.NotNull(Mailbox.MessageTo(factory, holder.Email, "Your card was blocked by the bank"));
        Assert.NotNull(Mailbox.MessageTo(factory, holder.Email, "Your card's block was lifted"));
    }

    [Fact]
    public async Task Block_SameIdempotencyKeyTwice_OneBlockOneAuditSameAnswer()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync();
        var (_, api) = await AnalystAsync();
        using var _ = api;

        // Act
        var first = await api.PostAsync(factory, Block(card), new { reason = "holder-request" }, "block-twice");
        var second = await api.PostAsync(factory, Block(card), new { reason = "holder-request" }, "block-twice");
        var other = await api.PostAsync(factory, Block(card), new { reason = "holder-request" }, "block-twice-new-key");

        // Assert: the retry gets the first answer; a new key finds the card blocked already (409), the block kept
        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(first.Body, second.Body);
        Assert.Equal(HttpStatusCode.Conflict, other.Status);
        Assert.Equal("/api/problems/conflict", other.Json.GetProperty("type").GetString());
        Assert.Single(await AuditsAsync(card));
        Assert.Equal(CardStop.Blocked, await StoppedAsAsync(card));
    }

    [Fact]
    public async Task Block_EachRefusal_ProblemAndCardUnchanged()
    {
        // Arrange: a card its holder reported lost, an active one, and an analyst who holds a card of their own
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync();
        using var lostHolder = await CardHolderSession.RegisteredAsync(factory);
        var lost = await lostHolder.AddCardAsync();
        using (var stop = factory.ApiClient(await lostHolder.CreateKeyAsync(ApiScopes.CardsWrite)))
        {
            Assert.Equal(HttpStatusCode.OK, (await stop.PostAsync(factory, $"/api/v1/cards/{lost}/stop", new { reason = "lost-or-stolen" }, "lost-1")).Status);
        }
        using var staffHolder = await CardHolderSession.RegisteredAsync(factory);
        var own = await staffHolder.AddCardAsync();
        var staffId = await factory.UserIdAsync(staffHolder.Email);
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            Assert.True((await users.AddToRoleAsync((await users.FindByIdAsync(staffId))!, Roles.Analyst)).Succeeded);
        }
        using var api = factory.ApiClient(await factory.IssueKeyAsync(staffId, ApiScopes.CardsBlock));

        // Act
        var ownCard = await api.PostAsync(factory, Block(own), new { reason = "suspected-fraud" }, "r-own");
        var stopped = await api.PostAsync(factory, Block(lost), new { reason = "suspected-fraud" }, "r-lost");
        var unblockStopped = await api.SendAsync(factory, HttpMethod.Post, Unblock(lost), idempotencyKey: "r-unblock-lost");
        var notBlocked = await api.SendAsync(factory, HttpMethod.Post, Unblock(card), idempotencyKey: "r-unblock-active");
        var missing = await api.PostAsync(factory, Block(987654321), new { reason = "suspected-fraud" }, "r-missing");
        var otherWithoutNote = await api.PostAsync(factory, Block(card), new { reason = "other" }, "r-other");
        var unknownReason = await api.SendAsync(factory, HttpMethod.Post, Block(card), "{\"reason\":\"fraud\"}", "r-unknown", validRequest: false);
        var noReason = await api.SendAsync(factory, HttpMethod.Post, Block(card), "{}", "r-none", validRequest: false);
        var longNote = await api.SendAsync(factory, HttpMethod.Post, Block(card),
            System.Text.Json.JsonSerializer.Serialize(new { reason = "other", note = new string('x', Card.BlockNoteMaxLength + 1) }), "r-long", validRequest: false);

        // Assert
        Assert.Equal(HttpStatusCode.UnprocessableEntity, ownCard.Status);
        Assert.Equal(FraudWeb.Services.Cards.CardBlockService.ApiOwnCardRefused, ownCard.Json.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.Conflict, stopped.Status);
        Assert.Equal(HttpStatusCode.Conflict, unblockStopped.Status);
        Assert.Equal(HttpStatusCode.Conflict, notBlocked.Status);
        Assert.Equal("This card is not blocked.", notBlocked.Json.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, otherWithoutNote.Status);
        Assert.True(otherWithoutNote.Json.GetProperty("errors").TryGetProperty("note", out _), otherWithoutNote.Body);
        foreach (var bad in new[] { unknownReason, noReason, longNote })
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
            Assert.Equal("/api/problems/validation", bad.Json.GetProperty("type").GetString());
        }
        Assert.Contains("suspected-fraud", unknownReason.Body, StringComparison.Ordinal);
        Assert.Null(await StoppedAsAsync(own));
        Assert.Equal(CardStop.LostOrStolen, await StoppedAsAsync(lost));
        Assert.Null(await StoppedAsAsync(card));
        Assert.Empty(await AuditsAsync(card));
    }

    [Fact]
    public void CardBlockValue_EveryMember_NamesADomainReasonAndEveryReasonHasOne()
    {
        // Assert: the controller reads a request's reason by its C# name
        Assert.Equal(Enum.GetNames<CardBlockReason>().Order(StringComparer.Ordinal), Enum.GetNames<CardBlockValue>().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Unblock_KeyAnAdministratorMadeForAColleague_OnTheAdministratorsOwnCard_RefusedAndAuditsNameTheKey()
    {
        // Arrange (review: an administrator made an analyst's cards:block key, saw its text, and lifted the bank's block
        // on their own card with it; the audit named only the analyst): a card holder who is also an administrator,
        // their card blocked by another analyst, and a key the administrator made for a colleague.
        using var adminHolder = await CardHolderSession.RegisteredAsync(factory);
        var own = await adminHolder.AddCardAsync();
        var adminId = await factory.UserIdAsync(adminHolder.Email);
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            Assert.True((await users.AddToRoleAsync((await users.FindByIdAsync(adminId))!, Roles.Admin)).Succeeded);
        }
        var (blockerId, blocker) = await AnalystAsync();
        using var _ = blocker;
        Assert.Equal(HttpStatusCode.OK, (await blocker.PostAsync(factory, Block(own), new { reason = "suspected-fraud" }, "own-block")).Status);
        using var colleague = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        var colleagueId = await factory.UserIdAsync(colleague.Email);
        string key;
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var made = await scope.ServiceProvider.GetRequiredService<ApiKeyService>().CreateAsync(colleagueId, adminId, "block tool", [ApiScopes.CardsBlock], 30, null, CancellationToken.None);
            Assert.True(made.Succeeded, made.Succeeded ? "" : made.Errors[0].Message);
            key = made.Value.Secret;
        }
        using var api = factory.ApiClient(key);
        using var other = await CardHolderSession.RegisteredAsync(factory);
        var otherCard = await other.AddCardAsync();

        // Act
        var unblockOwn = await api.SendAsync(factory, HttpMethod.Post, Unblock(own), idempotencyKey: "own-unblock");
        var blockOther = await api.PostAsync(factory, Block(otherCard), new { reason = "suspected-fraud" }, "other-block");

        // Assert
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unblockOwn.Status);
        Assert.Equal(FraudWeb.Services.Cards.CardBlockService.ApiOwnCardRefused, unblockOwn.Json.GetProperty("detail").GetString());
        Assert.Equal(CardStop.Blocked, await StoppedAsAsync(own));
        Assert.Equal(HttpStatusCode.OK, blockOther.Status);
        var entry = Assert.Single(await AuditsAsync(otherCard));
        Assert.Equal(colleagueId, entry.ActorId);
        using var after = System.Text.Json.JsonDocument.Parse(entry.After!);
        Assert.Equal(key[..ApiKey.PrefixLength], after.RootElement.GetProperty("Key").GetString());
        Assert.Equal(adminId, after.RootElement.GetProperty("KeyCreatedBy").GetString());
        Assert.Equal("SuspectedFraud", after.RootElement.GetProperty("BlockReason").GetString());
        Assert.NotEqual(blockerId, colleagueId);
    }
}
