using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FraudWeb.Domain.Entities;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace FraudWeb.Api;

/// <summary>
/// <c>Idempotency-Key</c> on a POST that writes: the first request with a key runs and its response is stored for 24
/// hours; a retry with the same key and body receives that response (header <c>Idempotent-Replayed: true</c>)
/// without running again; the same key with another body is refused (422); a retry while the first still runs
/// waits for its answer. Only an outcome is stored (a success, or a refusal for a business reason: 409, 422); any other
/// answer (a malformed request, 401, 403, 404, 413, 415, 429, 5xx) releases the key, so a corrected retry runs.
/// </summary>
/// <summary>Marks an action that takes an <c>Idempotency-Key</c> (the OpenAPI document lists the header for it).</summary>
[AttributeUsage(AttributeTargets.Method)]
public class AcceptsIdempotencyKeyAttribute : Attribute;

/// <summary>The generic handling below; payments handle their key in their own commit (see PaymentRecorder).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class IdempotentAttribute : AcceptsIdempotencyKeyAttribute, IFilterFactory
{
    public bool IsReusable => true;

    public IFilterMetadata CreateInstance(IServiceProvider serviceProvider) => serviceProvider.GetRequiredService<IdempotencyFilter>();
}

public sealed partial class IdempotencyFilter(IdempotencyStore store, IProblemDetailsService problems, ILogger<IdempotencyFilter> logger) : IAsyncResourceFilter
{
    public const string Header = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";
    private static readonly TimeSpan WaitForFirst = TimeSpan.FromSeconds(10);

    public async Task OnResourceExecutionAsync(ResourceExecutingContext context, ResourceExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        if (!http.Request.Headers.TryGetValue(Header, out var values))
        {
            await next();
            return;
        }
        if (!IsValid(values))
        {
            // As the payments' own check says it: a validation problem naming the header among its errors.
            await WriteProblemAsync(http, ApiProblems.Validation, InvalidKey, new Dictionary<string, string[]> { [Header] = [InvalidKey] });
            context.Result = new EmptyResult();
            return;
        }
        var key = values.ToString();
        var apiKeyId = ApiKeyId(http.User);
        var hash = await RequestHashAsync(http.Request);

        var deadline = DateTime.UtcNow + WaitForFirst;
        while (true)
        {
            var (claim, record) = await store.ClaimAsync(apiKeyId, key, hash, http.RequestAborted);
            switch (claim)
            {
                case IdempotencyClaim.Claimed:
                    await RunAndStoreAsync(http, record!.Id, next);
                    return;
                case IdempotencyClaim.Answered:
                    await ReplayAsync(http, record!);
                    context.Result = new EmptyResult();
                    return;
                case IdempotencyClaim.Mismatch:
                    await WriteProblemAsync(http, ApiProblems.IdempotencyKeyReused, ApiProblems.IdempotencyKeyReused.Description);
                    context.Result = new EmptyResult();
                    return;
                default:
                    if (DateTime.UtcNow >= deadline)
                    {
                        http.Response.Headers.RetryAfter = "1";
                        await WriteProblemAsync(http, ApiProblems.IdempotencyInProgress, ApiProblems.IdempotencyInProgress.Description);
                        context.Result = new EmptyResult();
                        return;
                    }
                    // The first request is still running: wait for its answer rather than fail the retry.
                    await Task.Delay(TimeSpan.FromMilliseconds(20), http.RequestAborted);
                    break;
            }
        }
    }

    private async Task RunAndStoreAsync(HttpContext http, long recordId, ResourceExecutionDelegate next)
    {
        var original = http.Response.Body;
        using var buffer = new MemoryStream();
        http.Response.Body = buffer;
        ResourceExecutedContext executed;
        try
        {
            executed = await next();
        }
        catch
        {
            http.Response.Body = original;
            await store.ReleaseAsync(recordId);
            throw;
        }
        finally
        {
            http.Response.Body = original;
        }
        var status = http.Response.StatusCode;
        if (executed.Exception is not null && !executed.ExceptionHandled || !IsOutcome(status))
        {
            await store.ReleaseAsync(recordId);
        }
        else
        {
            await CompleteAsync(recordId, status, http.Response.ContentType, http.Response.Headers.Location.ToString() is { Length: > 0 } location ? location : null, buffer.ToArray());
        }
        buffer.Position = 0;
        await buffer.CopyToAsync(original, http.RequestAborted);
    }

    /// <summary>Attempts to store a response before it is given up on.</summary>
    public const int CompleteAttempts = 3;

