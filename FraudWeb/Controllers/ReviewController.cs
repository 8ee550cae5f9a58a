using FraudWeb.Authorization;
using FraudWeb.Infrastructure.Localization;
using FraudWeb.Infrastructure.Security;
using FraudWeb.Services.Paging;
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
        // A hand-edited filter that makes no sense is left out, with a message; the filters that make sense stay.
        if (!ModelState.IsValid)
        {
            // Which filter, when it is one the queue itself refuses (a reversed risk range); the framework's own otherwise.
            TempData["Error"] = query.HasReversedRiskRange
                ? Text.Format("Some filters were not understood and were left out: {0}", Text.Get(ReviewQueueQuery.RiskRangeReversed))
                : Text.Get("Some filters were not understood and were left out.");
            return BackToQueue(query);
        }
        var at = QueueCursor.Decode(query.Cursor);
        if (at is null && !string.IsNullOrEmpty(query.Cursor))
        {
            // A hand-edited cursor: the first page with a message, the filters kept.
            TempData["Error"] = Text.Get(PageNotFound);
            query.Cursor = null;
            return RedirectToAction(nameof(Index), query.RouteValues());
        }
        return View(await screens.QueueAsync(query, at, User.GetUserId(), cancellationToken));
    }

    public const string PageNotFound = "That page of the queue was not found; here is its first page.";

    /// <summary>The filter form: sent on to the queue's address without a card number typed into its search.</summary>
    [HttpPost, ActionName(nameof(Index))]
    public IActionResult Search() => this.SearchSeeOther(nameof(Index), nameof(ReviewQueueQuery.Kind), nameof(ReviewQueueQuery.MinRisk), nameof(ReviewQueueQuery.MaxRisk),
        nameof(ReviewQueueQuery.Age), nameof(ReviewQueueQuery.Assigned), nameof(ReviewQueueQuery.Search));

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
    public async Task<IActionResult> Assign(long transactionId, bool? assign, string? seenAssignee, ReviewQueueQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        // A hand-edited form that says neither: not read as "give back" (which a value that does not bind became).
        if (assign is null) return BadRequest();
        var result = await review.AssignAsync(transactionId, User.GetUserId(), assign.Value, seenAssignee, cancellationToken);
        if (result.Succeeded) TempData["Message"] = assign.Value ? Text.Format("Payment #{0} is assigned to you.", transactionId) : Text.Format("Payment #{0} is back in the queue for anyone.", transactionId);
        else TempData["Error"] = result.Errors[0].Message;
        return BackToQueue(query);
    }

    /// <summary>Back to the queue as the analyst filtered it, without the filters the model state refused (errors on the
    /// decision's own fields, such as a missing choice, keep every filter).</summary>
    private RedirectToActionResult BackToQueue(ReviewQueueQuery query)
    {
        var filters = query.RouteValues();
        foreach (var (key, entry) in ModelState)
        {
            if (entry.Errors.Count > 0) filters.Remove(key[(key.LastIndexOf('.') + 1)..]);
        }
        return RedirectToAction(nameof(Index), filters);
    }
}
