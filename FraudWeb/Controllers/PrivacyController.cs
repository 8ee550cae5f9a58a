using FraudWeb.Authorization;
using FraudWeb.Infrastructure;
using FraudWeb.Infrastructure.Localization;
using FraudWeb.Infrastructure.Security;
using FraudWeb.Services;
using FraudWeb.Services.Privacy;
using FraudWeb.ViewModelBuilders;
using FraudWeb.ViewModels.Privacy;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace FraudWeb.Controllers;

/// <summary>"Your data": download everything kept about you, or close your account (docs/decisions/0024).</summary>
[AllowWithoutConsent]
public sealed class PrivacyController(DataExportService export, AccountClosingService closing, PrivacyViewModelBuilder screens) : Controller
{
    [HttpGet]
    public async Task<IActionResult> Index(CancellationToken cancellationToken)
    {
        var model = await screens.BuildAsync(User.FindUserId(), cancellationToken);
        return model is null ? RedirectToAction("Login", "Account") : View(model);
    }

    /// <summary>
    /// The download: a POST with the antiforgery token (it is audited, and another site must not start it), streamed as
    /// it is read, never kept by the browser's cache.
    /// </summary>
    [HttpPost, EnableRateLimiting(RateLimitPolicies.DataExport), ResponseCache(Location = ResponseCacheLocation.None, NoStore = true)]
    public async Task<IResult> Export(CancellationToken cancellationToken)
    {
        var userId = User.GetUserId();
        var recorded = await export.RecordAsync(userId, cancellationToken);
        if (!recorded.Succeeded) return Results.NotFound();
        return Results.Stream(body => export.WriteAsync(userId, body, HttpContext.RequestAborted), "application/json; charset=utf-8", export.FileName());
    }

    /// <summary>The confirmation page: what closing does and keeps, in the person's language, with the password form.</summary>
    [HttpGet]
    public async Task<IActionResult> Close(CancellationToken cancellationToken)
    {
        var model = await screens.BuildAsync(User.FindUserId(), cancellationToken);
        return model is null ? RedirectToAction("Login", "Account") : View(model);
    }

    [HttpPost, EnableRateLimiting(RateLimitPolicies.SignIn)]
    public async Task<IActionResult> Close([Bind(Prefix = "Form")] CloseAccountViewModel form, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(form);
        if (ModelState.IsValid)
        {
            var result = await closing.CloseAsync(User.FindUserId(), form.CurrentPassword!, cancellationToken);
            if (result.Succeeded)
            {
                TempData["Closed"] = true;
                return RedirectToAction(nameof(Closed));
            }
            // Too many wrong passwords: locked out and signed out everywhere, as at the change-password form.
            if (result.Code == ErrorCode.Refused && result.Errors[0].Field == AccountClosingService.PasswordField) return RedirectToAction("Lockout", "Account");
            if (result.Code == ErrorCode.NotFound) return RedirectToAction("Login", "Account");
            if (result.Code == ErrorCode.Refused)
            {
                TempData["Error"] = result.Errors[0].Message;
                return RedirectToAction(nameof(Index));
            }
            // An error of no field (the account changed meanwhile) goes to the form's summary.
            foreach (var error in result.Errors) ModelState.AddModelError(string.IsNullOrEmpty(error.Field) ? "" : "Form." + error.Field, error.Message);
        }
        var model = await screens.BuildAsync(User.FindUserId(), cancellationToken);
        return model is null ? RedirectToAction("Login", "Account") : View(model);
    }

    /// <summary>The goodbye page, once, right after closing (signed out by then); otherwise the home page.</summary>
    [HttpGet, AllowAnonymous]
    public IActionResult Closed() => TempData["Closed"] is true ? View() : RedirectToAction("Index", "Home");
}
