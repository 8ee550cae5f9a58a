using FraudWeb.Infrastructure.Security;
using FraudWeb.Authorization;
using FraudWeb.Infrastructure;
using FraudWeb.Infrastructure.Localization;
using FraudWeb.Services;
using FraudWeb.Services.Accounts;
using FraudWeb.ViewModels.Account;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.WebUtilities;

namespace FraudWeb.Controllers;

[AllowWithoutConsent]
public sealed class AccountController(AccountService accounts, PublicSite site) : Controller
{
    [HttpGet, AllowAnonymous]
    public IActionResult Register() => User.Identity?.IsAuthenticated == true ? RedirectToAction("Index", "Profile") : View(new RegisterViewModel());

    [HttpPost, AllowAnonymous, EnableRateLimiting(RateLimitPolicies.Register)]
    public async Task<IActionResult> Register(RegisterViewModel model, CancellationToken cancellationToken)
    {
        if (!ModelState.IsValid) return View(model);
        var links = new RegistrationLinks(
            (userId, token) => site.Link(Url.Action(nameof(ConfirmEmail), "Account", new { userId, token })!),
            site.Link(Url.Action(nameof(Login), "Account")!),
            site.Link(Url.Action(nameof(ForgotPassword), "Account")!),
            token => site.Link(Url.Action(nameof(ResetPassword), "Account", new { token })!));
        var result = await accounts.RegisterAsync(model.Email!, model.Password!, model.ToDetails(), model.SensitiveDataConsent, links, cancellationToken);
        if (!result.Succeeded)
        {
            this.AddErrors(result);
            return View(model);
        }
        return RedirectToAction(nameof(RegisterConfirmation));
    }

    /// <summary>
    /// Asked of a card holder with no consent recorded to the current privacy notice (<see cref="HolderConsentFilter"/>
    /// sends them here from every other page); one who has consented meanwhile goes straight on.
    /// </summary>
    [HttpGet]
    public async Task<IActionResult> Consent(string? returnUrl, CancellationToken cancellationToken)
    {
        if (await accounts.HasConsentedAsync(User.GetUserId(), cancellationToken))
        {
            await accounts.GiveConsentAsync(User.GetUserId(), cancellationToken);
            return this.BackTo(returnUrl) ?? (IActionResult)RedirectToAction("Index", "Profile");
        }
        return View(new ConsentViewModel { ReturnUrl = returnUrl });
    }

