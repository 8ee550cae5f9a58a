using FraudWeb.Authorization;
using FraudWeb.Infrastructure.Security;
using FraudWeb.Services.Reports;
using FraudWeb.ViewModelBuilders;
using FraudWeb.ViewModels.Reports;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FraudWeb.Controllers;

[Authorize(Policy = Permissions.ReportsReview)]
public sealed class ReviewController(ReviewService review, ReviewQueueViewModelBuilder screens) : Controller
{
    [HttpGet]
    public async Task<IActionResult> Index(int page = 1, CancellationToken cancellationToken = default) =>
        View(await screens.QueueAsync(page, cancellationToken));

    [HttpPost]
    public async Task<IActionResult> Decide(ReviewDecisionViewModel model, int page = 1, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!ModelState.IsValid)
        {
            TempData["Error"] = "Choose fraud or legitimate.";
            return RedirectToAction(nameof(Index), new { page });
        }
        var result = await review.DecideAsync(model.ToDecision(), User.GetUserId(), cancellationToken);
        if (result.Succeeded) TempData["Message"] = ReviewOutcomeText.Describe(result.Value);
        else TempData["Error"] = string.Join(" ", result.Errors.Select(e => e.Message));
        return RedirectToAction(nameof(Index), new { page });
    }
}
