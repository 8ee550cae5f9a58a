using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Infrastructure;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace FraudWeb.Api;

/// <summary>
/// The API's validation problem (400, type validation), whatever found the error: JSON reading, the request types'
/// attributes or the framework's own checks. Fields are named as the JSON names them (<c>amount</c>,
/// <c>labels[0].paymentId</c>, <c>body</c> for the body as a whole), and messages never name .NET types.
/// </summary>
public static partial class ApiValidationProblems
{
    /// <summary>The field name for the request body as a whole (empty, not an object, unreadable).</summary>
    public const string Body = "body";

    public static IActionResult Create(ActionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        // The body's parameter is "body" to a client; a query or route parameter keeps its own name (limit, cardId).
        var parameters = context.ActionDescriptor.Parameters.Where(p => p.BindingInfo?.BindingSource == BindingSource.Body)
            .Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var failed = context.ModelState.Where(e => e.Value is { Errors.Count: > 0 }).ToList();
        // "The request field is required." only repeats that the body could not be read when something else says why.
        var onlyParameters = failed.All(e => parameters.Contains(e.Key));
        var errors = new ModelStateDictionary();
        foreach (var (key, entry) in failed)
        {
            if (parameters.Contains(key) && !onlyParameters) continue;
            foreach (var error in entry!.Errors)
            {
                // JSON that does not parse is the body's fault, not the field the reader had reached (API test).
                var field = parameters.Contains(key) || IsNotJson(error) ? Body : FieldName(key);
                errors.AddModelError(field, Message(error));
            }
        }
        var first = errors.SelectMany(e => e.Value!.Errors).Select(e => e.ErrorMessage).FirstOrDefault();
        var factory = context.HttpContext.RequestServices.GetRequiredService<ProblemDetailsFactory>();
        var problem = factory.CreateValidationProblemDetails(context.HttpContext, errors, ApiProblems.Validation.Status,
            ApiProblems.Validation.Title, ApiProblems.Validation.Uri, first);
        return new ObjectResult(problem) { StatusCode = ApiProblems.Validation.Status, ContentTypes = { "application/problem+json" } };
    }

    /// <summary>
    /// A model-state key as the JSON names it: "$.amount" (a JSON path, spelled as the client sent it: "$.AMOUNT" is the
    /// unknown field "AMOUNT") and "Amount" (a property of the request type) are both "amount".
    /// </summary>
    public static string FieldName(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.StartsWith("$.", StringComparison.Ordinal)) return key[2..];
        var path = key.TrimStart('$');
        if (path.Length == 0) return Body;
        return string.Join('.', path.Split('.').Select(part => part.Length == 0 ? part : char.ToLowerInvariant(part[0]) + part[1..]));
    }

    /// <summary>The framework's message in the API's words: what was expected, never a .NET type or a stack of positions.</summary>
    public static string Message(ModelError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var message = error.ErrorMessage;
        if (string.IsNullOrEmpty(message)) return "The value is not valid.";
        if (ConvertedTo().Match(message) is { Success: true } converted) return "Expected " + Expected(converted.Groups["type"].Value) + ".";
        if (UnknownMember().Match(message) is { Success: true } unknown) return $"There is no field \"{unknown.Groups["name"].Value}\".";
        // A member twice (QA: "The value is not valid."): the same words as a query parameter given twice.
        if (Repeated().Match(message) is { Success: true } repeated) return $"Give '{repeated.Groups["name"].Value}' once.";
        if (Position().Match(message) is { Success: true } position)
        {
            // The reader's own words ("'8' is an invalid end of a number. Expected a delimiter.") are the parser's, not the
            // contract's: where it stopped is what helps.
            var line = long.Parse(position.Groups["line"].Value, CultureInfo.InvariantCulture) + 1;
            var column = long.Parse(position.Groups["byte"].Value, CultureInfo.InvariantCulture) + 1;
            return string.Format(CultureInfo.InvariantCulture, NotJsonFormat, line, column);
        }
        return NamesAType().IsMatch(message) ? "The value is not valid." : message;
    }

    /// <summary>What a body that does not parse as JSON is told, with the line and byte where reading stopped.</summary>
    public const string NotJson = "The body is not valid JSON: reading stopped at line {0}, byte {1}.";

    private static readonly System.Text.CompositeFormat NotJsonFormat = System.Text.CompositeFormat.Parse(NotJson);

    /// <summary>Whether the error is the JSON reader's (the body does not parse), not a field's value.</summary>
    private static bool IsNotJson(ModelError error) => error.ErrorMessage is { Length: > 0 } message
        && !ConvertedTo().IsMatch(message) && !UnknownMember().IsMatch(message) && Position().IsMatch(message);

    private static string Expected(string type) => type switch
    {
        _ when type.Contains("Int64", StringComparison.Ordinal) || type.Contains("Int32", StringComparison.Ordinal) => "a whole number",
        _ when type.Contains("Decimal", StringComparison.Ordinal) || type.Contains("Double", StringComparison.Ordinal) => "a number",
        _ when type.Contains("DateTime", StringComparison.Ordinal) => "an RFC 3339 date-time with an offset, e.g. 2026-11-30T14:05:00Z",
        _ when type.Contains("Boolean", StringComparison.Ordinal) => "true or false",
        _ when type.Contains("String", StringComparison.Ordinal) => "a string",
        _ when type.Contains("List", StringComparison.Ordinal) || type.EndsWith("[]", StringComparison.Ordinal) => "an array",
        // An optional enum reads "System.Nullable`1[...ReportKindValue]".
        _ when type.TrimEnd(']').EndsWith("Value", StringComparison.Ordinal) => "one of the values the documentation lists",
        _ => "an object",
    };

    [GeneratedRegex(@"^The JSON value could not be converted to (?<type>\S+?)\.? Path:")]
    private static partial Regex ConvertedTo();

    [GeneratedRegex(@"^The JSON property '(?<name>[^']*)' could not be mapped")]
    private static partial Regex UnknownMember();

    [GeneratedRegex(@"^Duplicate property '(?<name>[^']*)' encountered")]
    private static partial Regex Repeated();

    [GeneratedRegex(@"\s*Path: \S* \| LineNumber: (?<line>\d+) \| BytePositionInLine: (?<byte>\d+)\.\s*$")]
    private static partial Regex Position();

    [GeneratedRegex(@"\b(System|FraudWeb|Microsoft)\.[A-Za-z]")]
    private static partial Regex NamesAType();
}
