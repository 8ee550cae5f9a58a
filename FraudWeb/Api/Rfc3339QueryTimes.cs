using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.ApplicationModels;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace FraudWeb.Api;

/// <summary>
/// The API's times in queries (<c>from</c>, <c>to</c>) are read by the same RFC 3339 rule as times in bodies
/// (<see cref="Rfc3339Converter"/>). MVC's own binding answered a time it could not read (a 29 February that does not
/// exist, an offset's '+' that the query string turned into a space) with "... is not a valid value.", which says
/// neither what a time must look like nor that the '+' was lost (exploratory testing). On the API's controllers only.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class Rfc3339QueryTimesAttribute : Attribute, IControllerModelConvention
{
    public void Apply(ControllerModel controller) => TextParameterBinders.Use<Rfc3339QueryTimeModelBinder>(controller,
        type => (Nullable.GetUnderlyingType(type) ?? type) == typeof(DateTimeOffset));
}

/// <summary>A query's time by <see cref="Rfc3339Converter.TryParse"/>; anything else is a validation error saying why.</summary>
public sealed partial class Rfc3339QueryTimeModelBinder : IModelBinder
{
    public static string PlusSentAsSpace(string name) =>
        $"'{name}' has a space where its offset's '+' was: in a query string a '+' must be sent as %2B, e.g. 2026-11-30T14:05:00%2B08:00.";

    public Task BindModelAsync(ModelBindingContext bindingContext)
    {
        ArgumentNullException.ThrowIfNull(bindingContext);
        var name = bindingContext.ModelName;
        var value = bindingContext.ValueProvider.GetValue(name);
        if (value == ValueProviderResult.None) return Task.CompletedTask;
        bindingContext.ModelState.SetModelValue(name, value);
        var text = value.FirstValue ?? "";
        if (Rfc3339Converter.TryParse(text, out var time))
        {
            bindingContext.Result = ModelBindingResult.Success(time);
            return Task.CompletedTask;
        }
        bindingContext.ModelState.TryAddModelError(name,
            OffsetPlusAsSpace().IsMatch(text) ? PlusSentAsSpace(ApiValidationProblems.FieldName(name)) : Rfc3339Converter.ProblemWith(text));
        return Task.CompletedTask;
    }

    /// <summary>"2026-11-30T14:05:00 08:00": a '+' sent unencoded, which form decoding reads as a space.</summary>
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)? \d{2}:\d{2}$")]
    private static partial Regex OffsetPlusAsSpace();
}
