using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace FraudWeb.Infrastructure.ModelBinding;

/// <summary>
/// Binds bool form and query fields (check boxes) as "true" or "false" only; anything else reads as unchecked.
/// MVC's own binding keeps a value such as "maybe" as the attempted value, and a form shown again then fails in the
/// check box's tag helper (Convert.ToBoolean) with a 500. A browser only ever sends the check box's own values.
/// </summary>
public sealed class CheckboxModelBinder : IModelBinder
{
    public Task BindModelAsync(ModelBindingContext bindingContext)
    {
        ArgumentNullException.ThrowIfNull(bindingContext);
        var value = bindingContext.ValueProvider.GetValue(bindingContext.ModelName);
        if (value == ValueProviderResult.None) return Task.CompletedTask;
        // The tag helper's hidden "false" follows a checked box's "true": the first value decides, as MVC's binding does.
        var isChecked = bool.TryParse(value.FirstValue, out var parsed) && parsed;
        bindingContext.ModelState.SetModelValue(bindingContext.ModelName, isChecked, isChecked ? "true" : "false");
        bindingContext.Result = ModelBindingResult.Success(isChecked);
        return Task.CompletedTask;
    }
}

/// <summary>Gives <see cref="CheckboxModelBinder"/> every bool bound from a form or the query (never a JSON body).</summary>
public sealed class CheckboxModelBinderProvider : IModelBinderProvider
{
    private static readonly CheckboxModelBinder Binder = new();

    public IModelBinder? GetBinder(ModelBinderProviderContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Metadata.ModelType == typeof(bool) && context.BindingInfo.BindingSource != BindingSource.Body ? Binder : null;
    }
}
