using System.Net;
using FraudWeb.Data;
using FraudWeb.Services.ApiKeys;
using FraudWeb.Domain.Entities;
using FraudWeb.Domain.Rules;
using FraudWeb.Tests.Web.Infrastructure;
using FraudWeb.Tests.Web.Rules;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Tests.Web.Cards;

/// <summary>
/// A full card number typed where no card number belongs (security review): refused in names, addresses and
/// descriptions, masked in free-text reasons however it is written; never stored or shown whole (PCI DSS 3.4.1).
/// </summary>
[Collection(WebTestGroup.Name)]
public sealed class CardNumberInFreeTextTests(FraudWebFactory factory)
{
    private const string Number = "4242 4242 4242 4242";
    private const string Refusal = "Do not type a card number here: FraudWeb keeps only a card's last four digits.";

    [Fact]
    public async Task AddCard_NumberAsTheCardholderName_RefusedAndNoCard()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);

        // Act
        var response = await holder.AddCardAsync(new Builders.CardFormBuilder().With("CardholderName", "4242424242424242"));

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(Refusal, Html.ValidationMessages(await Html.ParseAsync(response)));
        Assert.Empty(await holder.CardIdsAsync());
    }

    [Fact]
    public async Task AddCard_NumberAsTheCardholderName_PageShowsItMaskedNotWhole()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);

        // Act
        var response = await holder.AddCardAsync(new Builders.CardFormBuilder().With("CardholderName", "4000056655665556"));

        // Assert: the refused field comes back masked, not as typed
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains(Refusal, Html.ValidationMessages(await Html.ParseAsync(response)));
        Assert.DoesNotContain("4000056655665556", html, StringComparison.Ordinal);
        Assert.Contains("•••• 5556", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pay_NumberTypedAsTheMerchantAndTheAmount_NeitherFieldNorMessageShowsItWhole()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync();

        // Act: binding refuses both and its message quotes what was typed
        var response = await holder.SubmitPaymentFormAsync(new Dictionary<string, string>
        {
            ["CardId"] = card.ToString(System.Globalization.CultureInfo.InvariantCulture), ["TerminalId"] = "4000056655665556", ["Amount"] = "5555 5555 5555 4444",
        });

        // Assert
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("4000056655665556", html, StringComparison.Ordinal);
        Assert.DoesNotContain("5555 5555 5555 4444", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/AdminAudit?Actor=4000056655665556")]
    [InlineData("/AdminAudit?Target=4000056655665556")]
    [InlineData("/AdminApiKeys?owner=4000056655665556")]
    public async Task StaffFilter_NumberTypedAsTheFilter_PageDoesNotShowItWhole(string url)
    {
        // Arrange (security review: the audit log's and the keys list's filter boxes wrote a typed card number back whole)
        using var admin = await ReviewSteps.SignedInAsAsync(factory, Roles.Admin);

        // Act: the address is sent on without the number first (CardNumberInAddressTests), then the page
        using var redirect = await admin.Client.GetAsync(new Uri(url, UriKind.Relative));
        using var response = await admin.Client.GetAsync(redirect.Headers.Location);

        // Assert
        Assert.Equal(HttpStatusCode.SeeOther, redirect.StatusCode);
        Assert.DoesNotContain("4000056655665556", redirect.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("4000056655665556", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_NumberTypedAsTheAddress_PageDoesNotShowItWhole()
    {
        // Arrange
        using var session = CardHolderSession.Anonymous(factory);

        // Act
        var response = await Html.SubmitAsync(session.Client, "/Account/Login", new Dictionary<string, string> { ["Email"] = "4000056655665556", ["Password"] = "x" });

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("4000056655665556", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EditProfile_NumberInAnAddressLine_RefusedAndNotStored()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var form = await Html.GetPageAsync(holder.Client, "/Profile/Edit");
        var fields = form.QuerySelectorAll("form[action='/Profile/Edit'] input[name]:not([type=hidden]), form[action='/Profile/Edit'] input[name=RowVersion]")
            .ToDictionary(i => i.GetAttribute("name")!, i => i.GetAttribute("value") ?? "");
        fields["AddressLine2"] = Number;

        // Act
        var response = await Html.SubmitAsync(holder.Client, "/Profile/Edit", fields);

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(Refusal, Html.ValidationMessages(await Html.ParseAsync(response)));
        Assert.DoesNotContain("4242424242424242", (await StoredData.RawAsync(factory)).Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateApiKey_NumberAsTheName_RefusedNoKeyAndShownMasked()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);

        // Act
        var response = await Api.ApiSteps.SubmitKeyFormAsync(holder.Client, "/ApiKeys/Create", "/ApiKeys", "4242-4242-4242-4242", [ApiScopes.PaymentsRead]);

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(Refusal, Html.ValidationMessages(await Html.ParseAsync(response)));
        var ownerId = await factory.QueryAsync(db => db.Users.Where(u => u.Email == holder.Email).Select(u => u.Id).SingleAsync());
        Assert.False(await factory.QueryAsync(db => db.ApiKeys.AnyAsync(k => k.OwnerId == ownerId)));
        Assert.DoesNotContain("4242-4242-4242-4242", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateRuleAndList_NumberInTheNameOrDescription_Refused()
    {
        // Arrange
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);

        // Act
        var rule = await analyst.SubmitRuleAsync("card " + Number, RuleAction.Review, "amount > 100");
        var list = await Html.SubmitAsync(analyst.Client, "/RuleLists/Create", new Dictionary<string, string>
        {
            ["Name"] = "cards_seen_" + Guid.NewGuid().ToString("N")[..8],
            ["Kind"] = nameof(RuleListKind.Merchant),
            ["Purpose"] = nameof(RuleListPurpose.Block),
            ["Description"] = "seen with " + Number,
        });

        // Assert
        Assert.Equal(HttpStatusCode.OK, rule.StatusCode);
        Assert.Contains(Refusal, Html.ValidationMessages(await Html.ParseAsync(rule)));
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Contains(Refusal, Html.ValidationMessages(await Html.ParseAsync(list)));
        Assert.False(await factory.QueryAsync(db => db.Set<FraudRule>().AnyAsync(r => r.Name.Contains("4242"))));
        Assert.False(await factory.QueryAsync(db => db.Set<RuleList>().AnyAsync(l => l.Description.Contains("4242"))));
        Assert.DoesNotContain(Number, await rule.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(Number, await list.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RuleAndStaffKeyForms_NumberInAFieldShownAgain_NeverWrittenBackWhole()
    {
        // Arrange (privacy test: fields written from the page's model, not their form state, came back whole)
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        using var admin = await ReviewSteps.SignedInAsAsync(factory, Roles.Admin);

        // Act
        var expression = await analyst.SubmitRuleAsync("watch", RuleAction.Review, "amount = 4242424242424242 or merchant = '" + Number + "'");
        var key = await Api.ApiSteps.SubmitKeyFormAsync(admin.Client, "/AdminApiKeys/Create", "/AdminApiKeys", "integration", [ApiScopes.ModelsRead], ownerEmail: Number);

        // Assert: refused, and neither the field nor the summary of what was written holds the number
        Assert.Equal(HttpStatusCode.OK, expression.StatusCode);
        var expressionHtml = await expression.Content.ReadAsStringAsync();
        Assert.DoesNotContain(Number, expressionHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("4242424242424242", expressionHtml, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, key.StatusCode);
        Assert.DoesNotContain(Number, await key.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("dots 4242.4242.4242.4242 here")]
    [InlineData("double  4242  4242  4242  4242  spaces")]
    [InlineData("no-break 4242\u00a04242\u00a04242\u00a04242 spaces")]
    [InlineData("full width ４２４２４２４２４２４２４２４２ digits")]
    [InlineData("brackets (4242)4242-4242-4242 and crosses 4242x4242x4242x4242")]
    public async Task Report_NumberWrittenAnyWayInTheReason_StoredMaskedAndShownMasked(string reason)
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync();
        var payment = await holder.PayAndGetIdAsync(card, await Merchants.OrdinaryAsync(factory), 12.50m);

        // Act
        var response = await holder.ReportAsync(payment, ReportKind.NotMe, reason);

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var stored = await factory.QueryAsync(db => db.Set<FraudReport>().Where(r => r.TransactionId == payment).Select(r => r.Reason).SingleAsync());
        Assert.Contains("Visa •••• 4242", stored, StringComparison.Ordinal);
        Assert.False(FraudWeb.Domain.Cards.CardNumber.IsIn(stored), stored);
        Assert.DoesNotMatch(@"4242\D{0,3}4242\D{0,3}4242", stored);
    }
}
