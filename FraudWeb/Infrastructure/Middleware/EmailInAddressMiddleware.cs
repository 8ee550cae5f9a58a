using FraudWeb.Infrastructure.Localization;
using FraudWeb.Infrastructure.Security;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace FraudWeb.Infrastructure.Middleware;

/// <summary>
/// The other half of <see cref="SearchTermProtector"/>, before anything reads or logs the query: a staff list's filter
/// that arrives with an email address in clear (a hand-typed or old link) is sent on (303) encrypted, as
/// <see cref="CardNumberInAddressMiddleware"/> sends on a card number reduced; an encrypted one is read back into the
/// query the page binds; one that has expired or was altered is left out, with a message, rather than searched for.
/// </summary>
public sealed class EmailInAddressMiddleware(RequestDelegate next, SearchTermProtector terms, ITempDataDictionaryFactory tempData)
{
    public const string ExpiredMessage = "A search in the page's address had expired and was left out: search again.";

    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method) || !MayHold(request.QueryString.Value)) return next(context);

        var query = new Dictionary<string, StringValues>(StringComparer.OrdinalIgnoreCase);
        bool read = false, clear = false, expired = false;
        foreach (var (name, values) in request.Query)
        {
            var kept = new List<string?>(values.Count);
            foreach (var value in values)
            {
                if (value is null || !SearchTermProtector.Fields.Contains(name)) kept.Add(value);
                else if (value.Length > 0 && value[0] == SearchTermProtector.Prefix)
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
        if (clear || expired)
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
                foreach (var value in values) sent.Add(name, SearchTermProtector.Fields.Contains(name) ? terms.ForAddress(value) ?? "" : value ?? "");
            }
            context.Response.StatusCode = StatusCodes.Status303SeeOther;
            context.Response.Headers.Location = (request.PathBase + request.Path).ToUriComponent() + sent.ToQueryString().ToUriComponent();
            context.Response.Headers.CacheControl = "no-store";
            return Task.CompletedTask;
        }
        if (read) request.Query = new QueryCollection(query);
        return next(context);
    }

    /// <summary>Cheap filter before parsing: an @ (or its escape) for an address in clear, the prefix (or its escape) for an encrypted one.</summary>
    private static bool MayHold(string? query) =>
        query is { Length: > 0 } && (query.Contains('@') || query.Contains('~') || query.Contains("%40", StringComparison.Ordinal) || query.Contains("%7E", StringComparison.OrdinalIgnoreCase));
}
