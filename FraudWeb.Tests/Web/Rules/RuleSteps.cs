using System.Globalization;
using System.Net;
using AngleSharp.Html.Dom;
using FraudWeb.Domain.Rules;
using FraudWeb.Tests.Web.Infrastructure;

namespace FraudWeb.Tests.Web.Rules;

/// <summary>An analyst's steps on the rules pages, through the forms a browser submits.</summary>
public static class RuleSteps
{
    /// <summary>Saves a draft through the editor; its id (from the redirect to its page).</summary>
    public static async Task<long> CreateRuleAsync(this CardHolderSession analyst, string name, RuleAction action, string expression)
    {
        var response = await SubmitRuleAsync(analyst, name, action, expression);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return IdFrom(Html.Location(response));
    }

    public static Task<HttpResponseMessage> SubmitRuleAsync(this CardHolderSession analyst, string name, RuleAction action, string expression)
    {
        ArgumentNullException.ThrowIfNull(analyst);
        return Html.SubmitAsync(analyst.Client, "/Rules/Create", new Dictionary<string, string>
        {
            ["Name"] = name,
            ["Action"] = action.ToString(),
            ["Expression"] = expression,
        });
    }

    public static async Task BacktestAsync(this CardHolderSession analyst, long ruleId, int days)
    {
        ArgumentNullException.ThrowIfNull(analyst);
        var page = $"/Rules/Details/{Id(ruleId)}";
        var response = await Html.SubmitAsync(analyst.Client, $"/Rules/Backtest/{Id(ruleId)}", [new("days", Id(days))], page);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    /// <summary>Presses Enable (or Disable) on the rule's page as it shows now; the page after the redirect.</summary>
    public static async Task<IHtmlDocument> PressAsync(this CardHolderSession analyst, long ruleId, string button)
    {
        ArgumentNullException.ThrowIfNull(analyst);
        var details = await Html.GetPageAsync(analyst.Client, $"/Rules/Details/{Id(ruleId)}");
        var form = details.QuerySelector($"form[action$='/Rules/{button}/{Id(ruleId)}']")
            ?? throw new InvalidOperationException($"The rule's page has no {button} form.");
        var rowVersion = ((IHtmlInputElement)form.QuerySelector("input[name=rowVersion]")!).Value;
        var response = await analyst.Client.PostAsync(new Uri($"/Rules/{button}/{Id(ruleId)}", UriKind.Relative), new FormUrlEncodedContent(
            [new("rowVersion", rowVersion), new("__RequestVerificationToken", Html.AntiforgeryToken(details))]));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return await Html.GetPageAsync(analyst.Client, Html.Location(response));
    }

    /// <summary>
    /// Draft, backtest over 30 days, enable: a rule that decides payments from now on. An allow rule is enabled by
    /// <paramref name="enabler"/>, a second analyst (four eyes).
    /// </summary>
    public static async Task<long> EnabledRuleAsync(this CardHolderSession analyst, string name, RuleAction action, string expression, CardHolderSession? enabler = null)
    {
        var id = await analyst.CreateRuleAsync(name, action, expression);
        await analyst.BacktestAsync(id, 30);
        var page = await (enabler ?? analyst).PressAsync(id, "Enable");
        Assert.Equal("enabled", page.QuerySelector("[data-testid=rule-status]")!.TextContent.Trim());
        return id;
    }

    public static async Task<long> CreateListAsync(this CardHolderSession analyst, string name, RuleListKind kind, RuleListPurpose purpose)
    {
        ArgumentNullException.ThrowIfNull(analyst);
        var response = await Html.SubmitAsync(analyst.Client, "/RuleLists/Create", new Dictionary<string, string>
        {
            ["Name"] = name,
            ["Kind"] = kind.ToString(),
            ["Purpose"] = purpose.ToString(),
            ["Description"] = "test list",
        });
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return IdFrom(Html.Location(response));
    }

    public static Task<HttpResponseMessage> AddToListAsync(this CardHolderSession analyst, long listId, string entry, string reason)
    {
        ArgumentNullException.ThrowIfNull(analyst);
        return Html.SubmitAsync(analyst.Client, $"/RuleLists/Add/{Id(listId)}", new Dictionary<string, string> { ["Entry"] = entry, ["Reason"] = reason },
            $"/RuleLists/Details/{Id(listId)}");
    }

    /// <summary>Approves an entry waiting on a four-eyes list, as the details page's button does.</summary>
    public static Task<HttpResponseMessage> ApproveListEntryAsync(this CardHolderSession analyst, long listId, long entryId)
    {
        ArgumentNullException.ThrowIfNull(analyst);
        return Html.SubmitAsync(analyst.Client, $"/RuleLists/Approve/{Id(listId)}", new Dictionary<string, string> { ["EntryId"] = Id(entryId) },
            $"/RuleLists/Details/{Id(listId)}");
    }

    public static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    private static long IdFrom(string location) => long.Parse(location[(location.LastIndexOf('/') + 1)..].Split('?')[0], CultureInfo.InvariantCulture);
}
