using FraudWeb.Authorization;
using FraudWeb.Infrastructure;
using FraudWeb.Infrastructure.Localization;
using FraudWeb.Infrastructure.Security;
using FraudWeb.Services.Accounts;
using FraudWeb.Services.Cards;
using FraudWeb.ViewModels.Cards;
using FraudWeb.ViewModels.Common;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FraudWeb.Controllers;

/// <summary>
/// Staff block a holder's card and lift the block (docs/decisions/0028), from the review item and the user's admin
/// page: each form posts here with the page to go back to, which then shows the outcome.
/// </summary>
[Authorize(Policy = Permissions.CardsBlock)]
public sealed class CardBlocksController(CardBlockService blocks, AccountService accounts, PublicSite site) : Controller
{
    [HttpPost]
    public async Task<IActionResult> Block(long id, CardBlockViewModel model, string? returnUrl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        // No card named (a tampered address): nothing to go back and explain.
        if (id <= 0 || ModelState.GetFieldValidationState(nameof(id)) == Microsoft.AspNetCore.Mvc.ModelBinding.ModelValidationState.Invalid) return NotFound();
        if (!ModelState.IsValid)
        {
            // A reason not on the list (missing, unknown, not a reason at all) says what to do; the note's own message otherwise.
            var errors = new List<string>();
            if (ModelState.GetFieldValidationState(nameof(model.Reason)) == Microsoft.AspNetCore.Mvc.ModelBinding.ModelValidationState.Invalid)
                errors.Add(Text.Get("Choose why the card is blocked."));
            errors.AddRange(ModelState.Where(e => e.Key != nameof(model.Reason)).SelectMany(e => e.Value!.Errors).Select(e => e.ErrorMessage).Where(m => m.Length > 0));
            TempData["Error"] = errors.Count > 0 ? string.Join(" ", errors.Distinct()) : Text.Get("Choose why the card is blocked.");
            KeepAttempt(id, model, returnUrl);
            return Back(returnUrl);
        }
        var result = await blocks.BlockAsync(User.GetUserId(), id, model.Reason!.Value, model.Note, null, cancellationToken);
        // Only what the form can correct (a note "Other" needs, a card number in it): a card already blocked or gone shows no form.
        if (result.Code == Services.ErrorCode.Invalid) KeepAttempt(id, model, returnUrl);
        return await AnswerAsync(result, returnUrl, cancellationToken);
    }

    [HttpPost]
    public async Task<IActionResult> Unblock(long id, string? returnUrl, CancellationToken cancellationToken)
    {
        var result = await blocks.UnblockAsync(User.GetUserId(), id, null, cancellationToken);
        return await AnswerAsync(result, returnUrl, cancellationToken);
    }

    /// <summary>The holder mailed (in their language) and the outcome said on the page staff came from; a missing card is a 404.</summary>
    private async Task<IActionResult> AnswerAsync(Services.Result<CardBlockChanged> result, string? returnUrl, CancellationToken cancellationToken)
    {
        if (result.Code == Services.ErrorCode.NotFound) return NotFound();
        if (!result.Succeeded)
        {
            TempData["Error"] = result.Errors[0].Message;
            return Back(returnUrl);
        }
        var changed = result.Value;
        if (changed.HolderUserId is { } holder)
            await accounts.MailCardBlockChangedAsync(holder, changed.Brand, changed.Last4, changed.Blocked, site.Link(Url.Action("Details", "Cards", new { id = changed.Id })!), cancellationToken);
        TempData["Message"] = changed.Blocked
            ? Text.Format("Card {0} is blocked: every payment with it is refused until the block is lifted. The card holder has been emailed.", CardLabel.Mask(changed.Brand, changed.Last4))
            : Text.Format("The block on card {0} is lifted: it takes payments again. The card holder has been emailed.", CardLabel.Mask(changed.Brand, changed.Last4));
        return Back(returnUrl);
    }

    /// <summary>
    /// The refused form's reason and note, for the page to show again (staff test: it came back reset to "Suspected
    /// fraud", and a note typed then blocked the card with the wrong reason). Kept only for a staff page the form came
    /// from (the dashboard shows no card's form, and an unread attempt would open a form days later); a note holding a
    /// card number is not kept, and a hand-made long one is cut (it travels in a cookie).
    /// </summary>
    private void KeepAttempt(long id, CardBlockViewModel model, string? returnUrl)
    {
        if (string.IsNullOrEmpty(returnUrl) || !Url.IsLocalUrl(returnUrl)) return;
        var note = model.Note is { } typed && !SearchTerm.HoldsCardNumber(typed) ? typed[..Math.Min(typed.Length, 2 * Domain.Entities.Card.BlockNoteMaxLength)] : null;
        TempData[CardBlockFormModel.AttemptKey] = System.Text.Json.JsonSerializer.Serialize(new CardBlockAttempt(id, model.Reason?.ToString(), note));
    }

    /// <summary>Back to the staff page the form was on (a local address only), else the staff dashboard.</summary>
    private IActionResult Back(string? returnUrl) => (IActionResult?)this.BackTo(returnUrl) ?? RedirectToAction("Index", "Staff");
}
