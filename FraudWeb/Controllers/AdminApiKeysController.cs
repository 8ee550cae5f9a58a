using FraudWeb.Authorization;
using FraudWeb.Infrastructure.Localization;
using FraudWeb.Infrastructure.Security;
using FraudWeb.Services;
using FraudWeb.Services.ApiKeys;
using FraudWeb.ViewModelBuilders;
using FraudWeb.ViewModels.ApiKeys;
using FraudWeb.ViewModels.Common;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FraudWeb.Controllers;

/// <summary>Administrators' integration keys: for any user, with the scopes that user's permissions allow; every key can be revoked here.</summary>
[Authorize(Policy = Permissions.UsersManage)]
public sealed class AdminApiKeysController(ApiKeyService keys, ApiKeyViewModelBuilder screens) : Controller
{
    /// <param name="owner">Part of the owners' email addresses.</param>
    /// <param name="before">Working keys older than this one (the pager's link).</param>
    [HttpGet]
    public async Task<IActionResult> Index(string? owner, long? before, CancellationToken cancellationToken) =>
        View(ApiKeyPages.IndexView, await screens.AllKeysAsync(null, SearchTerm.WithoutCardNumber(owner), before, cancellationToken));

    /// <summary>The owner search: sent on to the list's address without a card number typed into it.</summary>
    [HttpPost, ActionName(nameof(Index))]
    public IActionResult Search() => this.SearchSeeOther(nameof(Index), "owner");

    [HttpPost]
    public async Task<IActionResult> Create(CreateApiKeyViewModel form, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(form);
        if (string.IsNullOrWhiteSpace(form.OwnerEmail)) ModelState.AddModelError(ApiKeyService.Fields.Owner, Text.Get("Name the user the key acts for."));
        if (ModelState.IsValid)
        {
            var result = await keys.CreateForEmailAsync(form.OwnerEmail!, User.GetUserId(), form.Name!, form.Scopes, form.LifetimeDays, form.SubmissionKey, cancellationToken);
            if (result.Succeeded) return this.ShowNewKey(form, result.Value, forAdministrators: true);
            if (result.Code == ErrorCode.Conflict) return this.FormAlreadyUsed(result);
            this.AddErrors(result);
        }
        // An expired or altered page key: the page comes back with a fresh one.
        if (ModelState[nameof(form.SubmissionKey)]?.Errors.Count > 0) form.SubmissionKey = CreateApiKeyViewModel.NewSubmissionKey();
        return View(ApiKeyPages.IndexView, await screens.AllKeysAsync(form, null, null, cancellationToken));
    }

    /// <param name="owner">The list's owner filter, to return to.</param>
    /// <param name="before">The list's page, to return to.</param>
    [HttpPost]
    public async Task<IActionResult> Revoke(long id, string? owner, long? before, CancellationToken cancellationToken)
    {
        var result = await keys.RevokeAsync(id, User.GetUserId(), anyOwner: true, cancellationToken);
        if (result.Code == ErrorCode.NotFound) return NotFound();
        if (result.Succeeded) TempData["Message"] = Text.Get("The key was revoked.");
        else TempData["Error"] = result.Errors[0].Message;
        return RedirectToAction(nameof(Index), new { owner = string.IsNullOrWhiteSpace(owner) ? null : this.Protected(nameof(owner), SearchTerm.WithoutCardNumber(owner)), before });
    }
}
