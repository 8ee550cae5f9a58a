using FraudWeb.Authorization;
using FraudWeb.Domain.Entities;
using FraudWeb.Infrastructure.Localization;
using FraudWeb.Infrastructure.Security;
using FraudWeb.Services.Models;
using FraudWeb.Services.Retraining;
using FraudWeb.ViewModelBuilders;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FraudWeb.Controllers;

public sealed class ModelsController(ModelDashboardViewModelBuilder dashboard, IAuthorizationService authorization) : Controller
{
    [HttpGet]
    [Authorize(Policy = Permissions.ModelsView)]
    public async Task<IActionResult> Index(CancellationToken cancellationToken)
    {
        var canRetrain = (await authorization.AuthorizeAsync(User, Permissions.ModelsRetrain)).Succeeded;
        var canManage = (await authorization.AuthorizeAsync(User, Permissions.ModelsManage)).Succeeded;
        return View(await dashboard.BuildAsync(canRetrain, canManage, cancellationToken));
    }

    /// <summary>Queues a run for the background worker; the request returns at once.</summary>
    [HttpPost]
    [Authorize(Policy = Permissions.ModelsRetrain)]
    public async Task<IActionResult> Retrain([FromServices] RetrainingService retraining, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(retraining);
        var run = await retraining.RequestByAsync(User.GetUserId(), User.Identity?.Name, cancellationToken);
        TempData["Message"] = run.Status == Domain.Entities.RetrainingRunStatus.Running
            ? Text.Format("Retraining run {0} is already training on every label confirmed so far; this page shows its progress.", run.Id)
            : Text.Format("Retraining run {0} is queued; this page shows its progress.", run.Id);
        return RedirectToAction(nameof(Index));
    }

    [HttpPost]
    [Authorize(Policy = Permissions.ModelsManage)]
    public async Task<IActionResult> Promote(long id, [FromServices] ModelRegistry registry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var result = await registry.PromoteAsync(id, User.GetUserId(), cancellationToken);
        Report(result, Text.Get("The version is now serving."));
        return RedirectToAction(nameof(Index));
    }

    [HttpPost]
    [Authorize(Policy = Permissions.ModelsManage)]
    public async Task<IActionResult> Rollback(long? from, [FromServices] ModelRegistry registry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var result = await registry.RollbackAsync(User.GetUserId(), from, cancellationToken);
        Report(result, Text.Get("Rolled back to the previous version."));
        return RedirectToAction(nameof(Index));
    }

    private void Report(Services.Result result, string success)
    {
        if (result.Succeeded) TempData["Message"] = success;
        else TempData["Error"] = string.Join(" ", result.Errors.Select(e => e.Message));
    }
}
