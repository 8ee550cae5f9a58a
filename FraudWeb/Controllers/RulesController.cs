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

/// <summary>Analysts' rules: write a draft, backtest it, enable it; every save is a new version.</summary>
[Authorize(Policy = Permissions.RulesManage)]
public sealed class RulesController(RuleService rules, RulesViewModelBuilder screens) : Controller
{
    [HttpGet]
    public async Task<IActionResult> Index(CancellationToken cancellationToken) => View(await screens.IndexAsync(cancellationToken));

    [HttpGet]
    public async Task<IActionResult> Create(CancellationToken cancellationToken) =>
        View("Editor", await screens.EditorAsync(null, null, new RuleFormViewModel(), cancellationToken));

    [HttpPost]
    public async Task<IActionResult> Create(RuleFormViewModel form, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(form);
        if (ModelState.IsValid)
        {
            var result = await rules.CreateAsync(User.GetUserId(), form.Name!, form.Action, form.Expression!, cancellationToken);
            if (result.Succeeded)
            {
                TempData["Message"] = Text.Get("The rule is saved as a draft: backtest it, then enable it.");
                return RedirectToAction(nameof(Details), new { id = result.Value });
            }
            this.AddErrors(result);
        }
        return View("Editor", await screens.EditorAsync(null, null, form, cancellationToken));
    }

    [HttpGet]
    public async Task<IActionResult> Details(long id, int? days, CancellationToken cancellationToken) =>
        await screens.DetailsAsync(id, days, cancellationToken) is { } model ? View(model) : NotFound();

    [HttpGet]
    public async Task<IActionResult> Edit(long id, CancellationToken cancellationToken) =>
        await screens.EditorForAsync(id, cancellationToken) is { } model ? View("Editor", model) : NotFound();

    [HttpPost]
    public async Task<IActionResult> Edit(long id, RuleFormViewModel form, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(form);
        if (ModelState.IsValid)
        {
            var result = await rules.EditAsync(User.GetUserId(), id, form.RowVersion, form.Name!, form.Action, form.Expression!, cancellationToken);
            if (result.Code == ErrorCode.NotFound) return NotFound();
            if (result.Succeeded)
            {
                TempData["Message"] = Text.Get("A new version is saved as a draft: backtest it, then enable it.");
                return RedirectToAction(nameof(Details), new { id });
            }
            var stored = await screens.EditorForAsync(id, cancellationToken);
            if (stored is null) return NotFound();
            if (result.Code == ErrorCode.Conflict && stored.Form.RowVersion != form.RowVersion)
            {
                // Another analyst saved a version since this form was opened: show that version with its own token, as
                // the message says (the posted values and token would only be refused again), and what this analyst
                // wrote beside it, so it is not lost (staff test).
                ModelState.Clear();
                this.AddErrors(result);
                stored.Unsaved = form;
                return View("Editor", stored);
            }
            this.AddErrors(result);
        }
        var current = await screens.EditorForAsync(id, cancellationToken);
        if (current is null) return NotFound();
        return View("Editor", await screens.EditorAsync(id, current.Version, form, cancellationToken));
    }

    [HttpPost]
    public async Task<IActionResult> Backtest(long id, int days, CancellationToken cancellationToken)
    {
        var result = await rules.BacktestAsync(User.GetUserId(), id, days, cancellationToken);
        if (result.Code == ErrorCode.NotFound) return NotFound();
        if (!result.Succeeded) TempData["Error"] = result.Errors[0].Message;
        else TempData["Backtested"] = true; // the figures take the focus, so a screen reader reads them
        return RedirectToAction(nameof(Details), new { id });
    }

    [HttpPost]
    public async Task<IActionResult> Enable(long id, Guid rowVersion, CancellationToken cancellationToken) =>
        Outcome(id, await rules.EnableAsync(User.GetUserId(), id, rowVersion, cancellationToken), Text.Get("The rule is enabled: it decides payments from now on."));

    [HttpPost]
    public async Task<IActionResult> Disable(long id, Guid rowVersion, CancellationToken cancellationToken) =>
        Outcome(id, await rules.DisableAsync(User.GetUserId(), id, rowVersion, cancellationToken), Text.Get("The rule is disabled: payments no longer see it."));

    private IActionResult Outcome(long id, Result result, string done)
    {
        if (result.Code == ErrorCode.NotFound) return NotFound();
        if (result.Succeeded) TempData["Message"] = done;
        else TempData["Error"] = result.Errors[0].Message;
        return RedirectToAction(nameof(Details), new { id });
    }
}
