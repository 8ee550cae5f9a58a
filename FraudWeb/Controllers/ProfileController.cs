using FraudWeb.Authorization;
using FraudWeb.Infrastructure.Localization;
using FraudWeb.Infrastructure.Security;
using FraudWeb.Services;
using FraudWeb.Services.Paging;
using FraudWeb.Services.Profiles;
using FraudWeb.ViewModelBuilders;
using FraudWeb.ViewModels.Profile;
using Microsoft.AspNetCore.Mvc;

namespace FraudWeb.Controllers;

public sealed class ProfileController(ProfileService profiles, ProfileViewModelBuilder screens) : Controller
{
    [HttpGet]
    public async Task<IActionResult> Index(string? cursor, CancellationToken cancellationToken = default)
    {
        // Sign-in lands here: staff who hold no cards land on their dashboard instead.
        if (!Permissions.HoldsCards(User) && Permissions.DoesStaffWork(User)) return RedirectToAction(nameof(StaffController.Index), "Staff");
        // Old links' ?page=N are not read (the history pages by cursor now): they open the newest page.
        var at = KeysetCursor.Decode(cursor);
        if (at is null && !string.IsNullOrEmpty(cursor))
        {
            // A hand-edited cursor: the newest page with a message, as lists treat a filter they do not understand.
            TempData["Error"] = Text.Get("That page of your payment history was not found; here are your latest payments.");
            return RedirectToAction(nameof(Index), null, "transactions");
        }
        var model = await screens.OverviewAsync(User.GetUserId(), at, cancellationToken);
        return model is null ? View("NoProfile") : View(model);
    }

    [HttpGet]
    public async Task<IActionResult> Edit(CancellationToken cancellationToken)
    {
        var model = await screens.DetailsAsync(User.GetUserId(), cancellationToken);
        return model is null ? View("NoProfile") : View(model);
    }

    [HttpPost]
    public async Task<IActionResult> Edit(PersonalDetailsViewModel model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!ModelState.IsValid) return View(model);
        var result = await profiles.UpdateDetailsAsync(User.GetUserId(), model.ToDetails(), model.RowVersion, cancellationToken);
        if (result.Code == ErrorCode.Conflict && await screens.DetailsAsync(User.GetUserId(), cancellationToken) is { } stored && stored.RowVersion != model.RowVersion)
        {
            // Saved meanwhile elsewhere: the details as they are now, with their version, as the message says (the posted
            // values and version would only be refused again).
            ModelState.Clear();
            this.AddErrors(result);
            return View(stored);
        }
        if (!result.Succeeded)
        {
            this.AddErrors(result);
            return View(model);
        }
        TempData["Message"] = Text.Get("Your details have been saved.");
        return RedirectToAction(nameof(Index));
    }

    /// <summary>Data for the spending and risk chart (wwwroot/js/profile-chart.js); not kept by the browser, as the pages are not.</summary>
    [HttpGet, ResponseCache(Location = ResponseCacheLocation.None, NoStore = true)]
    public async Task<IActionResult> ChartData(CancellationToken cancellationToken) =>
        Json(await screens.ChartAsync(User.GetUserId(), cancellationToken));
}
