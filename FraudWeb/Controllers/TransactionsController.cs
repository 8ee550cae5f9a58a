using FraudWeb.Authorization;
using FraudWeb.Infrastructure;
using FraudWeb.Services.Transactions;
using FraudWeb.ViewModels.Transactions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FraudWeb.Controllers;

public sealed class TransactionsController(TransactionService transactions) : Controller
{
    [HttpGet]
    [Authorize(Policy = Permissions.TransactionsSubmit)]
    public async Task<IActionResult> New(long? cardId, CancellationToken cancellationToken)
    {
        var userId = User.GetUserId();
        if (cardId is { } id && !await transactions.OwnsCardAsync(userId, id, cancellationToken)) return NotFound();
        return View(await transactions.NewFormAsync(userId, new NewTransactionViewModel { CardId = cardId }, cancellationToken));
    }

    [HttpPost]
    [Authorize(Policy = Permissions.TransactionsSubmit)]
    public async Task<IActionResult> New(NewTransactionViewModel model, CancellationToken cancellationToken)
    {
        var userId = User.GetUserId();
        if (ModelState.IsValid)
        {
            var outcome = await transactions.SubmitAsync(userId, model, cancellationToken);
            if (outcome.TransactionId is { } id) return RedirectToAction(nameof(Details), new { id });
            if (outcome.NotFound) return NotFound();
            if (outcome.ScorerUnavailable)
            {
                Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return View("ScorerUnavailable");
            }
            this.AddErrors(outcome.Result);
        }
        return View(await transactions.NewFormAsync(userId, model, cancellationToken));
    }

    [HttpGet]
    public async Task<IActionResult> Details(long id, CancellationToken cancellationToken)
    {
        var model = await transactions.GetResultAsync(User.GetUserId(), id, cancellationToken);
        return model is null ? NotFound() : View(model);
    }
}
