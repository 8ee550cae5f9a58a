using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using FraudWeb.Data;
using FraudWeb.Services.ApiKeys;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FraudWeb.Tests.Web.Api;

/// <summary>An API response as the tests read it, already checked against the published contract.</summary>
public sealed record ApiResponse(HttpStatusCode Status, string Body, HttpResponseMessage Message)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public string? Header(string name) => Message.Headers.TryGetValues(name, out var values) ? string.Join(",", values)
        : Message.Content.Headers.TryGetValues(name, out var content) ? string.Join(",", content) : null;
}

public static class ApiSteps
{
    /// <summary>A client with no cookies, sending <paramref name="key"/> as a bearer key (none when null).</summary>
    public static HttpClient ApiClient(this FraudWebFactory factory, string? key)
    {
        ArgumentNullException.ThrowIfNull(factory);
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false, BaseAddress = FraudWebFactory.HttpsBaseAddress });
        if (key is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>
    /// Sends a request and checks it against the contract: a valid request body must validate (pass
    /// <paramref name="validRequest"/> false for deliberately bad input) and every response must be declared.
    /// </summary>
    public static async Task<ApiResponse> SendAsync(this HttpClient client, FraudWebFactory factory, HttpMethod method, string url, string? json = null,
        string? idempotencyKey = null, bool validRequest = true, Action<HttpRequestMessage>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        var contract = await ApiContract.ForAsync(factory);
        using var request = new HttpRequestMessage(method, new Uri(url, UriKind.Relative));
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        configure?.Invoke(request);
        if (json is not null && validRequest)
        {
            var requestProblems = contract.CheckRequest(method.Method, url, json);
            Assert.True(requestProblems.Count == 0, string.Join("\n", requestProblems));
        }
        var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        var problems = contract.CheckResponse(method.Method, url, (int)response.StatusCode, response.Content.Headers.ContentType?.ToString(), body)
            .Concat(contract.CheckHeaders(method.Method, url, (int)response.StatusCode, response)).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems) + "\n" + body);
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
        return new ApiResponse(response.StatusCode, body, response);
    }

    public static Task<ApiResponse> PostAsync(this HttpClient client, FraudWebFactory factory, string url, object body, string? idempotencyKey = null) =>
        client.SendAsync(factory, HttpMethod.Post, url, JsonSerializer.Serialize(body), idempotencyKey);

    public static Task<ApiResponse> GetAsync(this HttpClient client, FraudWebFactory factory, string url) =>
        client.SendAsync(factory, HttpMethod.Get, url);

    /// <summary>Creates a key on the holder's API keys page and returns it as the page shows it (once).</summary>
    public static async Task<string> CreateKeyAsync(this CardHolderSession holder, params string[] scopes)
    {
        ArgumentNullException.ThrowIfNull(holder);
        var page = await Html.ParseAsync(await SubmitKeyFormAsync(holder.Client, "/ApiKeys/Create", "/ApiKeys", "test key", scopes));
        return (page.QuerySelector("[data-testid=new-api-key]") as AngleSharp.Html.Dom.IHtmlInputElement)?.Value
            ?? throw new InvalidOperationException("No key on the page: " + string.Join("; ", Html.ValidationMessages(page)));
    }

    public static Task<HttpResponseMessage> SubmitKeyFormAsync(HttpClient client, string url, string page, string name, IEnumerable<string> scopes, string? ownerEmail = null)
    {
        var fields = new List<KeyValuePair<string, string>> { new("Name", name), new("LifetimeDays", "30") };
        fields.AddRange(scopes.Select(s => new KeyValuePair<string, string>("Scopes", s)));
        if (ownerEmail is not null) fields.Add(new("OwnerEmail", ownerEmail));
        return Html.SubmitAsync(client, url, fields, page);
    }

    /// <summary>A new card holder with one card, a key with the three holder scopes, and an ordinary merchant to pay.</summary>
    public static async Task<(HttpClient Api, long CardId, long Merchant)> HolderWithKeyAsync(this FraudWebFactory factory)
    {
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync();
        var key = await holder.CreateKeyAsync(ApiScopes.PaymentsRead, ApiScopes.PaymentsWrite, ApiScopes.ReportsWrite);
        return (factory.ApiClient(key), card, await Merchants.OrdinaryAsync(factory));
    }

    /// <summary>Issues a key through the service, as an administrator's integration key would be (any scope the owner's permissions allow).</summary>
    public static async Task<string> IssueKeyAsync(this FraudWebFactory factory, string ownerId, params string[] scopes)
    {
        ArgumentNullException.ThrowIfNull(factory);
        await using var scope = factory.Services.CreateAsyncScope();
        // A card holder's scopes only on their own key (as on /ApiKeys); staff scopes on an administrator's.
        var actor = scopes.All(ApiScopes.SelfService.Contains) ? ownerId : await factory.KeyIssuerIdAsync();
        var result = await scope.ServiceProvider.GetRequiredService<ApiKeyService>().CreateAsync(ownerId, actor, "integration", scopes, 30, null, CancellationToken.None);
        Assert.True(result.Succeeded, result.Succeeded ? "" : result.Errors[0].Message);
        return result.Value.Secret;
    }

    /// <summary>
    /// The administrator who issues the tests' integration keys (an administrator gives only scopes they hold): one
    /// account with no password, made on first use in each database.
    /// </summary>
    public static async Task<string> KeyIssuerIdAsync(this FraudWebFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        const string email = "key-issuer@example.com";
        await using var scope = factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<ApplicationUser>>();
        if (await users.FindByEmailAsync(email) is { } found) return found.Id;
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true };
        // Two test classes on one database may both make it: the second finds the first's.
        if (!(await users.CreateAsync(user)).Succeeded) return (await users.FindByEmailAsync(email))!.Id;
        Assert.True((await users.AddToRoleAsync(user, FraudWeb.Data.Roles.Admin)).Succeeded);
        return user.Id;
    }

    public static Task<string> UserIdAsync(this FraudWebFactory factory, string email) =>
        factory.QueryAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync());

    /// <summary>Makes a key past its expiry, as time would.</summary>
    public static Task ExpireAsync(this FraudWebFactory factory, string key) =>
        factory.QueryAsync(db => db.ApiKeys.Where(k => k.Prefix == key.Substring(0, 12)).ExecuteUpdateAsync(set => set.SetProperty(k => k.ExpiresUtc, factory.Clock.UtcNow.AddMinutes(-1))));

    public static Task<int> PaymentCountAsync(this FraudWebFactory factory) =>
        factory.QueryAsync(db => db.Transactions.CountAsync());

    public static string Id(long value) => value.ToString(CultureInfo.InvariantCulture);
}
