using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace FraudWeb.Infrastructure.ModelBinding;

/// <summary>
/// A form or query field read by a parser of the app's own: the text kept as the attempted value, blank read as null
/// for a nullable property (its [Required] says what is missing), anything the parser refuses as a field error.
/// </summary>
public abstract class TypedTextModelBinder<T> : IModelBinder
    where T : struct
{
    /// <summary>The value the text stands for, or the message saying why it stands for none.</summary>
    protected abstract bool TryParse(string text, out T value, out string? problem);

    public Task BindModelAsync(ModelBindingContext bindingContext)
    {
        ArgumentNullException.ThrowIfNull(bindingContext);
        var value = bindingContext.ValueProvider.GetValue(bindingContext.ModelName);
        if (value == ValueProviderResult.None) return Task.CompletedTask;
        bindingContext.ModelState.SetModelValue(bindingContext.ModelName, value);
        var text = value.FirstValue;
        if (string.IsNullOrWhiteSpace(text))
        {
            if (bindingContext.ModelMetadata.IsReferenceOrNullableType) bindingContext.Result = ModelBindingResult.Success(null);
            return Task.CompletedTask;
        }
        if (TryParse(text, out var parsed, out var problem))
            bindingContext.Result = ModelBindingResult.Success(parsed);
        else
            bindingContext.ModelState.TryAddModelError(bindingContext.ModelName, problem!);
        return Task.CompletedTask;
    }
}
