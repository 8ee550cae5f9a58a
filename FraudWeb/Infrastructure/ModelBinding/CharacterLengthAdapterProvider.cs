using System.ComponentModel.DataAnnotations;
using System.Globalization;
using FraudWeb.ViewModels.Common;
using Microsoft.AspNetCore.Mvc.DataAnnotations;
using Microsoft.AspNetCore.Mvc.ModelBinding.Validation;
using Microsoft.Extensions.Localization;

namespace FraudWeb.Infrastructure.ModelBinding;

/// <summary>
/// MVC's adapters, plus one for <see cref="CharacterLengthAttribute"/>: MVC adapts StringLength by its exact type, so
/// without this a derived attribute's message would not be localized (the form's own localizer, staff wording first),
/// and browsers would get no length rule.
/// </summary>
public sealed class CharacterLengthAdapterProvider : IValidationAttributeAdapterProvider
{
    private readonly ValidationAttributeAdapterProvider _mvc = new();

    public IAttributeAdapter? GetAttributeAdapter(ValidationAttribute attribute, IStringLocalizer? stringLocalizer) =>
        attribute is CharacterLengthAttribute length ? new Adapter(length, stringLocalizer) : _mvc.GetAttributeAdapter(attribute, stringLocalizer);

    private sealed class Adapter(CharacterLengthAttribute attribute, IStringLocalizer? stringLocalizer) : AttributeAdapterBase<CharacterLengthAttribute>(attribute, stringLocalizer)
    {
        /// <summary>Its own client rule (wwwroot/js/character-length.js): jQuery Validation's length rules count UTF-16 units.</summary>
        public override void AddValidation(ClientModelValidationContext context)
        {
            ArgumentNullException.ThrowIfNull(context);
            MergeAttribute(context.Attributes, "data-val", "true");
            MergeAttribute(context.Attributes, "data-val-characters", GetErrorMessage(context));
            MergeAttribute(context.Attributes, "data-val-characters-min", Attribute.MinimumLength.ToString(CultureInfo.InvariantCulture));
            MergeAttribute(context.Attributes, "data-val-characters-max", Attribute.MaximumLength.ToString(CultureInfo.InvariantCulture));
        }

        public override string GetErrorMessage(ModelValidationContextBase validationContext)
        {
            ArgumentNullException.ThrowIfNull(validationContext);
            return GetErrorMessage(validationContext.ModelMetadata, validationContext.ModelMetadata.GetDisplayName(),
                Attribute.MaximumLength.ToString(CultureInfo.CurrentCulture), Attribute.MinimumLength.ToString(CultureInfo.CurrentCulture));
        }
    }
}