    /// <summary>
    /// Stores the response the action gave, after the action's own commit. A fault there (the database briefly away) is
    /// tried again, and if it lasts the client still gets the action's answer, not a 5xx for a write that was made (API
    /// review: a report then came back 409 "already reported" to the retry, never its 201). The claim then stays open and
    /// is taken over after <see cref="IdempotencyStore.AbandonedAfter"/>; only a crash in this moment, or a fault that
    /// outlasts the attempts, still leaves a retry without the stored answer (docs/decisions/0010 has why the response
    /// is not in the action's own transaction).
    /// </summary>
    private async Task CompleteAsync(long recordId, int status, string? contentType, string? location, byte[] body)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await store.CompleteAsync(recordId, status, contentType, location, body);
                return;
            }
            catch (Exception e) when (e is System.Data.Common.DbException or Microsoft.EntityFrameworkCore.DbUpdateException or TimeoutException)
            {
                if (attempt == CompleteAttempts)
                {
                    LogNotStored(logger, recordId, status, e);
                    return;
                }
                await Task.Delay(TimeSpan.FromMilliseconds(50 * attempt));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The answer to idempotency record {RecordId} (status {Status}) was sent but could not be stored; a retry with its key runs again once the claim is abandoned")]
    private static partial void LogNotStored(ILogger logger, long recordId, int status, Exception exception);

    public static readonly string InvalidKey = $"{Header} must be one value of 1 to {IdempotencyRecord.KeyMaxLength} visible ASCII characters.";

    /// <summary>
    /// One value of visible ASCII, of a bounded length. Not checked for a card number: about one random UUID in a
    /// thousand, and a quarter of timestamp keys, hold a Luhn-valid run of digits, and a refused key stays refused on
    /// every retry (review); docs/api.md says a key is stored as sent for 24 hours and must hold no personal data.
    /// </summary>
    public static bool IsValid(Microsoft.Extensions.Primitives.StringValues values)
    {
        var key = values.ToString();
        return values.Count == 1 && key.Length is > 0 and <= IdempotencyRecord.KeyMaxLength && key.All(c => c is >= '!' and <= '~');
    }

    /// <summary>The API key the request authenticated with.</summary>
    public static long ApiKeyId(System.Security.Claims.ClaimsPrincipal user) =>
        long.Parse(user.FindFirst(ApiKeyAuthenticationHandler.KeyIdClaim)!.Value, CultureInfo.InvariantCulture);

    /// <summary>What the request did or why it cannot be done; a 400 says only that the request itself was wrong.</summary>
    private static bool IsOutcome(int status) => status is >= 200 and < 300 or StatusCodes.Status409Conflict or StatusCodes.Status422UnprocessableEntity;

    private static async Task ReplayAsync(HttpContext http, IdempotencyRecord record)
    {
        http.Response.StatusCode = record.StatusCode!.Value;
        if (record.ContentType is { } contentType) http.Response.ContentType = contentType;
        if (record.Location is { } location) http.Response.Headers.Location = location;
        http.Response.Headers[ReplayedHeader] = "true";
        if (record.Body is { Length: > 0 } body) await http.Response.Body.WriteAsync(body, http.RequestAborted);
    }

    /// <summary>
    /// SHA-256 over method, path and the body's JSON as data: what "the same request" means. A retry that serializes
    /// the same values again with its properties in another order or other spacing is the same request (API review:
    /// reports and labels compared bytes, payments values); a body that is not JSON is hashed as sent.
    /// </summary>
    private static async Task<string> RequestHashAsync(HttpRequest request)
    {
        request.EnableBuffering();
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
        request.Body.Position = 0;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(request.Method + " " + request.Path + "\n"));
        hash.AppendData(CanonicalJson(buffer.GetBuffer().AsMemory(0, (int)buffer.Length)));
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>The JSON with every object's properties in ordinal order and no spacing; the bytes themselves when it is not JSON.</summary>
    public static byte[] CanonicalJson(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(body);
            using var output = new MemoryStream();
            using (var writer = new System.Text.Json.Utf8JsonWriter(output))
            {
                Write(writer, document.RootElement);
            }
            return output.ToArray();
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or ArgumentException or InvalidOperationException)
        {
            // Not JSON, or JSON that cannot be written again (a lone surrogate escaped as "\udc00"): the bytes as sent, and
            // the action's own reading says what is wrong, field by field (API test: a generic 400 without errors).
            return body.ToArray();
        }

        static void Write(System.Text.Json.Utf8JsonWriter writer, System.Text.Json.JsonElement element)
        {
            switch (element.ValueKind)
            {
                case System.Text.Json.JsonValueKind.Object:
                    writer.WriteStartObject();
                    foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                    {
                        writer.WritePropertyName(property.Name);
                        Write(writer, property.Value);
                    }
                    writer.WriteEndObject();
                    break;
                case System.Text.Json.JsonValueKind.Array:
                    writer.WriteStartArray();
                    foreach (var item in element.EnumerateArray()) Write(writer, item);
                    writer.WriteEndArray();
                    break;
                default:
                    element.WriteTo(writer);
                    break;
            }
        }
    }

    private Task WriteProblemAsync(HttpContext http, ApiProblems.ProblemType type, string detail, IDictionary<string, string[]>? errors = null)
    {
        http.Response.StatusCode = type.Status;
        var problem = new ProblemDetails { Status = type.Status, Type = type.Uri, Title = type.Title, Detail = detail };
        // As an extension: the problem writer serializes the base type, so a ValidationProblemDetails lost its errors.
        if (errors is not null) problem.Extensions["errors"] = errors;
        return problems.WriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem }).AsTask();
    }
}
