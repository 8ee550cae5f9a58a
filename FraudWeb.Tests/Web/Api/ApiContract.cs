using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FraudWeb.Tests.Web.Infrastructure;
using Json.Schema;

namespace FraudWeb.Tests.Web.Api;

/// <summary>
/// The API's published contract (GET /openapi/v1.json), used to check every request and response the tests make:
/// the operation exists, the status code is one it declares, and the JSON body validates against the declared
/// schema (JSON Schema 2020-12, which OpenAPI 3.1 uses).
/// </summary>
public sealed class ApiContract
{
    private static readonly ConditionalWeakTable<FraudWebFactory, Task<ApiContract>> Loaded = new();
    private readonly JsonObject _document;
    private readonly JsonObject _definitions;
    private readonly ConcurrentDictionary<string, JsonSchema> _schemas = new();

    private ApiContract(JsonObject document)
    {
        _document = document;
        // The document's schemas as $defs, so a response's "$ref" resolves inside one JSON Schema document.
        var text = (document["components"]?["schemas"] ?? new JsonObject()).ToJsonString().Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal);
        _definitions = JsonNode.Parse(text)!.AsObject();
    }

    public JsonObject Document => _document;

    public static Task<ApiContract> ForAsync(FraudWebFactory factory) => Loaded.GetValue(factory, async f =>
    {
        using var client = f.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { BaseAddress = FraudWebFactory.HttpsBaseAddress });
        var response = await client.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        response.EnsureSuccessStatusCode();
        return new ApiContract(JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    });

    /// <summary>The operation for a method and a concrete path (query ignored): its path template and its JSON.</summary>
    public (string Template, JsonObject Operation)? Find(string method, string path)
    {
        var bare = path.Split('?')[0];
        foreach (var (template, item) in _document["paths"]!.AsObject())
        {
            var pattern = "^" + Regex.Replace(Regex.Escape(template), @"\\\{[^}]+}", "[^/]+") + "$";
            if (Regex.IsMatch(bare, pattern) && item![method.ToLowerInvariant()] is JsonObject operation) return (template, operation);
        }
        return null;
    }

    /// <summary>Problems with a request body sent to the operation (empty when it conforms).</summary>
    public IReadOnlyList<string> CheckRequest(string method, string path, string json)
    {
        var found = Find(method, path);
        if (found is null) return [$"{method} {path} is not in the OpenAPI document"];
        var schema = found.Value.Operation["requestBody"]?["content"]?["application/json"]?["schema"];
        if (schema is null) return [$"{method} {found.Value.Template} declares no JSON request body"];
        return Validate(schema, json, $"request of {method} {found.Value.Template}");
    }

    /// <summary>Problems with a response of the operation (empty when it conforms).</summary>
    public IReadOnlyList<string> CheckResponse(string method, string path, int status, string? contentType, string body)
    {
        var found = Find(method, path);
        if (found is null) return [$"{method} {path} is not in the OpenAPI document"];
        var (template, operation) = found.Value;
        if (operation["responses"]?[status.ToString(System.Globalization.CultureInfo.InvariantCulture)] is not JsonObject declared)
            return [$"{method} {template} answered {status}, which the document does not declare"];
        var mediaType = (contentType ?? "").Split(';')[0].Trim();
        if (body.Length == 0) return [];
        if (declared["content"]?[mediaType]?["schema"] is not { } schema)
            return [$"{method} {template} {status}: media type '{mediaType}' is not declared"];
        return Validate(schema, body, $"{status} response of {method} {template}");
    }

    /// <summary>Required headers the operation declares for this status that the answer lacks.</summary>
    public IReadOnlyList<string> CheckHeaders(string method, string path, int status, HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var found = Find(method, path);
        if (found is null) return [$"{method} {path} is not in the OpenAPI document"];
        var declared = found.Value.Operation["responses"]?[status.ToString(System.Globalization.CultureInfo.InvariantCulture)]?["headers"] as JsonObject;
        return (declared ?? [])
            .Where(h => h.Value?["required"]?.GetValue<bool>() == true)
            .Where(h => !response.Headers.NonValidated.Contains(h.Key) && !response.Content.Headers.NonValidated.Contains(h.Key))
            .Select(h => $"{method} {found.Value.Template} {status}: the required header {h.Key} is missing")
            .ToList();
    }

    private List<string> Validate(JsonNode schema, string json, string what)
    {
        var key = schema.ToJsonString();
        var compiled = _schemas.GetOrAdd(key, k =>
        {
            var root = JsonNode.Parse(k)!.AsObject();
            var text = root.ToJsonString().Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal);
            var document = JsonNode.Parse(text)!.AsObject();
            document["$schema"] = "https://json-schema.org/draft/2020-12/schema";
            document["$defs"] = _definitions.DeepClone();
            // A registry of its own: the global one is a plain Dictionary, and tests build schemas in parallel.
            var options = new BuildOptions { SchemaRegistry = new SchemaRegistry() };
            return JsonSchema.FromText(document.ToJsonString(), options, new Uri($"https://contract.fraudweb.test/{Guid.NewGuid():N}"));
        });
        using var instance = JsonDocument.Parse(json);
        var result = compiled.Evaluate(instance.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid) return [];
        return (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{what}: {d.InstanceLocation} {e.Key}: {e.Value}")).DefaultIfEmpty($"{what} does not validate").ToList();
    }
}
