using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace FraudWeb.Infrastructure.TagHelpers;

/// <summary>
/// A field the server found wrong says so to assistive technology: <c>aria-invalid</c>, and its error message among
/// the texts that describe it (WCAG 3.3.1). The framework only adds a CSS class, so a screen reader heard the field
/// as before and never its message (UI review). Runs after the framework's tag helpers, which set that class. A group of
/// check boxes or radio buttons written by hand (roles, scopes, a rule's action: one name, no <c>asp-for</c>) is marked
/// by its name, box by box, so its message is said and the focus finds the group too.
/// </summary>
[HtmlTargetElement("input", Attributes = "asp-for")]
[HtmlTargetElement("input", Attributes = "name,[type=checkbox]")]
[HtmlTargetElement("input", Attributes = "name,[type=radio]")]
[HtmlTargetElement("select", Attributes = "asp-for")]
[HtmlTargetElement("textarea", Attributes = "asp-for")]
public sealed class InvalidFieldTagHelper : TagHelper
{
    public override int Order => 1000;

    /// <summary>The field's model expression; null on a box of a hand-written group, which has only its name.</summary>
    [HtmlAttributeName("asp-for")]
    public ModelExpression? For { get; set; }

    [HtmlAttributeNotBound]
    [ViewContext]
    public ViewContext ViewContext { get; set; } = null!;

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var name = output.Attributes["name"]?.Value?.ToString() ?? (For is null ? null : ViewContext.ViewData.TemplateInfo.GetFullHtmlFieldName(For.Name));
        if (string.IsNullOrEmpty(name)) return;
        if (ViewContext.ViewData.ModelState.GetFieldValidationState(name) != ModelValidationState.Invalid) return;
        output.Attributes.SetAttribute("aria-invalid", "true");
        var described = output.Attributes["aria-describedby"]?.Value?.ToString();
        var error = ErrorId(name);
        output.Attributes.SetAttribute("aria-describedby", string.IsNullOrEmpty(described) ? error : $"{described} {error}");
    }

    /// <summary>
    /// The id of the field's error message (<see cref="ValidationMessageIdTagHelper"/>). Not "<c>{id}-error</c>": that
    /// is the id jQuery Validation gives the message it puts inside this box, and an id must name one element.
    /// </summary>
    public static string ErrorId(string fieldName) => TagBuilder.CreateSanitizedId(fieldName, "_") + "-message";
}

/// <summary>Gives a field's error message the id its field points at (<see cref="InvalidFieldTagHelper"/>).</summary>
[HtmlTargetElement("span", Attributes = "asp-validation-for")]
[HtmlTargetElement("div", Attributes = "asp-validation-for")]
public sealed class ValidationMessageIdTagHelper : TagHelper
{
    public override int Order => 1000;

    [HtmlAttributeName("asp-validation-for")]
    public ModelExpression For { get; set; } = null!;

    [HtmlAttributeNotBound]
    [ViewContext]
    public ViewContext ViewContext { get; set; } = null!;

    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (output.Attributes.ContainsName("id")) return;
        var name = output.Attributes["data-valmsg-for"]?.Value?.ToString() ?? ViewContext.ViewData.TemplateInfo.GetFullHtmlFieldName(For.Name);
        output.Attributes.SetAttribute("id", InvalidFieldTagHelper.ErrorId(name));
    }
}
