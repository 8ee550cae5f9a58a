using FraudWeb.Authorization;
using FraudWeb.Infrastructure;
using FraudWeb.Infrastructure.Localization;
using FraudWeb.Infrastructure.Security;
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
    [HttpGet]
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
                TempData["Message"] = result.Value.Outcome switch
                {
                    // A renewal keeps the card's credit limit (its balance and history go on): said when another was chosen.
                    CardAddOutcome.Renewed when result.Value.CreditLimit != model.CreditLimit => Text.Format(
                        "Your renewed card is saved: it is valid until {0}. Its credit limit stays {1}; a renewal does not change it.",
                        $"{model.ExpiryMonth:00}/{model.ExpiryYear % 100:00}", Money.Format(result.Value.CreditLimit, System.Globalization.CultureInfo.CurrentCulture)),
                    CardAddOutcome.Renewed => Text.Format("Your renewed card is saved: it is valid until {0}.", $"{model.ExpiryMonth:00}/{model.ExpiryYear % 100:00}"),
                    CardAddOutcome.AlreadyAdded => Text.Get("This card is already on your profile."),
                    _ => Text.Get("Your card has been added."),
                };
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
