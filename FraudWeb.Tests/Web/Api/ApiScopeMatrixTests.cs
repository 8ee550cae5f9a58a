using System.Net;
using FraudWeb.Api;
using FraudWeb.Controllers.Api;
using FraudWeb.Data;
using FraudWeb.Services.ApiKeys;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.Controllers;
using Microsoft.AspNetCore.Mvc.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace FraudWeb.Tests.Web.Api;

/// <summary>
/// Every API endpoint, found at test time, must be classified below; each is then called with no key, a revoked key,
/// an expired key, a key without its scope, another user's key and the right key, and must answer exactly as
/// expected. A new endpoint fails this test until it is added.
/// </summary>
[Collection(WebTestGroup.Name)]
public sealed class ApiScopeMatrixTests(FraudWebFactory factory)
{
    private sealed record Case(string Scope, HttpMethod Method, Func<Fixture, string> Url, Func<Fixture, object?> Body, HttpStatusCode Right, HttpStatusCode OtherUser);

    /// <param name="StopCard">A second card of the owner's, which the right key stops (the first keeps taking payments).</param>
    /// <param name="BlockCard">A third card of the owner's, which staff block and unblock.</param>
    private sealed record Fixture(long Card, long Payment, long Merchant, long StopCard, long BlockCard);

    private static readonly Dictionary<string, Case> Expected = new(StringComparer.Ordinal)
    {
        ["POST PaymentsApi.Create"] = new(ApiScopes.PaymentsWrite, HttpMethod.Post, _ => "/api/v1/payments",
            f => new { cardId = f.Card, terminalId = f.Merchant, amount = 10 }, HttpStatusCode.Created, HttpStatusCode.NotFound),
        ["GET PaymentsApi.Get"] = new(ApiScopes.PaymentsRead, HttpMethod.Get, f => $"/api/v1/payments/{f.Payment}", _ => null, HttpStatusCode.OK, HttpStatusCode.NotFound),
        // Another holder's card id filters their own list down to nothing (checked below): a 200 that shows no one else's payment.
        ["GET PaymentsApi.List"] = new(ApiScopes.PaymentsRead, HttpMethod.Get, f => $"/api/v1/payments?cardId={f.Card}", _ => null, HttpStatusCode.OK, HttpStatusCode.OK),
        ["POST PaymentsApi.Report"] = new(ApiScopes.ReportsWrite, HttpMethod.Post, f => $"/api/v1/payments/{f.Payment}/reports",
            _ => new { kind = "not-me", reason = "I did not make this payment." }, HttpStatusCode.Created, HttpStatusCode.NotFound),
        // Another holder's key lists only that holder's own cards (checked below).
        ["GET CardsApi.List"] = new(ApiScopes.PaymentsRead, HttpMethod.Get, _ => "/api/v1/cards", _ => null, HttpStatusCode.OK, HttpStatusCode.OK),
        ["GET CardsApi.Get"] = new(ApiScopes.PaymentsRead, HttpMethod.Get, f => $"/api/v1/cards/{f.Card}", _ => null, HttpStatusCode.OK, HttpStatusCode.NotFound),
        // payments:write is among the "wrong" scopes here: a key that pays does not stop cards.
        ["POST CardsApi.Stop"] = new(ApiScopes.CardsWrite, HttpMethod.Post, f => $"/api/v1/cards/{f.StopCard}/stop",
            _ => new { reason = "lost-or-stolen" }, HttpStatusCode.OK, HttpStatusCode.NotFound),
        // Staff endpoints: "another user" is another analyst, who may do the same.
        ["POST LabelsApi.Submit"] = new(ApiScopes.LabelsWrite, HttpMethod.Post, _ => "/api/v1/labels",
            _ => new { labels = new[] { new { paymentId = 987654321, label = "fraud" } } }, HttpStatusCode.OK, HttpStatusCode.OK),
        // Another analyst blocks the card first (staff may), so the right key finds it blocked already: a 409, the
        // block kept; then another analyst lifts it and the right key finds it unblocked. Both keys reached the card.
        ["POST CardBlocksApi.Block"] = new(ApiScopes.CardsBlock, HttpMethod.Post, f => $"/api/v1/cards/{f.BlockCard}/block",
            _ => new { reason = "suspected-fraud" }, HttpStatusCode.Conflict, HttpStatusCode.OK),
        ["POST CardBlocksApi.Unblock"] = new(ApiScopes.CardsBlock, HttpMethod.Post, f => $"/api/v1/cards/{f.BlockCard}/unblock",
            _ => null, HttpStatusCode.Conflict, HttpStatusCode.OK),
        ["GET ModelsApi.Serving"] = new(ApiScopes.ModelsRead, HttpMethod.Get, _ => "/api/v1/models/serving", _ => null, HttpStatusCode.OK, HttpStatusCode.OK),
        // Scoring without recording is staff work (a card holder's key would be a tuning oracle): any card, any analyst.
        ["POST PredictApi.Predict"] = new(ApiScopes.PaymentsScore, HttpMethod.Post, _ => "/api/v1/predict",
            f => new { cardId = f.Card, terminalId = f.Merchant, amount = 10 }, HttpStatusCode.OK, HttpStatusCode.OK),
    };

