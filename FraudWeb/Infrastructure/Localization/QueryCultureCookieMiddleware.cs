using Microsoft.AspNetCore.Localization;

namespace FraudWeb.Infrastructure.Localization;

/// <summary>
/// A page opened with <c>?culture=</c> (a mailed link carries the mail's language) in a browser that would otherwise
/// show another language keeps the link's language afterwards: remembered in the footer switch's cookie, so the form the
/// page posts and the pages after it are in the mail's language. A language already chosen with the switch on this
/// browser (the cookie) stays the choice.
/// </summary>
public sealed class QueryCultureCookieMiddleware(RequestDelegate next)
{
    private static readonly BrowserLanguageProvider Browser = new();

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Request.Query.TryGetValue("culture", out var values) && values.Count == 1 && values[0] is { } culture && Languages.IsSupported(culture)
            && context.Request.Cookies[CookieRequestCultureProvider.DefaultCookieName] is null)
        {
            var browser = (await Browser.DetermineProviderCultureResult(context))?.UICultures.FirstOrDefault().Value ?? WebServiceCollectionExtensions.SupportedCultures[0];
            if (browser != culture) LanguageCookie.Append(context, culture);
        }
        await next(context);
    }
}

/// <summary>The cookie that remembers a chosen language for a year (the footer's switch, mailed links).</summary>
public static class LanguageCookie
{
    public static void Append(HttpContext context, string culture)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
            new CookieOptions
            {
                Expires = DateTimeOffset.UtcNow.AddYears(1),
                IsEssential = true,
                HttpOnly = true,
                Secure = context.Request.IsHttps,
                SameSite = SameSiteMode.Lax,
            });
    }
}
