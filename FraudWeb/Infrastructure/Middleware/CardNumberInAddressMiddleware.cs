using FraudWeb.Domain.Cards;
using FraudWeb.ViewModels.Common;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace FraudWeb.Infrastructure.Middleware;

/// <summary>
/// A page's address never keeps a card number (PCI DSS 3.4.1). The lists' search boxes post (their number never
/// reaches an address: ControllerExtensions.SearchSeeOther), but a hand-typed, old or bookmarked link can still hold a
/// whole number in its query string, and the browser would keep that address in its history, its address bar and
/// later pages' links. Such a request is sent on
/// at once to the same address with the number reduced as the boxes reduce it (a term that is only a number becomes
/// its last four digits, a number inside other text is masked), before anything reads or logs the query. The first
/// request's line still reached the server and any proxy in front: FraudWeb/README.md says to keep query strings out
/// of the proxy's access log.
/// </summary>
public sealed class CardNumberInAddressMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method)) return next(context);
        // A number typed into the path (/Rules/Details/4111…): no page has one, and the not-found page would repeat the
        // address in its language switch, the sign-in redirect in its ReturnUrl (privacy test). Sent on with it masked.
        if (request.Path.Value is { } rawPath && HasDigitRun(rawPath) && SearchTerm.HoldsCardNumber(rawPath))
        {
            return SeeOther(context, new PathString(CardNumber.Redact(rawPath)), request.QueryString.HasValue && HasDigitRun(request.QueryString.Value!)
                ? QueryString.Create(QueryHelpers.ParseQuery(request.QueryString.Value).SelectMany(p => p.Value.Select(v => new KeyValuePair<string, string?>(CardNumber.Redact(p.Key), SearchTerm.WithoutCardNumber(v)))))
                : request.QueryString);
        }
        if (!request.QueryString.HasValue || !HasDigitRun(request.QueryString.Value!)) return next(context);

        var parsed = QueryHelpers.ParseQuery(request.QueryString.Value);
        var changed = false;
        var kept = new List<KeyValuePair<string, string?>>();
        foreach (var (name, values) in parsed)
        {
            foreach (var value in values)
            {
                var reduced = SearchTerm.WithoutCardNumber(value);
                changed |= !string.Equals(reduced, value, StringComparison.Ordinal);
                kept.Add(new(CardNumber.IsIn(name) ? CardNumber.Redact(name) : name, reduced));
                changed |= CardNumber.IsIn(name);
            }
        }
        return changed ? SeeOther(context, request.Path, QueryString.Create(kept)) : next(context);
    }

    private static Task SeeOther(HttpContext context, PathString path, QueryString query)
    {
        context.Response.StatusCode = StatusCodes.Status303SeeOther;
        // A path that starts "//" ("https://site//evil.example?q=...") would be another site's address as a Location:
        // there the query alone is given, which the browser resolves against this same address.
        var address = (context.Request.PathBase + path).ToUriComponent();
        var queryText = query.ToUriComponent();
        context.Response.Headers.Location = new StringValues(address.StartsWith("//", StringComparison.Ordinal) ? queryText : address + queryText);
        context.Response.Headers.CacheControl = "no-store";
        return Task.CompletedTask;
    }

    /// <summary>
    /// Cheap filter before parsing: a card number has at least twelve digits, so a query with fewer than twelve digit
    /// characters in all (most requests) cannot hold one. Full-width and other scripts' digits count too, as
    /// <see cref="CardNumber.Redact"/> finds them; an escaped one (%EF%BC%91) is counted through its escape's digits,
    /// which only lets more queries through to the exact check.
    /// </summary>
    private static bool HasDigitRun(string query)
    {
        var digits = 0;
        foreach (var c in query)
        {
            if (char.IsDigit(c) && ++digits >= 12) return true;
        }
        return false;
    }
}
