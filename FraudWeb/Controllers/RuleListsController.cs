using FraudWeb.Authorization;
using FraudWeb.Infrastructure.Localization;
using FraudWeb.Infrastructure.Security;
using FraudWeb.Infrastructure;
using FraudWeb.Services;
using FraudWeb.Services.Cards;
using FraudWeb.Services.Rules;
using FraudWeb.ViewModelBuilders;
using FraudWeb.ViewModels.Rules;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace FraudWeb.Controllers;

/// <summary>Allow, block and reference lists: create, add an entry picked from a search, remove with a reason.</summary>
[Authorize(Policy = Permissions.RulesManage)]
public sealed class RuleListsController(RuleListService lists, RulesViewModelBuilder screens, CardLookupService lookup) : Controller
{
    [HttpGet]
    public IActionResult Create() => View(new RuleListFormViewModel());

    [HttpPost]
    public async Task<IActionResult> Create(RuleListFormViewModel form, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(form);
        if (!ModelState.IsValid) return View(form);
        var result = await lists.CreateAsync(User.GetUserId(), form.Name!, form.Kind, form.Purpose, form.Description, cancellationToken);
        if (!result.Succeeded)
        {
            this.AddErrors(result);
            return View(form);
        }
        TempData["Message"] = Text.Get("The list is created; add its entries below.");
        return RedirectToAction(nameof(Details), new { id = result.Value });
    }

    /// <summary>The list; a merchant list's search from the address too. Cards are found only by <see cref="SearchCards"/>.</summary>
    [HttpGet]
    public async Task<IActionResult> Details(long id, string? q, CancellationToken cancellationToken) =>
        await screens.ListDetailsAsync(id, q, null, cancellationToken) is { } model ? View(model) : NotFound();

    /// <summary>
    /// A merchant list's search box. It posts, as the card lists' does; the page is answered directly (a redirect would
    /// have to carry the term).
    /// </summary>
    [HttpPost]
    public async Task<IActionResult> Search(long id, string? q, CancellationToken cancellationToken) =>
        await screens.ListDetailsAsync(id, q, null, cancellationToken) is { } model ? View(nameof(Details), model) : NotFound();

    /// <summary>
    /// A card list's search box: a card lookup like the lookup page's (docs/decisions/0030), audited per card found and
    /// under its rate limit. It posts, so a whole card number never travels in an address (a GET's query string reaches
    /// logs and history).
    /// </summary>
    [HttpPost, EnableRateLimiting(RateLimitPolicies.CardLookup)]
    public async Task<IActionResult> SearchCards(long id, string? q, CancellationToken cancellationToken)
    {
        var staff = User.GetUserId();
        return await screens.ListDetailsAsync(id, q, term => lookup.FindForListAsync(staff, term, RulesViewModelBuilder.SearchResults, cancellationToken), cancellationToken) is { } model
            ? View(nameof(Details), model)
            : NotFound();
    }

    [HttpPost]
    public async Task<IActionResult> Add(long id, AddListEntryViewModel form, string? q, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(form);
        if (ModelState.IsValid)
        {
            var result = await lists.AddAsync(User.GetUserId(), id, form.Entry!, form.Reason!, cancellationToken);
            if (result.Code == ErrorCode.NotFound) return NotFound();
            if (result.Succeeded)
            {
                TempData["Message"] = result.Value
                    ? Text.Get("Added to the list, waiting for another analyst's approval: payments see it once approved.")
                    : Text.Get("Added to the list; payments see it from now on.");
                return RedirectToAction(nameof(Details), new { id });
            }
            this.AddErrors(result);
        }
        // Cards are not looked up again here (a posted card id would show its holder without an audited lookup).
        return await screens.ListDetailsAsync(id, q, null, cancellationToken) is { } model ? View(nameof(Details), model) : NotFound();
    }

    /// <summary>A second analyst approves an entry on a list that lets payments through.</summary>
    [HttpPost]
    public async Task<IActionResult> Approve(long id, ApproveListEntryViewModel form, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(form);
        var result = await lists.ApproveAsync(User.GetUserId(), id, form.EntryId, cancellationToken);
        if (result.Code == ErrorCode.NotFound) return NotFound();
        if (result.Succeeded)
        {
            TempData["Message"] = Text.Get("Approved; payments see the entry from now on.");
            return RedirectToAction(nameof(Details), new { id });
        }
        this.AddErrors(result);
        return await screens.ListDetailsAsync(id, null, null, cancellationToken) is { } model ? View(nameof(Details), model) : NotFound();
    }

    [HttpPost]
    public async Task<IActionResult> Remove(long id, RemoveListEntryViewModel form, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(form);
        if (ModelState.IsValid)
        {
            var result = await lists.RemoveAsync(User.GetUserId(), id, form.EntryId, form.Reason!, cancellationToken);
            if (result.Code == ErrorCode.NotFound) return NotFound();
            if (result.Succeeded)
            {
                TempData["Message"] = Text.Get("Removed from the list.");
                return RedirectToAction(nameof(Details), new { id });
            }
            this.AddErrors(result);
        }
        return await screens.ListDetailsAsync(id, null, null, cancellationToken) is { } model ? View(nameof(Details), model) : NotFound();
    }
}
