using System.Net;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;

namespace FraudWeb.Tests.Web.Infrastructure;

/// <summary>Reads pages and posts forms the way a browser does, antiforgery token included.</summary>
public static class Html
{
    private static readonly HtmlParser Parser = new();

    public static async Task<IHtmlDocument> ParseAsync(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return await Parser.ParseDocumentAsync(await response.Content.ReadAsStringAsync());
    }

    public static async Task<IHtmlDocument> GetPageAsync(HttpClient client, string url)
    {
        ArgumentNullException.ThrowIfNull(client);
        var response = await client.GetAsync(new Uri(url, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ParseAsync(response);
    }

    /// <summary>
    /// GETs a page as a browser opening a typed link does, following the app's 303s (an email address in a staff
    /// list's filter is first sent on encrypted: SearchTermProtector).
    /// </summary>
    public static async Task<IHtmlDocument> GetPageAsTypedAsync(HttpClient client, string url)
    {
        ArgumentNullException.ThrowIfNull(client);
        var response = await client.GetAsync(new Uri(url, UriKind.Relative));
        for (var hops = 0; response.StatusCode == HttpStatusCode.SeeOther && hops < 3; hops++)
        {
            using var sentOn = response;
            response = await client.GetAsync(sentOn.Headers.Location);
        }
        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await ParseAsync(response);
        }
    }

    public static string AntiforgeryToken(IHtmlDocument page)
    {
        ArgumentNullException.ThrowIfNull(page);
        var input = page.QuerySelector("form[method=post] input[name=__RequestVerificationToken]") as IHtmlInputElement;
        return input?.Value ?? throw new InvalidOperationException("The page has no antiforgery token.");
    }

    /// <summary>GETs the form page, then POSTs the fields with the page's token (like submitting it in a browser).</summary>
    public static async Task<HttpResponseMessage> SubmitAsync(HttpClient client, string url, IEnumerable<KeyValuePair<string, string>> fields, string? formPage = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        var page = await GetPageAsync(client, formPage ?? url);
        var all = fields.Append(new("__RequestVerificationToken", AntiforgeryToken(page))).ToList();
        // A browser sends the page's one-time form key too (the payment form refuses a form without one).
        if (all.All(f => f.Key != "SubmissionKey") && page.QuerySelector("input[name=SubmissionKey]")?.GetAttribute("value") is { Length: > 0 } key) all.Add(new("SubmissionKey", key));
        return await client.PostAsync(new Uri(url, UriKind.Relative), new FormUrlEncodedContent(all));
    }

    public static string Location(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.Headers.Location?.OriginalString ?? throw new InvalidOperationException($"No redirect: {(int)response.StatusCode}.");
    }

    /// <summary>The heading of the page's status box, e.g. a payment's outcome on its result page.</summary>
    public static string StatusHeading(IHtmlDocument page)
    {
        ArgumentNullException.ThrowIfNull(page);
        return page.QuerySelector("[role=status] h1")!.TextContent.Trim();
    }

    public static IReadOnlyList<string> ValidationMessages(IHtmlDocument page)
    {
        ArgumentNullException.ThrowIfNull(page);
        return page.QuerySelectorAll(".field-validation-error, .validation-summary-errors li")
            .Select(e => e.TextContent.Trim()).Where(t => t.Length > 0).ToList();
    }

    /// <summary>
    /// How a page sent back with errors fails to tie them to their fields (WCAG 1.3.1, 3.3.1): an <c>aria-describedby</c>
    /// naming an element that is not on the page, or a field's error message that no field marked invalid names.
    /// </summary>
    public static IReadOnlyList<string> UnlinkedErrors(IHtmlDocument page)
    {
        ArgumentNullException.ThrowIfNull(page);
        var problems = new List<string>();
        foreach (var element in page.QuerySelectorAll("[aria-describedby]"))
        {
            foreach (var id in element.GetAttribute("aria-describedby")!.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (page.GetElementById(id) is null) problems.Add($"{element.LocalName}[name={element.GetAttribute("name")}] is described by #{id}, which is not on the page");
            }
        }
        var named = page.QuerySelectorAll("[aria-invalid=true][aria-describedby]")
            .SelectMany(e => e.GetAttribute("aria-describedby")!.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToHashSet(StringComparer.Ordinal);
        foreach (var error in page.QuerySelectorAll(".field-validation-error").Where(e => e.TextContent.Trim().Length > 0))
        {
            if (error.Id is not { Length: > 0 } id || !named.Contains(id)) problems.Add($"\"{error.TextContent.Trim()}\" is the message of no field marked invalid");
        }
        return problems;
    }
}
