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
