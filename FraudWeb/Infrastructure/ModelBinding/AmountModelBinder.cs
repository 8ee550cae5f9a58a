using System.Globalization;
using FraudWeb.ViewModels.Common;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace FraudWeb.Infrastructure.ModelBinding;

/// <summary>
/// Binds decimal form and query fields (amounts, credit limits) with <see cref="Money.TryParse"/> in the request's
/// culture. MVC's own decimal binding reads "12,50" as 1250 in English (the comma taken as a thousands separator).
/// </summary>
public sealed class AmountModelBinder : TypedTextModelBinder<decimal>
{
    protected override bool TryParse(string text, out decimal value, out string? problem) =>
        Money.TryParse(text, CultureInfo.CurrentCulture, out value, out problem);
}

/// <summary>Gives <see cref="AmountModelBinder"/> every decimal bound from a form or the query (never a JSON body).</summary>
public sealed class AmountModelBinderProvider : IModelBinderProvider
{
    private static readonly AmountModelBinder Binder = new();

    public IModelBinder? GetBinder(ModelBinderProviderContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var type = context.Metadata.UnderlyingOrModelType;
        return type == typeof(decimal) && context.BindingInfo.BindingSource != BindingSource.Body ? Binder : null;
    }
}
