using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.Extensions.Localization;

namespace FraudWeb.Infrastructure.Rendering;

/// <summary>
/// A sentence with markup inside it (a link, a code sample) translated whole: the format string holds the sentence and
/// its punctuation, the markup goes into its placeholders. Joining pieces with spaces instead leaves the English
/// spacing and full stops in other languages ("请参阅 API 参考文档 .").
/// </summary>
public static partial class Sentences
{
    [GeneratedRegex(@"\{(\d+)\}")]
    private static partial Regex Placeholder();

    /// <summary>The translated <paramref name="format"/>, its text HTML-encoded, each <c>{n}</c> replaced by <paramref name="parts"/>[n].</summary>
    public static IHtmlContent Sentence(this IHtmlHelper html, LocalizedString format, params IHtmlContent[] parts)
    {
        ArgumentNullException.ThrowIfNull(format);
        ArgumentNullException.ThrowIfNull(parts);
        var text = format.Value;
        var sentence = new HtmlContentBuilder();
        var at = 0;
        foreach (Match hole in Placeholder().Matches(text))
        {
            sentence.Append(text[at..hole.Index]);
            sentence.AppendHtml(parts[int.Parse(hole.Groups[1].ValueSpan, CultureInfo.InvariantCulture)]);
            at = hole.Index + hole.Length;
        }
        sentence.Append(text[at..]);
        return sentence;
    }

    /// <summary>A link for a sentence's placeholder.</summary>
    public static IHtmlContent Link(string href, string text)
    {
        var link = new TagBuilder("a");
        link.Attributes["href"] = href;
        link.InnerHtml.Append(text);
        return link;
    }

    /// <summary>Plain text (a date) for a sentence's placeholder, HTML-encoded.</summary>
    public static IHtmlContent Plain(string text) => new HtmlContentBuilder().Append(text);

    /// <summary>A side note (a merchant's kind, what a role does) for a sentence's placeholder, in muted text.</summary>
    public static IHtmlContent Muted(string text, string? extraClass = null)
    {
        var span = new TagBuilder("span");
        span.AddCssClass(extraClass is null ? "text-muted" : "text-muted " + extraClass);
        span.InnerHtml.Append(text);
        return span;
    }

    /// <summary>Code (a header, scope names) for a sentence's placeholder.</summary>
    public static IHtmlContent Code(string text)
    {
        var code = new TagBuilder("code");
        code.InnerHtml.Append(text);
        return code;
    }
}
