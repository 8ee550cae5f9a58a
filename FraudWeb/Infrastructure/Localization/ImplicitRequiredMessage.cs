using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Mvc.ModelBinding.Metadata;

namespace FraudWeb.Infrastructure.Localization;

/// <summary>
/// A field of a value type (a check box, a number) is required by MVC without a [Required] of its own, and the one MVC
/// makes up has no message to translate: the page's script got "The 保持登录状态 field is required." This gives such
/// fields of the pages' forms a [Required] with a message from the shared resources, so the localizer translates it like any other.
/// </summary>
public sealed class ImplicitRequiredMessage : IValidationMetadataProvider
{
    public const string Message = "Enter {0}.";

    /// <summary>A choice (a select of an enum's values): "Enter" would read as typing.</summary>
    public const string ChoiceMessage = "Choose {0}.";

    /// <summary>A check box: never empty as posted (unticked binds false), so only a crafted form meets it.</summary>
    public const string CheckboxMessage = "Tick or clear \"{0}\".";

    public void CreateValidationMetadata(ValidationMetadataProviderContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var type = context.Key.ModelType;
        if (context.Key.MetadataKind != ModelMetadataKind.Property || !type.IsValueType || Nullable.GetUnderlyingType(type) is not null) return;
        // Pages' forms only: the API's contract says what it requires itself (ApiContractTransformers reads [Required]).
        if (context.Key.ContainerType?.Namespace?.StartsWith("FraudWeb.ViewModels", StringComparison.Ordinal) != true) return;
        if (context.ValidationMetadata.ValidatorMetadata.Any(v => v is RequiredAttribute)) return;
        var message = type == typeof(bool) ? CheckboxMessage : type.IsEnum ? ChoiceMessage : Message;
        context.ValidationMetadata.ValidatorMetadata.Add(new RequiredAttribute { ErrorMessage = message });
    }
}
