using FraudWeb.Authorization;
using FraudWeb.Infrastructure.Localization;
using FraudWeb.Infrastructure.Security;
using FraudWeb.Services;
using FraudWeb.Services.Admin;
using FraudWeb.Services.Reports;
using FraudWeb.ViewModelBuilders;
using FraudWeb.ViewModels.Reports;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FraudWeb.Controllers;

[Authorize(Policy = Permissions.ReportsCreate)]
public sealed class ReportsController(ReportService reports, ReportViewModelBuilder screens) : Controller
{
    [HttpGet, AuditsOthersRecord(OwnedRecord.Payment, "transactionId")]
    public async Task<IActionResult> New(long transactionId, CancellationToken cancellationToken)
    {
        var model = await screens.FormAsync(User.GetUserId(), transactionId, null, cancellationToken);
        return model is null ? NotFound() : View(model);
    }

    [HttpPost, AuditsOthersRecord(OwnedRecord.Payment, "model", Member = nameof(NewReportViewModel.TransactionId))]
    public async Task<IActionResult> New(NewReportViewModel model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        var userId = User.GetUserId();
        if (ModelState.IsValid)
        {
            var result = await reports.CreateAsync(userId, model.TransactionId, model.Kind!.Value, model.Reason ?? "", cancellationToken);
            if (result.Code == ErrorCode.NotFound) return NotFound();
            if (result.Succeeded)
            {
                TempData["Message"] = Text.Get("Thank you: your report has been sent to our fraud team.");
                return RedirectToAction("Index", "Profile");
            }
            this.AddErrors(result);
        }
        var form = await screens.FormAsync(userId, model.TransactionId, model, cancellationToken);
        return form is null ? NotFound() : View(form);
    }
}
