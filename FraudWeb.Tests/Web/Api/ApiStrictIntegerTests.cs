using System.Globalization;
using System.Net;
using FraudWeb.Api;
using FraudWeb.Services.ApiKeys;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Tests.Web.Api;

/// <summary>
/// The API's integers in queries and routes are plain digits (tester's report: cardId=0x1F6 listed card 502's
/// payments; limit=0x2, +5 and " 5" were taken): a query value is a 400 naming its parameter, a route id that is not
/// digits is no address (404, as /payments/abc). The web pages bind as before.
/// </summary>
[Collection(WebTestGroup.Name)]
public sealed class ApiStrictIntegerTests(FraudWebFactory factory)
{
    private async Task<(CardHolderSession Holder, HttpClient Api, long CardId, long PaymentId)> HolderWithPaymentAsync()
    {
        var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync();
        var api = factory.ApiClient(await holder.CreateKeyAsync(ApiScopes.PaymentsRead, ApiScopes.PaymentsWrite, ApiScopes.ReportsWrite));
        var paid = await api.PostAsync(factory, "/api/v1/payments", new { cardId = card, terminalId = await Merchants.OrdinaryAsync(factory), amount = 7 });
        Assert.Equal(HttpStatusCode.Created, paid.Status);
        return (holder, api, card, paid.Json.GetProperty("id").GetInt64());
    }

