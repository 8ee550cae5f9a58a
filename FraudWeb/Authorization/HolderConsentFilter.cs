using FraudWeb.Data;
using FraudWeb.Services.Privacy;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace FraudWeb.Authorization;

/// <summary>Marks pages a card holder without recorded consent may still use: signing in and out, the notice, their data.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class AllowWithoutConsentAttribute : Attribute;

/// <summary>
/// PIPL article 29: a card holder whose separate consent to the current privacy notice is not recorded (registered by
/// an administrator, before consent was recorded, or before the notice changed) is asked for it before any other page.
/// The sign-in cookie carries the consented notice's version (<see cref="Infrastructure.Security.ConsentClaimsPrincipalFactory"/>), so this
/// costs no query per request.
/// </summary>
public sealed class HolderConsentFilter : IAuthorizationFilter
{
    public const string ClaimType = "fraudweb:consent";

    /// <summary>The claim's value for a customer account with no card holder record at sign-in.</summary>
    public const string NoHolder = "no-holder";

    public void OnAuthorization(AuthorizationFilterContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var metadata = context.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<IAllowAnonymous>().Any() || metadata.OfType<AllowWithoutConsentAttribute>().Any()) return;
        var user = context.HttpContext.User;
        // Staff who also hold the Customer role work on: their own cards still wait for it (CardService).
        if (user.Identity?.IsAuthenticated != true || !user.IsInRole(Roles.Customer) || Permissions.DoesStaffWork(user.GetPermissions())) return;
        if (user.HasClaim(ClaimType, PrivacyNotice.Version) || user.HasClaim(ClaimType, NoHolder)) return;
        var request = context.HttpContext.Request;
        // A GET comes back after the consent; a form sent meanwhile is not replayed (it is sent again from its page).
        var returnUrl = HttpMethods.IsGet(request.Method) ? $"{request.PathBase}{request.Path}{request.QueryString}" : null;
        context.Result = new RedirectToActionResult("Consent", "Account", new { returnUrl });
    }
}
