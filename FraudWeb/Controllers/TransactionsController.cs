using FraudWeb.Authorization;
using FraudWeb.Infrastructure;
using FraudWeb.Infrastructure.Localization;
using FraudWeb.Infrastructure.Security;
using FraudWeb.Services;
using FraudWeb.Services.Admin;
using FraudWeb.Services.Transactions;
using FraudWeb.ViewModelBuilders;
using FraudWeb.ViewModels.Transactions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace FraudWeb.Controllers;

public sealed class TransactionsController(TransactionService transactions, TransactionViewModelBuilder screens) : Controller
{
    [HttpGet, AuditsOthersRecord(OwnedRecord.Card, "cardId")]
    [Authorize(Policy = Permissions.TransactionsSubmit)]
    public async Task<IActionResult> New(long? cardId, long? terminalId, string? merchantSearch, CancellationToken cancellationToken)
    {
        var userId = User.GetUserId();
        if (cardId is { } id && !await screens.OwnsCardAsync(userId, id, cancellationToken)) return NotFound();
        var model = new NewTransactionViewModel { CardId = cardId, TerminalId = terminalId, MerchantSearch = merchantSearch, SubmissionKey = NewTransactionViewModel.NewSubmissionKey() };
        return View(await screens.FormAsync(userId, model, cancellationToken));
    }

    /// <summary>
    /// The payment form's merchant search as JSON (wwwroot/js/merchant-search.js; the form works without it), in the
    /// page's language: the categories as the page shows them, and the status line the page would say. It lists the
    /// holder's recent merchants, so the browser does not keep it, as it keeps none of the pages.
    /// </summary>
    [HttpGet, ResponseCache(Location = ResponseCacheLocation.None, NoStore = true)]
    [Authorize(Policy = Permissions.TransactionsSubmit)]
    public async Task<IActionResult> Merchants(string? search, CancellationToken cancellationToken)
    {
        var choices = await screens.MerchantsAsync(User.GetUserId(), search, null, cancellationToken);
        return Json(new
        {
            search = choices.Search,
            more = choices.More,
            status = choices.Status,
            merchants = choices.Options.Select(m => new { id = m.Id, label = m.Label, category = Text.Get(m.Category) }),
        });
    }

    /// <summary>
    /// The merchant search without JavaScript: the Search button submits the payment form here, so the card and the
    /// amount already entered come back with the matches (a GET search form could not carry them). Nothing is paid
    /// and nothing is validated yet; with JavaScript the list refills from <see cref="Merchants"/> instead.
    /// </summary>
    [HttpPost, AuditsOthersRecord(OwnedRecord.Card, "model", Member = nameof(NewTransactionViewModel.CardId))]
    [Authorize(Policy = Permissions.TransactionsSubmit)]
    public async Task<IActionResult> Search(NewTransactionViewModel model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        var userId = User.GetUserId();
        if (model.CardId is { } id && !await screens.OwnsCardAsync(userId, id, cancellationToken)) return NotFound();
        // What was typed stays in the fields (as attempted values); only the complaints go, as nothing was submitted to pay.
        // Skipped, not only emptied: an entry still Invalid marked its field aria-invalid with no message to read.
        foreach (var entry in ModelState.Values)
        {
            entry.Errors.Clear();
            entry.ValidationState = Microsoft.AspNetCore.Mvc.ModelBinding.ModelValidationState.Skipped;
        }
        model.SubmissionKey ??= NewTransactionViewModel.NewSubmissionKey();
        return View(nameof(New), await screens.FormAsync(userId, model, cancellationToken));
    }

    [HttpPost, EnableRateLimiting(RateLimitPolicies.Payment), AuditsOthersRecord(OwnedRecord.Card, "model", Member = nameof(NewTransactionViewModel.CardId))]
    [Authorize(Policy = Permissions.TransactionsSubmit)]
    public async Task<IActionResult> New(NewTransactionViewModel model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        var userId = User.GetUserId();
        if (ModelState.IsValid)
        {
            var result = await transactions.SubmitFromFormAsync(userId, model.CardId!.Value, model.TerminalId!.Value, model.Amount!.Value, model.IsConfirmed,
                model.SubmissionKey, cancellationToken);
            if (result.Succeeded && result.Value.ToConfirm is { } check)
            {
                // Shown back to be confirmed: nothing is paid yet.
                model.Confirmation = check;
            }
            else if (result.Succeeded)
            {
                return RedirectToAction(nameof(Details), new { id = result.Value.PaymentId });
            }
            else
            {
                switch (result.Code)
                {
                    case ErrorCode.NotFound:
                        return NotFound();
                    case ErrorCode.Unavailable:
                        Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                        return View("ScorerUnavailable");
                    case ErrorCode.Conflict when result.Errors[0].Field == TransactionService.Fields.SubmissionKey:
                        // This page's key has paid for other details: the holder checks them and sends a new form.
                        model.SubmissionKey = NewTransactionViewModel.NewSubmissionKey();
                        ModelState.AddModelError(string.Empty, result.Errors[0].Message);
                        break;
                    default:
                        this.AddErrors(result);
                        break;
                }
            }
        }
        else if (ModelState[nameof(NewTransactionViewModel.SubmissionKey)]?.Errors.Count > 0)
        {
            // A hidden field's message shows nowhere: said above the form, which comes back with a new key.
            model.SubmissionKey = NewTransactionViewModel.NewSubmissionKey();
            ModelState.AddModelError(string.Empty, Text.Get(NewTransactionViewModel.ExpiredMessage));
        }
        return View(await screens.FormAsync(userId, model, cancellationToken));
    }

    [HttpGet, AuditsOthersRecord(OwnedRecord.Payment, "id")]
    public async Task<IActionResult> Details(long id, CancellationToken cancellationToken)
    {
        var model = await screens.ResultAsync(User.GetUserId(), id, cancellationToken);
        return model is null ? NotFound() : View(model);
    }
}
