using System.Buffers.Text;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Web;
using FraudWeb.Api;
using FraudWeb.Controllers.Api;
using FraudWeb.Data;
using FraudWeb.Services.Admin;
using FraudWeb.Domain.Entities;
using FraudWeb.Infrastructure;
using FraudWeb.Services.ApiKeys;
using FraudWeb.Tests.Web.Api;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc.Controllers;
using Microsoft.AspNetCore.Mvc.Infrastructure;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FraudWeb.Tests.Web.Resilience;

/// <summary>The app on its own database for the API fuzzer: quiet logs, a small seeded history, the per-key limit out of reach.</summary>
public sealed class ApiFuzzFactory : FraudWebFactory
{
    public ApiFuzzFactory()
    {
        Settings["Seed:CardHolders"] = "20";
        Settings["Seed:Trees"] = "5";
        Settings["Logging:LogLevel:Default"] = "Warning";
        Settings["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning";
        Settings["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Warning";
        // Thousands of requests a minute on two keys: the per-key limit (1,200 a minute) would answer most of them 429.
        Settings["RateLimits:Api:PerAccount"] = "100000000";
    }
}

/// <summary>
/// The fuzzers' collection: the two fuzzers (this and <see cref="FormFuzzTests"/>) one after the other, so they never
/// share the machine's cores, while the other tests run alongside (not alone after them, a core left idle).
/// </summary>
[CollectionDefinition(Name)]
public sealed class FuzzTestGroup
{
    public const string Name = "fuzz";
}

/// <summary>
/// Hostile input at volume on the JSON API, the counterpart of <see cref="FormFuzzTests"/>: every /api action (found at
/// test time) and paths no action has, as anonymous, a card holder's key, an analyst's key and malformed, revoked and
/// expired credentials; JSON built per member type of each request type (wrong kinds, overflowing numbers, impossible
/// dates, Unicode edge cases, control characters, missing, repeated and unknown members, deep nesting), broken and
/// oversized bodies, random bytes, wrong media types, hostile route values, queries and Idempotency-Key headers.
/// No answer may be a 5xx, every refusal must be a problem (RFC 9457), and a batch of refused requests must leave the
/// stored data as it was. FRAUDWEB_FUZZ_REQUESTS sets the count (10,000 in the normal run; `./test.sh --long` asks
/// 100,000); FRAUDWEB_FUZZ_SEED replays another seed.
/// </summary>
[Collection(FuzzTestGroup.Name)]
public sealed class ApiFuzzTests(ApiFuzzFactory factory) : IClassFixture<ApiFuzzFactory>
{
    private const int DefaultSeed = 20261202;
    private const int BatchSize = 50;

    /// <summary>Just over the API's body limit: refused (413) before a byte of it is read.</summary>
    private const int OverTheLimit = (int)ApiServiceCollectionExtensions.MaxBodyBytes + 1024;

    private static readonly string[] HolderScopes = [ApiScopes.PaymentsRead, ApiScopes.PaymentsWrite, ApiScopes.ReportsWrite];
    private static readonly string[] StaffScopes = [ApiScopes.LabelsWrite, ApiScopes.ModelsRead, ApiScopes.PaymentsScore, ApiScopes.CardsBlock];

    /// <summary>What a long enough run must have seen: answers from every layer (keys, scopes, routing, size, media type, binding) and working keys.</summary>
    private static readonly int[] ExpectedStatuses = [200, 400, 401, 403, 404, 413, 415];

    private static readonly string[] Texts =
    [
        "", " ", "0", "-1", "1", "42", "-0", "00001", "1.5", "12.34", "12.345", "0.001", "1e400", "-1e400", "NaN", "Infinity", "9223372036854775808",
        "79228162514264337593543950336", "12,50", "１２.５０", "٣", "0x1F", "1_000", "true", "false", "null", "undefined",
        "not-me", "this-was-me", "NOT-ME", "NotMe", "not_me", "fraud", "legitimate", "Legitimate", "unknown",
        "I did not make this payment.", "abcd", "abcde", new string('x', 500), new string('x', 501), string.Concat(Enumerable.Repeat("😀", 300)),
        "../../etc/passwd", "<script>alert(1)</script>", "' OR 1=1 --", "'; DROP TABLE \"Transactions\"; --", "%", "%%", "\\", "\"", "{\"a\":1}", "[]", "{}",
        "\0", "reason with a \0 NUL", "\u0001\u0002\u001f\u007f", "\u202e\u202d", "\ufeff", "\ud800", "\udfff\ud800", "😀👨‍👩‍👧", "e\u0301", "İı", "ß", "\r\n\r\n", "\t",
        new string('A', 5_000), new string('9', 300), "/", "//evil.example", "https://evil.example/", "javascript:alert(1)", "fwk_abcdefgh_x",
    ];

    /// <summary>Only in bodies: 100,000 characters (under the 128 KiB limit) and 150 KB of euro signs (over it).</summary>
    private static readonly string[] HugeTexts = [new string('A', 100_000), string.Concat(Enumerable.Repeat("€", 50_000))];

    /// <summary>Number tokens as written in JSON text; some are not JSON at all.</summary>
    private static readonly string[] JsonNumbers =
    [
        "0", "-0", "1", "-1", "2", "5", "42", "1.5", "0.01", "0.001", "12.34", "12.345", "999999.99", "1000000", "1000000.01", "-5", "1E2", "1e-400",
        "1e400", "-1e400", "2147483648", "-2147483649", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
        "79228162514264337593543950336", new string('9', 400), "00012", "+1", ".5", "1.", "-", "NaN", "Infinity", "0x10", "1_000",
    ];

    /// <summary>Numbers as a query or a path segment carries them.</summary>
    private static readonly string[] NumberTexts =
    [
        "0", "-0", "1", "-1", "25", "100", "101", "1.5", "1e3", "2147483648", "-2147483649", "9223372036854775807", "9223372036854775808",
        "-9223372036854775809", "99999999999999999999999999", " 1", "1 ", "+1", "0x10", "١", "１", "", "NaN",
    ];

    private static readonly string[] DateTexts =
    [
        "2026-12-01T10:00:00Z", "2026-11-30T14:05:00+01:00", "2026-11-30t14:05:00z", "2026-12-01T10:00:00.1234567Z", "2026-12-01T10:00:00.12345678Z",
        "2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "2026-12-01T25:61:61Z", "2026-12-01T10:00:00", "2026-12-01", "10:00", "now", "",
        "0001-01-01T00:00:00Z", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59Z", "9999-12-31T23:59:59-14:00", "1900-01-01T00:00:00Z",
        "1970-01-01T00:00:00+99:99", "1700000000", "-1",
    ];

    /// <summary>Literals and stray tokens in place of a value.</summary>
    private static readonly string[] Literals = ["true", "false", "null", "nul", "True", "NULL", "undefined", "'single'", "{", "}", "]", ",", ":", ""];

    /// <summary>Whole bodies that are not the object asked for: other JSON values, two documents, comments, trailing commas.</summary>
    private static readonly string[] Scalars =
    [
        "42", "\"text\"", "null", "true", "{}", "[]", "[{}]", "{'cardId':1}", "{\"cardId\":1,}", "{\"cardId\":1}{\"cardId\":2}", "{\"cardId\":1} trailing",
        "/* comment */ {}", "{\"cardId\":1 // comment\n}", "\"\\ud800\"", "{\"\\u0000\":1}", "{\"\":1}", " ", "\n\n", "\u00a0{}",
    ];

    /// <summary>Opaque cursors: real ones (of ids that may not exist) and base64url of what the API never issues.</summary>
    private static readonly string[] Cursors =
    [
        PaymentResources.EncodeCursor(1), PaymentResources.EncodeCursor(0), PaymentResources.EncodeCursor(long.MaxValue),
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes("p:-1")), Base64Url.EncodeToString(Encoding.UTF8.GetBytes("p:99999999999999999999")),
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes("q:1")), Base64Url.EncodeToString(Encoding.UTF8.GetBytes("p:")),
        Base64Url.EncodeToString(Encoding.Latin1.GetBytes("\u00ff\u00fe\u0000")), "cDox=", "cDox==", "c", "====", "!!!!",
    ];

