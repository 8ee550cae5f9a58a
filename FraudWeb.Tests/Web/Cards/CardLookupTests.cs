using System.Globalization;
using System.Net;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Services.Admin;
using FraudWeb.Services.Cards;
using FraudWeb.Tests.Builders;
using FraudWeb.Tests.Web.Api;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FraudWeb.Tests.Web.Cards;

/// <summary>
/// Staff who block cards find one by its whole number or its holder's email address (docs/decisions/0030): the number
/// is posted and never comes back (page, address, logs); each lookup is audited with ids only; the block form on the
/// page comes back to the same cards.
/// </summary>
[Collection(WebTestGroup.Name)]
public sealed class CardLookupTests(FraudWebFactory factory)
{
    private const string Page = "/CardLookup";

    [Fact]
    public async Task ByNumber_HoldersWholeNumber_ShowsTheCardAndHolderNeverTheNumber()
    {
        // Arrange
        using var everything = factory.Logs.KeepEverything();
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var number = new CardFormBuilder();
        Assert.Equal(HttpStatusCode.Redirect, (await holder.AddCardAsync(number)).StatusCode);
        var card = (await holder.CardIdsAsync())[^1];
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        var logged = factory.Logs.Entries.Count;
        var spaced = string.Join(' ', number.Number.Chunk(4).Select(c => new string(c)));

        // Act
        var lookedUp = await Html.SubmitAsync(analyst.Client, "/CardLookup/ByNumber", [new("ByNumber.CardNumber", spaced)], Page);
        var page = await analyst.Client.GetAsync(new Uri(Page, UriKind.Relative));
        var html = await page.Content.ReadAsStringAsync();

        // Assert: redirected to the page itself (the number in no address), which shows the card, its holder and the block form.
        Assert.Equal(HttpStatusCode.Redirect, lookedUp.StatusCode);
        Assert.Equal(Page, Html.Location(lookedUp));
        var shown = await Html.ParseAsync(page);
        var item = shown.QuerySelector($"[data-testid=lookup-card][data-card-id='{card}']");
        Assert.NotNull(item);
        Assert.True(shown.QuerySelector("#results-heading")!.HasAttribute("data-focus-on-load")); // the results are read out
        Assert.Contains(holder.Email, item.QuerySelector("[data-testid=lookup-holder]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("•••• " + number.Number[^4..], item.TextContent, StringComparison.Ordinal);
        Assert.NotNull(item.QuerySelector("[data-testid=card-active]"));
        Assert.NotNull(item.QuerySelector("[data-testid=block-card] form"));
        Assert.DoesNotContain(number.Number, html, StringComparison.Ordinal);
        Assert.DoesNotContain(spaced, html, StringComparison.Ordinal);
        Assert.DoesNotContain(factory.Logs.Entries.Skip(logged), e => e.Contains(number.Number, StringComparison.Ordinal) || e.Contains(spaced, StringComparison.Ordinal));
        // Audited: who looked which card up and how; never the number.
        var analystId = await factory.UserIdAsync(analyst.Email);
        var entry = await factory.QueryAsync(db => db.Set<AuditEntry>().SingleAsync(a => a.Action == AuditActions.CardLookup && a.ActorId == analystId));
        Assert.Equal("card", entry.TargetType);
        Assert.Equal(card.ToString(CultureInfo.InvariantCulture), entry.TargetId);
        Assert.Equal("""{"LookedUpBy":"CardNumber","CardsFound":1}""", entry.After);
        Assert.DoesNotContain(number.Number[^4..], entry.After, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ByEmail_HoldersAddressInCapitals_ShowsEachOfTheirCardsAuditedWithoutTheAddress()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        await holder.AddCardAsync();
        await holder.AddCardAsync();
        var cards = await holder.CardIdsAsync();
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);

        // Act
        var lookedUp = await Html.SubmitAsync(analyst.Client, "/CardLookup/ByEmail", [new("ByEmail.Email", " " + holder.Email.ToUpperInvariant() + " ")], Page);
        var page = await Html.GetPageAsync(analyst.Client, Page);

        // Assert
        Assert.Equal(Page, Html.Location(lookedUp));
        Assert.Equal(cards.Select(c => c.ToString(CultureInfo.InvariantCulture)), page.QuerySelectorAll("[data-testid=lookup-card]").Select(e => e.GetAttribute("data-card-id")));
        var analystId = await factory.UserIdAsync(analyst.Email);
        var entries = await factory.QueryAsync(db => db.Set<AuditEntry>().Where(a => a.Action == AuditActions.CardLookup && a.ActorId == analystId).OrderBy(a => a.Id).ToListAsync());
        Assert.Equal(cards.Select(c => c.ToString(CultureInfo.InvariantCulture)), entries.Select(e => e.TargetId));
        Assert.All(entries, e => Assert.Equal("""{"LookedUpBy":"Email","CardsFound":2}""", e.After));
    }

    public static TheoryData<string, string> NotCardNumbers => new()
    {
        { "", "Enter the card number." },
        { "not a number", "Enter the card number using digits only (spaces and dashes are fine)." },
        { "4111 1111 1111 1112", "This card number is not valid. Please check it and try again." },
        { "4111 1111 1111 11", "A Visa card number has 13, 16 or 19 digits." },
    };

    [Theory]
    [MemberData(nameof(NotCardNumbers))]
    public async Task ByNumber_NotACardNumber_ValidationMessageNothingEchoedNothingAudited(string typed, string message)
    {
        // Arrange
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);

        // Act
        var response = await Html.SubmitAsync(analyst.Client, "/CardLookup/ByNumber", [new("ByNumber.CardNumber", typed)], Page);
        var page = await Html.ParseAsync(response);

        // Assert: the form again with its message, the field empty; no lookup, so nothing audited.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(message, Html.ValidationMessages(page));
        Assert.Equal("", page.QuerySelector("input[name='ByNumber.CardNumber']")!.GetAttribute("value"));
        if (typed.Length > 0) Assert.DoesNotContain(typed, page.Body!.InnerHtml, StringComparison.Ordinal);
        Assert.Null(page.QuerySelector("[data-testid=lookup-results]"));
        var analystId = await factory.UserIdAsync(analyst.Email);
        Assert.Equal(0, await factory.QueryAsync(db => db.Set<AuditEntry>().CountAsync(a => a.ActorId == analystId && a.Action == AuditActions.CardLookup)));
    }

    [Theory]
    [InlineData("", "Enter the card holder's email address.")]
    [InlineData("not an address", "Enter a valid email address.")]
    public async Task ByEmail_NotAnAddress_ValidationMessage(string typed, string message)
    {
        // Arrange
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);

        // Act
        var response = await Html.SubmitAsync(analyst.Client, "/CardLookup/ByEmail", [new("ByEmail.Email", typed)], Page);

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(message, Html.ValidationMessages(await Html.ParseAsync(response)));
    }

