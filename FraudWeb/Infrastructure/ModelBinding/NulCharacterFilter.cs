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
        foreach (var (name, value) in context.ActionArguments)
        {
            if (NulPath(value, depth: 0) is not { } path) continue;
            if (context.Controller is ControllerBase && context.ActionDescriptor.EndpointMetadata.OfType<ApiControllerAttribute>().Any())
            {
                // The field inside the body ("Reason"), as model binding names it; the argument itself for a plain value.
                context.ModelState.AddModelError(path.Length > 0 ? path : name, Text.Get("Text cannot contain the NUL character."));
                return;
            }
            context.Result = new BadRequestResult();
            return;
        }
    }

    public void OnActionExecuted(ActionExecutedContext context)
    {
    }

    /// <summary>Where the NUL is ("" for the value itself, "Reason", "Labels[2].Note"), or null when there is none.</summary>
    private static string? NulPath(object? value, int depth)
    {
        switch (value)
        {
            case null:
                return null;
            case string text:
                return text.Contains('\0', StringComparison.Ordinal) ? "" : null;
            case IEnumerable items when depth < 3:
                var index = 0;
                foreach (var item in items)
                {
                    if (NulPath(item, depth + 1) is { } inner) return $"[{index}]" + (inner.Length > 0 ? "." + inner : "");
                    index++;
                }
                return null;
        }
        var type = value.GetType();
        // The app's own form and request types, a few levels down; framework and primitive values hold no text.
        if (depth >= 3 || type.Namespace?.StartsWith("FraudWeb", StringComparison.Ordinal) != true) return null;
        // What model binding can have set: settable and not [BindNever] (a form's lists of cards and merchants are built by the server).
        foreach (var property in TextProperties.GetOrAdd(type, static t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                     .Where(p => p.CanRead && p.GetIndexParameters().Length == 0 && p.CanWrite && p.GetCustomAttribute<BindNeverAttribute>() is null).ToArray()))
        {
            if (NulPath(property.GetValue(value), depth + 1) is { } inner) return property.Name + (inner.Length == 0 ? "" : inner.StartsWith('[') ? inner : "." + inner);
        }
        return null;
    }
}