    private static readonly string[] ContentTypes =
    [
        "application/json; charset=utf-8", "text/json", "application/problem+json", "application/merge-patch+json", "application/json; charset=latin1",
        "application/json; charset=nonsense", "application/json; charset=utf-16", "text/plain", "application/x-www-form-urlencoded",
        "application/octet-stream", "application/xml", "multipart/form-data", "multipart/form-data; boundary=", "*/*", "application",
        "application/json, text/plain", "",
    ];

    /// <summary>Accept values the problem writer answers in JSON; after the others an error may be plain text (content negotiation).</summary>
    private static readonly string[] JsonAccepts = ["*/*", "application/json", "application/problem+json"];
    private static readonly string[] OtherAccepts = ["text/html", "application/xml", "text/plain", "application/json;q=0", "\u0001"];

    /// <summary>Idempotency-Key values the API must refuse: empty, blank, control or non-ASCII characters, over 255 characters.</summary>
    private static readonly string[] BadIdempotencyKeys = ["", " ", "a b", "key\u0001", "\t", "clé", "key\u007f", "😀", new string('k', 256), new string('k', 10_000)];

    /// <summary>Percent sequences sent as they are: invalid UTF-8 and an encoded NUL.</summary>
    private static readonly string[] RawEncoded = ["%FF%FE", "%C0%AF", "%ED%A0%80", "%00", "%E2%82", "%"];

    private static readonly byte[] InvalidUtf8 = [0xFF, 0xFE, 0xC0, 0xAF, 0xED, 0xA0, 0x80, 0xE2, 0x82];
    private static readonly string[] OtherMethods = ["GET", "POST", "PUT", "PATCH", "DELETE"];
    private static readonly int[] Depths = [63, 65, 1_000, 10_000];

