using System.Globalization;
using System.Net;
using AngleSharp.Html.Dom;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FraudWeb.Tests.Web.Infrastructure;

/// <summary>Analysts and administrators: registered through the form, given their role, signed in again (claims are read at sign-in).</summary>
public static class ReviewSteps
{
    public static async Task<CardHolderSession> SignedInAsAsync(FraudWebFactory factory, string role)
    {
        ArgumentNullException.ThrowIfNull(factory);
        var session = await CardHolderSession.RegisteredAsync(factory);
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            var user = await users.FindByEmailAsync(session.Email) ?? throw new InvalidOperationException("User not found.");
            Assert.True((await users.RemoveFromRoleAsync(user, Roles.Customer)).Succeeded);
            Assert.True((await users.AddToRoleAsync(user, role)).Succeeded);
        }
        await session.SignOutAsync();
        Assert.Equal(HttpStatusCode.Redirect, (await session.SignInAsync(FraudWebFactory.Password)).StatusCode);
        return session;
    }

    /// <summary>An analyst signs in only to decide one transaction's queue item, as <see cref="DecideAsync"/> does.</summary>
    public static async Task<HttpResponseMessage> DecideAsAnalystAsync(FraudWebFactory factory, long transactionId, bool confirm)
    {
        using var analyst = await SignedInAsAsync(factory, Roles.Analyst);
        return await analyst.DecideAsync(transactionId, confirm);
    }

    /// <summary>Reports one of the session's transactions through the report form.</summary>
    public static Task<HttpResponseMessage> ReportAsync(this CardHolderSession session, long transactionId, ReportKind kind, string reason)
    {
        ArgumentNullException.ThrowIfNull(session);
        var id = transactionId.ToString(CultureInfo.InvariantCulture);
        return Html.SubmitAsync(session.Client, "/Reports/New", new Dictionary<string, string>
        {
            ["TransactionId"] = id,
            ["Kind"] = kind.ToString(),
            ["Reason"] = reason,
        }, "/Reports/New?transactionId=" + id);
    }

    /// <summary>Decides the queue item of a transaction from the review page, as the analyst's button would.</summary>
    public static async Task<HttpResponseMessage> DecideAsync(this CardHolderSession analyst, long transactionId, bool confirm)
    {
        var form = await DecisionFormAsync(analyst, transactionId);
        return await form.SubmitAsync(confirm);
    }

    /// <summary>
    /// The queue's pages from the first (filtered by <paramref name="filters"/>, a query string without its "?"), each read
    /// by following the page's own "Next" link, as an analyst would; at most <paramref name="maxPages"/>.
    /// </summary>
    public static async IAsyncEnumerable<IHtmlDocument> QueuePagesAsync(this CardHolderSession analyst, string filters = "", int maxPages = 100)
    {
        ArgumentNullException.ThrowIfNull(analyst);
        string? url = filters.Length == 0 ? "/Review" : "/Review?" + filters;
        for (var page = 0; page < maxPages && url is not null; page++)
        {
            var document = await Html.GetPageAsync(analyst.Client, url);
            yield return document;
            url = document.QuerySelector("a[data-testid=queue-next]")?.GetAttribute("href");
        }
    }

    /// <summary>The decision form of a transaction's queue item as the analyst's page shows it now (to be submitted later).</summary>
    public static async Task<DecisionForm> DecisionFormAsync(this CardHolderSession analyst, long transactionId)
    {
        ArgumentNullException.ThrowIfNull(analyst);
        await foreach (var document in analyst.QueuePagesAsync())
        {
            var item = document.QuerySelector($"[data-testid=review-item][data-transaction-id='{transactionId.ToString(CultureInfo.InvariantCulture)}']");
            if (item is null) continue;
            var form = item.QuerySelector("form")!;
            var fields = form.QuerySelectorAll("input[type=hidden]")
                .Select(i => new KeyValuePair<string, string>(i.GetAttribute("name")!, i.GetAttribute("value") ?? ""))
                .ToList();
            var buttons = form.QuerySelectorAll("button[data-testid]").ToDictionary(
                b => b.GetAttribute("data-testid")!, b => (Value: b.GetAttribute("value") ?? "", Label: b.TextContent.Trim()), StringComparer.Ordinal);
            return new DecisionForm(analyst, form.GetAttribute("action")!, fields, buttons);
        }
        throw new InvalidOperationException($"Transaction {transactionId} is not in the review queue.");
    }

    /// <summary>Analysts press their buttons at the same moment; each response with the page it redirects to.</summary>
    public static async Task<(HttpResponseMessage[] Responses, IReadOnlyList<IHtmlDocument> Pages)> SubmitAtOnceAsync(
        this IReadOnlyList<DecisionForm> forms, bool confirm)
    {
        ArgumentNullException.ThrowIfNull(forms);
        var responses = await Task.WhenAll(forms.Select(f => f.SubmitAsync(confirm)));
        var pages = new List<IHtmlDocument>();
        for (var i = 0; i < forms.Count; i++) pages.Add(await Html.GetPageAsync(forms[i].Analyst.Client, Html.Location(responses[i])));
        return (responses, pages);
    }

    /// <summary>The error the review page shows for a decision it refused, or null.</summary>
    public static string? ReviewError(this IHtmlDocument page)
    {
        ArgumentNullException.ThrowIfNull(page);
        return page.QuerySelector("[data-testid=review-error]")?.TextContent;
    }

    /// <summary>Waits for the background worker to finish every queued run (the test's only wait; generous limit).</summary>
    public static async Task<RetrainingRun> WaitForRunAsync(FraudWebFactory factory, long runId)
    {
        ArgumentNullException.ThrowIfNull(factory);
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (DateTime.UtcNow < deadline)
        {
            var run = await factory.QueryAsync(db => db.RetrainingRuns.AsNoTracking().FirstAsync(r => r.Id == runId));
            if (run.Status is RetrainingRunStatus.Succeeded or RetrainingRunStatus.Failed) return run;
            await Task.Delay(200);
        }
        throw new TimeoutException($"Retraining run {runId} did not finish.");
    }
}

/// <summary>An analyst's decision form as loaded: its action and hidden fields (antiforgery and concurrency tokens).</summary>
public sealed record DecisionForm(CardHolderSession Analyst, string Action, IReadOnlyList<KeyValuePair<string, string>> Fields,
    IReadOnlyDictionary<string, (string Value, string Label)> Buttons)
{
    /// <summary>Posts the form as if a button with this value was pressed: for a review without a report, true means fraud.</summary>
    public Task<HttpResponseMessage> SubmitAsync(bool confirm) => SubmitAsync(confirm ? "true" : "false");

    public Task<HttpResponseMessage> SubmitAsync(string confirm) =>
        Analyst.Client.PostAsync(new Uri(Action, UriKind.Relative),
            new FormUrlEncodedContent(Fields.Append(new("Confirm", confirm))));

    /// <summary>The value the button with this data-testid posts ("decide-fraud", "decide-legitimate").</summary>
    public string ValueOf(string button) => Buttons[button].Value;

    /// <summary>What the button with this data-testid says.</summary>
    public string LabelOf(string button) => Buttons[button].Label;

    /// <summary>Presses a button and opens the page the decision redirects to (with its message or error).</summary>
    public async Task<(HttpResponseMessage Response, IHtmlDocument Page)> SubmitAndFollowAsync(bool confirm)
    {
        var response = await SubmitAsync(confirm);
        return (response, await Html.GetPageAsync(Analyst.Client, Html.Location(response)));
    }
}
