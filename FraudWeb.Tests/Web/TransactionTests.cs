using System.Net;
using System.Text.Json;
using FraudWeb.Domain.Entities;
using FraudWeb.Services.Models;
using FraudWeb.Services.Scoring;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FraudWeb.Tests.Web;

[Collection(WebTestGroup.Name)]
public sealed class TransactionTests(FraudWebFactory factory)
{
    [Fact]
    public async Task Submit_OrdinaryPayment_StoresFullVerdictAndProfileShowsIt()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var cardId = await holder.AddCardAsync(5000m);
        var merchant = await Merchants.OrdinaryAsync(factory);

        // Act
        var id = await holder.PayAndGetIdAsync(cardId, merchant, 42.50m);

        // Assert
        var stored = await factory.QueryAsync(db => db.Transactions.Include(t => t.Card).SingleAsync(t => t.Id == id));
        var activeVersion = await factory.QueryAsync(db => db.ModelVersions.Where(m => m.Status == ModelStatus.Serving).Select(m => m.Version).SingleAsync());
        var verdict = Assert.IsType<Verdict>(stored.Verdict);
        // No rules and well within the limit: the decision is the risk policy's for the recorded score.
        Assert.Equal(factory.Services.GetRequiredService<RiskPolicy>().Decide(verdict.RiskScore), verdict.Decision);
        Assert.Equal(activeVersion, verdict.ModelVersion);
        Assert.True(verdict.ScoringMilliseconds > 0);
        var reasons = TransactionScorer.ReadReasons(verdict.ReasonsJson);
        Assert.InRange(reasons.Count, 3, 5);
        Assert.All(reasons, r => Assert.False(string.IsNullOrWhiteSpace(r.Text)));
        Assert.Equal(42.50m, stored.Amount);
        Assert.Equal(TransactionSource.CardHolder, stored.Source);
        Assert.Equal(FraudLabel.Unknown, stored.Label);
        Assert.InRange(factory.Clock.UtcNow - stored.TimestampUtc, TimeSpan.Zero, TimeSpan.FromMinutes(5));
        Assert.Equal(verdict.Decision == Decision.Approved ? 42.50m : 0m, stored.Card!.Balance);

        var result = await Html.GetPageAsync(holder.Client, $"/Transactions/Details/{id}");
        Assert.Null(result.QuerySelector("[data-testid=risk-score]"));
        Assert.Equal(reasons.Count, result.QuerySelectorAll("ul.reasons li").Length);
        var profile = await Html.GetPageAsync(holder.Client, "/Profile");
        var row = profile.QuerySelector($"#transactions tr[data-transaction-id='{id}']")!;
        Assert.Contains(verdict.Decision.ToString(), row.QuerySelector("[data-decision]")!.GetAttribute("data-decision"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_OverAvailableCredit_DeclinedWithReasonAndStillRecorded()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var cardId = await holder.AddCardAsync(500m);
        var merchant = await Merchants.OrdinaryAsync(factory);

        // Act
        var id = await holder.PayAndGetIdAsync(cardId, merchant, 750m);

        // Assert
        var stored = await factory.QueryAsync(db => db.Transactions.Include(t => t.Card).SingleAsync(t => t.Id == id));
        Assert.Equal(Decision.Declined, stored.Verdict!.Decision);
        Assert.Equal(DeclineReasons.InsufficientCredit, stored.Verdict.DeclineReason);
        Assert.Equal(0m, stored.Card!.Balance);
        var result = await Html.GetPageAsync(holder.Client, $"/Transactions/Details/{id}");
        Assert.Equal(DeclineReasons.InsufficientCredit, result.QuerySelector("[data-testid=decline-reason]")!.TextContent.Trim());
        // The model gave its reasons, but the card's credit decided: they are not offered as the verdict's why.
        Assert.NotEmpty(FraudWeb.Services.Scoring.TransactionScorer.ReadReasons(stored.Verdict.ReasonsJson));
        Assert.Null(result.QuerySelector("ul.reasons"));
        var profile = await Html.GetPageAsync(holder.Client, "/Profile");
        Assert.NotNull(profile.QuerySelector($"#fraud-history tr[data-transaction-id='{id}']"));
    }

    [Fact]
    public async Task Submit_ApprovedPayments_ReduceAvailableCredit()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var cardId = await holder.AddCardAsync(1000m);
        var merchant = await Merchants.OrdinaryAsync(factory);

        // Act
        var first = await holder.PayAndGetIdAsync(cardId, merchant, 20m);
        var second = await holder.PayAndGetIdAsync(cardId, merchant, 30.25m);

        // Assert
        var rows = await factory.QueryAsync(db => db.Transactions.Where(t => t.Id == first || t.Id == second).ToListAsync());
        var charged = rows.Where(t => t.Verdict!.Decision == Decision.Approved).Sum(t => t.Amount);
        // With neither approved the balance would stay 0 and the checks below would hold without showing anything.
        Assert.True(charged > 0m, $"Neither payment was approved: {string.Join(", ", rows.Select(t => t.Verdict!.Decision))}.");
        var card = await factory.QueryAsync(db => db.Cards.SingleAsync(c => c.Id == cardId));
        Assert.Equal(charged, card.Balance);
        Assert.Equal(1000m - charged, card.AvailableCredit);
    }

