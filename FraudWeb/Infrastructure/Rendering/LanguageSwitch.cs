using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc.ViewFeatures;

namespace FraudWeb.Infrastructure.Rendering;

/// <summary>
/// Where the footer's language switcher returns to. It comes back with a GET, so a page a form's POST produced (a
/// form shown again with its errors, a search) names the GET address that shows it again, and a page showing a secret
/// only once (recovery codes, a new API key) is not offered the switch, which would lose the secret.
/// </summary>
public static class LanguageSwitch
{
    private const string ReturnUrlKey = "LanguageSwitch.ReturnUrl";
    private const string ShownOnceKey = "LanguageSwitch.ShownOnce";

    /// <summary>
    /// The GET address that shows this page again, used when a POST produced it; worked out only then (generating a
    /// link with route values on every GET of a busy page costs, perf issue 17).
    /// </summary>
    public static void ReturnTo(this ViewDataDictionary viewData, Func<string?> url)
    {
        ArgumentNullException.ThrowIfNull(viewData);
        viewData[ReturnUrlKey] = url;
    }

    /// <summary>Marks a page that shows something only once: switching language would reload it without that.</summary>
    public static void ShowsSecretOnce(this ViewDataDictionary viewData)
    {
        ArgumentNullException.ThrowIfNull(viewData);
        viewData[ShownOnceKey] = true;
    }

    public static bool IsOffered(ViewDataDictionary viewData)
    {
        ArgumentNullException.ThrowIfNull(viewData);
        return viewData[ShownOnceKey] is not true;
    }

    /// <summary>
    /// The page to return to: for a GET the address itself; for a page a POST produced the address its view named,
    /// else its path (a form whose GET has the same address and needs nothing more).
    /// </summary>
    public static string ReturnUrl(HttpContext context, ViewDataDictionary viewData)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(viewData);
        var request = context.Request;
        var isGet = HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method);
        // An error page (404, 429, 500) is the requested address re-executed at /Error/...: switching returns to the
        // address asked for (a GET of it for a form's POST), not to the error, which "too many attempts" would repeat.
        if (context.Features.Get<IStatusCodeReExecuteFeature>() is { } status)
            return status.OriginalPathBase + status.OriginalPath + (isGet ? WithoutCardNumber(status.OriginalQueryString) : "");
        if (context.Features.Get<IExceptionHandlerPathFeature>() is { } failed) return request.PathBase + failed.Path;
        if (isGet) return request.PathBase + request.Path + WithoutCardNumber(request.QueryString.Value);
        // Nor one the page's own address would carry from a field it was typed into (a merchant's number).
        var named = (viewData[ReturnUrlKey] as Func<string?>)?.Invoke();
        var at = named?.IndexOf('?', StringComparison.Ordinal) ?? -1;
        if (at >= 0 && Domain.Cards.CardNumber.IsIn(Uri.UnescapeDataString(named![at..].Replace('+', ' ')))) named = named[..at];
        return named ?? (request.PathBase + request.Path).ToString();
    }

    /// <summary>A card number typed into a search is not written back into the page (PCI DSS 3.4.1): its query is left out.</summary>
    private static string WithoutCardNumber(string? query) =>
        string.IsNullOrEmpty(query) || ViewModels.Common.SearchTerm.HoldsCardNumber(Uri.UnescapeDataString(query.Replace('+', ' '))) ? "" : query;
}
