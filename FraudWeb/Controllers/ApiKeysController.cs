using FraudWeb.Authorization;
using FraudWeb.Infrastructure.Localization;
using FraudWeb.Infrastructure.Security;
using FraudWeb.Services;
using FraudWeb.Services.Admin;
using FraudWeb.Services.ApiKeys;
using FraudWeb.ViewModelBuilders;
using FraudWeb.ViewModels.ApiKeys;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FraudWeb.Controllers;

/// <summary>
/// The signed-in user's own API keys: a card holder creates them (shown once); anyone lists and revokes the keys that act
/// for them, including those an administrator made for their account (a staff member who suspects a leak revokes it).
/// </summary>
[Authorize]
public sealed class ApiKeysController(ApiKeyService keys, ApiKeyViewModelBuilder screens) : Controller
{
    [HttpGet]
    public async Task<IActionResult> Index(CancellationToken cancellationToken) =>
        View(await screens.OwnKeysAsync(User.GetUserId(), CanCreate, null, cancellationToken));

    /// <summary>Holders create keys for their cards; other users' keys are made by an administrator.</summary>
    private bool CanCreate => User.HasClaim(Permissions.ClaimType, Permissions.TransactionsSubmit);

    [HttpPost]
    [Authorize(Policy = Permissions.TransactionsSubmit)]
    public async Task<IActionResult> Create(CreateApiKeyViewModel form, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(form);
        var userId = User.GetUserId();
        if (ModelState.IsValid)
        {
            var result = await keys.CreateAsync(userId, userId, form.Name!, form.Scopes, form.LifetimeDays, form.SubmissionKey, cancellationToken);
            if (result.Succeeded) return this.ShowNewKey(form, result.Value, forAdministrators: false);
            if (result.Code == ErrorCode.Conflict) return this.FormAlreadyUsed(result);
            this.AddErrors(result);
        }
        // An expired or altered page key: the page comes back with a fresh one.
        if (ModelState[nameof(form.SubmissionKey)]?.Errors.Count > 0) form.SubmissionKey = CreateApiKeyViewModel.NewSubmissionKey();
        return View(nameof(Index), await screens.OwnKeysAsync(userId, CanCreate, form, cancellationToken));
    }

    [HttpPost, AuditsOthersRecord(OwnedRecord.ApiKey, "id")]
    public async Task<IActionResult> Revoke(long id, CancellationToken cancellationToken)
    {
        var result = await keys.RevokeAsync(id, User.GetUserId(), anyOwner: false, cancellationToken);
        if (result.Code == ErrorCode.NotFound) return NotFound();
        if (result.Succeeded) TempData["Message"] = Text.Get("The key was revoked: requests with it are refused from now on.");
        else TempData["Error"] = result.Errors[0].Message;
        return RedirectToAction(nameof(Index));
    }
}

internal static class ApiKeyPages
{
    /// <summary>One page for both lists (the administrators' shows owners and every scope).</summary>
    public const string IndexView = "~/Views/ApiKeys/Index.cshtml";

    /// <summary>The key in full, once: rendered in the POST's response (never stored in a cookie or redirect) and not cached.</summary>
    public static ViewResult ShowNewKey(this Controller controller, CreateApiKeyViewModel form, NewApiKey key, bool forAdministrators)
    {
        // Exactly what antiforgery sets on pages with forms (anything else it overrides with a warning).
        controller.Response.Headers.CacheControl = "no-cache, no-store";
        controller.Response.Headers.Pragma = "no-cache";
        return controller.View("~/Views/ApiKeys/Created.cshtml",
            new ApiKeyCreatedViewModel(form.Name!.Trim(), key.Secret, key.ExpiresUtc, key.Scopes, forAdministrators));
    }

    /// <summary>The page was sent again after it created its key: back to the list (a fresh form), saying which key it made.</summary>
    public static RedirectToActionResult FormAlreadyUsed(this Controller controller, Result<NewApiKey> result)
    {
        controller.TempData["Error"] = result.Errors[0].Message;
        return controller.RedirectToAction("Index");
    }
}
