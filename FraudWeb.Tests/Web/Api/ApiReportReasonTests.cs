using System.Globalization;
using System.Net;
using System.Text.Json;
using FraudWeb.Api;
using FraudWeb.Services.ApiKeys;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Tests.Web.Api;

/// <summary>
/// A report's reason is checked as the domain takes it (trimmed): one the domain would refuse is a malformed request,
/// a 400 that leaves the Idempotency-Key free, not a 422 kept under the key (tester's report: "     a     " used up
/// the key, and the corrected report with it was refused as idempotency-key-reused). A text-direction control, which
/// the domain refuses too, likewise.
/// </summary>
[Collection(WebTestGroup.Name)]
public sealed class ApiReportReasonTests(FraudWebFactory factory)
{
    private async Task<(CardHolderSession Holder, HttpClient Api, long PaymentId)> HolderWithPaymentAsync()
    {
        var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync();
        var api = factory.ApiClient(await holder.CreateKeyAsync(ApiScopes.PaymentsRead, ApiScopes.PaymentsWrite, ApiScopes.ReportsWrite));
        var paid = await api.PostAsync(factory, "/api/v1/payments", new { cardId = card, terminalId = await Merchants.OrdinaryAsync(factory), amount = 7 });
        Assert.Equal(HttpStatusCode.Created, paid.Status);
        return (holder, api, paid.Json.GetProperty("id").GetInt64());
    }

    [Theory]
    [InlineData("     a     ")]
    [InlineData("  abc  ")]
    [InlineData("ab")]
    [InlineData("\u200b\u200b\u200b\u200b")] // nothing that shows (money QA: an empty reason in the queue)
    public async Task Report_ReasonUnderFourCharactersTrimmed_400ValidationAndTheKeyStaysFree(string reason)
    {
        // Arrange
        var (holder, api, id) = await HolderWithPaymentAsync();
        using var session = holder;
        var url = $"/api/v1/payments/{Id(id)}/reports";

        // Act
        var refused = await api.SendAsync(factory, HttpMethod.Post, url, JsonSerializer.Serialize(new { kind = "not-me", reason }), idempotencyKey: "fix-2", validRequest: false);
        var stored = await factory.QueryAsync(db => db.FraudReports.CountAsync(r => r.TransactionId == id));
        var corrected = await api.PostAsync(factory, url, new { kind = "not-me", reason = "I never bought this." }, idempotencyKey: "fix-2");

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal(ApiProblems.Validation.Uri, refused.Json.GetProperty("type").GetString());
        Assert.Equal(ReportReasonAttribute.LengthMessage, refused.Json.GetProperty("errors").GetProperty("reason")[0].GetString());
        Assert.Equal(0, stored);
        Assert.Equal(HttpStatusCode.Created, corrected.Status);
        Assert.Null(corrected.Header(IdempotencyFilter.ReplayedHeader));
        Assert.Equal("I never bought this.", (await factory.ReportOfAsync(id)).Reason);
    }

    [Fact]
    public async Task Report_ReasonOverFiveHundredCharactersTrimmed_400()
    {
        // Arrange
        var (holder, api, id) = await HolderWithPaymentAsync();
        using var session = holder;

        // Act
        var response = await api.SendAsync(factory, HttpMethod.Post, $"/api/v1/payments/{Id(id)}/reports",
            $$"""{"kind":"not-me","reason":"{{new string('x', 501)}}"}""", validRequest: false);

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal(ReportReasonAttribute.LengthMessage, response.Json.GetProperty("errors").GetProperty("reason")[0].GetString());
    }

    [Theory]
    [InlineData("\u0007\u0007\u0007\u0007")]
    [InlineData("Not me\u0000 at all")]
    public async Task Report_ReasonWithAControlCharacter_400NamingTheReasonAndNothingStored(string reason)
    {
        // Arrange (money QA: four bells were stored, and the queue showed the reason as nothing)
        var (holder, api, id) = await HolderWithPaymentAsync();
        using var session = holder;

        // Act
        var response = await api.SendAsync(factory, HttpMethod.Post, $"/api/v1/payments/{Id(id)}/reports",
            JsonSerializer.Serialize(new { kind = "not-me", reason }), validRequest: false);

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal(ReportReasonAttribute.ControlMessage, response.Json.GetProperty("errors").GetProperty("reason")[0].GetString());
        Assert.Equal(0, await factory.QueryAsync(db => db.FraudReports.CountAsync(r => r.TransactionId == id)));
    }

    [Theory]
    [InlineData("Not me \u202Eat all")]
    [InlineData("\u2066isolated\u2069 text")]
    [InlineData("Not me \u200F at all")]
    public async Task Report_ReasonWithATextDirectionControl_400ValidationAndTheKeyStaysFree(string reason)
    {
        // Arrange: the domain refuses it (analysts read reasons); a 422 kept under the key, as a short reason was
        var (holder, api, id) = await HolderWithPaymentAsync();
        using var session = holder;
        var url = $"/api/v1/payments/{Id(id)}/reports";

        // Act
        var refused = await api.PostAsync(factory, url, new { kind = "not-me", reason }, idempotencyKey: "direction-1");
        var corrected = await api.PostAsync(factory, url, new { kind = "not-me", reason = "Not me at all" }, idempotencyKey: "direction-1");

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal(ApiProblems.Validation.Uri, refused.Json.GetProperty("type").GetString());
        Assert.Equal(ReportReasonAttribute.DirectionMessage, refused.Json.GetProperty("errors").GetProperty("reason")[0].GetString());
        Assert.Equal(HttpStatusCode.Created, corrected.Status);
        Assert.Equal("Not me at all", (await factory.ReportOfAsync(id)).Reason);
    }

    [Theory]
    [InlineData("   stole   ", "stole")]
    [InlineData(" 卡被盗刷 ", "卡被盗刷")]
    [InlineData(" I never bought this. ", "I never bought this.")]
    public async Task Report_ReasonOfFourOrMoreCharactersWithSpacesAround_201StoredTrimmed(string reason, string stored)
    {
        // Arrange
        var (holder, api, id) = await HolderWithPaymentAsync();
        using var session = holder;

        // Act
        var response = await api.PostAsync(factory, $"/api/v1/payments/{Id(id)}/reports", new { kind = "not-me", reason });

        // Assert
        Assert.Equal(HttpStatusCode.Created, response.Status);
        Assert.Equal(stored, (await factory.ReportOfAsync(id)).Reason);
    }

    private static string Id(long value) => value.ToString(CultureInfo.InvariantCulture);
}
