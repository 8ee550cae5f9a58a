using FraudWeb.Authorization;
using FraudWeb.Infrastructure;
using FraudWeb.Infrastructure.Localization;
using FraudWeb.Infrastructure.Security;
using FraudWeb.Services.Admin;
using FraudWeb.Services.Cards;
using FraudWeb.ViewModelBuilders;
using FraudWeb.ViewModels.Cards;
using FraudWeb.ViewModels.Common;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace FraudWeb.Controllers;

public sealed class CardsController(CardService cards, CardViewModelBuilder screens) : Controller
{
    /// <summary>The confirmation before removing the card; a card already stopped has nothing to confirm (its page says so).</summary>
    [HttpGet, Authorize(Policy = Permissions.TransactionsSubmit), AuditsOthersRecord(OwnedRecord.Card, "id")]
    public Task<IActionResult> Remove(long id, CancellationToken cancellationToken) => ConfirmAsync(id, blockedToo: false, cancellationToken);

    [HttpPost, ActionName(nameof(Remove)), Authorize(Policy = Permissions.TransactionsSubmit), AuditsOthersRecord(OwnedRecord.Card, "id")]
    public async Task<IActionResult> RemoveConfirmed(long id, CancellationToken cancellationToken)
    {
        var result = await cards.RemoveAsync(User.GetUserId(), id, cancellationToken);
        if (result.Code == Services.ErrorCode.NotFound) return NotFound();
        if (result.Succeeded) TempData["Message"] = Text.Format("Card {0} has been removed. Its payments stay on your profile.", CardLabel.Mask(result.Value.Brand, result.Value.Last4));
        else TempData["Error"] = result.Errors[0].Message;
        return RedirectToAction(nameof(Details), new { id });
    }

    /// <summary>The confirmation before reporting the card lost or stolen (a card the bank blocked too: the report is permanent).</summary>
    /// <remarks>Open without a recorded consent: stopping a lost card protects the holder, and must never wait (PIPL article 13).</remarks>
    [HttpGet, Authorize(Policy = Permissions.TransactionsSubmit), AllowWithoutConsent, AuditsOthersRecord(OwnedRecord.Card, "id")]
    public Task<IActionResult> ReportLost(long id, CancellationToken cancellationToken) => ConfirmAsync(id, blockedToo: true, cancellationToken);

    /// <summary>Stops the card, mails the holder (in their language) and sends them to the card, where they report the payments they did not make.</summary>
    [HttpPost, ActionName(nameof(ReportLost)), Authorize(Policy = Permissions.TransactionsSubmit), AllowWithoutConsent, AuditsOthersRecord(OwnedRecord.Card, "id")]
    public async Task<IActionResult> ReportLostConfirmed(long id, [FromServices] Services.Accounts.AccountService accounts, [FromServices] PublicSite site,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(accounts);
        ArgumentNullException.ThrowIfNull(site);
        var userId = User.GetUserId();
        var result = await cards.ReportLostOrStolenAsync(userId, id, cancellationToken);
        if (result.Code == Services.ErrorCode.NotFound) return NotFound();
        if (result.Succeeded)
        {
            await accounts.MailCardLostOrStolenAsync(userId, result.Value.Brand, result.Value.Last4, site.Link(Url.Action(nameof(Details), new { id })!), cancellationToken);
            TempData["Message"] = Text.Format("Card {0} is stopped: every payment with it is refused. We have sent you an email.", CardLabel.Mask(result.Value.Brand, result.Value.Last4));
        }
        else
        {
            TempData["Error"] = result.Errors[0].Message;
        }
        return RedirectToAction(nameof(Details), new { id });
    }

    private async Task<IActionResult> ConfirmAsync(long id, bool blockedToo, CancellationToken cancellationToken)
    {
        var model = await screens.DetailsAsync(User.GetUserId(), id, cancellationToken);
        if (model is null) return NotFound();
        return model.Card.IsStopped && !(blockedToo && model.Card.IsBlocked) ? RedirectToAction(nameof(Details), new { id }) : View(model.Card);
    }

    [HttpGet, AuditsOthersRecord(OwnedRecord.Card, "id")]
    public async Task<IActionResult> Details(long id, CancellationToken cancellationToken)
    {
        var model = await screens.DetailsAsync(User.GetUserId(), id, cancellationToken);
        return model is null ? NotFound() : View(model);
    }

    /// <summary>Adding a card is a card holder's work, as paying with it is: a role without the permission cannot.</summary>
    [HttpGet, Authorize(Policy = Permissions.TransactionsSubmit)]
    public IActionResult Add() => View(new AddCardViewModel { CreditLimit = 2500m });

    [HttpPost, EnableRateLimiting(RateLimitPolicies.AddCard), Authorize(Policy = Permissions.TransactionsSubmit)]
    public async Task<IActionResult> Add(AddCardViewModel model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (ModelState.IsValid)
        {
            var result = await cards.AddAsync(User.GetUserId(), model.ToNewCard(), cancellationToken);
            if (result.Succeeded)
            {
                TempData["Message"] = AddCardViewModel.Saved(result.Value, model.CreditLimit);
                return RedirectToAction("Index", "Profile");
            }
            this.AddErrors(result);
        }
        // The full number is never sent back, not even into the form after an error.
        model.CardNumber = null;
        if (ModelState.TryGetValue(nameof(model.CardNumber), out var entry))
        {
            entry.RawValue = null;
            entry.AttemptedValue = null;
        }
        return View(model);
    }
}
