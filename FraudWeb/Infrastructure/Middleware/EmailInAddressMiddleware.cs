using FraudWeb.Infrastructure.Localization;
using FraudWeb.Infrastructure.Security;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.Extensions.Primitives;

namespace FraudWeb.Infrastructure.Middleware;

/// <summary>
/// The other half of <see cref="SearchTermProtector"/>, on the administrators' lists, before anything binds the query:
/// a filter that arrives with an email address in clear (a hand-typed or old link) is sent on (303) encrypted, as
/// <see cref="CardNumberInAddressMiddleware"/> sends on a card number reduced; an encrypted one is read back into the
/// query the page binds, while the raw query string (return addresses, the language switch, the sign-in redirect)
/// keeps it encrypted; one that has expired or was altered is left out, with a message, rather than searched for.
/// </summary>
public sealed class EmailInAddressMiddleware(RequestDelegate next, SearchTermProtector terms, ITempDataDictionaryFactory tempData)
{
    public const string ExpiredMessage = "A search in the page's address had expired and was left out: search again.";

    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        if ((!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method)) || !MayHold(request.QueryString.Value) || !SearchTermProtector.AppliesTo(request.Path))
            return next(context);

        var query = new Dictionary<string, StringValues>(StringComparer.OrdinalIgnoreCase);
        bool read = false, clear = false, expired = false;
        foreach (var (name, values) in request.Query)
        {
            var kept = new List<string?>(values.Count);
            foreach (var value in values)
            {
                if (value is null || !SearchTermProtector.IsFilter(name)) kept.Add(value);
                else if (value.StartsWith(SearchTermProtector.Prefix))
                {
                    if (terms.TryRead(value, out var term)) kept.Add(term);
                    else expired = true;
                    read = true;
                }
                else
                {
                    clear |= SearchTermProtector.HoldsEmail(value);
                    kept.Add(value);
                }
            }
            if (kept.Count > 0) query[name] = new StringValues([.. kept]);
        }
        if (clear || expired) return SeeOtherAsync(context, query, expired);
        // Binding reads the decrypted terms; Request.QueryString stays as it came (setting Request.Query would rewrite it in clear).
        if (read) context.Features.Set<IQueryFeature>(new QueryFeature(new QueryCollection(query)));
        return next(context);
    }

    private Task SeeOtherAsync(HttpContext context, Dictionary<string, StringValues> query, bool expired)
    {
        if (expired)
        {
            var messages = tempData.GetTempData(context);
            messages["Error"] = Text.Get(ExpiredMessage);
            messages.Save();
        }
        var sent = new QueryBuilder();
        foreach (var (name, values) in query)
        {
            foreach (var value in values) sent.Add(name, SearchTermProtector.IsFilter(name) ? terms.ForAddress(value) ?? "" : value ?? "");
        }
        context.Response.StatusCode = StatusCodes.Status303SeeOther;
        // As CardNumberInAddressMiddleware: a path that starts "//" would make the Location another site's address.
        var address = (context.Request.PathBase + context.Request.Path).ToUriComponent();
        var queryText = sent.ToQueryString().ToUriComponent();
        context.Response.Headers.Location = address.StartsWith("//", StringComparison.Ordinal) ? queryText : address + queryText;
        context.Response.Headers.CacheControl = "no-store";
        return Task.CompletedTask;
    }

    /// <summary>Cheap filter before parsing: an @ for an address in clear, the prefix for an encrypted one (or their escapes).</summary>
    private static bool MayHold(string? query) =>
        query is { Length: > 0 } && (query.Contains('@') || query.Contains('~') || query.Contains("%40", StringComparison.Ordinal)
            || query.Contains("%7E", StringComparison.OrdinalIgnoreCase) || query.Contains("%EF%BC%A0", StringComparison.OrdinalIgnoreCase));
}