    /// <summary>Paths no action has: the API's own 404 problem, whatever the method and body.</summary>
    private static readonly Target[] Unrouted =
    [
        new("Unrouted.Get", "GET", "api/v1/{rest}", [], null, false),
        new("Unrouted.Post", "POST", "api/v1/payments/{id}/refunds", [], typeof(PaymentRequest), false),
        new("Unrouted.Version", "GET", "api/v2/payments", [], null, false),
    ];

    private sealed record QueryField(string Name, Type Type);

    private sealed record Target(string Key, string Method, string Template, QueryField[] Query, Type? Body, bool Idempotent);

    /// <summary>Who sends a request: each request picks one of the Authorization header sets (none, one, or two headers).</summary>
    private sealed record Caller(string Name, string[][] Authorizations);

    private sealed record Answer(int Status, string? MediaType, string Body);

    private sealed record Stored(string Counts, int IdempotencyRecords);

    private List<Target> Targets()
    {
        var actions = factory.Services.GetRequiredService<IActionDescriptorCollectionProvider>().ActionDescriptors.Items.OfType<ControllerActionDescriptor>();
        var targets = new List<Target>();
        foreach (var action in actions)
        {
            // The API's controllers only (FormFuzzTests has the pages), and not the test host's deliberate faults.
            if (action.ControllerTypeInfo.Assembly == typeof(ApiFuzzTests).Assembly) continue;
            if (action.ControllerTypeInfo.Namespace != typeof(ApiControllerBase).Namespace) continue;
            var template = action.AttributeRouteInfo?.Template ?? throw new InvalidOperationException($"{action.DisplayName} has no attribute route.");
            var routeNames = template.Split('/').Where(s => s.StartsWith('{')).Select(s => s.TrimStart('{').TrimEnd('}').Split(':')[0])
                .ToHashSet(StringComparer.OrdinalIgnoreCase);
            var methods = action.EndpointMetadata.OfType<HttpMethodMetadata>().SelectMany(m => m.HttpMethods).Distinct().DefaultIfEmpty("GET");
            var query = new List<QueryField>();
            Type? body = null;
            foreach (var parameter in action.Parameters)
            {
                if (parameter.ParameterType == typeof(CancellationToken) || routeNames.Contains(parameter.Name)) continue;
                if (parameter.BindingInfo?.BindingSource == BindingSource.Body || !IsSimple(parameter.ParameterType)) body = parameter.ParameterType;
                else query.Add(new QueryField(parameter.Name, parameter.ParameterType));
            }
            var idempotent = action.EndpointMetadata.OfType<IdempotentAttribute>().Any();
            targets.AddRange(methods.Select(m => new Target($"{action.ControllerName}.{action.ActionName}", m, template, [.. query], body, idempotent)));
        }
        return targets;
    }

    private static bool IsSimple(Type type)
    {
        var element = Nullable.GetUnderlyingType(type) ?? type;
        return element.IsPrimitive || element.IsEnum || element == typeof(string) || element == typeof(decimal) || element == typeof(DateTime)
            || element == typeof(DateTimeOffset) || element == typeof(Guid);
    }

    /// <summary>
    /// What API requests can change. Idempotency records apart: a refused request may store its answer for retries. So
    /// are the audit log's records of refusals themselves (a key refused an endpoint's scope: access.refused).
    /// </summary>
    private Task<Stored> StoredAsync() => factory.QueryAsync(async db =>
    {
        var balances = await db.Cards.Select(c => c.Balance).ToListAsync();
        var counts = string.Join(" ", await db.Transactions.CountAsync(), await db.Cards.CountAsync(), await db.FraudReports.CountAsync(),
            await db.FraudReports.CountAsync(r => r.Status == ReportStatus.Open), await db.Transactions.CountAsync(t => t.Label != FraudLabel.Unknown),
            await db.Transactions.CountAsync(t => t.Settlement != null), await db.Transactions.CountAsync(t => t.RefundedUtc != null),
            await db.ApiKeys.CountAsync(), await db.ApiKeys.CountAsync(k => k.RevokedUtc != null), await db.Users.CountAsync(),
            await db.ReviewAssignments.CountAsync(), await db.Set<AuditEntry>().CountAsync(e => e.Action != AuditActions.AccessRefused), balances.Sum().ToString(CultureInfo.InvariantCulture));
        return new Stored(counts, await db.IdempotencyRecords.CountAsync());
    });

    private async Task RevokeAsync(string key, string ownerId)
    {
        var prefix = key[..ApiKey.PrefixLength];
        var id = await factory.QueryAsync(db => db.ApiKeys.Where(k => k.Prefix == prefix).Select(k => k.Id).SingleAsync());
        await using var scope = factory.Services.CreateAsyncScope();
        Assert.True((await scope.ServiceProvider.GetRequiredService<ApiKeyService>().RevokeAsync(id, ownerId, false, CancellationToken.None)).Succeeded);
    }

