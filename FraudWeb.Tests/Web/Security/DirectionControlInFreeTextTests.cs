using System.Net;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Domain.Rules;
using FraudWeb.Services.ApiKeys;
using FraudWeb.Tests.Web.Api;
using FraudWeb.Tests.Web.Infrastructure;
using FraudWeb.Tests.Web.Rules;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Tests.Web.Security;

/// <summary>
/// A text-direction override (U+202E and the other Bidi_Control characters) typed into free text that staff read
/// (exploratory testing: a report's reason showed reversed in the review queue): refused under the field that holds
/// it, in the page and in the API, and nothing is stored.
/// </summary>
[Collection(WebTestGroup.Name)]
public sealed class DirectionControlInFreeTextTests(FraudWebFactory factory)
{
    private const string Refusal = "Remove the text-direction control characters.";

    private static string FieldMessage(AngleSharp.Html.Dom.IHtmlDocument page, string field) =>
        page.QuerySelector($"[data-valmsg-for='{field}']")?.TextContent.Trim() ?? "";

    [Fact]
    public async Task Report_DirectionOverrideInTheReason_RefusedUnderTheReasonAndNothingStored()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync();
        var payment = await holder.PayAndGetIdAsync(card, await Merchants.OrdinaryAsync(factory), 12.50m);

        // Act
        var response = await holder.ReportAsync(payment, ReportKind.NotMe, "\u202eevil text reversed");

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Refusal, FieldMessage(await Html.ParseAsync(response), "Reason"));
        Assert.False(await factory.QueryAsync(db => db.FraudReports.AnyAsync(r => r.TransactionId == payment)));
    }

    [Fact]
    public async Task ApiReport_DirectionOverrideInTheReason_ProblemNamingTheReasonAndNothingStored()
    {
        // Arrange
        var (api, card, merchant) = await factory.HolderWithKeyAsync();
        using var client = api;
        var payment = (await api.PostAsync(factory, "/api/v1/payments", new { cardId = card, terminalId = merchant, amount = 12 })).Json.GetProperty("id").GetInt64();

        // Act
        var response = await api.PostAsync(factory, $"/api/v1/payments/{payment}/reports", new { kind = "not-me", reason = "\u202eevil text reversed" }, "report-bidi-1");

        // Assert: an RFC 9457 validation problem whose errors name the reason (a malformed request, as a NUL is: the
        // Idempotency-Key stays free for the corrected report, ApiReportReasonTests)
        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.StartsWith("application/problem+json", response.Header("Content-Type"), StringComparison.Ordinal);
        Assert.Equal("/api/problems/validation", response.Json.GetProperty("type").GetString());
        Assert.Equal(FraudWeb.Api.ReportReasonAttribute.DirectionMessage, response.Json.GetProperty("errors").GetProperty("reason")[0].GetString());
        Assert.False(await factory.QueryAsync(db => db.FraudReports.AnyAsync(r => r.TransactionId == payment)));
    }

    [Fact]
    public async Task CreateApiKey_DirectionOverrideInTheName_RefusedAndNoKey()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);

        // Act
        var response = await ApiSteps.SubmitKeyFormAsync(holder.Client, "/ApiKeys/Create", "/ApiKeys", "key \u202Eyek", [ApiScopes.PaymentsRead]);

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(Refusal, Html.ValidationMessages(await Html.ParseAsync(response)));
        var ownerId = await factory.UserIdAsync(holder.Email);
        Assert.False(await factory.QueryAsync(db => db.ApiKeys.AnyAsync(k => k.OwnerId == ownerId)));
    }

    [Fact]
    public async Task CreateRuleAndList_DirectionOverrideInTheNameOrDescription_RefusedUnderThatField()
    {
        // Arrange
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        var marker = Guid.NewGuid().ToString("N")[..8];

        // Act
        var rule = await analyst.SubmitRuleAsync($"rule {marker} \u202Ekcolb", RuleAction.Review, "amount > 100");
        var list = await Html.SubmitAsync(analyst.Client, "/RuleLists/Create", new Dictionary<string, string>
        {
            ["Name"] = "seen_" + marker,
            ["Kind"] = nameof(RuleListKind.Merchant),
            ["Purpose"] = nameof(RuleListPurpose.Block),
            ["Description"] = "seen \u2067at night\u2069",
        });

        // Assert
        Assert.Equal(HttpStatusCode.OK, rule.StatusCode);
        Assert.Equal(Refusal, FieldMessage(await Html.ParseAsync(rule), "Name"));
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.Equal(Refusal, FieldMessage(await Html.ParseAsync(list), "Description"));
        Assert.False(await factory.QueryAsync(db => db.Set<FraudRule>().AnyAsync(r => r.Name.Contains(marker))));
        Assert.False(await factory.QueryAsync(db => db.Set<RuleList>().AnyAsync(l => l.Name == "seen_" + marker)));
    }

    [Fact]
    public async Task AddCard_DirectionOverrideInTheCardholderName_RefusedUnderTheNameAndNoCard()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);

        // Act
        var response = await holder.AddCardAsync(new Builders.CardFormBuilder().With("CardholderName", "ADA \u202ELOVELACE"));

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Refusal, FieldMessage(await Html.ParseAsync(response), "CardholderName"));
        Assert.Empty(await holder.CardIdsAsync());
    }
}
