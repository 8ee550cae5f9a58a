using FraudWeb.Authorization;
using FraudWeb.Infrastructure.Localization;
using FraudWeb.Infrastructure.Security;
using FraudWeb.Services;
using FraudWeb.Services.Admin;
using FraudWeb.Services.Paging;
using FraudWeb.ViewModelBuilders;
using FraudWeb.ViewModels.Admin;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace FraudWeb.Controllers;

[Authorize(Policy = Permissions.UsersManage)]
public sealed class AdminUsersController(AdminUserService admin, AdminUsersViewModelBuilder screens, PublicSite site) : Controller
{
    [HttpGet]
    public async Task<IActionResult> Index(UserQueryViewModel query, string? cursor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        // A role or status the lists do not offer (a hand-edited link) matched no one, and the page said only "No users match".
        if (!string.IsNullOrEmpty(query.Role) && !Data.Roles.All.Contains(query.Role)) ModelState.AddModelError(nameof(query.Role), "Not a role.");
        if (!string.IsNullOrEmpty(query.Status) && query.Status is not (AdminUsersViewModelBuilder.StatusActive or AdminUsersViewModelBuilder.StatusLocked))
            ModelState.AddModelError(nameof(query.Status), "Not a status.");
        if (!ModelState.IsValid)
        {
            // As the audit log does: a filter that makes no sense is left out with a message, the others stay (was:
            // every filter dropped silently, so the whole list looked like the filtered one).
            TempData["Error"] = Text.Get("Some filters were not understood and were left out.");
            return RedirectToAction(nameof(Index), UnderstoodFilters(query));
        }
        // Old links' ?page=N are not read (the list pages by cursor now): they open the first page.
        var at = AccountCursor.Decode(cursor);
        if (at is null && !string.IsNullOrEmpty(cursor))
        {
            // A hand-edited cursor: the first page with a message, the filters kept.
            TempData["Error"] = Text.Get("That page of the list was not found; here is its first page.");
            return RedirectToAction(nameof(Index), UnderstoodFilters(query));
        }
        return View(await screens.ListAsync(query, at, cancellationToken));
    }

    /// <summary>The search form: sent on to the list's address without a card number typed into it.</summary>
    [HttpPost, ActionName(nameof(Index))]
    public IActionResult Search() => this.SearchSeeOther(nameof(Index), nameof(UserQueryViewModel.Search), nameof(UserQueryViewModel.Role), nameof(UserQueryViewModel.Status));

