using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using FraudWeb.Api;
using FraudWeb.Infrastructure.Database;
using FraudWeb.Infrastructure.Middleware;
using FraudWeb.Infrastructure.Security;
using FraudWeb.Services.ApiKeys;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Net.Http.Headers;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace FraudWeb.Infrastructure;

/// <summary>The JSON API (/api/v1): key authentication, scope policies, problem details, idempotency and its OpenAPI document.</summary>
public static class ApiServiceCollectionExtensions
{
    public const string PathPrefix = "/api";

    /// <summary>Largest API request body (500 labels fit comfortably).</summary>
    public const long MaxBodyBytes = 128 * 1024;

    /// <summary>
    /// Headers whose values clients make up (their key, an idempotency key, a request id) are read as Latin-1, so any
    /// byte reaches the app and gets its problem answer (with a request id); Kestrel's default (ASCII, else UTF-8)
    /// refuses bytes that are not UTF-8 with a bare 400 first. Every other header keeps Kestrel's default.
    /// </summary>
    internal static Encoding? ClientHeaderEncoding(string name) =>
        name.Equals(IdempotencyFilter.Header, StringComparison.OrdinalIgnoreCase)
        || name.Equals(HeaderNames.Authorization, StringComparison.OrdinalIgnoreCase)
        || name.Equals(RequestCorrelationMiddleware.RequestIdHeader, StringComparison.OrdinalIgnoreCase)
            ? Encoding.Latin1
            : null;