    [HttpPost]
    public async Task<IActionResult> Consent(ConsentViewModel model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!ModelState.IsValid) return View(model);
        var result = await accounts.GiveConsentAsync(User.GetUserId(), cancellationToken);
        // An account without a card holder record (staff) has nothing to consent to: its own home.
        if (!result.Succeeded) return RedirectToAction("Index", "Home");
        return this.BackTo(model.ReturnUrl) ?? (IActionResult)RedirectToAction("Index", "Profile");
    }

    /// <summary>The same page whether the address was new or already had an account.</summary>
    [HttpGet, AllowAnonymous]
    public IActionResult RegisterConfirmation() => View();

    /// <summary>
    /// The mailed link asks; its button confirms (POST). Opened by a mail scanner or a link preview, a GET that confirmed
    /// made an account someone else registered with this address usable with their password.
    /// </summary>
    [HttpGet, AllowAnonymous]
    public async Task<IActionResult> ConfirmEmail(string? userId, string? token)
    {
        if (string.IsNullOrWhiteSpace(userId) || string.IsNullOrWhiteSpace(token)) return View("ConfirmEmailInvalid");
        var result = await accounts.CheckEmailConfirmationAsync(userId, token);
        return result.Succeeded ? View("ConfirmEmailAsk", new ConfirmEmailViewModel { UserId = userId, Token = token }) : ConfirmEmailOutcome(result);
    }

    [HttpPost, AllowAnonymous]
    [ActionName(nameof(ConfirmEmail))]
    public async Task<IActionResult> ConfirmEmailPost(ConfirmEmailViewModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!ModelState.IsValid || string.IsNullOrWhiteSpace(model.UserId) || string.IsNullOrWhiteSpace(model.Token)) return View("ConfirmEmailInvalid");
        return ConfirmEmailOutcome(await accounts.ConfirmEmailAsync(model.UserId, model.Token));
    }

    private ViewResult ConfirmEmailOutcome(Result result) =>
        View(result.Succeeded ? "ConfirmEmail" : result.Code == ErrorCode.Conflict ? "ConfirmEmailAlreadyConfirmed" : "ConfirmEmailInvalid");

    [HttpGet, AllowAnonymous]
    public IActionResult Login(string? returnUrl = null) => View(new LoginViewModel { ReturnUrl = returnUrl });

    [HttpPost, AllowAnonymous, EnableRateLimiting(RateLimitPolicies.SignIn)]
    public async Task<IActionResult> Login(LoginViewModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!ModelState.IsValid) return View(model);
        switch (await accounts.SignInAsync(model.Email!, model.Password!, model.RememberMe))
        {
            case SignInOutcome.Succeeded:
                return this.BackTo(model.ReturnUrl) ?? (IActionResult)RedirectToAction("Index", "Profile");
            case SignInOutcome.LockedOut:
                return RedirectToAction(nameof(Lockout));
            case SignInOutcome.LockedByAdministrator:
                return RedirectToAction(nameof(Lockout), new { byAdministrator = true });
            case SignInOutcome.RequiresTwoFactor:
                return RedirectToAction(nameof(MfaController.SignIn), "Mfa", new { returnUrl = model.ReturnUrl, rememberMe = model.RememberMe });
            case SignInOutcome.EmailNotConfirmed:
                ModelState.AddModelError("", Text.Get("Confirm your email address first: follow the link in the message we sent you. To get a new link, register again with the same address."));
                model.Password = null;
                return View(model);
            default:
                ModelState.AddModelError("", Text.Get("The email or password is not correct."));
                model.Password = null;
                return View(model);
        }
    }

    /// <summary>The sign-in failure lockout (15 minutes, or reset the password), or an administrator's lock (contact support).</summary>
    [HttpGet, AllowAnonymous]
    public IActionResult Lockout(bool byAdministrator = false) => View(byAdministrator);

    [HttpPost, AllowWithoutMfa]
    public async Task<IActionResult> Logout()
    {
        await accounts.SignOutAsync();
        return RedirectToAction("Index", "Home");
    }

    [HttpGet, AllowAnonymous]
    public IActionResult AccessDenied() => View();

    /// <summary>Account and security: one menu item for the settings every signed-in person has, so the menu stays one line.</summary>
    [HttpGet]
    public IActionResult Settings() => View();

    [HttpGet]
    public IActionResult ChangePassword() => View(new ChangePasswordViewModel());

    [HttpPost, EnableRateLimiting(RateLimitPolicies.SignIn)]
    public async Task<IActionResult> ChangePassword(ChangePasswordViewModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!ModelState.IsValid) return View(model);
        var result = await accounts.ChangePasswordAsync(User.FindUserId(), model.CurrentPassword!, model.NewPassword!);
        // Too many wrong current passwords: locked out and signed out everywhere, as at the sign-in form.
        if (result.Code == Services.ErrorCode.Refused) return RedirectToAction(nameof(Lockout));
        if (!result.Succeeded)
        {
            this.AddErrors(result);
            return View(model);
        }
        TempData["Message"] = result.Value switch
        {
            0 => Text.Get("Your password has been changed."),
            1 => Text.Get("Your password has been changed. Your API key was revoked with the old password: create a new one where you use it."),
            _ => Text.Format("Your password has been changed. Your {0} API keys were revoked with the old password: create new ones where you use them.", result.Value),
        };
        return RedirectToAction("Index", "Profile");
    }

    [HttpGet]
    public IActionResult ChangeEmail() => View(new ChangeEmailViewModel());

    /// <summary>
    /// Mails a link to the new address (and a notice to the current one); the address changes when it is followed.
    /// Limited as the other forms that mail (forgot password); the link's button as the password forms are.
    /// </summary>
    [HttpPost, EnableRateLimiting(RateLimitPolicies.PasswordReset)]
    public async Task<IActionResult> ChangeEmail(ChangeEmailViewModel model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!ModelState.IsValid) return View(model);
        var result = await accounts.RequestEmailChangeAsync(User.FindUserId(), model.CurrentPassword!, model.NewEmail!,
            token => site.Link(Url.Action(nameof(ConfirmEmailChange), "Account", new { token })!), cancellationToken);
        // Too many wrong current passwords: locked out and signed out everywhere, as at the change-password form.
        if (result.Code == Services.ErrorCode.Refused) return RedirectToAction(nameof(Lockout));
        if (result.Code == Services.ErrorCode.NotFound) return RedirectToAction(nameof(Login));
        if (!result.Succeeded)
        {
            this.AddErrors(result);
            model.CurrentPassword = null;
            return View(model);
        }
        // The same words whether or not the address has an account (nothing tells who has one).
        TempData["Message"] = Text.Format("We have sent a link to {0}. Your email address changes when you follow it; until then, sign in with your current address.", model.NewEmail!.Trim());
        return RedirectToAction("Index", "Profile");
    }

    /// <summary>
    /// The mailed link opens a page that asks to confirm (a button), so a mail scanner opening links changes nothing.
    /// The new address comes from the token; a link mailed before, with the address in it, goes on without it.
    /// </summary>
    [HttpGet]
    public IActionResult ConfirmEmailChange(string? email, string? token)
    {
        if (email is not null && !string.IsNullOrWhiteSpace(token)) return WithoutAddress();
        var address = accounts.EmailChangeAddressOf(token);
        return address is null ? View("ConfirmEmailChangeInvalid") : View(new ConfirmEmailChangeViewModel { NewEmail = address, Token = token });
    }

    [HttpPost, EnableRateLimiting(RateLimitPolicies.SignIn)]
    public async Task<IActionResult> ConfirmEmailChange(ConfirmEmailChangeViewModel model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        // The address is the token's, whatever the form sent.
        var address = ModelState.IsValid ? accounts.EmailChangeAddressOf(model.Token) : null;
        if (address is null) return View("ConfirmEmailChangeInvalid");
        model.NewEmail = address;
        var result = await accounts.ConfirmEmailChangeAsync(User.FindUserId(), address, model.Token!, cancellationToken);
        if (result.Code == Services.ErrorCode.NotFound) return RedirectToAction(nameof(Login));
        if (result.Code == Services.ErrorCode.Conflict)
        {
            // Followed again once it had done its work: said so.
            TempData["Message"] = result.Errors[0].Message;
            return RedirectToAction("Index", "Profile");
        }
        if (!result.Succeeded) return View("ConfirmEmailChangeInvalid");
        TempData["Message"] = Text.Format("Your email address is now {0}. Sign in with it from now on; your other sessions have been signed out.", model.NewEmail!.Trim());
        return RedirectToAction("Index", "Profile");
    }

    [HttpGet, AllowAnonymous]
    public IActionResult ForgotPassword() => View(new ForgotPasswordViewModel());

    [HttpPost, AllowAnonymous, EnableRateLimiting(RateLimitPolicies.PasswordReset)]
    public async Task<IActionResult> ForgotPassword(ForgotPasswordViewModel model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!ModelState.IsValid) return View(model);
        // The link is made after this request has ended (the mail goes after the answer), so not from Url.
        var resetPath = Url.Action(nameof(ResetPassword), "Account")!;
        await accounts.RequestPasswordResetAsync(model.Email!,
            token => site.Link(QueryHelpers.AddQueryString(resetPath, "token", token)),
            cancellationToken);
        return RedirectToAction(nameof(ForgotPasswordConfirmation));
    }

    [HttpGet, AllowAnonymous]
    public IActionResult ForgotPasswordConfirmation() => View();

    /// <summary>The token names the account; a link mailed before with the address in it goes on without the address.</summary>
    [HttpGet, AllowAnonymous]
    public async Task<IActionResult> ResetPassword(string? email, string? token)
    {
        if (string.IsNullOrWhiteSpace(token)) return View("ResetPasswordInvalid");
        if (email is not null) return WithoutAddress();
        var link = await accounts.ResetLinkAsync(token);
        var model = new ResetPasswordViewModel { Email = link.Email, Token = token };
        // A registration never confirmed is finished here: its details are asked again, blank.
        if (link.FinishesRegistration) model.Details = new RegistrationDetailsViewModel();
        return View(model);
    }

    [HttpPost, AllowAnonymous, EnableRateLimiting(RateLimitPolicies.PasswordReset)]
    public async Task<IActionResult> ResetPassword(ResetPasswordViewModel model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        // A link without its token is no reset link, whatever else was sent.
        if (string.IsNullOrWhiteSpace(model.Token)) return View("ResetPasswordInvalid");
        // Whether details are asked is the server's to say, not the form's: sent for an account that needs none (a
        // hand-made form, or one confirmed since), they are ignored, not validated.
        if (!await accounts.FinishesRegistrationAsync(model.Email, model.Token)) IgnoreDetails(model);
        if (!ModelState.IsValid) return View(model);
        var result = await accounts.ResetPasswordAsync(model.Email, model.Token!, model.Password!, model.Details?.ToDetails(), cancellationToken);
        if (!result.Succeeded)
        {
            // The form was opened as a plain reset (before the link was known to finish a registration): it asks for them now.
            if (result.Code == Services.ErrorCode.Refused) model.Details ??= new RegistrationDetailsViewModel();
            this.AddErrors(result);
            return View(model);
        }
        if (result.Value.RegistrationFinished) TempData[RegistrationFinished] = true;
        // A reset is how an owner takes an account back: keys someone else may have made end with the old password.
        if (result.Value.RevokedKeys == 1) TempData["Message"] = Text.Get("Your API key was revoked with the old password: create a new one where you use it.");
        else if (result.Value.RevokedKeys > 1) TempData["Message"] = Text.Format("Your {0} API keys were revoked with the old password: create new ones where you use them.", result.Value.RevokedKeys);
        return RedirectToAction(nameof(ResetPasswordConfirmation));
    }

    /// <summary>As <see cref="ResetPassword(string?, string?)"/>: the token names the account, an old link's address is dropped.</summary>
    [HttpGet, AllowAnonymous]
    public async Task<IActionResult> AcceptInvitation(string? email, string? token)
    {
        if (string.IsNullOrWhiteSpace(token)) return View("AcceptInvitationInvalid");
        if (email is not null) return WithoutAddress();
        return View(new ResetPasswordViewModel { Email = await accounts.InvitationAddressAsync(token), Token = token });
    }

    [HttpPost, AllowAnonymous, EnableRateLimiting(RateLimitPolicies.PasswordReset)]
    public async Task<IActionResult> AcceptInvitation(ResetPasswordViewModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (string.IsNullOrWhiteSpace(model.Token)) return View("AcceptInvitationInvalid");
        // An invitation asks no details (the administrator entered them): any sent are ignored.
        IgnoreDetails(model);
        if (!ModelState.IsValid) return View(model);
        var result = await accounts.AcceptInvitationAsync(model.Email, model.Token!, model.Password!);
        if (!result.Succeeded)
        {
            this.AddErrors(result);
            return View(model);
        }
        TempData["Message"] = Text.Get("Your password is set. Sign in to start.");
        return RedirectToAction(nameof(Login));
    }

    /// <summary>
    /// This link again without its address (links mailed before carried one): the page is then kept in the history,
    /// and sent as the referrer, without it. The rest of the query (the token, the mail's language) stays.
    /// </summary>
    private LocalRedirectResult WithoutAddress() =>
        LocalRedirect(Request.PathBase + Request.Path + QueryString.Create(Request.Query.Where(q => !string.Equals(q.Key, "email", StringComparison.OrdinalIgnoreCase))));

    /// <summary>The form's details left out: not kept, and their errors not shown (nor blocking the form).</summary>
    private void IgnoreDetails(ResetPasswordViewModel model)
    {
        model.Details = null;
        foreach (var key in ModelState.Keys.Where(k => k.StartsWith(nameof(ResetPasswordViewModel.Details), StringComparison.Ordinal)).ToList()) ModelState.Remove(key);
    }

    [HttpGet, AllowAnonymous]
    public IActionResult ResetPasswordConfirmation() => View(TempData[RegistrationFinished] is true);

    /// <summary>The confirmation page then says the account is ready, not that a password changed.</summary>
    private const string RegistrationFinished = nameof(RegistrationFinished);
}
