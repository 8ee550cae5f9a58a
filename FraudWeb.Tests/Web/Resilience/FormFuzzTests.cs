using System.Globalization;
using System.Net;
using System.Reflection;
using System.Text;
using System.Web;
using FraudWeb.Data;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc.Controllers;
using Microsoft.AspNetCore.Mvc.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FraudWeb.Tests.Web.Resilience;

/// <summary>The app on its own database, quiet logs (ten thousand requests), a small seeded history.</summary>
public sealed class FuzzFactory : FraudWebFactory
{
    public FuzzFactory()
    {
        Settings["Seed:CardHolders"] = "20";
        Settings["Seed:Trees"] = "5";
        Settings["Logging:LogLevel:Default"] = "Warning";
        Settings["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning";
        Settings["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Warning";
    }
}

/// <summary>
/// Hostile input at volume: every page action of the app (found at test time), as anonymous, card holder and staff,
/// with hostile values in every field it binds (empty, huge, Unicode edge cases, control characters, wrong types,
/// overflowing numbers, impossible dates, missing and repeated fields, invalid UTF-8, random bytes with wrong content
/// types). No answer may be a 5xx, and a batch of rejected requests must leave the stored data as it was.
/// FRAUDWEB_FUZZ_REQUESTS sets the count (10,000 in the normal run; `./test.sh --long` asks 100,000).
/// </summary>
[Collection(FuzzTestGroup.Name)]
public sealed class FormFuzzTests(FuzzFactory factory) : IClassFixture<FuzzFactory>
{
    private const int Seed = 20261201;

    private static readonly string[] Hostile =
    [
        "", " ", "0", "-1", "1", "2", "42", "-0", "00001", "99999999999999999999999999", "-9223372036854775809", "1e309", "NaN", "Infinity",
        "12,50", "１２.５０", "٣", "0x1F", "1_000", "true", "false", "null", "undefined", "on",
        "2026-02-30", "2026-13-01", "9999-12-31", "0001-01-01", "1900-01-01T00:00:00Z", "2026-12-01T25:61:61",
        "../../etc/passwd", "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "' OR 1=1 --", "%", "%%", "\\",
        "\0", "\u0001\u0002\u001f\u007f", "\u202e\u202d", "\ufeff", "\ud800", "\udfff\ud800", "😀👨‍👩‍👧", "e\u0301", "İı", "ß", "\r\n\r\n", "\t",
        new string('A', 5_000), new string('9', 300), string.Concat(Enumerable.Repeat("€", 2_000)),
        "a@b", "@", "ada@example.test", "zh-CN", "en", "fr", "Admin", "Analyst", "Customer", "reports.review", "payments:write",
        "{\"a\":1}", "[]", "4111 1111 1111 1111", "4242424242424242", "not-me", "NotMe", "ThisWasMe", "held", "amount > 1", "@list",
        "/", "//evil.example", "https://evil.example/", "javascript:alert(1)",
    ];

    /// <summary>Percent sequences sent as they are: invalid UTF-8 and an encoded NUL.</summary>
    private static readonly string[] RawEncoded = ["%FF%FE", "%C0%AF", "%ED%A0%80", "%00", "%E2%82", "%"];

    /// <summary>Actions that would end the session fuzzing them, start training, or swap the serving model.</summary>
    private static readonly HashSet<string> Skipped = new(StringComparer.Ordinal)
    {
        "Account.Logout", "Models.Retrain", "Models.Promote", "Models.Rollback",
    };

    private sealed record Target(string Key, string Method, string Url, bool HasId, IReadOnlyList<string> Fields);

    private List<Target> Targets()
    {
        var actions = factory.Services.GetRequiredService<IActionDescriptorCollectionProvider>().ActionDescriptors.Items.OfType<ControllerActionDescriptor>();
        var targets = new List<Target>();
        foreach (var action in actions)
        {
            if (action.ControllerTypeInfo.Assembly == typeof(FormFuzzTests).Assembly) continue;
            if (action.ControllerTypeInfo.Namespace == typeof(FraudWeb.Controllers.Api.ApiControllerBase).Namespace) continue;
            var key = $"{action.ControllerName}.{action.ActionName}";
            if (Skipped.Contains(key)) continue;
            var methods = action.EndpointMetadata.OfType<HttpMethodMetadata>().SelectMany(m => m.HttpMethods).Distinct().DefaultIfEmpty("GET");
            var url = action.AttributeRouteInfo?.Template is { } template ? "/" + template.Split('{')[0].Trim('/') : $"/{action.ControllerName}/{action.ActionName}";
            var hasId = action.Parameters.Any(p => p.Name == "id") && action.AttributeRouteInfo is null;
            var fields = action.Parameters.Where(p => p.Name != "id" && p.ParameterType != typeof(CancellationToken))
                .SelectMany(p => FieldsOf(p.Name, p.ParameterType, depth: 0)).Distinct().ToList();
            targets.AddRange(methods.Select(m => new Target(key, m, url, hasId, fields)));
        }
        return targets;
    }

    /// <summary>The form names a parameter binds: itself when simple, else its settable properties (one level down too).</summary>
    private static IEnumerable<string> FieldsOf(string name, Type type, int depth)
    {
        var element = Nullable.GetUnderlyingType(type) ?? type;
        if (element.IsPrimitive || element.IsEnum || element == typeof(string) || element == typeof(decimal) || element == typeof(DateTime)
            || element == typeof(DateOnly) || element == typeof(Guid) || element == typeof(DateTimeOffset) || typeof(System.Collections.IEnumerable).IsAssignableFrom(element))
        {
            yield return name;
            yield break;
        }
        foreach (var property in element.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            var field = depth == 0 ? property.Name : $"{name}.{property.Name}";
            if (depth < 1) foreach (var nested in FieldsOf(field, property.PropertyType, depth + 1)) yield return nested;
            else yield return field;
        }
    }

    private static string Encode(Random random, string value) =>
        random.Next(8) == 0 ? RawEncoded[random.Next(RawEncoded.Length)] : HttpUtility.UrlEncode(value, Encoding.UTF8);

    /// <summary>A hostile path segment. A NUL in a path never reaches the app (Kestrel answers 400; the in-memory test server refuses to send it).</summary>
    private static string PathSegment(Random random)
    {
        var segment = Encode(random, Hostile[random.Next(Hostile.Length)]);
        return segment.Contains("%00", StringComparison.OrdinalIgnoreCase) ? "%2500" : segment;
    }

    /// <summary>A hostile body for a target: each field missing, once or repeated, with hostile values; sometimes strangers.</summary>
    private static string Body(Random random, Target target, string? token)
    {
        var parts = new List<string>();
        foreach (var field in target.Fields)
        {
            var times = random.Next(6) switch { 0 => 0, 1 => 2, _ => 1 };
            for (var i = 0; i < times; i++) parts.Add($"{Uri.EscapeDataString(field)}={Encode(random, Hostile[random.Next(Hostile.Length)])}");
        }
        if (random.Next(5) == 0) parts.Add($"{Encode(random, Hostile[random.Next(Hostile.Length)])}={Encode(random, Hostile[random.Next(Hostile.Length)])}");
        if (token is not null && random.Next(20) != 0) parts.Add("__RequestVerificationToken=" + Uri.EscapeDataString(token));
        return string.Join('&', parts.OrderBy(_ => random.Next()));
    }

    private static HttpContent Content(Random random, string body)
    {
        switch (random.Next(12))
        {
            case 0:
                var bytes = new byte[random.Next(0, 4096)];
                random.NextBytes(bytes);
                var raw = new ByteArrayContent(bytes);
                raw.Headers.TryAddWithoutValidation("Content-Type", random.Next(2) == 0 ? "application/x-www-form-urlencoded" : "application/octet-stream");
                return raw;
            case 1:
                return new StringContent("{\"Amount\": 1e999, \"CardId\": [1,2]}", Encoding.UTF8, "application/json");
            case 2:
                var multipart = new MultipartFormDataContent { { new StringContent(body), "field" } };
                return multipart;
            default:
                var form = new ByteArrayContent(Encoding.ASCII.GetBytes(body));
                form.Headers.TryAddWithoutValidation("Content-Type", "application/x-www-form-urlencoded");
                return form;
        }
    }

    /// <summary>What the people tables hold: a batch of rejected requests must leave every count as it was.</summary>
    private Task<string> StoredAsync() => factory.QueryAsync(async db =>
    {
        var balances = await db.Cards.Select(c => c.Balance).ToListAsync();
        return string.Join(" ", await db.Transactions.CountAsync(), await db.Cards.CountAsync(), await db.FraudReports.CountAsync(), await db.Users.CountAsync(),
            await db.ApiKeys.CountAsync(), await db.Rules.CountAsync(), await db.RuleVersions.CountAsync(), await db.RuleLists.CountAsync(),
            await db.RuleListEntries.CountAsync(), await db.ReviewAssignments.CountAsync(), await db.Transactions.CountAsync(t => t.Label != FraudWeb.Domain.Entities.FraudLabel.Unknown),
            balances.Sum());
    });

    private static bool IsSignInOrDenied(HttpResponseMessage response) =>
        response.Headers.Location?.OriginalString is { } location
        && (location.Contains("/Account/Login", StringComparison.Ordinal) || location.Contains("/Account/AccessDenied", StringComparison.Ordinal));

    private static string? TokenOf(string html)
    {
        const string marker = "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"";
        var start = html.IndexOf(marker, StringComparison.Ordinal);
        if (start < 0) return null;
        start += marker.Length;
        return html[start..html.IndexOf('"', start)];
    }

    [Fact]
    public async Task EveryAction_HostileInput_NeverA5xxAndRejectedRequestsStoreNothing()
    {
        // Arrange: three callers with their antiforgery tokens, and every action
        var requests = int.TryParse(Environment.GetEnvironmentVariable("FRAUDWEB_FUZZ_REQUESTS"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 10_000;
        using var anonymous = CardHolderSession.Anonymous(factory);
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        await holder.AddCardAsync();
        using var staff = await ReviewSteps.SignedInAsAsync(factory, Roles.Admin);
        var callers = new List<(string Name, HttpClient Client, string? Token)>();
        foreach (var (name, session, page) in new[] { ("anonymous", anonymous, "/Account/Login"), ("holder", holder, "/Transactions/New"), ("staff", staff, "/AdminUsers/Invite") })
        {
            var html = await (await session.Client.GetAsync(new Uri(page, UriKind.Relative))).Content.ReadAsStringAsync();
            callers.Add((name, session.Client, TokenOf(html)));
        }
        Assert.All(callers, c => Assert.NotNull(c.Token));
        var targets = Targets();
        Assert.True(targets.Count > 50, $"{targets.Count} actions found");
        var random = new Random(Seed);

        // Act: in batches; a batch whose every answer was a refusal must not have changed what is stored
        var serverErrors = new List<string>();
        var storedByRefusals = new List<string>();
        var statuses = new Dictionary<int, int>();
        const int BatchSize = 50;
        var before = await StoredAsync();
        var checkedBatches = 0;
        for (var sent = 0; sent < requests;)
        {
            var batch = new List<string>();
            var onlyRefusals = true;
            for (var i = 0; i < BatchSize && sent < requests; i++, sent++)
            {
                var (name, client, token) = callers[random.Next(callers.Count)];
                var target = targets[random.Next(targets.Count)];
                var url = target.Url + (target.HasId ? "/" + PathSegment(random) : "");
                var body = Body(random, target, token);
                using var request = new HttpRequestMessage(new HttpMethod(target.Method), target.Method == "GET" ? $"{url}?{body}" : url);
                if (target.Method != "GET") request.Content = Content(random, body);
                var logged = factory.Logs.Entries.Count;
                using var response = await client.SendAsync(request);
                var status = (int)response.StatusCode;
                statuses[status] = statuses.GetValueOrDefault(status) + 1;
                var line = $"{name} {target.Method} {request.RequestUri} -> {status}";
                batch.Add(line);
                if (status >= 500) serverErrors.Add($"{line}{Environment.NewLine}  {string.Join(" / ", factory.Logs.Entries.Skip(logged).Where(e => e.StartsWith("Error", StringComparison.Ordinal)).Select(e => e.Length > 700 ? e[..700] : e))}");
                // A GET reads; a POST answered with its form again (200) or a 4xx was refused; a redirect may have stored something.
                if (target.Method != "GET" && status is >= 300 and < 400 && !IsSignInOrDenied(response)) onlyRefusals = false;
            }
            var after = await StoredAsync();
            if (onlyRefusals) checkedBatches++;
            if (onlyRefusals && after != before) storedByRefusals.Add($"[{before}] -> [{after}] after: {string.Join(" | ", batch.Take(5))} ...");
            before = after;
        }

        // Assert
        var summary = string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}"));
        Assert.True(serverErrors.Count == 0, $"{serverErrors.Count} of {requests} requests answered 5xx ({summary}):{Environment.NewLine}"
            + string.Join(Environment.NewLine, serverErrors.Take(20)));
        Assert.True(storedByRefusals.Count == 0, string.Join(Environment.NewLine, storedByRefusals.Take(5)));
        // The stored-data check must have had batches to check (refusals only), not been skipped by accepted forms.
        Assert.True(checkedBatches * 4 >= requests / BatchSize, $"Only {checkedBatches} of {requests / BatchSize} batches were refusals only ({summary}).");
        Assert.True(statuses.Keys.Count(s => s is >= 400 and < 500) >= 2, $"Hostile input should be refused in several ways: {summary}");
    }

}