    private List<(string Key, string Policy)> DiscoverEndpoints() =>
        factory.Services.GetRequiredService<IActionDescriptorCollectionProvider>().ActionDescriptors.Items.OfType<ControllerActionDescriptor>()
            .Where(a => typeof(ApiControllerBase).IsAssignableFrom(a.ControllerTypeInfo))
            .SelectMany(a => a.EndpointMetadata.OfType<HttpMethodMetadata>().SelectMany(m => m.HttpMethods).Distinct()
                .Select(method => ($"{method} {a.ControllerName}.{a.ActionName}", a.EndpointMetadata.OfType<IAuthorizeData>().Select(d => d.Policy).Single(p => p is not null)!)))
            .ToList();

    [Fact]
    public void Endpoints_EveryApiAction_ClassifiedWithItsScope()
    {
        // Arrange
        var endpoints = DiscoverEndpoints();

        // Assert
        Assert.Empty(endpoints.Where(e => !Expected.ContainsKey(e.Key)).Select(e => e.Key));
        Assert.Empty(Expected.Keys.Except(endpoints.Select(e => e.Key)));
        Assert.All(endpoints, e => Assert.Equal("api:" + Expected[e.Key].Scope, e.Policy));
    }

    [Fact]
    public async Task Endpoints_EveryCredential_AnsweredAsExpected()
    {
        // Arrange: holder A owns the card and payment; B is another holder; two analysts for the staff endpoints.
        using var a = await CardHolderSession.RegisteredAsync(factory);
        using var b = await CardHolderSession.RegisteredAsync(factory);
        var card = await a.AddCardAsync();
        await b.AddCardAsync();
        var merchant = await Merchants.OrdinaryAsync(factory);
        var payment = await a.PayAndGetIdAsync(card, merchant, 12m);
        var stopCard = await a.AddCardAsync(new FraudWeb.Tests.Builders.CardFormBuilder().WithNumber(FraudWeb.Tests.Builders.TestCards.Mastercard)) is { StatusCode: HttpStatusCode.Redirect }
            ? (await a.CardIdsAsync())[^1] : throw new InvalidOperationException("The second card was not added.");
        var blockCard = await a.AddCardAsync(new FraudWeb.Tests.Builders.CardFormBuilder().WithNumber(FraudWeb.Tests.Builders.TestCards.Amex)) is { StatusCode: HttpStatusCode.Redirect }
            ? (await a.CardIdsAsync())[^1] : throw new InvalidOperationException("The third card was not added.");
        var fixture = new Fixture(card, payment, merchant, stopCard, blockCard);
        var holderScopes = new[] { ApiScopes.PaymentsRead, ApiScopes.PaymentsWrite, ApiScopes.ReportsWrite, ApiScopes.CardsWrite };
        var aId = await factory.UserIdAsync(a.Email);
        var analysts = new List<string>();
        foreach (var _ in Enumerable.Range(0, 2))
        {
            using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
            analysts.Add(await factory.UserIdAsync(analyst.Email));
        }
        var right = new Dictionary<string, string>
        {
            ["holder"] = await factory.IssueKeyAsync(aId, holderScopes),
            ["staff"] = await factory.IssueKeyAsync(analysts[0], ApiScopes.LabelsWrite, ApiScopes.ModelsRead, ApiScopes.PaymentsScore, ApiScopes.CardsBlock),
        };
        var other = new Dictionary<string, string>
        {
            ["holder"] = await factory.IssueKeyAsync(await factory.UserIdAsync(b.Email), holderScopes),
            ["staff"] = await factory.IssueKeyAsync(analysts[1], ApiScopes.LabelsWrite, ApiScopes.ModelsRead, ApiScopes.PaymentsScore, ApiScopes.CardsBlock),
        };
        var revoked = await factory.IssueKeyAsync(aId, holderScopes);
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var prefix = revoked[..FraudWeb.Domain.Entities.ApiKey.PrefixLength];
            var id = await factory.QueryAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(db.ApiKeys.Where(k => k.Prefix == prefix).Select(k => k.Id)));
            Assert.True((await scope.ServiceProvider.GetRequiredService<ApiKeyService>().RevokeAsync(id, aId, false, CancellationToken.None)).Succeeded);
        }
        var expired = await factory.IssueKeyAsync(aId, holderScopes);
        await factory.ExpireAsync(expired);
        var failures = new List<string>();

        // Act
        foreach (var (name, c) in Expected)
        {
            var kind = ApiScopes.Integration.Contains(c.Scope) ? "staff" : "holder";
            // A key that lacks exactly this scope: the holder's other scopes, or a holder key for a staff endpoint.
            var wrongScopes = kind == "staff" ? holderScopes : holderScopes.Where(s => s != c.Scope).ToArray();
            var wrong = await factory.IssueKeyAsync(aId, wrongScopes);
            var credentials = new (string Label, string? Key, HttpStatusCode Expected)[]
            {
                ("no key", null, HttpStatusCode.Unauthorized),
                ("revoked key", revoked, HttpStatusCode.Unauthorized),
                ("expired key", expired, HttpStatusCode.Unauthorized),
                ("key without the scope", wrong, HttpStatusCode.Forbidden),
                ("another user's key", other[kind], c.OtherUser),
                ("the right key", right[kind], c.Right),
            };
            foreach (var (label, key, expected) in credentials)
            {
                using var client = factory.ApiClient(key);
                var body = c.Body(fixture);
                var response = await client.SendAsync(factory, c.Method, c.Url(fixture), body is null ? null : System.Text.Json.JsonSerializer.Serialize(body));
                if (response.Status != expected) failures.Add($"{name} with {label}: expected {(int)expected}, got {(int)response.Status} {response.Body}");
                if (name == "GET PaymentsApi.List" && label == "another user's key" && response.Status == HttpStatusCode.OK
                    && response.Json.GetProperty("items").GetArrayLength() != 0) failures.Add("another user's key listed the owner's payments");
                if (name == "GET CardsApi.List" && label == "another user's key" && response.Status == HttpStatusCode.OK
                    && response.Json.GetProperty("items").EnumerateArray().Any(i => i.GetProperty("id").GetInt64() is var id && (id == fixture.Card || id == fixture.StopCard)))
                    failures.Add("another user's key listed the owner's cards");
                if (name == "POST CardsApi.Stop" && label != "the right key" && await StoppedAsync(fixture.StopCard)) failures.Add($"{name} with {label} stopped the card");
                if (name.StartsWith("POST CardBlocksApi.", StringComparison.Ordinal) && label is not ("another user's key" or "the right key")
                    && await StoppedAsync(fixture.BlockCard) != (name == "POST CardBlocksApi.Unblock")) failures.Add($"{name} with {label} changed the card's block");
            }
        }

        // Assert
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    private Task<bool> StoppedAsync(long card) =>
        factory.QueryAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.AnyAsync(db.Cards.Where(c => c.Id == card && c.StoppedAs != null)));
}
