using FraudWeb.Authorization;
using FraudWeb.Infrastructure.Localization;
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
    public async Task<IActionResult> Index(ReviewQueueQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        // A hand-edited filter that makes no sense shows the whole queue, with the filters as they were typed.
        if (!ModelState.IsValid)
        {
            // Which filter, when it is one the queue itself refuses (a reversed risk range); the framework's own otherwise.
            TempData["Error"] = ModelState.Values.SelectMany(v => v.Errors).Any(e => e.ErrorMessage == Text.Get(ReviewQueueQuery.RiskRangeReversed))
                ? Text.Format("Some filters were not understood and were left out: {0}", Text.Get(ReviewQueueQuery.RiskRangeReversed))
                : Text.Get("Some filters were not understood and were left out.");
            return RedirectToAction(nameof(Index));
        }
        return View(await screens.QueueAsync(query, User.GetUserId(), cancellationToken));
    }

    [HttpPost]
    public async Task<IActionResult> Decide(ReviewDecisionViewModel model, ReviewQueueQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(query);
        if (!ModelState.IsValid)
        {
            TempData["Error"] = Text.Get("Choose fraud or legitimate.");
            return BackToQueue(query);
        }
        var result = await review.DecideAsync(model.ToDecision(), User.GetUserId(), cancellationToken);
        if (result.Succeeded) TempData["Message"] = ReviewOutcomeText.Describe(result.Value);
        else TempData["Error"] = string.Join(" ", result.Errors.Select(e => e.Message));
        return BackToQueue(query);
    }

    /// <summary>Takes the payment (<paramref name="assign"/> true) or gives it back.</summary>
    [HttpPost]
    public async Task<IActionResult> Assign(long transactionId, bool assign, ReviewQueueQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var result = await review.AssignAsync(transactionId, User.GetUserId(), assign, cancellationToken);
        if (result.Succeeded) TempData["Message"] = assign ? Text.Format("Payment #{0} is assigned to you.", transactionId) : Text.Format("Payment #{0} is back in the queue for anyone.", transactionId);
        else TempData["Error"] = result.Errors[0].Message;
        return BackToQueue(query);
    }

    private RedirectToActionResult BackToQueue(ReviewQueueQuery query) =>
        RedirectToAction(nameof(Index), ModelState.IsValid ? query.RouteValues() : null);
}
