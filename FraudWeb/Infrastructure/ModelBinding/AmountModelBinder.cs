using System.Globalization;
using FraudWeb.ViewModels.Common;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace FraudWeb.Infrastructure.ModelBinding;

/// <summary>
/// Binds decimal form and query fields (amounts, credit limits) with <see cref="Money.TryParse"/> in the request's
/// culture. MVC's own decimal binding reads "12,50" as 1250 in English (the comma taken as a thousands separator).
/// </summary>
public sealed class AmountModelBinder : IModelBinder
{
    public Task BindModelAsync(ModelBindingContext bindingContext)
    {
        ArgumentNullException.ThrowIfNull(bindingContext);
        var value = bindingContext.ValueProvider.GetValue(bindingContext.ModelName);
        if (value == ValueProviderResult.None) return Task.CompletedTask;
        bindingContext.ModelState.SetModelValue(bindingContext.ModelName, value);
        var text = value.FirstValue;
        if (string.IsNullOrWhiteSpace(text))
        {
            // Nothing typed: a nullable amount is null ([Required] says what is missing); a plain decimal is unbound.
            if (bindingContext.ModelMetadata.IsReferenceOrNullableType) bindingContext.Result = ModelBindingResult.Success(null);
            return Task.CompletedTask;
        }
        if (Money.TryParse(text, CultureInfo.CurrentCulture, out var amount, out var error))
            bindingContext.Result = ModelBindingResult.Success(amount);
        else
            bindingContext.ModelState.TryAddModelError(bindingContext.ModelName, error!);
        return Task.CompletedTask;
    }
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