    /// <summary>{N} is the parameter's good value (the holder's card id, or 5), {HEX} the same in hexadecimal.</summary>
    public static TheoryData<string, string> BadQueryValues()
    {
        var data = new TheoryData<string, string>();
        foreach (var name in new[] { "cardId", "limit" })
        {
            foreach (var value in new[] { "0x{HEX}", "0X{hex}", "+{N}", " {N}", "{N} ", "-{N}", "{N}.0", "1e2", "", "\u0665", "\uFF15", "{N},0" })
                data.Add(name, value);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(BadQueryValues))]
    public async Task List_IntegerNotPlainDigits_400NamingOnlyThatParameter(string name, string template)
    {
        // Arrange
        var (holder, api, card, _) = await HolderWithPaymentAsync();
        using var session = holder;
        var good = name == "cardId" ? card : 5;
        var value = template.Replace("{N}", Id(good), StringComparison.Ordinal)
            .Replace("{HEX}", good.ToString("X", CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{hex}", good.ToString("x", CultureInfo.InvariantCulture), StringComparison.Ordinal);

        // Act
        var response = await api.SendAsync(factory, HttpMethod.Get, $"/api/v1/payments?{name}={Uri.EscapeDataString(value)}", validRequest: false);

        // Assert: refused as a bad value of that parameter, not read as another number (no page of payments)
        Assert.True(response.Status == HttpStatusCode.BadRequest, $"{name}={value}: {(int)response.Status} {response.Body}");
        Assert.Equal("application/problem+json", response.Message.Content.Headers.ContentType!.MediaType);
        Assert.Equal(ApiProblems.Validation.Uri, response.Json.GetProperty("type").GetString());
        var errors = response.Json.GetProperty("errors").EnumerateObject().ToList();
        Assert.Equal([name], errors.Select(e => e.Name));
        Assert.Equal([StrictIntegerModelBinder.NotDigits(name)], errors[0].Value.EnumerateArray().Select(m => m.GetString()));
        Assert.False(response.Json.TryGetProperty("items", out _));
    }

    [Theory]
    [InlineData("cardId")]
    [InlineData("limit")]
    public async Task List_IntegerTooLarge_400SayingSo(string name)
    {
        // Arrange
        var (holder, api, _, _) = await HolderWithPaymentAsync();
        using var session = holder;

        // Act
        var response = await api.SendAsync(factory, HttpMethod.Get, $"/api/v1/payments?{name}=99999999999999999999", validRequest: false);

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal(StrictIntegerModelBinder.TooLarge(name), response.Json.GetProperty("errors").GetProperty(name)[0].GetString());
    }

    [Fact]
    public async Task List_PlainDigitsWithLeadingZeros_StillAccepted()
    {
        // Arrange
        var (holder, api, card, payment) = await HolderWithPaymentAsync();
        using var session = holder;

        // Act
        var page = await api.GetAsync(factory, $"/api/v1/payments?cardId=0{Id(card)}&limit=005");
        var parameterNameInCapitals = await api.GetAsync(factory, $"/api/v1/payments?CARDID={Id(card)}");

        // Assert
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal([payment], page.Json.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetInt64()));
        Assert.Equal(HttpStatusCode.OK, parameterNameInCapitals.Status);
    }

    public static TheoryData<string> BadRouteIds => ["+{ID}", "%2B{ID}", "%20{ID}", "{ID}%20", "0x{HEX}", "-{ID}", "{ID}.0", "%D9%A5"];

    [Theory]
    [MemberData(nameof(BadRouteIds))]
    public async Task Get_IdNotPlainDigits_404AsForAnIdThatIsNoNumber(string template)
    {
        // Arrange: "+16" and " 16" were read as payment 16; "0x10" was already refused by the route, as "abc" is
        var (holder, api, _, payment) = await HolderWithPaymentAsync();
        using var session = holder;
        var notANumber = await api.SendAsync(factory, HttpMethod.Get, "/api/v1/payments/abc", validRequest: false);

        // Act
        var response = await api.SendAsync(factory, HttpMethod.Get, "/api/v1/payments/" + RouteId(template, payment), validRequest: false);

        // Assert
        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal("application/problem+json", response.Message.Content.Headers.ContentType!.MediaType);
        Assert.Equal(notANumber.Json.GetProperty("detail").GetString(), response.Json.GetProperty("detail").GetString());
        Assert.False(response.Json.TryGetProperty("card", out _));
    }

    [Theory]
    [MemberData(nameof(BadRouteIds))]
    public async Task Report_IdNotPlainDigits_404NothingStoredAndTheKeyStaysFree(string template)
    {
        // Arrange
        var (holder, api, _, payment) = await HolderWithPaymentAsync();
        using var session = holder;
        const string Body = """{"kind":"not-me","reason":"I never bought this."}""";

        // Act
        var refused = await api.SendAsync(factory, HttpMethod.Post, $"/api/v1/payments/{RouteId(template, payment)}/reports", Body, idempotencyKey: "strict-1", validRequest: false);
        var reported = await factory.QueryAsync(db => db.FraudReports.CountAsync(r => r.TransactionId == payment));
        var corrected = await api.SendAsync(factory, HttpMethod.Post, $"/api/v1/payments/{Id(payment)}/reports", Body, idempotencyKey: "strict-1");

        // Assert
        Assert.Equal(HttpStatusCode.NotFound, refused.Status);
        Assert.Equal(0, reported);
        Assert.Equal(HttpStatusCode.Created, corrected.Status);
    }

    [Fact]
    public async Task Get_IdWithLeadingZero_ThePayment()
    {
        // Arrange
        var (holder, api, _, payment) = await HolderWithPaymentAsync();
        using var session = holder;

        // Act
        var response = await api.GetAsync(factory, $"/api/v1/payments/0{Id(payment)}");

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(payment, response.Json.GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task WebPage_IntegerWithASign_BoundAsBefore()
    {
        // Arrange: the strict binder is the API's alone; the report form's page still reads its query as it did
        var (holder, _, _, payment) = await HolderWithPaymentAsync();
        using var session = holder;

        // Act
        var page = await holder.Client.GetAsync(new Uri($"/Reports/New?transactionId=%2B{Id(payment)}", UriKind.Relative));

        // Assert
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    private static string RouteId(string template, long id) =>
        template.Replace("{ID}", Id(id), StringComparison.Ordinal).Replace("{HEX}", id.ToString("X", CultureInfo.InvariantCulture), StringComparison.Ordinal);

    private static string Id(long value) => value.ToString(CultureInfo.InvariantCulture);
}
