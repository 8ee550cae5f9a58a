using System.Globalization;
using FraudWeb.Domain.Entities;
using FraudWeb.Resources;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;

namespace FraudWeb.Infrastructure.Localization;

/// <summary>
/// The shared words (<see cref="SharedResource"/>) for code that forms a message where it is decided (application
/// services, model binders, reason phrases) rather than in a view: the same resource-manager localizer the views
/// inject, read in the current UI culture. Web pages run in the visitor's culture; the API runs in the invariant
/// culture, so integrators get the English keys.
/// </summary>
public static class Text
{
    private static readonly IStringLocalizer Shared =
        new CachedStringLocalizerFactory(new ResourceManagerStringLocalizerFactory(Microsoft.Extensions.Options.Options.Create(new LocalizationOptions()), NullLoggerFactory.Instance))
            .Create(typeof(SharedResource));

    /// <summary>The text for <paramref name="english"/> in the current UI culture (the English itself when untranslated).</summary>
    public static string Get(string english) => Shared[english].Value;

    /// <summary>
    /// The space between two pieces of a sentence a page puts side by side: none in Chinese, which does not space its
    /// words or sentences ("这是一笔大额支付。 您仍可" and "两步登录 已开启": Chinese UI test).
    /// </summary>
    public static string Gap => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "zh" ? "" : " ";

    /// <summary>
    /// A word whose translation depends on where it stands (gettext's message context): the key is
    /// "<paramref name="context"/>|<paramref name="english"/>", falling back to the plain word's translation, then to
    /// the English. Resource names are unique regardless of case, so a lower-case word beside its capitalised twin
    /// ("review" in a rule, "Review" as a verdict) needs its own key.
    /// </summary>
    public static string InContext(string context, string english)
    {
        var inContext = Shared[$"{context}|{english}"];
        return inContext.ResourceNotFound ? Get(english) : inContext.Value;
    }

    /// <summary>A translated format filled with the arguments in the current culture.</summary>
    public static string Format(string englishFormat, params object?[] arguments) =>
        string.Format(CultureInfo.CurrentCulture, Get(englishFormat), arguments);

    /// <summary>A domain rule's message in the current UI culture (its template is the key).</summary>
    public static string Of(DomainException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.Arguments.Count == 0 ? Get(exception.Template) : Format(exception.Template, [.. exception.Arguments]);
    }
}
