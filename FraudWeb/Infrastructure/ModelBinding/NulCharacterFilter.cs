using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using FraudWeb.Infrastructure.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace FraudWeb.Infrastructure.ModelBinding;

/// <summary>
/// Refuses text holding the NUL character (U+0000) before an action runs: no person types it, PostgreSQL cannot store
/// or compare it (error 22021, found by the form fuzzer), and SQLite would cut strings at it in some functions. Pages
/// answer 400; the API adds a model error, so its usual validation problem (400) names the field.
/// </summary>
public sealed class NulCharacterFilter : IActionFilter, IOrderedFilter
{
    private static readonly ConcurrentDictionary<Type, PropertyInfo[]> TextProperties = new();

    /// <summary>Before the API's automatic model-state check (order -2000), so it reports this too.</summary>
    public int Order => -3000;

    public void OnActionExecuting(ActionExecutingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var offending = context.ActionArguments.Where(a => HasNul(a.Value, depth: 0)).Select(a => a.Key).FirstOrDefault();
        if (offending is null) return;
        if (context.Controller is ControllerBase && context.ActionDescriptor.EndpointMetadata.OfType<ApiControllerAttribute>().Any())
        {
            context.ModelState.AddModelError(offending, Text.Get("Text cannot contain the NUL character."));
            return;
        }
        context.Result = new BadRequestResult();
    }

    public void OnActionExecuted(ActionExecutedContext context)
    {
    }

    private static bool HasNul(object? value, int depth)
    {
        switch (value)
        {
            case null:
                return false;
            case string text:
                return text.Contains('\0', StringComparison.Ordinal);
            case IEnumerable items when depth < 3:
                foreach (var item in items)
                {
                    if (HasNul(item, depth + 1)) return true;
                }
                return false;
        }
        var type = value.GetType();
        // The app's own form and request types, a few levels down; framework and primitive values hold no text.
        if (depth >= 3 || type.Namespace?.StartsWith("FraudWeb", StringComparison.Ordinal) != true) return false;
        // What model binding can have set: settable and not [BindNever] (a form's lists of cards and merchants are built by the server).
        foreach (var property in TextProperties.GetOrAdd(type, static t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                     .Where(p => p.CanRead && p.GetIndexParameters().Length == 0 && p.CanWrite && p.GetCustomAttribute<BindNeverAttribute>() is null).ToArray()))
        {
            if (HasNul(property.GetValue(value), depth + 1)) return true;
        }
        return false;
    }
}
