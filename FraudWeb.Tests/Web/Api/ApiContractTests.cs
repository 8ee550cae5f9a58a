using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FraudWeb.Api;
using FraudWeb.Controllers.Api;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Controllers;
using Microsoft.AspNetCore.Mvc.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace FraudWeb.Tests.Web.Api;

/// <summary>
/// The published contract (GET /openapi/v1.json) against the code: every API action is in it with its request
/// schema, every status code it declares, its security and its Idempotency-Key. (Every test's requests and
/// responses are also checked against the document: <see cref="ApiSteps.SendAsync"/>.)
/// </summary>
[Collection(WebTestGroup.Name)]
public sealed partial class ApiContractTests(FraudWebFactory factory)
{
    private static readonly string[] ProblemMembers = ["requestId", "traceId", "paymentId", "availableCredit", "cardStatus", "stoppedUtc"];

    [GeneratedRegex(@"\{(\w+)(:[^}]*)?\}")]
    private static partial Regex RouteParameter();

    [Fact]
    public async Task Document_EveryApiAction_ListedWithSchemasStatusesSecurityAndIdempotency()
    {
        // Arrange
        var contract = await ApiContract.ForAsync(factory);
        var actions = factory.Services.GetRequiredService<IActionDescriptorCollectionProvider>().ActionDescriptors.Items.OfType<ControllerActionDescriptor>()
            .Where(a => typeof(ApiControllerBase).IsAssignableFrom(a.ControllerTypeInfo)).ToList();
        var failures = new List<string>();

        // Act
        foreach (var action in actions)
        {
            var path = "/" + RouteParameter().Replace(action.AttributeRouteInfo!.Template!, "{$1}");
            foreach (var method in action.EndpointMetadata.OfType<HttpMethodMetadata>().SelectMany(m => m.HttpMethods).Distinct())
            {
                var name = $"{method} {path}";
                if (contract.Document["paths"]?[path]?[method.ToLowerInvariant()] is not JsonObject operation)
                {
                    failures.Add($"{name} is missing");
                    continue;
                }
                var declared = action.EndpointMetadata.OfType<ProducesResponseTypeAttribute>().Select(p => p.StatusCode).Distinct();
                foreach (var status in declared)
                {
                    var response = operation["responses"]?[status.ToString(System.Globalization.CultureInfo.InvariantCulture)];
                    if (response?["content"] is not JsonObject content || !content.Any(c => c.Value?["schema"] is not null))
                        failures.Add($"{name} {status} has no schema");
                }
                // A POST that reads a body declares its schema; one that reads only its address (unblock) has none to declare.
                var readsBody = action.Parameters.Any(p => p.ParameterType != typeof(long) && p.ParameterType != typeof(CancellationToken));
                if (method == "POST" && readsBody && operation["requestBody"]?["content"]?["application/json"]?["schema"] is null) failures.Add($"{name} has no request schema");
                if (method == "POST" && !readsBody && operation["requestBody"] is not null) failures.Add($"{name} declares a body it does not read");
                if (operation["security"] is not JsonArray { Count: > 0 } security) failures.Add($"{name} lists no security");
                else
                {
                    // The scope the endpoint's policy needs, named in the contract (API review: none was)
                    var needed = action.EndpointMetadata.OfType<Microsoft.AspNetCore.Authorization.IAuthorizeData>()
                        .Select(a => a.Policy).Where(p => p?.StartsWith("api:", StringComparison.Ordinal) == true).Select(p => p!["api:".Length..]).Order(StringComparer.Ordinal).ToList();
                    var listed = security[0]?["ApiKey"]?.AsArray().Select(x => x!.GetValue<string>()).Order(StringComparer.Ordinal).ToList() ?? [];
                    if (needed.Count == 0 || !needed.SequenceEqual(listed)) failures.Add($"{name} lists scopes [{string.Join(", ", listed)}], needs [{string.Join(", ", needed)}]");
                }
                var idempotent = action.EndpointMetadata.OfType<AcceptsIdempotencyKeyAttribute>().Any();
                var header = operation["parameters"]?.AsArray().Any(p => p?["name"]?.GetValue<string>() == "Idempotency-Key" && p["in"]?.GetValue<string>() == "header") == true;
                if (idempotent != header) failures.Add($"{name}: Idempotency-Key header {(header ? "listed but not accepted" : "accepted but not listed")}");
                if (method == "POST" && action.ActionName != "Predict" && !idempotent) failures.Add($"{name} writes but takes no Idempotency-Key");
                // A key can answer 409 (its first request still runs) and 422 (reused for another request).
                if (idempotent && (operation["responses"]?["409"] is null || operation["responses"]?["422"] is null)) failures.Add($"{name} takes an Idempotency-Key but lists no 409 or 422");
                foreach (var (status, response) in operation["responses"]?.AsObject() ?? [])
                {
                    if (response?["content"] is JsonObject content && content.Any(c => !c.Key.EndsWith("json", StringComparison.Ordinal) || c.Key == "text/json"))
                        failures.Add($"{name} {status} lists {string.Join(", ", content.Select(c => c.Key))}: the API answers JSON only");
                }
            }
        }

        // Assert
        Assert.True(actions.Count >= 7, "the API's actions were not found");
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        Assert.Equal("bearer", contract.Document["components"]?["securitySchemes"]?["ApiKey"]?["scheme"]?.GetValue<string>());
        Assert.StartsWith("3.1", contract.Document["openapi"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Document_ProblemTypes_ListedOpenAndTheirAnswersConform()
    {
        // Arrange (a left item of the API review: the contract omitted the endpoint every problem's "type" links to)
        var contract = await ApiContract.ForAsync(factory);
        using var client = factory.ApiClient(null);

        // Act
        var known = await client.GetAsync(new Uri("/api/problems/insufficient-credit", UriKind.Relative));
        var unknown = await client.GetAsync(new Uri("/api/problems/no-such-type", UriKind.Relative));

        // Assert: in the document, without a key, and both answers as it says
        var operation = contract.Find("GET", "/api/problems/insufficient-credit")?.Operation;
        Assert.NotNull(operation);
        Assert.Null(operation["security"]);
        Assert.Equal(HttpStatusCode.OK, known.StatusCode);
        Assert.Empty(contract.CheckResponse("GET", "/api/problems/insufficient-credit", 200, known.Content.Headers.ContentType?.ToString(), await known.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Empty(contract.CheckResponse("GET", "/api/problems/no-such-type", 404, unknown.Content.Headers.ContentType?.ToString(), await unknown.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task Document_ListLimit_BoundsAsTheServerKeepsThem()
    {
        // Arrange (API review: the bounds were only in the description)
        var contract = await ApiContract.ForAsync(factory);
        var (api, _, _) = await factory.HolderWithKeyAsync();

        // Act
        var limit = contract.Document["paths"]!["/api/v1/payments"]!["get"]!["parameters"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == "limit")!["schema"]!;
        var refused = await api.SendAsync(factory, HttpMethod.Get, "/api/v1/payments?limit=101");

        // Assert
        Assert.Equal("1", limit["minimum"]!.ToJsonString());
        Assert.Equal("100", limit["maximum"]!.ToJsonString());
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal("The limit is between 1 and 100.", refused.Json.GetProperty("errors").GetProperty("limit")[0].GetString());
    }

    [Fact]
    public async Task Document_ReportReason_LengthBoundsInCharactersAsTheServerCounts()
    {
        // Arrange: JSON Schema counts a string's length in characters; the server now does too (it counted UTF-16 units).
        var contract = await ApiContract.ForAsync(factory);

        // Act
        var reason = contract.Document["components"]!["schemas"]!["ReportRequest"]!["properties"]!["reason"]!;

        // Assert
        Assert.Equal("4", reason["minLength"]!.ToJsonString());
        Assert.Equal("500", reason["maxLength"]!.ToJsonString());
        // Its words say the same bounds (review: they still said 5 to 500).
        Assert.Contains($"{FraudWeb.Domain.Entities.FraudReport.ReasonMinLength} to {FraudWeb.Domain.Entities.FraudReport.ReasonMaxLength} characters", reason["description"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Document_RequiredRequestFields_RefuseNullAsTheServerDoes()
    {
        // Arrange: the server answers 400 to a null in a required field, so the contract must not offer null there.
        var contract = await ApiContract.ForAsync(factory);
        var failures = new List<string>();

        // Act
        foreach (var name in new[] { "PaymentRequest", "PredictRequest", "ReportRequest", "LabelsRequest", "LabelItem" })
        {
            var schema = contract.Document["components"]!["schemas"]![name]!.AsObject();
            var required = schema["required"]!.AsArray().Select(r => r!.GetValue<string>()).ToList();
            Assert.NotEmpty(required);
            foreach (var property in required)
            {
                var field = schema["properties"]![property]!;
                var types = field["type"] is JsonArray many ? many.Select(t => t!.GetValue<string>()) : field["type"] is JsonValue one ? [one.GetValue<string>()] : [];
                var oneOfNull = field["oneOf"]?.AsArray().Any(o => o?["type"]?.ToString() == "null") == true;
                if (types.Contains("null") || oneOfNull) failures.Add($"{name}.{property} is required but nullable");
            }
        }
        var nullCard = contract.CheckRequest("POST", "/api/v1/payments", """{"cardId":null,"terminalId":1,"amount":"5.00"}""");

        // Assert
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        Assert.NotEmpty(nullCard);
        Assert.Empty(contract.CheckRequest("POST", "/api/v1/payments", """{"cardId":1,"terminalId":1,"amount":"5.00"}"""));
        Assert.NotEmpty(contract.CheckRequest("POST", "/api/v1/payments", """{"cardId":1,"terminalId":1,"amount":"1e2"}"""));
        Assert.NotEmpty(contract.CheckRequest("POST", "/api/v1/predict", """{"cardId":1,"terminalId":1,"amount":5,"timestamp":"2026-11-30T10:00:00"}"""));
        Assert.Empty(contract.CheckRequest("POST", "/api/v1/labels", """{"labels":[{"paymentId":1,"label":"fraud"}]}"""));
        Assert.NotEmpty(contract.CheckRequest("POST", "/api/v1/labels", """{"labels":[{"paymentId":1,"label":null}]}"""));
        Assert.NotEmpty(contract.CheckRequest("POST", "/api/v1/labels", """{"labels":[{"paymentId":1,"label":"maybe"}]}"""));
    }

    [Fact]
    public async Task Document_EveryResponse_DeclaresTheHeadersItCarries()
    {
        // Arrange
        var contract = await ApiContract.ForAsync(factory);
        var failures = new List<string>();

        // Act
        foreach (var (path, item) in contract.Document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                foreach (var (status, response) in operation!["responses"]!.AsObject())
                {
                    var headers = response!["headers"] as JsonObject;
                    var expected = new List<string> { "X-Request-Id", "traceparent" };
                    // A created payment can be read back at its Location; a report has no address of its own.
                    if (status == "201" && path == "/api/v1/payments") expected.Add("Location");
                    if (status is "429" or "503") expected.Add("Retry-After");
                    foreach (var header in expected.Where(h => headers?[h]?["required"]?.GetValue<bool>() != true))
                        failures.Add($"{method.ToUpperInvariant()} {path} {status} does not declare {header}");
                }
            }
        }
        var problem = contract.Document["components"]!["schemas"]!["ProblemDetails"]!["properties"]!.AsObject();

        // Assert
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        Assert.All(ProblemMembers, member => Assert.True(problem.ContainsKey(member), member));
    }

    [Fact]
    public async Task Document_EveryOperation_SummaryAndEveryParameterDescribed()
    {
        // Arrange: what an integrator reads on the reference page comes from the controllers' XML comments
        var contract = await ApiContract.ForAsync(factory);
        var failures = new List<string>();

        // Act
        foreach (var (path, item) in contract.Document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                if (string.IsNullOrWhiteSpace(operation?["summary"]?.GetValue<string>())) failures.Add($"{method} {path}: no summary");
                foreach (var parameter in operation?["parameters"]?.AsArray() ?? [])
                {
                    if (string.IsNullOrWhiteSpace(parameter?["description"]?.GetValue<string>())) failures.Add($"{method} {path}: {parameter?["name"]} undescribed");
                }
            }
        }

        // Assert
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        var limit = contract.Document["paths"]!["/api/v1/payments"]!["get"]!["parameters"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == "limit");
        Assert.Contains("1 to 100", limit!["description"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reference_ScalarPage_ServedAnonymouslyFromTheDocument()
    {
        // Arrange
        using var anonymous = factory.ApiClient(null);

        // Act
        var page = await anonymous.GetAsync(new Uri("/scalar/v1", UriKind.Relative));
        var html = await page.Content.ReadAsStringAsync();

        // Assert
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("openapi/v1.json", html, StringComparison.Ordinal);
        Assert.Contains("'unsafe-inline'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        // Only there: every other page keeps the strict policy.
        var home = await anonymous.GetAsync(new Uri("/", UriKind.Relative));
        Assert.DoesNotContain("unsafe-inline", home.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reference_ScalarPage_AsksForNoFontsItsPolicyForbids()
    {
        // Arrange
        using var anonymous = factory.ApiClient(null);

        // Act
        var page = await anonymous.GetAsync(new Uri("/scalar/v1", UriKind.Relative));
        var html = await page.Content.ReadAsStringAsync();

        // Assert: the page may load fonts from itself only, so Scalar must not fetch its default ones (fonts.scalar.com)
        Assert.Contains("font-src 'self' data:;", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Contains("\"withDefaultFonts\":false", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Document_EveryEnumARequestReads_ReadByNameOnlyAndItsSchemaListsExactlyThoseNames()
    {
        // Arrange (review: the framework's enum converter trimmed "removed " and read "a, b" as flags; ours reads names only)
        var contract = await ApiContract.ForAsync(factory);
        var bodies = factory.Services.GetRequiredService<IActionDescriptorCollectionProvider>().ActionDescriptors.Items.OfType<ControllerActionDescriptor>()
            .Where(a => typeof(ApiControllerBase).IsAssignableFrom(a.ControllerTypeInfo))
            .SelectMany(a => a.Parameters).Where(p => p.BindingInfo?.BindingSource == Microsoft.AspNetCore.Mvc.ModelBinding.BindingSource.Body).Select(p => p.ParameterType);

        // Act: every enum reachable from a request body's properties (lists and nullables included).
        var enums = new HashSet<Type>();
        var seen = new HashSet<Type>();
        var pending = new Queue<Type>(bodies);
        while (pending.TryDequeue(out var type))
        {
            if (!seen.Add(type)) continue;
            if (Nullable.GetUnderlyingType(type) is { } underlying) pending.Enqueue(underlying);
            else if (type.IsEnum) enums.Add(type);
            else if (type.IsGenericType) foreach (var argument in type.GetGenericArguments()) pending.Enqueue(argument);
            else if (type.Namespace == typeof(PaymentRequest).Namespace)
                foreach (var property in type.GetProperties()) pending.Enqueue(property.PropertyType);
        }

        // Assert
        Assert.Equal(["CardBlockValue", "CardStopValue", "LabelValue", "ReportKindValue"], enums.Select(e => e.Name).Order(StringComparer.Ordinal));
        foreach (var type in enums)
        {
            var names = NamesOnlyEnums.NamesOf(type);
            Assert.True(names is not null, $"{type.Name} is not read by NamesOnlyEnumConverter");
            var schema = contract.Document["components"]?["schemas"]?[type.Name];
            Assert.Equal("string", schema?["type"]?.GetValue<string>());
            Assert.Equal(names, schema?["enum"]?.AsArray().Select(v => v!.GetValue<string>()));
        }
    }
}
