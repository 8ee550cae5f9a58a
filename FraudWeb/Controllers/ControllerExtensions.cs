using System.Text;
using FraudWeb.Services;
using Microsoft.AspNetCore.Mvc;

namespace FraudWeb.Controllers;

internal static class ControllerExtensions
{
    public static void AddErrors(this Controller controller, Result result)
    {
        foreach (var error in result.Errors) controller.ModelState.AddModelError(error.Field, error.Message);
    }

    /// <summary>
    /// Back to a page of this site named by the request (a return address): a redirect there when it is local, else
    /// null. Characters beyond ASCII are percent-encoded (UTF-8), as a browser sends them: a header holds ASCII only,
    /// and a link with a raw "/é" as its return address made the sign-in or the language switch a 500.
    /// </summary>
    public static LocalRedirectResult? BackTo(this Controller controller, string? returnUrl)
    {
        if (!controller.Url.IsLocalUrl(returnUrl)) return null;
        if (Ascii.IsValid(returnUrl)) return controller.LocalRedirect(returnUrl);
        var escaped = new StringBuilder(returnUrl.Length * 3);
        Span<byte> bytes = stackalloc byte[4];
        foreach (var rune in returnUrl.EnumerateRunes())
        {
            if (rune.IsAscii)
            {
                escaped.Append((char)rune.Value);
                continue;
            }
            var length = rune.EncodeToUtf8(bytes);
            foreach (var b in bytes[..length]) escaped.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }
        return controller.LocalRedirect(escaped.ToString());
    }
}
