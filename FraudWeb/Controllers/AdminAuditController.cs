using System.Globalization;
using FraudWeb.Authorization;
using FraudWeb.Infrastructure.Localization;
using FraudWeb.Infrastructure.Security;
using FraudWeb.Services.Admin;
using FraudWeb.Services.Paging;
using FraudWeb.ViewModelBuilders;
using FraudWeb.ViewModels.Admin;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FraudWeb.Controllers;

[Authorize(Policy = Permissions.AuditRead)]
public sealed class AdminAuditController(AuditViewModelBuilder screens, AccessAuditService access) : Controller
{
    [HttpGet]
    public async Task<IActionResult> Index(AuditQueryViewModel query, string? cursor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        // An action the list does not offer (a hand-edited link) matched nothing, and the page said only "No entries match".
        if (!string.IsNullOrWhiteSpace(query.Operation) && !Services.Admin.AuditActions.All.Contains(query.Operation.Trim()))
            ModelState.AddModelError(nameof(query.Operation), "Not an action.");
        if (!ModelState.IsValid)
        {
            // A hand-edited filter that makes no sense is left out, with a message; the filters that make sense stay.
            TempData["Error"] = Text.Get("Some filters were not understood and were left out.");
            return RedirectToAction(nameof(Index), UnderstoodFilters(query));
        }
        if (query.From is { } from && query.To is { } to && from > to)
        {
            // Reversed, the range held no day and the page said only "No entries match" (UI review): swapped, and said.
            TempData["Error"] = Text.Get("'From' was after 'To': the two dates were swapped.");
            (query.From, query.To) = (to, from);
            return RedirectToAction(nameof(Index), UnderstoodFilters(query));
        }
        // Old links' ?page=N are not read (the log pages by cursor now): they open the newest page.
        var at = IdCursor.Decode(cursor);
        if (at is null && !string.IsNullOrEmpty(cursor))
        {
            // A hand-edited cursor: the newest page with a message, the filters kept.
            TempData["Error"] = Text.Get("That page of the audit log was not found; here are the newest entries.");
            return RedirectToAction(nameof(Index), UnderstoodFilters(query));
        }
        var model = await screens.ListAsync(query, at, cancellationToken);
        // Reading the log is itself audited (PCI DSS 10.2.1.3), with the filters used; after the read, so a page never shows its own entry.
        await access.RecordAuditReadAsync(User.GetUserId(), query.Actor, query.Operation, query.Target, query.From, query.To, cancellationToken);
        return View(model);
    }

    /// <summary>The filter form: sent on to the log's address without a card number typed into it.</summary>
    [HttpPost, ActionName(nameof(Index))]
    public IActionResult Search() => this.SearchSeeOther(nameof(Index), nameof(AuditQueryViewModel.Actor), nameof(AuditQueryViewModel.Operation),
        nameof(AuditQueryViewModel.Target), nameof(AuditQueryViewModel.From), nameof(AuditQueryViewModel.To));

    private RouteValueDictionary UnderstoodFilters(AuditQueryViewModel query)
    {
        var filters = new RouteValueDictionary();
        void Keep(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value) && ModelState[name] is not { Errors.Count: > 0 }) filters[name] = this.Protected(name, value);
        }
        Keep(nameof(query.Actor), query.Actor);
        Keep(nameof(query.Operation), query.Operation);
        Keep(nameof(query.Target), query.Target);
        Keep(nameof(query.From), query.From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Keep(nameof(query.To), query.To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        return filters;
    }
}
