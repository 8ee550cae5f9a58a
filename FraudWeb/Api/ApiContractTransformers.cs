using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace FraudWeb.Api;

/// <summary>
/// What the OpenAPI generator cannot see in the code and integrators' generated clients rely on: required request
/// fields that may not be null, the bodies our own converters read, the headers every answer carries, and the members
/// our problems add (ApiContract in the tests checks each answer against them).
/// </summary>
public static class ApiContractTransformers
{
    public const string RequestIdHeader = "X-Request-Id";
    public const string TraceParentHeader = "traceparent";

    /// <summary>
    /// Request fields marked [Required] are nullable in C# only so that a missing one is a validation error naming it
    /// rather than a silent 0; null is refused (400), so the request schemas do not offer it. Done on the finished
    /// document: the generator wraps nullable references in a oneOf with null after the schema transformers ran.
    /// Responses keep their nulls (a payment's declineReason is null when none).
    /// </summary>
    public static Task RequiredRequestFieldsNotNull(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        var schemas = document.Components?.Schemas;
        if (schemas is null) return Task.CompletedTask;
        var pending = new Queue<string>((document.Paths?.Values ?? Enumerable.Empty<IOpenApiPathItem>()).SelectMany(p => p.Operations?.Values ?? Enumerable.Empty<OpenApiOperation>())
            .SelectMany(o => o.RequestBody?.Content?.Values ?? []).Select(m => m.Schema).OfType<OpenApiSchemaReference>().Select(r => r.Reference.Id!));
        var requests = new HashSet<string>(StringComparer.Ordinal);
        while (pending.TryDequeue(out var name))
        {
            if (!requests.Add(name) || !schemas.TryGetValue(name, out var found) || found is not OpenApiSchema schema) continue;
            // Our enums are read by name only (NamesOnlyEnumConverter): strings, and a null is the oneOf's business.
            if (schema.Enum is { Count: > 0 } values)
            {
                foreach (var none in values.Where(v => v is null).ToList()) values.Remove(none);
                schema.Type = JsonSchemaType.String;
            }
            foreach (var property in (schema.Properties ?? new Dictionary<string, IOpenApiSchema>()).Values)
            {
                foreach (var reference in Referenced(property)) pending.Enqueue(reference);
            }
            foreach (var required in schema.Required ?? new HashSet<string>())
            {
                if (schema.Properties is null || !schema.Properties.TryGetValue(required, out var property) || property is not OpenApiSchema field) continue;
                if (field.Type is { } type) field.Type = type & ~JsonSchemaType.Null;
                field.OneOf?.Where(IsNullOnly).ToList().ForEach(s => field.OneOf.Remove(s));
            }
        }
        return Task.CompletedTask;
    }

    private static IEnumerable<string> Referenced(IOpenApiSchema schema) => schema switch
    {
        OpenApiSchemaReference reference => [reference.Reference.Id!],
        OpenApiSchema inline => (inline.OneOf ?? []).Concat(inline.Items is { } items ? [items] : []).SelectMany(Referenced),
        _ => [],
    };

    private static bool IsNullOnly(IOpenApiSchema schema) => schema is OpenApiSchema { Type: JsonSchemaType.Null };

