using FraudWeb.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;

namespace FraudWeb.Controllers;

/// <summary>The footer's language switcher: remembers the choice in the culture cookie and returns to the page.</summary>
[AllowAnonymous]
public sealed class LanguageController : Controller
{
    [HttpPost]
    public IActionResult Set(string? culture, string? returnUrl)
    {
        if (culture is null || !WebServiceCollectionExtensions.SupportedCultures.Contains(culture, StringComparer.Ordinal))
        {
            return BadRequest();
        }
        Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
            new CookieOptions
            {
                Expires = DateTimeOffset.UtcNow.AddYears(1),
                IsEssential = true,
                HttpOnly = true,
                Secure = Request.IsHttps,
                SameSite = SameSiteMode.Lax,
            });
        // Only back to a page of this site (no open redirect).
        return LocalRedirect(Url.IsLocalUrl(returnUrl) ? returnUrl : "/");
    }
}
