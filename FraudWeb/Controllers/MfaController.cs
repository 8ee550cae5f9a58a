using FraudWeb.Infrastructure.Security;
using FraudWeb.Infrastructure;
using FraudWeb.Services;
using FraudWeb.Authorization;
using FraudWeb.Infrastructure.Localization;
using FraudWeb.Services.Accounts;
using FraudWeb.ViewModelBuilders;
using FraudWeb.ViewModels.Account;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace FraudWeb.Controllers;

/// <summary>Two-step sign-in (authenticator app): enrolment, recovery codes, turning it off, and the second sign-in step.</summary>
[Route("Account/Mfa")]
[AllowWithoutConsent]
public sealed class MfaController(MfaService mfa, AccountService accounts, MfaViewModelBuilder builder) : Controller
{
    [HttpGet(""), AllowWithoutMfa]
    public async Task<IActionResult> Index()
    {
        var page = await builder.BuildAsync(User);
        return page.Succeeded ? View(page.Value) : RedirectToAction("Login", "Account");
    }

    [HttpPost("Enable"), AllowWithoutMfa, EnableRateLimiting(RateLimitPolicies.SignIn)]
    public async Task<IActionResult> Enable([Bind(Prefix = "Form")] EnableMfaViewModel form)
    {
        ArgumentNullException.ThrowIfNull(form);
        if (ModelState.IsValid)
        {
            var enabled = await mfa.EnableAsync(User.FindUserId(), form.Code!);
            // The codes are shown once, in this response, and never stored readable.
            if (enabled.Succeeded) return View("RecoveryCodes", enabled.Value);
            foreach (var error in enabled.Errors) ModelState.AddModelError("Form." + error.Field, error.Message);
        }
        var page = await builder.BuildAsync(User, form);
        return page.Succeeded ? View(nameof(Index), page.Value) : RedirectToAction("Login", "Account");
    }

    /// <summary>New recovery codes after a current code from the app; the old ones stop working (staff, who cannot turn
    /// two-step sign-in off, had no way back once theirs were used).</summary>
    [HttpPost("RecoveryCodes"), EnableRateLimiting(RateLimitPolicies.SignIn)]
    public async Task<IActionResult> RecoveryCodes([Bind(Prefix = "Form")] EnableMfaViewModel form)
    {
        ArgumentNullException.ThrowIfNull(form);
        if (ModelState.IsValid)
        {
            var renewed = await mfa.RenewRecoveryCodesAsync(User.FindUserId(), form.Code!);
            if (renewed.Succeeded) return View("RecoveryCodes", renewed.Value);
            // Too many wrong codes: locked out and signed out everywhere.
            if (renewed.Code == ErrorCode.Refused) return RedirectToAction("Lockout", "Account");
            foreach (var error in renewed.Errors) ModelState.AddModelError("Form." + error.Field, error.Message);
        }
        var page = await builder.BuildAsync(User, form);
        return page.Succeeded ? View(nameof(Index), page.Value) : RedirectToAction("Login", "Account");
    }

    [HttpPost("Disable"), EnableRateLimiting(RateLimitPolicies.SignIn)]
    public async Task<IActionResult> Disable([Bind(Prefix = "Disable")] DisableMfaViewModel form, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(form);
        if (!ModelState.IsValid)
        {
            TempData["Error"] = Text.Get("Enter your password to turn two-step sign-in off.");
            return RedirectToAction(nameof(Index));
        }
        var result = await mfa.DisableAsync(User.FindUserId(), User.GetPermissions(), form.CurrentPassword!);
        // Too many wrong passwords: locked out and signed out everywhere, as at the change-password form.
        if (result.Code == ErrorCode.Refused && result.Errors[0].Field == MfaService.PasswordField) return RedirectToAction("Lockout", "Account");
        if (result.Succeeded)
        {
            // Value true: it was on and is now off (nothing is mailed when it was already off).
            if (result.Value) await accounts.MailTwoStepOffAsync(User.FindUserId(), byAdministrator: false, cancellationToken);
            TempData["Message"] = Text.Get("Two-step sign-in is off.");
        }
        else TempData["Error"] = result.Errors[0].Message;
        return RedirectToAction(nameof(Index));
    }

    [HttpGet("SignIn"), AllowAnonymous]
    public async Task<IActionResult> SignIn(string? returnUrl = null, bool rememberMe = false) =>
        await mfa.HasPendingSecondStepAsync() ? View(new MfaSignInViewModel { ReturnUrl = returnUrl, RememberMe = rememberMe }) : View("SecondStepExpired");

    [HttpPost("SignIn"), AllowAnonymous]
    public async Task<IActionResult> SignIn(MfaSignInViewModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!ModelState.IsValid) return View(model);
        return Outcome(await mfa.SignInWithCodeAsync(model.Code!, model.RememberMe, model.RememberBrowser), model.ReturnUrl, "Code", model);
    }

    [HttpGet("Recovery"), AllowAnonymous]
    public async Task<IActionResult> Recovery(string? returnUrl = null, bool rememberMe = false) =>
        await mfa.HasPendingSecondStepAsync() ? View(new MfaRecoveryViewModel { ReturnUrl = returnUrl, RememberMe = rememberMe }) : View("SecondStepExpired");

    [HttpPost("Recovery"), AllowAnonymous]
    public async Task<IActionResult> Recovery(MfaRecoveryViewModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!ModelState.IsValid) return View(model);
        return Outcome(await mfa.SignInWithRecoveryCodeAsync(model.RecoveryCode!, model.RememberMe), model.ReturnUrl, "RecoveryCode", model);
    }

    private IActionResult Outcome(SignInOutcome outcome, string? returnUrl, string field, object model)
    {
        switch (outcome)
        {
            case SignInOutcome.Succeeded:
                return this.BackTo(returnUrl) ?? (IActionResult)RedirectToAction("Index", "Profile");
            case SignInOutcome.LockedOut:
                return RedirectToAction("Lockout", "Account");
            case SignInOutcome.NotAllowed:
                return View("SecondStepExpired");
            default:
                ModelState.AddModelError(field, Text.Get("That code is not correct."));
                return View(model);
        }
    }
}