    private static async Task<Answer> SendAsync(HttpClient client, HttpRequestMessage request)
    {
        try
        {
            using var response = await client.SendAsync(request);
            return new Answer((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or InvalidOperationException or TaskCanceledException)
        {
            // What got past every handler reaches the client as no answer at all: counted as a server error (status 0).
            return new Answer(0, null, ex.ToString());
        }
    }

    /// <summary>A problem (RFC 9457) of this API: its media type, a status matching the response's, a type under /api/problems/.</summary>
    private static bool IsProblem(Answer answer, string path)
    {
        var problemJson = string.Equals(answer.MediaType, "application/problem+json", StringComparison.OrdinalIgnoreCase)
            // ProblemTypesController's [Produces("application/json")] also types the 404 problem it answers for a name it does not know.
            || (path.StartsWith(ApiProblems.TypePrefix, StringComparison.OrdinalIgnoreCase) && string.Equals(answer.MediaType, "application/json", StringComparison.OrdinalIgnoreCase));
        if (!problemJson) return false;
        try
        {
            using var json = JsonDocument.Parse(answer.Body);
            var root = json.RootElement;
            return root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.Number && status.TryGetInt32(out var value) && value == answer.Status
                && root.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String
                && type.GetString()!.StartsWith(ApiProblems.TypePrefix, StringComparison.Ordinal);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// A GET reads and a refusal stores nothing; a write answered 2xx may have stored (a payment, a report, a label) unless
    /// it only scored (predict) or applied none of its labels.
    /// </summary>
    private static bool MayHaveStored(string method, string path, Answer answer)
    {
        if (method == "GET" || answer.Status is < 200 or >= 300) return false;
        if (path.Equals("/api/v1/predict", StringComparison.OrdinalIgnoreCase)) return false;
        return !(path.Equals("/api/v1/labels", StringComparison.OrdinalIgnoreCase) && AppliedNone(answer.Body));
    }

    private static bool AppliedNone(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("applied", out var applied)
                && applied.ValueKind == JsonValueKind.Number && applied.TryGetInt32(out var count) && count == 0;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Shorten(string text, int length) => text.Length <= length ? text : string.Concat(text.AsSpan(0, length), "…");

    private static string Rfc3339(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>The start of a body as sent, control characters and surrogates escaped, for a failure message.</summary>
    private static string Preview(byte[] body, string? mediaType)
    {
        var builder = new StringBuilder();
        builder.Append(mediaType ?? "(no Content-Type)").Append(", ").Append(body.Length.ToString(CultureInfo.InvariantCulture)).Append(" bytes: ");
        foreach (var c in Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 160)))
        {
            if (char.IsControl(c) || char.IsSurrogate(c)) builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            else builder.Append(c);
        }
        return builder.ToString();
    }

    [Fact]
    public async Task EveryApiEndpoint_HostileInput_NeverA5xxRefusedAsProblemsAndRefusalsStoreNothing()
    {
        // Arrange: a holder with a card, a payment and a key with every holder scope; an analyst's key; keys that no longer work
        var requests = int.TryParse(Environment.GetEnvironmentVariable("FRAUDWEB_FUZZ_REQUESTS"), NumberStyles.None, CultureInfo.InvariantCulture, out var count) ? count : 10_000;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("FRAUDWEB_FUZZ_SEED"), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var chosen) ? chosen : DefaultSeed;
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync();
        var merchant = await Merchants.OrdinaryAsync(factory);
        var payment = await holder.PayAndGetIdAsync(card, merchant, 12m);
        var holderId = await factory.UserIdAsync(holder.Email);
        var holderKey = await factory.IssueKeyAsync(holderId, HolderScopes);
        string staffKey;
        using (var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst))
        {
            staffKey = await factory.IssueKeyAsync(await factory.UserIdAsync(analyst.Email), StaffScopes);
        }
        var revokedKey = await factory.IssueKeyAsync(holderId, HolderScopes);
        await RevokeAsync(revokedKey, holderId);
        var expiredKey = await factory.IssueKeyAsync(holderId, HolderScopes);
        await factory.ExpireAsync(expiredKey);
        // Real ids let hostile requests reach the services: the holder's card and payment, another holder's card, a held payment.
        var otherCard = await factory.QueryAsync(db => db.Cards.Where(c => c.Id != card).Select(c => c.Id).FirstAsync());
        var held = await factory.QueryAsync(db => db.Transactions.Where(t => t.Verdict!.Decision == Decision.Review).Select(t => t.Id).FirstOrDefaultAsync());
        string[] ids = [ApiSteps.Id(card), ApiSteps.Id(otherCard), ApiSteps.Id(merchant), ApiSteps.Id(payment), ApiSteps.Id(held)];
        string[] routeValues = [.. ids, .. ApiProblems.All.Select(t => t.Name)];
        string[] dates = [.. DateTexts, Rfc3339(factory.Clock.UtcNow.AddHours(-1)), Rfc3339(factory.Clock.UtcNow.AddDays(-400)), Rfc3339(factory.Clock.UtcNow.AddDays(1))];
        string[][] malformed =
        [
            ["Bearer " + revokedKey], ["Bearer " + expiredKey], ["Bearer " + holderKey.Remove(holderKey.Length - 1)], ["Bearer " + holderKey + "x"],
            ["Basic dXNlcjpwYXNz"], ["Negotiate abc"], ["Token " + holderKey], ["Bearer"], ["Bearer "], ["Bearer " + new string('A', 8_000)],
            ["Bearer fwk_abcdefgh_" + new string('x', 43)], ["Bearer fwk_' OR 1=1_x"], ["Bearer fwk_éééééééé_x"], ["Bearer \u0001\u0002"], ["Bearer fwk_"],
            ["Bearer " + staffKey + ", Bearer " + holderKey], ["Bearer " + holderKey, "Bearer " + staffKey],
            // Still valid: the scheme is matched without regard to case, and the key is trimmed.
            ["bearer " + holderKey], ["Bearer   " + staffKey + "  "],
        ];
        string[][] asNobody = [[]];
        string[][] asHolder = [["Bearer " + holderKey]];
        string[][] asStaff = [["Bearer " + staffKey]];
        Caller[] callers =
        [
            new("anonymous", asNobody), new("holder", asHolder), new("holder", asHolder), new("holder", asHolder),
            new("staff", asStaff), new("staff", asStaff), new("malformed", malformed),
        ];
        var targets = Targets();
        Assert.True(targets.Count >= 8, $"{targets.Count} API actions found");
        Type[] bodyTypes = [.. targets.Select(t => t.Body).OfType<Type>().Distinct()];
        var random = new Random(seed);
        var input = new HostileInput(random, ids, routeValues, dates, bodyTypes);
        using var client = factory.ApiClient(null);

        // Act: in batches; a batch whose every answer was a refusal must not have changed what is stored
        var serverErrors = new List<string>();
        var notProblems = new List<string>();
        var storedByRefusals = new List<string>();
        var statuses = new Dictionary<int, int>();
        var before = await StoredAsync();
        var checkedBatches = 0;
        for (var sent = 0; sent < requests;)
        {
            var batch = new List<string>();
            var onlyRefusals = true;
            var mayStoreRecords = 0;
            for (var i = 0; i < BatchSize && sent < requests; i++, sent++)
            {
                var caller = callers[random.Next(callers.Length)];
                // One request in ten to a path no action has: enough to cover the API's 404, most of them at the actions.
                var target = random.Next(10) == 0 ? Unrouted[random.Next(Unrouted.Length)] : targets[random.Next(targets.Count)];
                var method = input.MethodFor(target.Method);
                var path = input.PathFor(target.Template);
                using var request = new HttpRequestMessage(new HttpMethod(method), path + input.Query(target.Query));
                input.Authorize(request, caller.Authorizations);
                var acceptsJson = input.Accept(request);
                var keySent = input.IdempotencyKey(request, method != "GET");
                var preview = "(no body)";
                if (method != "GET" || random.Next(20) == 0)
                {
                    (request.Content, preview) = input.Content(target.Body);
                }
                var logged = factory.Logs.Entries.Count;
                var answer = await SendAsync(client, request);
                statuses[answer.Status] = statuses.GetValueOrDefault(answer.Status) + 1;
                var line = $"{caller.Name} {method} {Shorten(request.RequestUri?.OriginalString ?? path, 300)} -> {answer.Status}";
                batch.Add(line);
                if (answer.Status is >= 500 or 0)
                {
                    var errors = factory.Logs.Entries.Skip(logged).Where(e => e.StartsWith("Error", StringComparison.Ordinal)).Select(e => Shorten(e, 700));
                    serverErrors.Add($"{line}{Environment.NewLine}  body: {preview}{Environment.NewLine}  {Shorten(answer.Body, 300)} {string.Join(" / ", errors)}");
                }
                else if (answer.Status >= 400 && acceptsJson && !IsProblem(answer, path))
                {
                    notProblems.Add($"{line}: {answer.MediaType ?? "(no Content-Type)"} {Shorten(answer.Body, 200)}{Environment.NewLine}  body: {preview}");
                }
                if (MayHaveStored(method, path, answer)) onlyRefusals = false;
                // An [Idempotent] action stores the answer to a keyed request, a refusal too, so that a retry receives it.
                if (keySent && target.Idempotent) mayStoreRecords++;
            }
            var after = await StoredAsync();
            if (onlyRefusals)
            {
                checkedBatches++;
                var newRecords = after.IdempotencyRecords - before.IdempotencyRecords;
                if (after.Counts != before.Counts || newRecords < 0 || newRecords > mayStoreRecords)
                {
                    storedByRefusals.Add($"[{before.Counts}; {before.IdempotencyRecords} idempotency records] -> [{after.Counts}; {after.IdempotencyRecords}, "
                        + $"at most {mayStoreRecords} new] after: {string.Join(" | ", batch.Take(5))} ...");
                }
            }
            before = after;
        }

        // Assert
        var summary = string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}"));
        var run = $"seed {seed} (FRAUDWEB_FUZZ_SEED), {requests} requests ({summary})";
        Assert.True(serverErrors.Count == 0, $"{serverErrors.Count} requests answered 5xx or not at all, {run}:{Environment.NewLine}"
            + string.Join(Environment.NewLine, serverErrors.Take(20)));
        Assert.True(notProblems.Count == 0, $"{notProblems.Count} refusals were not problem details, {run}:{Environment.NewLine}"
            + string.Join(Environment.NewLine, notProblems.Take(20)));
        Assert.True(storedByRefusals.Count == 0, $"Refused requests stored something, {run}:{Environment.NewLine}" + string.Join(Environment.NewLine, storedByRefusals.Take(5)));
        // The stored-data check must have had batches to check (refusals only), not been skipped by accepted writes.
        Assert.True(checkedBatches * 4 >= requests / BatchSize, $"Only {checkedBatches} of {requests / BatchSize} batches were refusals only, {run}.");
        Assert.True(requests < 2_000 || ExpectedStatuses.All(statuses.ContainsKey), $"Expected every one of {string.Join(", ", ExpectedStatuses)}, {run}.");
    }

    /// <summary>Hostile requests from the run's seeded Random: JSON per member type of a request type, paths, queries and headers.</summary>
    private sealed class HostileInput(Random random, string[] ids, string[] routeValues, string[] dates, Type[] bodyTypes)
    {
        private int _fresh;

        private T Pick<T>(T[] items) => items[random.Next(items.Length)];

        /// <summary>Mostly the action's method; now and then another (no such route: the API's 404).</summary>
        public string MethodFor(string method) => random.Next(25) == 0 ? Pick(OtherMethods) : method;

        /// <summary>The action's route with hostile values in its parameters; now and then in capitals (routes ignore case).</summary>
        public string PathFor(string template)
        {
            var upper = random.Next(25) == 0;
            return "/" + string.Join('/', template.Split('/').Select(segment => segment.StartsWith('{') ? RouteValue() : upper ? segment.ToUpperInvariant() : segment));
        }

        private string RouteValue() => random.Next(4) switch
        {
            0 => Pick(routeValues),
            1 => Uri.EscapeDataString(Pick(NumberTexts)),
            _ => PathSegment(),
        };

        /// <summary>A hostile path segment. A NUL in a path never reaches the app (Kestrel answers 400; the in-memory test server refuses to send it).</summary>
        private string PathSegment()
        {
            var segment = Encode(Pick(Texts));
            return segment.Contains("%00", StringComparison.OrdinalIgnoreCase) ? "%2500" : segment;
        }

        private string Encode(string value) => random.Next(8) == 0 ? Pick(RawEncoded) : HttpUtility.UrlEncode(value, Encoding.UTF8);

        /// <summary>Each query parameter missing, once or repeated, with hostile values for its type; sometimes a stranger.</summary>
        public string Query(QueryField[] fields)
        {
            var parts = new List<string>();
            foreach (var field in fields)
            {
                var times = random.Next(6) switch { 0 => 0, 1 => 2, _ => 1 };
                for (var i = 0; i < times; i++) parts.Add((random.Next(10) == 0 ? field.Name.ToUpperInvariant() : field.Name) + "=" + Encode(QueryValue(field.Type)));
            }
            if (random.Next(5) == 0) parts.Add(Encode(Pick(Texts)) + "=" + Encode(Pick(Texts)));
            return parts.Count == 0 ? "" : "?" + string.Join('&', parts.OrderBy(_ => random.Next()));
        }

        private string QueryValue(Type type)
        {
            var element = Nullable.GetUnderlyingType(type) ?? type;
            if (random.Next(5) == 0) return Pick(Texts);
            if (element == typeof(long) || element == typeof(int)) return random.Next(3) == 0 ? Pick(ids) : Pick(NumberTexts);
            if (element == typeof(DateTimeOffset) || element == typeof(DateTime)) return Pick(dates);
            return random.Next(2) == 0 ? Pick(Cursors) : Pick(Texts);
        }

        /// <summary>The caller's Authorization headers for this request: none, its key, or one of the malformed sets.</summary>
        public void Authorize(HttpRequestMessage request, string[][] authorizations)
        {
            foreach (var value in Pick(authorizations)) request.Headers.TryAddWithoutValidation("Authorization", value);
        }

        /// <summary>Now and then an Accept header; false when it rules out JSON (the problem may then come as plain text).</summary>
        public bool Accept(HttpRequestMessage request)
        {
            if (random.Next(12) != 0) return true;
            var json = random.Next(2) == 0;
            request.Headers.TryAddWithoutValidation("Accept", Pick(json ? JsonAccepts : OtherAccepts));
            return json;
        }

        /// <summary>Often on writes, rarely on reads, an Idempotency-Key: new, reused, invalid or repeated. True when one was sent.</summary>
        public bool IdempotencyKey(HttpRequestMessage request, bool write)
        {
            if (random.Next(write ? 3 : 30) != 0) return false;
            switch (random.Next(8))
            {
                case 0 or 1 or 2:
                    request.Headers.TryAddWithoutValidation(IdempotencyFilter.Header, string.Create(CultureInfo.InvariantCulture, $"fuzz-{++_fresh}-{random.Next():x8}"));
                    break;
                case 3:
                    // A key used before, with another request or the same one: refused (422) or replayed.
                    request.Headers.TryAddWithoutValidation(IdempotencyFilter.Header, string.Create(CultureInfo.InvariantCulture, $"fuzz-reused-{random.Next(3)}"));
                    break;
                case 4:
                    request.Headers.TryAddWithoutValidation(IdempotencyFilter.Header, "fuzz-repeated-a");
                    request.Headers.TryAddWithoutValidation(IdempotencyFilter.Header, "fuzz-repeated-b");
                    break;
                case 5:
                    request.Headers.TryAddWithoutValidation(IdempotencyFilter.Header, new string('k', IdempotencyRecord.KeyMaxLength));
                    break;
                default:
                    request.Headers.TryAddWithoutValidation(IdempotencyFilter.Header, Pick(BadIdempotencyKeys));
                    break;
            }
            return true;
        }

        /// <summary>A body: mostly the request type's JSON with hostile members, else broken JSON, other shapes, random bytes, sizes and media types.</summary>
        public (HttpContent Content, string Preview) Content(Type? type)
        {
            var requestType = type ?? Pick(bodyTypes);
            string? mediaType = "application/json";
            byte[] bytes;
            switch (random.Next(40))
            {
                case 0:
                    bytes = new byte[random.Next(4096)];
                    random.NextBytes(bytes);
                    break;
                case 1:
                    bytes = [.. Encoding.UTF8.GetBytes("{\"reason\":\""), .. InvalidUtf8, .. Encoding.UTF8.GetBytes("\",\"kind\":\"not-me\"}")];
                    break;
                case 2:
                {
                    var json = ObjectOf(requestType, 0);
                    bytes = Encoding.UTF8.GetBytes(json.Remove(random.Next(json.Length)));
                    break;
                }
                case 3:
                    bytes = Encoding.UTF8.GetBytes("[" + ObjectOf(requestType, 0) + "," + ObjectOf(requestType, 0) + "]");
                    break;
                case 4:
                    bytes = Encoding.UTF8.GetBytes(Pick(Scalars));
                    break;
                case 5:
                    bytes = [];
                    break;
                case 6:
                    // 400 (System.Text.Json stops at 64 levels), not a stack overflow or a 500.
                    bytes = Encoding.UTF8.GetBytes(Deep(10_000));
                    break;
                case 7:
                    bytes = Encoding.UTF8.GetBytes(ObjectOf(requestType, 0) + new string(' ', OverTheLimit));
                    break;
                case 8:
                    bytes = Encoding.Unicode.GetBytes(ObjectOf(requestType, 0));
                    mediaType = "application/json; charset=utf-16";
                    break;
                case 9:
                    bytes = [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(ObjectOf(requestType, 0))];
                    break;
                case 10:
                {
                    var json = ObjectOf(requestType, 0);
                    var multipart = new MultipartFormDataContent { { new StringContent(json), "request" } };
                    return (multipart, "multipart/form-data: " + Shorten(json, 160));
                }
                case 11:
                    bytes = Encoding.ASCII.GetBytes("cardId=1&terminalId=1&amount=5&kind=not-me&reason=stolen+card");
                    mediaType = "application/x-www-form-urlencoded";
                    break;
                case 12:
                    bytes = Encoding.UTF8.GetBytes(ObjectOf(requestType, 0));
                    mediaType = null;
                    break;
                case 13:
                    // Another action's request: members this one does not know.
                    bytes = Encoding.UTF8.GetBytes(ObjectOf(Pick(bodyTypes), 0));
                    break;
                default:
                    bytes = Encoding.UTF8.GetBytes(ObjectOf(requestType, 0));
                    if (random.Next(6) == 0) mediaType = Pick(ContentTypes);
                    break;
            }
            var content = new ByteArrayContent(bytes);
            if (mediaType is not null) content.Headers.TryAddWithoutValidation("Content-Type", mediaType);
            return (content, Preview(bytes, mediaType));
        }

        /// <summary>An object of the type's members, each missing, once or repeated (System.Text.Json keeps the last), with hostile values; sometimes unknown members.</summary>
        private string ObjectOf(Type type, int depth)
        {
            var members = new List<string>();
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                var times = random.Next(8) switch { 0 => 0, 1 => 2, _ => 1 };
                for (var i = 0; i < times; i++) members.Add(Quote(MemberName(property.Name)) + ":" + Value(property.PropertyType, depth + 1));
            }
            if (random.Next(6) == 0) members.Add(Quote(random.Next(2) == 0 ? "currency" : Pick(Texts)) + ":" + AnyValue(depth + 1));
            if (random.Next(4) == 0) members = [.. members.OrderBy(_ => random.Next())];
            return "{" + string.Join(random.Next(30) == 0 ? ",," : ",", members) + (random.Next(30) == 0 ? ",}" : "}");
        }

        /// <summary>Mostly the request's own spelling (camelCase); names are matched without regard to case, and others are unknown.</summary>
        private string MemberName(string name) => random.Next(20) switch
        {
            0 => name,
            1 => name.ToUpperInvariant(),
            2 => JsonNamingPolicy.CamelCase.ConvertName(name) + " ",
            3 => JsonNamingPolicy.SnakeCaseLower.ConvertName(name),
            _ => JsonNamingPolicy.CamelCase.ConvertName(name),
        };

        /// <summary>A hostile value of the member's JSON kind, or now and then of any kind (wrong types).</summary>
        private string Value(Type type, int depth)
        {
            var element = Nullable.GetUnderlyingType(type) ?? type;
            if (random.Next(4) == 0 || depth > 4) return AnyValue(depth);
            if (element == typeof(long) || element == typeof(int)) return NumberToken();
            // Amounts also read decimal strings ([JsonNumberHandling]): numbers in quotes too.
            if (element == typeof(decimal)) return random.Next(3) == 0 ? Quote(Pick(JsonNumbers)) : NumberToken();
            if (element == typeof(DateTimeOffset) || element == typeof(DateTime)) return Quote(Pick(dates));
            if (element == typeof(string)) return Quote(depth <= 1 && random.Next(15) == 0 ? Pick(HugeTexts) : Pick(Texts));
            // Integers too, defined members or not: a string enum converter may take them.
            if (element.IsEnum) return random.Next(4) == 0 ? NumberToken() : Quote(random.Next(2) == 0 ? Pick(EnumNames(element)) : Pick(Texts));
            if (ElementOf(element) is { } item) return ArrayOf(item, depth);
            return element.IsClass ? ObjectOf(element, depth) : AnyValue(depth);
        }

        /// <summary>Empty, one over the 500 labels allowed, or a few elements; now and then a null element.</summary>
        private string ArrayOf(Type item, int depth)
        {
            var count = random.Next(8) switch { 0 => 0, 1 => 501, _ => random.Next(1, 4) };
            var items = new List<string>(count);
            for (var i = 0; i < count; i++) items.Add(random.Next(8) == 0 ? "null" : Value(item, depth + 1));
            return "[" + string.Join(',', items) + "]";
        }

        /// <summary>Any JSON value (or a stray token); the huge and the deeply nested only near the top, to keep bodies bounded.</summary>
        private string AnyValue(int depth)
        {
            var nested = depth < 4;
            return random.Next(depth <= 1 ? 13 : 11) switch
            {
                0 or 1 => Quote(Pick(Texts)),
                2 or 3 => NumberToken(),
                4 => Pick(Literals),
                5 => nested ? "[" + AnyValue(depth + 1) + "," + AnyValue(depth + 1) + "]" : "[]",
                6 => nested ? "{\"a\":" + AnyValue(depth + 1) + "}" : "{}",
                7 => Quote(Pick(dates)),
                8 => Quote(Pick(ids)),
                9 => "null",
                10 => "[null]",
                11 => Quote(Pick(HugeTexts)),
                _ => Deep(Pick(Depths)),
            };
        }

        private string NumberToken() => random.Next(3) == 0 ? Pick(ids) : Pick(JsonNumbers);

        private string Deep(int levels) => random.Next(2) == 0
            ? new string('[', levels) + new string(']', levels)
            : string.Concat(Enumerable.Repeat("{\"a\":", levels)) + "1" + new string('}', levels);

        /// <summary>A JSON string: quotes, backslashes, control characters and lone surrogates escaped; now and then control characters raw (not JSON).</summary>
        private string Quote(string text)
        {
            var raw = random.Next(25) == 0;
            var builder = new StringBuilder(text.Length + 2).Append('"');
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                if (c is '"' or '\\') builder.Append('\\').Append(c);
                else if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) builder.Append(c).Append(text[++i]);
                else if ((c < ' ' && !raw) || char.IsSurrogate(c)) builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                else builder.Append(c);
            }
            return builder.Append('"').ToString();
        }

        /// <summary>An enum's names as the API spells them ([JsonStringEnumMemberName]), and its member names.</summary>
        private static string[] EnumNames(Type type) =>
            [.. type.GetFields(BindingFlags.Public | BindingFlags.Static).SelectMany(f => new[] { f.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? f.Name, f.Name })];

        private static Type? ElementOf(Type type) =>
            type == typeof(string) ? null
            : type.IsArray ? type.GetElementType()
            : type.IsGenericType && typeof(System.Collections.IEnumerable).IsAssignableFrom(type) ? type.GetGenericArguments()[0]
            : null;
    }
}