    [Theory]
    [InlineData("abc", "\"abc\" is not an amount. Write it like 12.50.")]
    [InlineData("0", "The amount must be between 0.01 and 1,000,000.")]
    [InlineData("12.345", "Enter at most two decimals (cents), like 12.50.")]
    [InlineData("12,50", "Use \".\" before the cents: 12.50.")]
    [InlineData("2000000", "The amount must be between 0.01 and 1,000,000.")]
    public async Task Submit_BadAmount_ShowsMessageAndStoresNothing(string amount, string expectedMessage)
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var cardId = await holder.AddCardAsync();
        var merchant = await Merchants.OrdinaryAsync(factory);

        // Act
        var response = await Html.SubmitAsync(holder.Client, "/Transactions/New", new Dictionary<string, string>
        {
            ["CardId"] = cardId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["TerminalId"] = merchant.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Amount"] = amount,
        });

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await Html.ParseAsync(response);
        Assert.Contains(expectedMessage, Html.ValidationMessages(page));
        Assert.Equal(0, await factory.QueryAsync(db => db.Transactions.CountAsync(t => t.CardId == cardId)));
        // The field says it is wrong and is described by its message (UI review: only a CSS class said so)
        var field = page.QuerySelector("#Amount")!;
        Assert.Equal("true", field.GetAttribute("aria-invalid"));
        var described = field.GetAttribute("aria-describedby")!.Split(' ');
        Assert.Contains(described, id => page.GetElementById(id)?.TextContent.Contains(expectedMessage, StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task Details_AnotherUsersTransaction_Returns404()
    {
        // Arrange
        using var owner = await CardHolderSession.RegisteredAsync(factory);
        using var intruder = await CardHolderSession.RegisteredAsync(factory);
        var id = await owner.PayAndGetIdAsync(await owner.AddCardAsync(), await Merchants.OrdinaryAsync(factory), 10m);

        // Act
        var response = await intruder.Client.GetAsync(new Uri($"/Transactions/Details/{id}", UriKind.Relative));

        // Assert
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await owner.Client.GetAsync(new Uri($"/Transactions/Details/{id}", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Submit_WithAnotherUsersCard_Returns404AndChargesNothing()
    {
        // Arrange
        using var owner = await CardHolderSession.RegisteredAsync(factory);
        using var intruder = await CardHolderSession.RegisteredAsync(factory);
        var ownersCard = await owner.AddCardAsync();
        await intruder.AddCardAsync();

        // Act
        var response = await intruder.PayAsync(ownersCard, await Merchants.OrdinaryAsync(factory), 10m);

        // Assert
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(0, await factory.QueryAsync(db => db.Transactions.CountAsync(t => t.CardId == ownersCard)));
    }

    [Fact]
    public async Task ChartData_BrowserAheadOfUtc_PaymentOnTheHoldersDay()
    {
        // Arrange: the app's afternoon is tomorrow 14 hours ahead of UTC.
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        await holder.PayAndGetIdAsync(await holder.AddCardAsync(), await Merchants.OrdinaryAsync(factory), 15m);
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Pacific/Kiritimati");
        var localDay = TimeZoneInfo.ConvertTimeFromUtc(factory.Clock.UtcNow, zone).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/Profile/ChartData");
        request.Headers.Add("Cookie", $"{FraudWeb.Infrastructure.Localization.LocalTime.CookieName}=Pacific%2FKiritimati");

        // Act
        using var response = await holder.Client.SendAsync(request);

        // Assert: the chart's last day is the holder's today, and the payment is counted on it.
        using var chart = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(localDay, chart.RootElement.GetProperty("days")[29].GetString());
        var counted = chart.RootElement.GetProperty("spend")[29].GetDecimal() + chart.RootElement.GetProperty("stopped")[29].GetInt32();
        Assert.True(counted > 0);
    }

    [Fact]
    public async Task ChartData_AfterPayment_CountsTodaysStoppedPaymentsWithoutScores()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var id = await holder.PayAndGetIdAsync(await holder.AddCardAsync(), await Merchants.OrdinaryAsync(factory), 15m);
        var decision = await factory.QueryAsync(db => db.Transactions.Where(t => t.Id == id).Select(t => t.Verdict!.Decision).SingleAsync());

        // Act
        var json = await holder.Client.GetStringAsync(new Uri("/Profile/ChartData", UriKind.Relative));

        // Assert
        using var chart = JsonDocument.Parse(json);
        var days = chart.RootElement.GetProperty("days");
        Assert.Equal(30, days.GetArrayLength());
        Assert.False(chart.RootElement.TryGetProperty("maxRisk", out _));
        Assert.Equal(decision == Decision.Approved ? 0 : 1, chart.RootElement.GetProperty("stopped")[29].GetInt32());
    }

    [Fact]
    public async Task Submit_NoModelLoaded_SaysScorerUnavailableAndStoresNothing()
    {
        // Arrange
        using var unscored = factory.WithWebHostBuilder(builder =>
            builder.ConfigureTestServices(services => services.AddSingleton<IServingModel, EmptyServingModel>()));
        using var client = unscored.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = FraudWebFactory.HttpsBaseAddress });
        var email = factory.NewEmail();
        Assert.Equal(HttpStatusCode.Redirect, (await Html.SubmitAsync(client, "/Account/Register", new Builders.RegistrationBuilder(email, FraudWebFactory.Password).Build())).StatusCode);
        await CardHolderSession.ConfirmAndSignInAsync(factory, client, email);
        Assert.Equal(HttpStatusCode.Redirect, (await Html.SubmitAsync(client, "/Cards/Add", new Builders.CardFormBuilder().Build())).StatusCode);
        var cardId = await factory.QueryAsync(db => db.Cards.Where(c => db.Users.Any(u => u.Id == c.CardHolder!.UserId && u.Email == email)).Select(c => c.Id).SingleAsync());

        // Act
        var response = await Html.SubmitAsync(client, "/Transactions/New", new Dictionary<string, string>
        {
            ["CardId"] = cardId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["TerminalId"] = (await Merchants.OrdinaryAsync(factory)).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Amount"] = "10",
        });

        // Assert
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("fraud check is unavailable", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await factory.QueryAsync(db => db.Transactions.CountAsync(t => t.CardId == cardId)));
    }

    private sealed class EmptyServingModel : IServingModel
    {
        public ServingSnapshot? Current => null;

        public void Promote(ServingSnapshot snapshot)
        {
        }
    }
}