    [Fact]
    public async Task ByNumber_NoCardWithThatNumber_SaysSoAndTheMissIsAudited()
    {
        // Arrange
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);

        // Act
        await Html.SubmitAsync(analyst.Client, "/CardLookup/ByNumber", [new("ByNumber.CardNumber", TestCards.NewVisa())], Page);
        var page = await Html.GetPageAsync(analyst.Client, Page);

        // Assert
        Assert.NotNull(page.QuerySelector("[data-testid=lookup-none]"));
        Assert.Empty(page.QuerySelectorAll("[data-testid=lookup-card]"));
        var analystId = await factory.UserIdAsync(analyst.Email);
        var entry = await factory.QueryAsync(db => db.Set<AuditEntry>().SingleAsync(a => a.Action == AuditActions.CardLookup && a.ActorId == analystId));
        Assert.Equal(CardLookupService.NothingFound, entry.TargetId);
        Assert.Equal("""{"LookedUpBy":"CardNumber","CardsFound":0}""", entry.After);
    }

    /// <summary>A holder's new card looked up by their address on the analyst's lookup page, with its block form as shown.</summary>
    private async Task<(CardHolderSession Holder, long Card, CardHolderSession Analyst, AngleSharp.Dom.IElement Form, string ReturnUrl)> LookedUpByEmailAsync()
    {
        var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync();
        var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        await Html.SubmitAsync(analyst.Client, "/CardLookup/ByEmail", [new("ByEmail.Email", holder.Email)], Page);
        var before = await Html.GetPageAsync(analyst.Client, Page);
        var form = before.QuerySelector($"[data-card-id='{card}'] [data-testid=block-card] form")!;
        return (holder, card, analyst, form, form.QuerySelector("input[name=returnUrl]")!.GetAttribute("value")!);
    }

    [Fact]
    public async Task Block_FromTheLookupPage_BackOnThePageWithTheCardBlockedThenUnblocked()
    {
        // Arrange
        var (holder, card, analyst, form, returnUrl) = await LookedUpByEmailAsync();
        using var _ = holder;
        using var __ = analyst;

        // Act: the form as the page shows it.
        var blocked = await Html.SubmitAsync(analyst.Client, form.GetAttribute("action")!,
            [new("Reason", nameof(CardBlockReason.HolderRequest)), new("returnUrl", returnUrl)], Page);
        var after = await Html.GetPageAsync(analyst.Client, Page);
        var unblockAction = after.QuerySelector($"[data-card-id='{card}'] form:has([data-testid=unblock-card])")!.GetAttribute("action")!;
        var unblocked = await Html.SubmitAsync(analyst.Client, unblockAction, [new("returnUrl", Page)], Page);
        var last = await Html.GetPageAsync(analyst.Client, Page);

        // Assert: back on the page each time, the same card shown as it now is, with the other button.
        Assert.Equal(Page, Html.Location(blocked));
        var item = after.QuerySelector($"[data-card-id='{card}']")!;
        Assert.Equal("Blocked", item.QuerySelector("[data-testid=card-stopped]")!.GetAttribute("data-stopped-as"));
        Assert.Null(item.QuerySelector("[data-testid=block-card]"));
        Assert.Contains("is blocked", after.QuerySelector("[role=status]")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(Page, Html.Location(unblocked));
        Assert.NotNull(last.QuerySelector($"[data-card-id='{card}'] [data-testid=card-active]"));
        Assert.NotNull(last.QuerySelector($"[data-card-id='{card}'] [data-testid=block-card]"));
        Assert.Null(await factory.QueryAsync(db => db.Cards.Where(c => c.Id == card).Select(c => c.StoppedAs).SingleAsync()));
    }

    [Theory]
    [InlineData("", "Say in the note why the card is blocked.")]
    [InlineData("4111 1111 1111 1111", FraudWeb.Domain.Cards.CardNumber.TypedWhereNotWanted)]
    public async Task Block_RefusedFromTheLookupPage_TheCardStaysShownWithItsFormAndTheMessage(string note, string message)
    {
        // Arrange (QA: "Other" without a note, or a card number in it, came back to a page without the card, so staff
        // had to look it up again, audited and counted against the lookup limit)
        var (holder, card, analyst, form, returnUrl) = await LookedUpByEmailAsync();
        using var _ = holder;
        using var __ = analyst;

        // Act: the form as the page shows it, refused.
        var refused = await Html.SubmitAsync(analyst.Client, form.GetAttribute("action")!,
            [new("Reason", nameof(CardBlockReason.Other)), new("Note", note), new("returnUrl", returnUrl)], Page);
        var page = await analyst.Client.GetAsync(new Uri(Html.Location(refused), UriKind.Relative));
        var html = await page.Content.ReadAsStringAsync();
        var after = await Html.ParseAsync(page);

        // Assert: back on the page with the card, its form and why (a number typed in the note never shown); nothing blocked
        Assert.Equal(Page, Html.Location(refused));
        Assert.NotNull(after.QuerySelector($"[data-card-id='{card}'] [data-testid=block-card] form"));
        Assert.Contains(message, after.QuerySelector("[role=alert]")!.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("4111 1111 1111 1111", html, StringComparison.Ordinal);
        Assert.DoesNotContain("4111111111111111", html, StringComparison.Ordinal);
        Assert.Null(await factory.QueryAsync(db => db.Cards.Where(c => c.Id == card).Select(c => c.StoppedAs).SingleAsync()));
    }

    [Fact]
    public async Task Index_AnotherStaffMemberOnTheSameBrowser_DoesNotSeeTheLastLookup()
    {
        // Arrange: a shared desk; one analyst looks a holder up and signs out, another signs in on the same browser.
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        await holder.AddCardAsync();
        using var first = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        using var second = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        await Html.SubmitAsync(first.Client, "/CardLookup/ByEmail", [new("ByEmail.Email", holder.Email)], Page);
        Assert.NotEmpty((await Html.GetPageAsync(first.Client, Page)).QuerySelectorAll("[data-testid=lookup-card]"));
        await first.SignOutAsync();

        // Act
        await MfaSteps.SignInAsync(factory, first.Client, second.Email, FraudWebFactory.Password);
        var page = await Html.GetPageAsync(first.Client, Page);

        // Assert
        Assert.Contains(second.Email, page.QuerySelector("[data-testid=signed-in-as]")!.TextContent, StringComparison.Ordinal);
        Assert.Null(page.QuerySelector("[data-testid=lookup-results]"));
    }

    [Fact]
    public async Task ByEmail_TheStaffMembersOwnCard_ShownWithoutFormsAndABlockPostedAnywayRefused()
    {
        // Arrange: a card holder who became an analyst keeps their card.
        using var self = await CardHolderSession.RegisteredAsync(factory);
        var card = await self.AddCardAsync();
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var user = (await users.FindByEmailAsync(self.Email))!;
            Assert.True((await users.AddToRoleAsync(user, Roles.Analyst)).Succeeded);
        }
        await self.SignOutAsync();
        await self.SignInAsync(FraudWebFactory.Password);

        // Act
        await Html.SubmitAsync(self.Client, "/CardLookup/ByEmail", [new("ByEmail.Email", self.Email)], Page);
        var page = await Html.GetPageAsync(self.Client, Page);
        var posted = await Html.SubmitAsync(self.Client, $"/CardBlocks/Block/{card}", [new("Reason", nameof(CardBlockReason.SuspectedFraud)), new("returnUrl", Page)], Page);
        var after = await Html.GetPageAsync(self.Client, Page);

        // Assert
        var item = page.QuerySelector($"[data-card-id='{card}']")!;
        Assert.NotNull(item.QuerySelector("[data-testid=lookup-own-card]"));
        Assert.Null(item.QuerySelector("[data-testid=block-card]"));
        Assert.Equal(Page, Html.Location(posted));
        Assert.Contains("another member of staff", after.QuerySelector("[data-testid=admin-error]")!.TextContent, StringComparison.Ordinal);
        Assert.Null(await factory.QueryAsync(db => db.Cards.Where(c => c.Id == card).Select(c => c.StoppedAs).SingleAsync()));
    }

    [Fact]
    public async Task ByNumber_CardOfAClosedAccount_ShownSayingSoWithoutForms()
    {
        // Arrange: the holder closes their account; the card (kept, with its number's fingerprint) is still found.
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var number = new CardFormBuilder();
        Assert.Equal(HttpStatusCode.Redirect, (await holder.AddCardAsync(number)).StatusCode);
        var card = (await holder.CardIdsAsync())[^1];
        var closed = await Html.SubmitAsync(holder.Client, "/Privacy/Close", [new("Form.CurrentPassword", FraudWebFactory.Password)], "/Privacy/Close");
        Assert.Equal("/Privacy/Closed", Html.Location(closed));
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);

        // Act
        await Html.SubmitAsync(analyst.Client, "/CardLookup/ByNumber", [new("ByNumber.CardNumber", number.Number)], Page);
        var page = await Html.GetPageAsync(analyst.Client, Page);

        // Assert
        var item = page.QuerySelector($"[data-card-id='{card}']")!;
        Assert.NotNull(item.QuerySelector("[data-testid=lookup-closed]"));
        Assert.Contains("Erased card holder", item.QuerySelector("[data-testid=lookup-holder]")!.TextContent, StringComparison.Ordinal);
        Assert.Null(item.QuerySelector("[data-testid=block-card]"));
        Assert.Null(item.QuerySelector("[data-testid=unblock-card]"));
    }

    [Fact]
    public async Task Export_CardLookedUpByStaff_ListedAsTheirSecurityEvent()
    {
        // Arrange: a lookup is staff reading the holder's data, so the holder's download says so.
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync();
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        await Html.SubmitAsync(analyst.Client, "/CardLookup/ByEmail", [new("ByEmail.Email", holder.Email)], Page);

        // Act
        var response = await Html.SubmitAsync(holder.Client, "/Privacy/Export", [], "/Privacy");
        var root = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        // Assert
        var lookup = Assert.Single(root.GetProperty("securityEvents").EnumerateArray(), e => e.GetProperty("action").GetString() == AuditActions.CardLookup);
        Assert.Equal($"card {card}", lookup.GetProperty("target").GetString());
        Assert.Equal("staff", lookup.GetProperty("by").GetString());
    }
}