    /// <summary>Fields read by our own converters: their schema says what the converter takes.</summary>
    public static Task ConvertedFields(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(context);
        switch (context.JsonPropertyInfo?.CustomConverter)
        {
            case ApiAmountConverter:
                // A string must be plain digits (ApiAmountConverter's own pattern); a number is any JSON number.
                schema.Type = JsonSchemaType.Number | JsonSchemaType.String | JsonSchemaType.Null;
                schema.Pattern = ApiAmountConverter.Pattern;
                schema.Format = null;
                break;
            case Rfc3339Converter:
                schema.Type = JsonSchemaType.String | JsonSchemaType.Null;
                schema.Format = "date-time";
                schema.Pattern = Rfc3339Converter.Pattern;
                break;
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// The enums the API reads by name only (<see cref="NamesOnlyEnumConverter{TEnum}"/>, a converter of our own that the
    /// generator cannot see into, so it leaves their schemas empty): a string, one of the documented names.
    /// </summary>
    public static Task NamesOnlyEnums(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        foreach (var type in typeof(Api.NamesOnlyEnums).Assembly.GetTypes().Where(t => t.IsEnum))
        {
            if (Api.NamesOnlyEnums.NamesOf(type) is not { } names || document.Components?.Schemas?.TryGetValue(type.Name, out var found) != true
                || found is not OpenApiSchema schema) continue;
            schema.Type = JsonSchemaType.String;
            schema.Enum = [.. names.Select(n => (System.Text.Json.Nodes.JsonNode)n!)];
        }
        return Task.CompletedTask;
    }

    /// <summary>The members every problem of this API adds (RFC 9457 extension members), and those of some types.</summary>
    public static Task ProblemMembers(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(schema);
        ArgumentNullException.ThrowIfNull(context);
        if (context.JsonPropertyInfo is not null || !typeof(Microsoft.AspNetCore.Mvc.ProblemDetails).IsAssignableFrom(context.JsonTypeInfo.Type)) return Task.CompletedTask;
        schema.Properties ??= new Dictionary<string, IOpenApiSchema>();
        schema.Properties["requestId"] = Text("This request's id, as in the X-Request-Id header: quote it when asking about the request.");
        schema.Properties["traceId"] = Text("The W3C trace id of the request (its traceparent's second part).");
        schema.Properties["paymentId"] = new OpenApiSchema
        {
            Type = JsonSchemaType.Integer,
            Format = "int64",
            Description = "insufficient-credit: the payment recorded as declined.",
        };
        schema.Properties["payment"] = Text("insufficient-credit: the declined payment's address.");
        schema.Properties["availableCredit"] = Text("insufficient-credit: the credit left on the card, a decimal string.");
        schema.Properties["cardStatus"] = new OpenApiSchema
        {
            Type = JsonSchemaType.String,
            Enum = [.. CardResources.Statuses.Skip(1).Select(s => (System.Text.Json.Nodes.JsonNode)s!)],
            Description = "card-stopped: how the card is stopped.",
        };
        schema.Properties["stoppedUtc"] = new OpenApiSchema
        {
            Type = JsonSchemaType.String,
            Format = "date-time",
            Description = "card-stopped: when the card was stopped (UTC).",
        };
        return Task.CompletedTask;
    }

    private static OpenApiSchema Text(string description) => new() { Type = JsonSchemaType.String, Description = description };

    /// <summary>The headers answers carry: each response declares them, so generated clients can read them.</summary>
    /// <param name="createdType">The resource a 201 answers with: when it can be read back (it has a self link), the 201's Location is its address.</param>
    public static void ResponseHeaders(OpenApiOperation operation, bool idempotent, Type? createdType)
    {
        var locates = createdType?.GetProperty(nameof(PaymentResource.Links))?.PropertyType.GetProperty(nameof(PaymentLinks.Self)) is not null;
        ArgumentNullException.ThrowIfNull(operation);
        foreach (var (status, response) in operation.Responses ?? [])
        {
            if (response is not OpenApiResponse concrete) continue;
            concrete.Headers ??= new Dictionary<string, IOpenApiHeader>();
            concrete.Headers[RequestIdHeader] = Header("This request's id (the caller's own X-Request-Id if it sent a sane one); problems carry it as requestId.", required: true);
            concrete.Headers[TraceParentHeader] = Header("W3C trace context of this request: the caller's trace when it sent a traceparent.", required: true);
            switch (status)
            {
                case "201" when locates:
                    concrete.Headers["Location"] = Header("The created resource's address (its links.self).", required: true);
                    break;
                case "429":
                    concrete.Headers["Retry-After"] = Header("Seconds until the key's rate limit lets a request in again.", required: true);
                    break;
                case "503":
                    concrete.Headers["Retry-After"] = Header("Seconds to wait before retrying (with the same Idempotency-Key).", required: true);
                    break;
            }
            if (idempotent && status is not ("401" or "403" or "413" or "415" or "429"))
                concrete.Headers[IdempotencyFilter.ReplayedHeader] = Header("true when this is the stored answer to an earlier request with the same Idempotency-Key.", required: false);
        }
    }

    private static OpenApiHeader Header(string description, bool required) =>
        new() { Description = description, Required = required, Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
}
