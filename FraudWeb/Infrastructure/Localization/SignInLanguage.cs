using System.Security.Claims;
using FraudWeb.Services.Accounts;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Localization;

namespace FraudWeb.Infrastructure.Localization;

/// <summary>
/// A language chosen before signing in (the footer's switch on the sign-in page, or a mailed link's language) is the
/// account's language from the sign-in on, as one chosen while signed in is: the mails others send the person (an
/// administrator's password reset) follow it. Only the remembered choice (the culture cookie) counts, not what a
/// browser asks for, so signing in once from a borrowed browser changes nothing.
/// </summary>
public static class SignInLanguage
{
    public static async Task RememberAsync(CookieSignedInContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.HttpContext.Request.Cookies[CookieRequestCultureProvider.DefaultCookieName] is not { } cookie
            || CookieRequestCultureProvider.ParseCookieValue(cookie)?.UICultures is not [var chosen, ..]
            || context.Principal?.FindFirstValue(ClaimTypes.NameIdentifier) is not { } userId) return;
        var accounts = context.HttpContext.RequestServices.GetRequiredService<AccountService>();
        await accounts.RememberLanguageAsync(userId, chosen.Value!);
    }
}