    public static IServiceCollection AddFraudApi(this IServiceCollection services)
    {
        services.AddSingleton(provider => new ApiKeyHashKey(provider.GetRequiredService<CardKeyProvider>().DeriveKey("api-key-hash")));
        services.AddScoped<ApiKeyService>();
        services.AddScoped<Services.Accounts.IAccountKeyRevoker>(provider => provider.GetRequiredService<ApiKeyService>());
        services.AddSingleton<ApiKeyCache>();
        services.AddSingleton<ApiKeyFailureLimiter>();
        services.AddSingleton<ApiKeyUsage>();
        services.AddHostedService(sp => sp.GetRequiredService<ApiKeyUsage>());
        services.AddScoped<PaymentResources>();
        services.AddScoped<CardResources>();
        services.AddSingleton<ApiMethods>();
        services.AddSingleton<IdempotencyStore>();
        services.AddScoped<IdempotencyFilter>();
        services.AddHostedService<IdempotencyJanitor>();
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorization(ApiPolicies.Add);
        services.Configure<KestrelServerOptions>(options => options.RequestHeaderEncodingSelector = ClientHeaderEncoding);
        // Named in the API's routes only ({id:long:digits}): the pages' routes are unchanged.
        services.Configure<RouteOptions>(options => options.SetParameterPolicy<DigitsRouteConstraint>(DigitsRouteConstraint.Name));
        // Before AddProblemDetails, so it is asked first: the API's errors are problem details whatever Accept says.
        services.AddSingleton<IProblemDetailsWriter, ApiProblemDetailsWriter>();
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            ApiProblems.Describe(context.ProblemDetails);
            // Never a card number typed into the address (/api/v1/cards/4111…): masked, as the logs have it (privacy test).
            context.ProblemDetails.Instance ??= new PathString(Telemetry.RedactingJsonConsoleFormatter.Masked(context.HttpContext.Request.Path.Value ?? "")).ToUriComponent();
            context.ProblemDetails.Extensions["requestId"] = context.HttpContext.TraceIdentifier;
            // The W3C trace id (the traceparent's second part), as the contract says; the framework put the whole traceparent.
            if (System.Diagnostics.Activity.Current is { } activity) context.ProblemDetails.Extensions["traceId"] = activity.TraceId.ToHexString();
        });
        // The same for controllers and for the OpenAPI document, which reads the minimal-API options.
        services.Configure<Microsoft.AspNetCore.Mvc.JsonOptions>(options => Strict(options.JsonSerializerOptions));
        services.Configure<Microsoft.AspNetCore.Http.Json.JsonOptions>(options => Strict(options.SerializerOptions));
        services.Configure<ApiBehaviorOptions>(options =>
        {
            options.InvalidModelStateResponseFactory = ApiValidationProblems.Create;
            foreach (var status in ApiProblems.All.Select(t => t.Status).Distinct())
            {
                var type = ApiProblems.ForStatus(status);
                options.ClientErrorMapping[status] = new ClientErrorData { Link = type.Uri, Title = type.Title };
            }
        });
        services.AddOpenApi("v1", options =>
        {
            // The versioned API and the problem types its errors' "type" links to.
            options.ShouldInclude = description => description.RelativePath?.StartsWith("api/v1/", StringComparison.Ordinal) == true
                || description.RelativePath?.StartsWith("api/problems/", StringComparison.Ordinal) == true;
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "FraudWeb API",
                    Version = "v1",
                    Description = "Score and record card payments, read them and your cards, stop a card, report fraud, submit analysts' labels. " +
                        $"Amounts are in {ApiMoney.Currency}; timestamps are RFC 3339 in UTC. Errors are RFC 9457 problem details. " +
                        "Send an API key (created on the API keys page) as `Authorization: Bearer <key>`; POSTs that write take an optional `Idempotency-Key`.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[ApiKeyAuthenticationHandler.SchemeName] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    BearerFormat = "fwk_<prefix>_<secret>",
                    Description = "An API key, shown once when created.",
                };
                return Task.CompletedTask;
            });
            options.AddSchemaTransformer(ApiContractTransformers.ConvertedFields);
            options.AddSchemaTransformer(ApiContractTransformers.ProblemMembers);
            options.AddDocumentTransformer(ApiContractTransformers.NamesOnlyEnums);
            options.AddDocumentTransformer(ApiContractTransformers.RequiredRequestFieldsNotNull);
            options.AddOperationTransformer((operation, context, _) =>
            {
                var metadata = context.Description.ActionDescriptor.EndpointMetadata;
                var scopes = metadata.OfType<Microsoft.AspNetCore.Authorization.IAuthorizeData>()
                    .Select(a => a.Policy).Where(p => p?.StartsWith("api:", StringComparison.Ordinal) == true).Select(p => p!["api:".Length..]).Distinct().ToList();
                if (scopes.Count > 0)
                {
                    // The scope the key needs, in the requirement (OpenAPI 3.1 lets an http scheme list roles) and in words
                    // (API review: the contract named no scope at all).
                    operation.Security ??= [];
                    operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyAuthenticationHandler.SchemeName, context.Document)] = scopes });
                    operation.Description = $"{operation.Description}{(string.IsNullOrEmpty(operation.Description) ? "" : " ")}Scope: {string.Join(", ", scopes.Select(x => $"`{x}`"))}.";
                }
                // Answers are JSON only (MVC's defaults also list text/plain and text/json, which it never sends here).
                foreach (var response in operation.Responses?.Values ?? Enumerable.Empty<IOpenApiResponse>())
                {
                    if (response.Content is null) continue;
                    foreach (var mediaType in response.Content.Keys.Where(m => m is "text/plain" or "text/json").ToList()) response.Content.Remove(mediaType);
                }
                ApiContractTransformers.ResponseHeaders(operation, idempotent: metadata.OfType<AcceptsIdempotencyKeyAttribute>().Any(),
                    createdType: metadata.OfType<ProducesResponseTypeAttribute>().FirstOrDefault(p => p.StatusCode == StatusCodes.Status201Created)?.Type);
                if (metadata.OfType<AcceptsIdempotencyKeyAttribute>().Any())
                {
                    operation.Parameters ??= [];
                    operation.Parameters.Add(new OpenApiParameter
                    {
                        Name = IdempotencyFilter.Header,
                        In = ParameterLocation.Header,
                        Required = false,
                        Description = "Makes retries safe: the same key and body within 24 hours returns the first response.",
                        Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 255 },
                    });
                }
                return Task.CompletedTask;
            });
        });
        return services;
    }

    /// <summary>
    /// Strict numbers: a number in quotes is an error, not coerced (amounts opt in to decimal strings on their own
    /// property). Unknown fields are refused by each request type ([JsonUnmappedMemberHandling]). A field given twice
    /// is refused too: with the last one winning, a gateway that reads the first would see another amount.
    /// </summary>
    private static void Strict(JsonSerializerOptions json)
    {
        json.NumberHandling = JsonNumberHandling.Strict;
        json.AllowDuplicateProperties = false;
        // Names as the contract spells them: "CARDID" is an unknown field, not cardId (the web defaults ignore case).
        json.PropertyNameCaseInsensitive = false;
    }

    public static bool IsApi(HttpContext context) => context.Request.Path.StartsWithSegments(PathPrefix, StringComparison.OrdinalIgnoreCase);

    /// <summary>The API's part of the pipeline, before the web pages' error handling: errors are problem details, not pages.</summary>
    public static IApplicationBuilder UseFraudApiErrors(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = WebServiceCollectionExtensions.StatusCodeFor,
            ExceptionHandler = WriteErrorProblemAsync,
            SuppressDiagnosticsCallback = context => WebServiceCollectionExtensions.IsNotABug(context.Exception),
        });
        app.UseStatusCodePages();
        app.Use(async (context, next) =>
        {
            if (context.Request.ContentLength > MaxBodyBytes)
            {
                // Refused before reading a byte of it.
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                return;
            }
            if (context.Request.Headers.ContentEncoding.Any(c => !string.Equals(c, "identity", StringComparison.OrdinalIgnoreCase)))
            {
                // A compressed body was read as JSON and refused as "'0x1F' is an invalid start of a value" (API review):
                // an unsupported content coding is a 415 (RFC 9110, 15.5.16) that says so.
                context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
                await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context,
                    ProblemDetails = new ProblemDetails { Status = StatusCodes.Status415UnsupportedMediaType, Detail = UncompressedDetail },
                });
                return;
            }
            await next(context);
        });
        return app;
    }

    public const string UncompressedDetail = "Send the body uncompressed: no Content-Encoding.";

    /// <summary>What a client is told when the database could not answer (a 503 of type unavailable).</summary>
    public const string DatabaseUnavailableDetail =
        "The database could not answer in time or cannot be reached. Retry after the seconds in Retry-After, with the same Idempotency-Key: a payment is never recorded twice.";

    /// <summary>
    /// The problem for an unhandled exception: its status (StatusCodeFor) and the request id; a database fault (503,
    /// type unavailable) also says when to retry. The exception itself is only logged.
    /// </summary>
    private static Task WriteErrorProblemAsync(HttpContext context)
    {
        var problem = new ProblemDetails { Status = context.Response.StatusCode };
        if (context.Features.Get<IExceptionHandlerFeature>()?.Error is { } error && DatabaseFaults.IsUnavailable(error))
        {
            context.Response.Headers.RetryAfter = DatabaseFaults.RetryAfterSeconds;
            problem.Detail = DatabaseUnavailableDetail;
        }
        return context.RequestServices.GetRequiredService<IProblemDetailsService>()
            .WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }).AsTask();
    }

    /// <summary>The OpenAPI document (/openapi/v1.json) and its interactive reference (/scalar/v1), open to anyone.</summary>
    public static WebApplication MapFraudApiReference(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapOpenApi().AllowAnonymous();
        // An unknown /api address is a 404 problem, not the sign-in page the web's deny-by-default would send; a known
        // one asked with another method is a 405 that says which methods it takes.
        app.MapFallback("api/{**rest}", (HttpContext context, ApiMethods methods) =>
        {
            // A method the path's shape takes that still reached here: a value its route refused (/payments/abc), so
            // there is no such resource, not a wrong method.
            if (methods.At(context.Request.Path) is { Count: > 0 } allowed && !allowed.Contains(context.Request.Method, StringComparer.OrdinalIgnoreCase))
            {
                context.Response.Headers.Allow = string.Join(", ", allowed);
                return Results.Problem(statusCode: StatusCodes.Status405MethodNotAllowed, detail: $"This endpoint takes {string.Join(", ", allowed)}.");
            }
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, detail: "There is no such API endpoint; see /openapi/v1.json.");
        }).AllowAnonymous().ExcludeFromDescription();
        // Scalar's own fonts come from fonts.scalar.com, which the page's policy forbids (font-src 'self'): every visit
        // logged a dozen CSP violations and fell back to the system fonts anyway, so it asks for none.
        app.MapScalarApiReference(options => options.WithTitle("FraudWeb API").DisableDefaultFonts()).AllowAnonymous();
        return app;
    }
}
