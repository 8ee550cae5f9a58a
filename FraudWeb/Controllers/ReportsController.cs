using FraudWeb.Authorization;
using FraudWeb.Infrastructure;
using FraudWeb.Services.Reports;
using FraudWeb.ViewModels.Reports;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FraudWeb.Controllers;

[Authorize(Policy = Permissions.ReportsCreate)]
public sealed class ReportsController(ReportService reports) : Controller
{
    [HttpGet]
    public async Task<IActionResult> New(long transactionId, CancellationToken cancellationToken)
    {
        var model = await reports.NewFormAsync(User.GetUserId(), transactionId, null, cancellationToken);
        return model is null ? NotFound() : View(model);
    }

    [HttpPost]
    public async Task<IActionResult> New(NewReportViewModel model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        var userId = User.GetUserId();
        if (ModelState.IsValid)
        {
            var outcome = await reports.CreateAsync(userId, model, cancellationToken);
            if (outcome.NotFound) return NotFound();
            if (outcome.Result.Succeeded)
            {
                TempData["Message"] = "Thank you: your report has been sent to our fraud team.";
                return RedirectToAction("Index", "Profile");
            }
            this.AddErrors(outcome.Result);
        }
        var form = await reports.NewFormAsync(userId, model.TransactionId, model, cancellationToken);
        return form is null ? NotFound() : View(form);
    }
}
