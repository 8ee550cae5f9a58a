using System.Text;
using FraudWeb.Infrastructure.Security;
using FraudWeb.Services;
using FraudWeb.ViewModels.Common;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

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

    /// <summary>
    /// A list's search form posts (PCI DSS 3.4.1: a whole card number typed into it would otherwise be in the address,
    /// hence in access logs, history and Referer): sent on (303) to the list's GET address with the named fields as its
    /// query, each reduced as the boxes reduce a card number (its last four). The GET page validates them as for a link.
    /// </summary>
    public static IActionResult SearchSeeOther(this Controller controller, string action, params string[] fields)
    {
        var query = new RouteValueDictionary();
        if (controller.Request.HasFormContentType)
        {
            foreach (var field in fields)
            {
                if (controller.Request.Form.TryGetValue(field, out var values) && values.ToString() is { Length: > 0 } value)
                    query[field] = Protected(controller, field, SearchTerm.WithoutCardNumber(value));
            }
        }
        controller.Response.Headers.Location = controller.Url.Action(action, query);
        return controller.StatusCode(StatusCodes.Status303SeeOther);
    }

    /// <summary>An administrators' list's filter as its address carries it: an email address in it encrypted (<see cref="SearchTermProtector"/>).</summary>
    public static string? Protected(this Controller controller, string field, string? value) =>
        SearchTermProtector.Fields.Contains(field) && SearchTermProtector.AppliesTo(controller.Request.Path)
            ? controller.HttpContext.RequestServices.GetRequiredService<SearchTermProtector>().ForAddress(value) : value;
}
