using FraudWeb.Authorization;
using FraudWeb.Infrastructure.Security;
using FraudWeb.Infrastructure;
using FraudWeb.Infrastructure.Localization;
using FraudWeb.Services.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FraudWeb.Controllers;

/// <summary>The footer's language switcher: remembers the choice in the culture cookie and returns to the page.</summary>
[AllowAnonymous]
[AllowWithoutConsent]
public sealed class LanguageController : Controller
{
    [HttpPost]
    public async Task<IActionResult> Set(string? culture, string? returnUrl, [FromServices] AccountService accounts)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        if (culture is null || !WebServiceCollectionExtensions.SupportedCultures.Contains(culture, StringComparer.Ordinal))
        {
            return BadRequest();
        }
        LanguageCookie.Append(HttpContext, culture);
        // Signed in: the mails others send this person (an administrator's reset) follow the choice too.
        if (User.Identity?.IsAuthenticated == true) await accounts.RememberLanguageAsync(User.GetUserId(), culture);
        // Only back to a page of this site (no open redirect).
        return this.BackTo(returnUrl) ?? LocalRedirect("/");
    }
}
