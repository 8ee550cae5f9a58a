using System.Text.Json;
using FraudWeb.Authorization;
using FraudWeb.Infrastructure;
using FraudWeb.Infrastructure.Security;
using FraudWeb.Services.Cards;
using FraudWeb.ViewModelBuilders;
using FraudWeb.ViewModels.Cards;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace FraudWeb.Controllers;

/// <summary>
/// Staff who block cards find one by its whole number or its holder's email address, then block it or lift the block
/// (docs/decisions/0030). A number is posted, never put in an address: the lookup redirects to the page, which shows
/// the cards found (their ids, kept in TempData for this staff member) and comes back to them after a block.
/// </summary>
[Authorize(Policy = Permissions.CardsBlock)]
public sealed class CardLookupController(CardLookupService lookup, CardLookupViewModelBuilder screens, TimeProvider clock) : Controller
{
    private const string FoundKey = "CardLookup.Found";

    /// <summary>How long a lookup's cards stay on the page: a phone call, not the rest of the day.</summary>
    private static readonly TimeSpan FoundFor = TimeSpan.FromMinutes(30);

    [HttpGet]
    public async Task<IActionResult> Index(CancellationToken cancellationToken)
    {
        var found = Found();
        return View(await screens.BuildAsync(User.GetUserId(), found?.By, found?.Ids, null, null, cancellationToken));
    }

    [HttpPost, EnableRateLimiting(RateLimitPolicies.CardLookup)]
    public async Task<IActionResult> ByNumber([Bind(Prefix = nameof(CardLookupPageViewModel.ByNumber))] CardNumberLookupViewModel form, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(form);
        if (ModelState.IsValid)
        {
            var result = await lookup.FindByNumberAsync(User.GetUserId(), form.CardNumber, cancellationToken);
            if (result.Succeeded) return Remember(CardLookupBy.CardNumber, result.Value);
            foreach (var error in result.Errors) ModelState.AddModelError($"{nameof(CardLookupPageViewModel.ByNumber)}.{error.Field}", error.Message);
        }
        return View(nameof(Index), await screens.BuildAsync(User.GetUserId(), null, null, new(), null, cancellationToken));
    }

    [HttpPost, EnableRateLimiting(RateLimitPolicies.CardLookup)]
    public async Task<IActionResult> ByEmail([Bind(Prefix = nameof(CardLookupPageViewModel.ByEmail))] EmailLookupViewModel form, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(form);
        if (ModelState.IsValid)
        {
            var result = await lookup.FindByEmailAsync(User.GetUserId(), form.Email, cancellationToken);
            if (result.Succeeded) return Remember(CardLookupBy.Email, result.Value);
            foreach (var error in result.Errors) ModelState.AddModelError($"{nameof(CardLookupPageViewModel.ByEmail)}.{error.Field}", error.Message);
        }
        return View(nameof(Index), await screens.BuildAsync(User.GetUserId(), null, null, null, form, cancellationToken));
    }

    private sealed record FoundCards(string StaffUserId, CardLookupBy By, IReadOnlyList<long> Ids, DateTime AtUtc);

    private RedirectToActionResult Remember(CardLookupBy by, IReadOnlyList<long> ids)
    {
        TempData[FoundKey] = JsonSerializer.Serialize(new FoundCards(User.GetUserId(), by, ids, clock.GetUtcNow().UtcDateTime));
        return RedirectToAction(nameof(Index));
    }

    /// <summary>
    /// The last lookup's cards, kept (peeked) so that a block's way back shows them again; only the staff member's
    /// own (a browser shared at a call centre) and only for a while.
    /// </summary>
    private FoundCards? Found()
    {
        if (TempData.Peek(FoundKey) is not string json) return null;
        var found = JsonSerializer.Deserialize<FoundCards>(json);
        if (found is null || found.StaffUserId != User.GetUserId() || clock.GetUtcNow().UtcDateTime - found.AtUtc > FoundFor)
        {
            TempData.Remove(FoundKey);
            return null;
        }
        return found;
    }
}