    private RouteValueDictionary UnderstoodFilters(UserQueryViewModel query)
    {
        var filters = new RouteValueDictionary();
        void Keep(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value) && ModelState[name] is not { Errors.Count: > 0 }) filters[name] = this.Protected(name, value);
        }
        Keep(nameof(query.Search), query.Search);
        Keep(nameof(query.Role), query.Role);
        Keep(nameof(query.Status), query.Status);
        return filters;
    }

    [HttpGet]
    public async Task<IActionResult> Details(string id, CancellationToken cancellationToken)
    {
        var model = await screens.DetailsAsync(id, User.GetUserId(), cancellationToken);
        if (model is null) return NotFound();
        await admin.RecordDetailsViewedAsync(User.GetUserId(), id, AdminUserService.DetailsPages.Details, cancellationToken);
        return View(model);
    }

    [HttpGet]
    public IActionResult Create() => View(new CreateUserViewModel { Language = Languages.Current });

    /// <summary>Opens a card holder's account with their details; they are invited to choose a password.</summary>
    [HttpPost]
    public async Task<IActionResult> Create(CreateUserViewModel model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!ModelState.IsValid) return View(model);
        var result = await admin.CreateCardHolderAsync(User.GetUserId(), model.Email!, model.ToDetails(), model.Language, AcceptUrl, cancellationToken);
        return Created(result, model.Email!, () => View(model));
    }

    [HttpGet]
    public IActionResult Invite() => View(new InviteStaffViewModel { Language = Languages.Current });

    /// <summary>Invites a staff member: address, roles and the language of the invitation only.</summary>
    [HttpPost]
    public async Task<IActionResult> Invite(InviteStaffViewModel model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!ModelState.IsValid) return View(model);
        var result = await admin.InviteStaffAsync(User.GetUserId(), model.Email!, [.. model.Roles], model.Language, AcceptUrl, cancellationToken);
        return Created(result, model.Email!, () => View(model));
    }

    private IActionResult Created(Result<string> result, string email, Func<IActionResult> form)
    {
        if (!result.Succeeded)
        {
            this.AddErrors(result);
            return form();
        }
        TempData["Message"] = Text.Format("{0} was created and has been sent an invitation to choose a password.", email.Trim());
        return RedirectToAction(nameof(Details), new { id = result.Value });
    }

    [HttpGet]
    public async Task<IActionResult> Edit(string id, CancellationToken cancellationToken)
    {
        var model = await screens.EditFormAsync(id, cancellationToken);
        if (model is null) return NotFound();
        await admin.RecordDetailsViewedAsync(User.GetUserId(), id, AdminUserService.DetailsPages.Edit, cancellationToken);
        return View(model);
    }

    [HttpPost]
    public async Task<IActionResult> Edit(string id, EditUserViewModel model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        model.Id = id;
        if (!ModelState.IsValid) return View(model);
        var result = await admin.EditAsync(User.GetUserId(), id, model.ToDetails(), model.RowVersion, cancellationToken);
        if (result.Code == ErrorCode.NotFound) return NotFound();
        if (result.Code == ErrorCode.Conflict && await screens.EditFormAsync(id, cancellationToken) is { } stored && stored.RowVersion != model.RowVersion)
        {
            // Saved meanwhile by the holder or another administrator: the details as they are now, with their version.
            ModelState.Clear();
            this.AddErrors(result);
            await admin.RecordDetailsViewedAsync(User.GetUserId(), id, AdminUserService.DetailsPages.Edit, cancellationToken);
            return View(stored);
        }
        if (!result.Succeeded)
        {
            this.AddErrors(result);
            return View(model);
        }
        TempData["Message"] = Text.Get("The personal details have been saved.");
        return RedirectToAction(nameof(Details), new { id });
    }

    [HttpPost]
    public async Task<IActionResult> Lock(string id, CancellationToken cancellationToken) =>
        Locked(id, await admin.SetLockedAsync(User.GetUserId(), id, locked: true, cancellationToken), "The account is locked and its sessions have ended.", LockedWithoutPassword);

    [HttpPost]
    public async Task<IActionResult> Unlock(string id, CancellationToken cancellationToken) =>
        Locked(id, await admin.SetLockedAsync(User.GetUserId(), id, locked: false, cancellationToken), "The account is unlocked.", UnlockedWithoutPassword);

    [HttpPost]
    public async Task<IActionResult> ResetPassword(string id, CancellationToken cancellationToken)
    {
        var result = await admin.ForcePasswordResetAsync(User.GetUserId(), id, ResetUrl, AcceptUrl, cancellationToken);
        return Done(id, result, !result.Succeeded ? "" : result.Value switch
        {
            ResetMail.None => Text.Get("The password no longer works, sessions have ended and API keys are revoked. The account is locked, so no reset link was emailed: once it is unlocked, its owner can ask for one on the sign-in page."),
            // An invitee had no password to stop working.
            ResetMail.Invitation => Text.Get("A new invitation link has been emailed, in the language of the first invitation."),
            _ => Text.Get("The password no longer works, sessions have ended, API keys are revoked and a reset link has been emailed."),
        });
    }

    [HttpPost]
    public async Task<IActionResult> ResetTwoStep(string id, CancellationToken cancellationToken) =>
        Done(id, await admin.ResetTwoStepAsync(User.GetUserId(), id, cancellationToken),
            Text.Get("Two-step sign-in is off for this account and its sessions have ended. Staff set it up again at their next sign-in."));

    [HttpPost]
    public async Task<IActionResult> Roles(string id, UserRolesViewModel model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        var result = await admin.SetRolesAsync(User.GetUserId(), id, model.Roles, model.ShownRoles, cancellationToken);
        return Done(id, result, result.Succeeded && result.Value.NeedsDetails
            ? Text.Get("The roles have been saved. This account has no personal details yet, so it cannot add a card: add them with \"Edit details\".")
            : Text.Get("The roles have been saved."));
    }

    [HttpGet]
    public async Task<IActionResult> Delete(string id, CancellationToken cancellationToken)
    {
        var model = await screens.DeleteFormAsync(id, User.GetUserId(), cancellationToken);
        if (model is null) return NotFound();
        // The confirmation names the person.
        await admin.RecordDetailsViewedAsync(User.GetUserId(), id, AdminUserService.DetailsPages.Delete, cancellationToken);
        return View(model);
    }

    [HttpPost]
    [ActionName(nameof(Delete))]
    public async Task<IActionResult> DeleteConfirmed(string id, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(id)) return NotFound();
        var result = await admin.DeleteAsync(User.GetUserId(), id, cancellationToken);
        if (result.Code == ErrorCode.NotFound)
        {
            // Most likely a second click after the first deleted it (the browser shows the second answer).
            TempData["Message"] = Text.Get("That account no longer exists: it has been deleted.");
            return RedirectToAction(nameof(Index));
        }
        if (!result.Succeeded)
        {
            TempData["Error"] = result.Errors[0].Message;
            return RedirectToAction(nameof(Details), new { id });
        }
        TempData["Message"] = Text.Get("The account was deleted and the personal details erased.");
        return RedirectToAction(nameof(Index));
    }

    public const string LockedWithoutPassword = "The account is locked. It had no password yet, so the link it was mailed to choose one no longer works: once it is unlocked, use \"Send a new link to choose a password\".";
    public const string UnlockedWithoutPassword = "The account is unlocked. It has no password yet, and a link mailed before the lock no longer works: use \"Send a new link to choose a password\".";

    /// <summary>A lock's outcome; an account with no password yet is told apart (staff test: its mailed link stopped working, unsaid).</summary>
    private IActionResult Locked(string id, Result<bool> result, string message, string withoutPassword) =>
        Done(id, result, Text.Get(result.Succeeded && result.Value ? withoutPassword : message));

    private IActionResult Done(string id, Result result, string message)
    {
        if (result.Code == ErrorCode.NotFound) return NotFound();
        if (result.Succeeded) TempData["Message"] = message;
        else TempData["Error"] = result.Errors[0].Message;
        return RedirectToAction(nameof(Details), new { id });
    }

    // The token names the account: no address in a mailed URL (logs, histories).
    private string AcceptUrl(string token) =>
        site.Link(Url.Action(nameof(AccountController.AcceptInvitation), "Account", new { token })!);

    private string ResetUrl(string token) =>
        site.Link(Url.Action(nameof(AccountController.ResetPassword), "Account", new { token })!);
}
