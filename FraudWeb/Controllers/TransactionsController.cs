using FraudWeb.Authorization;
using FraudWeb.Infrastructure;
using FraudWeb.Infrastructure.Security;
using FraudWeb.Services;
using FraudWeb.Services.Transactions;
using FraudWeb.ViewModelBuilders;
using FraudWeb.ViewModels.Transactions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace FraudWeb.Controllers;

public sealed class TransactionsController(TransactionService transactions, TransactionViewModelBuilder screens) : Controller
{
    [HttpGet]
    [Authorize(Policy = Permissions.TransactionsSubmit)]
    public async Task<IActionResult> New(long? cardId, CancellationToken cancellationToken)
    {
        var userId = User.GetUserId();
        if (cardId is { } id && !await screens.OwnsCardAsync(userId, id, cancellationToken)) return NotFound();
        return View(await screens.FormAsync(userId, new NewTransactionViewModel { CardId = cardId }, cancellationToken));
    }

    [HttpPost, EnableRateLimiting(RateLimitPolicies.Payment)]
    [Authorize(Policy = Permissions.TransactionsSubmit)]
    public async Task<IActionResult> New(NewTransactionViewModel model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        var userId = User.GetUserId();
        if (ModelState.IsValid)
        {
            var result = await transactions.SubmitAsync(userId, model.CardId!.Value, model.TerminalId!.Value, model.Amount!.Value, cancellationToken);
            if (result.Succeeded) return RedirectToAction(nameof(Details), new { id = result.Value });
            switch (result.Code)
            {
                case ErrorCode.NotFound:
                    return NotFound();
                case ErrorCode.Unavailable:
                    Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                    return View("ScorerUnavailable");
                default:
                    this.AddErrors(result);
                    break;
            }
        }
        return View(await screens.FormAsync(userId, model, cancellationToken));
    }

    [HttpGet]
    public async Task<IActionResult> Details(long id, CancellationToken cancellationToken)
    {
        var model = await screens.ResultAsync(User.GetUserId(), id, cancellationToken);
        return model is null ? NotFound() : View(model);
    }
}
