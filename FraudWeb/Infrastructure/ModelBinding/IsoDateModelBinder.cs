using System.Globalization;
using FraudWeb.Infrastructure.Localization;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace FraudWeb.Infrastructure.ModelBinding;

/// <summary>
/// Binds dates (<see cref="DateOnly"/>) from forms and queries as year-month-day only, what a date input sends. MVC's
/// own binding read text typed where a browser has no date picker in US order in every language: "03/04/2000" became
/// 4 March for a reader who meant 3 April (edge-case review). Anything else is refused with a message.
/// </summary>
public sealed class IsoDateModelBinder : TypedTextModelBinder<DateOnly>
{
    protected override bool TryParse(string text, out DateOnly value, out string? problem)
    {
        var parsed = DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out value);
        problem = parsed ? null : Text.Get("Enter the date as year-month-day, for example 1990-05-04.");
        return parsed;
    }
}

/// <summary>Gives <see cref="IsoDateModelBinder"/> every date bound from a form or the query (never a JSON body).</summary>
public sealed class IsoDateModelBinderProvider : IModelBinderProvider
{
    private static readonly IsoDateModelBinder Binder = new();

    public IModelBinder? GetBinder(ModelBinderProviderContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Metadata.UnderlyingOrModelType == typeof(DateOnly) && context.BindingInfo.BindingSource != BindingSource.Body ? Binder : null;
    }
}
