using FraudWeb.Authorization;
using FraudWeb.Infrastructure.Localization;
using FraudWeb.Infrastructure.Security;
using FraudWeb.Services;
using FraudWeb.Services.Rules;
using FraudWeb.ViewModelBuilders;
using FraudWeb.ViewModels.Rules;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FraudWeb.Controllers;

/// <summary>Allow, block and reference lists: create, add an entry picked from a search, remove with a reason.</summary>
[Authorize(Policy = Permissions.RulesManage)]
public sealed class RuleListsController(RuleListService lists, RulesViewModelBuilder screens) : Controller
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

    [HttpGet]
    public async Task<IActionResult> Details(long id, string? q, CancellationToken cancellationToken) =>
        await screens.ListDetailsAsync(id, q, cancellationToken) is { } model ? View(model) : NotFound();

    /// <summary>
    /// The search box posts: a whole card number finds exactly its card (by its keyed fingerprint) and so must not
    /// travel in an address (a GET's query string reaches logs and history). The page is answered directly: a
    /// redirect would have to carry the number, or a term that finds something else.
    /// </summary>
    [HttpPost]
    public async Task<IActionResult> Search(long id, string? q, CancellationToken cancellationToken) =>
        await screens.ListDetailsAsync(id, q, cancellationToken) is { } model ? View(nameof(Details), model) : NotFound();

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
        return await screens.ListDetailsAsync(id, q, cancellationToken) is { } model ? View(nameof(Details), model) : NotFound();
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
        return await screens.ListDetailsAsync(id, null, cancellationToken) is { } model ? View(nameof(Details), model) : NotFound();
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
        return await screens.ListDetailsAsync(id, null, cancellationToken) is { } model ? View(nameof(Details), model) : NotFound();
    }
}
