using System.Net;
using System.Text.Json;
using FraudWeb.Domain.Entities;
using FraudWeb.Services.Admin;
using FraudWeb.Services.ApiKeys;
using FraudWeb.Services.Privacy;
using FraudWeb.Tests.Builders;
using FraudWeb.Tests.Web.Api;
using FraudWeb.Tests.Web.Infrastructure;
using FraudWeb.ViewModels.Account;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Tests.Web.Accounts;

/// <summary>
/// PIPL article 29 (auditor): card and payment records are sensitive personal information, processed only with the
/// holder's separate consent, recorded with the notice it was given to; holders without one are asked before anything else.
/// </summary>
[Collection(WebTestGroup.Name)]
public sealed class ConsentTests(FraudWebFactory factory)
{
    private Task<string> UserIdAsync(string email) => factory.QueryAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync());

    private Task<CardHolder> HolderAsync(string userId) => factory.QueryAsync(db => db.CardHolders.AsNoTracking().SingleAsync(h => h.UserId == userId));

    /// <summary>As a holder from before consent was recorded (or registered by an administrator) is stored.</summary>
    private Task<int> ForgetConsentAsync(string userId) => factory.QueryAsync(db => db.CardHolders.Where(h => h.UserId == userId)
        .ExecuteUpdateAsync(s => s.SetProperty(h => h.ConsentedUtc, (DateTime?)null).SetProperty(h => h.ConsentNotice, (string?)null)));

    private Task<bool> ConsentAuditedAsync(string userId) => factory.QueryAsync(db => db.Set<AuditEntry>().AnyAsync(a =>
        a.Action == AuditActions.UserConsent && a.ActorId == userId && a.TargetId == userId && a.After!.Contains(PrivacyNotice.Version)));

    [Fact]
    public async Task Register_BoxNotTicked_RefusedAndNothingStored()
    {
        // Arrange
        using var session = CardHolderSession.Anonymous(factory);

        // Act: the box left unticked (a browser then sends only the hidden "false")
        var response = await session.RegisterAsync(new RegistrationBuilder(session.Email, FraudWebFactory.Password).With("SensitiveDataConsent", "false"));
        var page = await Html.ParseAsync(response);

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(ConsentViewModel.Required, page.QuerySelector("[data-valmsg-for=SensitiveDataConsent]")!.TextContent.Trim());
        Assert.False(await factory.QueryAsync(db => db.Users.AnyAsync(u => u.Email == session.Email)));
        Assert.Empty(Mailbox.MessagesTo(factory, session.Email));
    }

    [Fact]
    public async Task Register_FormPage_ConsentIsItsOwnUntickedBox()
    {
        // Arrange
        using var client = factory.CreateBrowserClient();

        // Act
        var page = await Html.GetPageAsync(client, "/Account/Register");

        // Assert: a box of its own, unticked, labelled with what is consented to
        var box = page.QuerySelector("[data-testid=consent] input[type=checkbox][name=SensitiveDataConsent]")!;
        Assert.False(box.HasAttribute("checked"));
        Assert.Equal(ConsentViewModel.Label, page.QuerySelector($"label[for={box.Id}]")!.TextContent.Trim());
    }

    [Fact]
    public async Task Register_BoxTicked_ConsentRecordedWithTheNoticeAndAudited()
    {
        // Arrange, Act
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var userId = await UserIdAsync(holder.Email);

        // Assert
        var stored = await HolderAsync(userId);
        Assert.Equal(PrivacyNotice.Version, stored.ConsentNotice);
        Assert.NotNull(stored.ConsentedUtc);
        Assert.True(await ConsentAuditedAsync(userId));
        var data = await Html.GetPageAsync(holder.Client, "/Privacy");
        Assert.Contains(PrivacyNotice.Version, data.QuerySelector("[data-testid=consent-record]")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pages_HolderWithoutConsent_AskedFirstThenBackToThePage()
    {
        // Arrange: a holder whose consent is not recorded, signing in afresh
        using var registered = await CardHolderSession.RegisteredAsync(factory);
        var userId = await UserIdAsync(registered.Email);
        await ForgetConsentAsync(userId);
        using var holder = CardHolderSession.Anonymous(factory, registered.Email);
        Assert.Equal("/Profile", Html.Location(await holder.SignInAsync(FraudWebFactory.Password)));

        // Act
        using var profile = await holder.Client.GetAsync(new Uri("/Profile", UriKind.Relative));
        using var cards = await holder.Client.GetAsync(new Uri("/Cards/Add", UriKind.Relative));
        using var data = await holder.Client.GetAsync(new Uri("/Privacy", UriKind.Relative));
        var asked = Html.Location(profile);
        var unticked = await Html.SubmitAsync(holder.Client, "/Account/Consent", new Dictionary<string, string> { ["ReturnUrl"] = "/Profile" }, asked);
        var untickedPage = await Html.ParseAsync(unticked);
        var given = await Html.SubmitAsync(holder.Client, "/Account/Consent",
            new Dictionary<string, string> { ["ReturnUrl"] = "/Profile", ["SensitiveDataConsent"] = "true" }, asked);
        using var after = await holder.Client.GetAsync(new Uri("/Profile", UriKind.Relative));

        // Assert: every page but their data asks first; the unticked box is refused; once given, the page it came from
        Assert.Equal("/Account/Consent?returnUrl=%2FProfile", asked);
        Assert.StartsWith("/Account/Consent", Html.Location(cards), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, data.StatusCode);
        Assert.Equal(HttpStatusCode.OK, unticked.StatusCode);
        Assert.Equal(ConsentViewModel.Required, untickedPage.QuerySelector("[data-valmsg-for=SensitiveDataConsent]")!.TextContent.Trim());
        Assert.Equal("/Profile", Html.Location(given));
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal(PrivacyNotice.Version, (await HolderAsync(userId)).ConsentNotice);
        Assert.True(await ConsentAuditedAsync(userId));
    }

    [Fact]
    public async Task Consent_ReturnAddressOfAnotherSite_GoesToTheProfileInstead()
    {
        // Arrange
        using var registered = await CardHolderSession.RegisteredAsync(factory);
        await ForgetConsentAsync(await UserIdAsync(registered.Email));
        using var holder = CardHolderSession.Anonymous(factory, registered.Email);
        await holder.SignInAsync(FraudWebFactory.Password);

        // Act
        var given = await Html.SubmitAsync(holder.Client, "/Account/Consent",
            new Dictionary<string, string> { ["ReturnUrl"] = "https://evil.example/", ["SensitiveDataConsent"] = "true" }, "/Account/Consent");

        // Assert
        Assert.Equal("/Profile", Html.Location(given));
    }

    [Fact]
    public async Task Api_HolderKeyWithoutConsent_RefusedSayingWhyUntilGiven()
    {
        // Arrange: a key used once, then the holder's consent not recorded
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var userId = await UserIdAsync(holder.Email);
        var key = await holder.CreateKeyAsync(ApiScopes.PaymentsRead);
        await ForgetConsentAsync(userId);

        // Act
        var refused = await factory.ApiClient(key).GetAsync(factory, "/api/v1/payments");
        using var fresh = CardHolderSession.Anonymous(factory, holder.Email);
        await fresh.SignInAsync(FraudWebFactory.Password);
        var given = await Html.SubmitAsync(fresh.Client, "/Account/Consent", new Dictionary<string, string> { ["SensitiveDataConsent"] = "true" }, "/Account/Consent");
        var accepted = await factory.ApiClient(key).GetAsync(factory, "/api/v1/payments");

        // Assert
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Equal("/api/problems/consent-required", refused.Json.GetProperty("type").GetString());
        Assert.Equal("/Profile", Html.Location(given));
        Assert.Equal(HttpStatusCode.OK, accepted.Status);
    }

    [Fact]
    public async Task ReportLost_HolderWithoutConsent_StopsTheCardWithoutWaitingForIt()
    {
        // Arrange (review: after a new notice every holder is asked first, and a lost card must never wait)
        using var registered = await CardHolderSession.RegisteredAsync(factory);
        var card = await registered.AddCardAsync();
        await ForgetConsentAsync(await UserIdAsync(registered.Email));
        using var holder = CardHolderSession.Anonymous(factory, registered.Email);
        await holder.SignInAsync(FraudWebFactory.Password);

        // Act
        var lost = await Html.SubmitAsync(holder.Client, $"/Cards/ReportLost/{card}", [], $"/Cards/ReportLost/{card}");

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, lost.StatusCode);
        Assert.Equal(CardStop.LostOrStolen, await factory.QueryAsync(db => db.Cards.Where(c => c.Id == card).Select(c => c.StoppedAs).SingleAsync()));
    }

    [Fact]
    public async Task Export_Registered_CarriesTheConsentAndItsNotice()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);

        // Act
        var export = await Html.SubmitAsync(holder.Client, "/Privacy/Export", new Dictionary<string, string>(), "/Privacy");
        using var json = JsonDocument.Parse(await export.Content.ReadAsStringAsync());

        // Assert
        var consent = json.RootElement.GetProperty("profile").GetProperty("consent");
        Assert.Equal(PrivacyNotice.Version, consent.GetProperty("privacyNotice").GetString());
        Assert.True(consent.GetProperty("givenUtc").TryGetDateTime(out _));
    }

    [Fact]
    public async Task PrivacyNotice_Anyone_NamesItsVersionAndTheConsent()
    {
        // Arrange
        using var client = factory.CreateBrowserClient();

        // Act
        var notice = await Html.GetPageAsync(client, "/Home/PrivacyNotice");

        // Assert
        Assert.Contains(PrivacyNotice.Version, notice.QuerySelector("[data-testid=notice-version]")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("separate consent", notice.QuerySelector("[data-testid=privacy-notice]")!.TextContent, StringComparison.Ordinal);
    }
}
