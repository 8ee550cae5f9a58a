using System.Globalization;
using FraudWeb.ViewModels.Common;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace FraudWeb.Infrastructure.TagHelpers;

/// <summary>
/// A field limited in characters (<see cref="CharacterLengthAttribute"/>) gets a browser <c>maxlength</c> in UTF-16
/// units, which is what browsers count: twice the characters, the most that many characters can take. The framework
/// writes the characters themselves, so 100 rare Chinese characters (two units each) were cut to 50 as they were typed.
/// The exact count is the validation rule's (wwwroot/js/character-length.js, and the server's).
/// </summary>
[HtmlTargetElement("input", Attributes = "asp-for")]
[HtmlTargetElement("textarea", Attributes = "asp-for")]
public sealed class CharacterMaxLengthTagHelper : TagHelper
{
    /// <summary>After the framework's input and text-area tag helpers, which write maxlength.</summary>
    public override int Order => 1000;

    [HtmlAttributeName("asp-for")]
    public ModelExpression For { get; set; } = null!;

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        foreach (var validator in For.Metadata.ValidatorMetadata)
        {
            if (validator is not CharacterLengthAttribute length) continue;
            output.Attributes.SetAttribute("maxlength", (2 * length.MaximumLength).ToString(CultureInfo.InvariantCulture));
            return;
        }
    }
}
