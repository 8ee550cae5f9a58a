using Microsoft.AspNetCore.Localization;

namespace FraudWeb.Infrastructure.Localization;

/// <summary>
/// The browser's languages (Accept-Language, most preferred first) matched to the pages' languages by language and
/// script rather than by whole tag: "zh", "zh-Hans", "zh-Hans-CN" and "zh-SG" read Simplified Chinese, "en-GB" English.
/// ASP.NET Core's own provider matches whole tags and their parents, and "zh-CN" is not the parent of any of those, so
/// such browsers got English. Traditional Chinese (zh-TW, zh-HK, zh-MO, zh-Hant) is not what the pages are written in:
/// it falls to the next language the browser names, and when it names no other the pages are Simplified Chinese, which
/// such a reader reads more easily than the default English (Chinese UI test: a zh-HK-only browser got English).
/// </summary>
public sealed class BrowserLanguageProvider : RequestCultureProvider
{
    /// <summary>As many languages as the framework's provider tries; a longer header is someone else's problem.</summary>
    private const int MostTried = 5;

    private static readonly string[] TraditionalRegions = ["tw", "hk", "mo"];

    public override Task<ProviderCultureResult?> DetermineProviderCultureResult(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var languages = httpContext.Request.GetTypedHeaders().AcceptLanguage;
        if (languages is not { Count: > 0 }) return NullProviderCultureResult;
        // Stable: languages of equal quality keep the browser's order.
        var traditional = false;
        foreach (var language in languages.Where(l => l.Quality is not 0).OrderByDescending(l => l.Quality ?? 1).Take(MostTried))
        {
            if (PageLanguage(language.Value.Value) is { } culture) return Task.FromResult<ProviderCultureResult?>(new ProviderCultureResult(culture));
            traditional |= IsTraditionalChinese(language.Value.Value);
        }
        return traditional ? Task.FromResult<ProviderCultureResult?>(new ProviderCultureResult("zh-CN")) : NullProviderCultureResult;
    }

    private static bool IsTraditionalChinese(string? tag) =>
        tag is { Length: > 0 } && tag.Trim().ToLowerInvariant().Split('-', '_') is ["zh", ..] && PageLanguage(tag) is null;

    /// <summary>The supported culture a language tag reads, or null.</summary>
    public static string? PageLanguage(string? tag)
    {
        if (string.IsNullOrWhiteSpace(tag)) return null;
        var parts = tag.Trim().ToLowerInvariant().Split('-', '_');
        return parts[0] switch
        {
            "en" => "en",
            "zh" when parts.Contains("hans") => "zh-CN",
            "zh" when parts.Contains("hant") || parts.Skip(1).Any(TraditionalRegions.Contains) => null,
            "zh" => "zh-CN",
            _ => null,
        };
    }
}
